"""The demo county: illustrative data (`data`), its pure planning (`plan`), the loader (`seed`) and
`flask seed-demo`; the synthetic county-scale data of `flask gen-data` (`gen_plan`, `gen_data`)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The `seed-demo` and `gen-data` commands, and the trail's name for a generated county."""
    from audit.vocabulary import describe
    from core.i18n import _l
    from demo.cli import seed_demo_command
    from demo.gen_data import gen_data_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(gen_data_command)
    describe(app, actions={"demo.gen_data": _l("Synthetic county generated")},
             fields={"seed": _l("Random seed")})
