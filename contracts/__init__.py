"""Contracting: who is paid, under what contract.

Offers: `uscc` (the unified social credit code and its GB 32100-2015 check character, pure),
`models` (Contractor, Contract, ContractMilestone, ContractVariation), `services` (every rule on
contractors), `contract_services` (contracts and variations: the current value kept in step, the
CHECKs behind it, the contract's row lock), the pages at /contracts (the contractor register, a
contract, a variation), a contracts section on each project page and contracts as owners of
documents (`wiring`), `flask contractors add` and `flask contracts export`. Above planning (a contract
is on a project), below finance (a payment will name its contract).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages, the `contractors` and `contracts` commands, the trail's words, the project section and
    the document owner kind."""
    from contracts import contract_views, models, views  # noqa: F401  (the tables; the routes)
    from contracts.audit_words import install as install_audit_words
    from contracts.blueprint import bp
    from contracts.cli import contractors_cli, contracts_cli
    from contracts.wiring import install as install_wiring

    app.register_blueprint(bp, url_prefix="/contracts")
    app.cli.add_command(contractors_cli)
    app.cli.add_command(contracts_cli)
    install_audit_words(app)
    install_wiring(app)
