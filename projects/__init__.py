"""Planning office: administrative areas, projects, milestones and their progress.

Offers: `models` (Area, Project, Milestone, ProgressUpdate, ProjectChange), `services` (every rule on
planning data, whatever door it comes through), `lifecycle` and `progress` (pure), `queries` (the
project list's filter), `money` (the interface through which planning pages read the finance ledger,
which finance provides), `imports/` (the spreadsheet round trip: import, export, template), the pages
at /projects and `flask projects`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The /projects pages (list, project, editing, import), the `projects` and `assessments` commands, planning's words
    for the audit trail, projects and milestones as owners of documents (documents.owners), and the
    import's choice columns whose values a county may map by hand (import_values)."""
    from projects import edit_views, views  # noqa: F401  (their routes)
    from projects.audit_words import install as install_audit_words
    from projects.blueprint import bp
    from projects.cli import projects_cli
    from projects.evidence import documents_gate, register_owner_kinds
    from projects.gates import install_gate
    from projects.imports import views as import_views  # noqa: F401  (its routes)
    from projects.imports.mapped_values import register_value_kinds
    from projects.library import views as library_views  # noqa: F401  (its routes)
    from projects.library.services import library_gate
    from projects.map import views as map_views  # noqa: F401  (its routes)
    from projects.positions import DEFAULT_COUNTY_BBOX, County
    from projects.targets import views as target_views
    from projects.targets.cli import assessments_cli
    from projects.targets.models import TIERS
    from projects.targets.services import targets_gate

    County.parse(app.config.get("COUNTY_BBOX") or DEFAULT_COUNTY_BBOX)  # a wrong box stops the start, named
    app.register_blueprint(bp, url_prefix="/projects")
    app.cli.add_command(projects_cli)
    app.cli.add_command(assessments_cli)
    register_value_kinds(app)
    register_owner_kinds(app)
    install_audit_words(app)
    install_gate(app, library_gate)
    install_gate(app, targets_gate)
    install_gate(app, documents_gate)
    app.jinja_env.globals["targets_panel"] = target_views.targets_panel
    app.jinja_env.globals["target_tiers"] = TIERS
