"""Leadership: the dashboard, charts, earned value and the printable meeting report.

Offers: `services` (the reports put together, cached by data version), `queries` (aggregate reads),
`filters`, `tables`, `charts/` (what each chart shows, its data, drawing and table), `earned_value/`
(PV, EV, AC and the rest, per project, source and portfolio; S-curves), `meeting/` (the A4 report),
`cache/` (the cache keyed by data version and the warmer that refills it after a change), the pages
at /reports and `flask report`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The /reports pages and `report` command; the background warmer; the trail's name for an
    earned-value export."""
    from audit.vocabulary import describe
    from core.i18n import _l
    from reports import views  # noqa: F401  (its routes)
    from reports.blueprint import bp
    from reports.cli import report_command
    from reports.warm import install as install_warmer

    app.register_blueprint(bp, url_prefix="/reports")
    app.cli.add_command(report_command)
    install_warmer(app)  # recompute the unfiltered reports in the background after a change
    # Features below reports (disclosure's notices due) keep what they compute per data version here.
    from reports.cache.store import cached_by_version

    app.extensions["version_cache"] = cached_by_version
    describe(app, actions={"earned_value.export": _l("Earned value exported"),
                           "schedule.export": _l("Spending against schedule exported")})
