"""Variations of one contract released together keep its value in step with its history and never
take it to zero or below, on whichever database the suite runs on (SQLite, then PostgreSQL)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from contracts.contract_services import ContractInput, create_contract
from contracts.models import Contract, ContractVariation
from contracts.services import ContractorInput, register_contractor
from extensions import db
from tests import factories
from tests.http_session import HttpSession
from tests.test_races import release_together


def test_decreases_released_together_stop_above_zero(app, live_server):
    """Eight decreases of 30,000 yuan on a 100,000 yuan contract leave together: exactly three are
    stored (100,000 → 10,000), the others refused; values chain; nothing answers 500."""
    project = factories.make_project()
    contractor = register_contractor(ContractorInput(name="并发测试建设有限公司", uscc="91350100M000100Y43"))
    contract = create_contract(ContractInput(contract_no="RACE-1", project_id=project.id, contractor_id=contractor.id,
                                             subject="works", method="public_tender", signed_on=date(2026, 1, 5),
                                             value_fen=10_000_000))
    factories.make_user("planner", username="racer")
    db.session.commit()
    contract_id = contract.id
    sessions = []
    for _ in range(8):
        session = HttpSession(live_server)
        session.login("racer", factories.PASSWORD)
        sessions.append(session)
    page = f"/contracts/{contract_id}"
    tokens = [session.form_tokens(page) for session in sessions]
    calls = [lambda session=session, token=token: session.post_with_token(
        f"/contracts/{contract_id}/variations",
        {"direction": "decrease", "amount_fen": "30000", "reason": "并发核减", "varied_on": "2026-03-01"}, token)
        for session, token in zip(sessions, tokens, strict=True)]
    statuses = release_together(calls)
    assert 500 not in statuses and set(statuses) <= {200, 302}
    db.session.expire_all()
    value = db.session.scalar(select(Contract.value_fen).where(Contract.id == contract_id))
    variations = db.session.scalars(select(ContractVariation).where(ContractVariation.contract_id == contract_id)
                                    .order_by(ContractVariation.sequence)).all()
    assert value == 1_000_000 and len(variations) == 3
    assert [v.value_after_fen for v in variations] == [7_000_000, 4_000_000, 1_000_000]


def test_payments_under_one_contract_released_together_stop_before_the_retention(app, live_server):
    """Six payments of 200,000 yuan under a 1,000,000 yuan contract at 3% leave together: exactly four
    are stored (800,000; a fifth would reach into the retention), the contract's paid equals them."""
    from funds.ledger import services as ledger
    from funds.models import Payment

    source = factories.make_source(pays_directly=True, received_fen=500_000_000)
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=300_000_000, entry_date=date(2025, 1, 2))
    contractor = register_contractor(ContractorInput(name="并发支付建设有限公司", uscc="91350100M000100Y43"))
    contract = create_contract(ContractInput(contract_no="RACE-PAY", project_id=project.id,
                                             contractor_id=contractor.id, subject="works", method="public_tender",
                                             signed_on=date(2025, 1, 5), value_fen=100_000_000, retention_bp=300))
    factories.make_user("finance", username="payer")
    db.session.commit()
    ids = {"source": source.id, "project": project.id, "milestone": milestone.id, "contract": contract.id}
    sessions = []
    for _ in range(6):
        session = HttpSession(live_server)
        session.login("payer", factories.PASSWORD)
        sessions.append(session)
    form = f"/funds/sources/{ids['source']}/payments/new?project={ids['project']}"
    tokens = [session.form_tokens(form) for session in sessions]
    calls = [lambda session=session, token=token, number=number: session.post_with_token(form, {
        "project_id": ids["project"], "milestone_id": ids["milestone"], "voucher_no": f"HT-{number}",
        "payee": "并发支付建设有限公司", "paid_on": "2026-02-02", "amount": "200000", "cost_category": "materials",
        "contract_id": ids["contract"]}, token) for number, (session, token) in enumerate(zip(sessions, tokens,
                                                                                             strict=True))]
    statuses = release_together(calls)
    assert 500 not in statuses and set(statuses) <= {200, 302}
    db.session.expire_all()
    paid = db.session.scalar(select(Contract.paid_fen).where(Contract.id == ids["contract"]))
    stored = db.session.scalars(select(Payment.amount_fen).where(Payment.contract_id == ids["contract"])).all()
    assert paid == sum(stored) == 80_000_000 and len(stored) == 4
