"""What the audit trail calls planning's actions, objects and fields, and where it links a project or
a milestone (audit/vocabulary.py)."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for
from sqlalchemy import select

from audit.vocabulary import describe
from core.i18n import _l
from extensions import db
from projects.history import MILESTONE_FIELD_LABELS, PROJECT_FIELD_LABELS, VALUE_LABELS
from projects.models import Milestone
from projects.targets.models import CATEGORIES as TARGET_CATEGORIES
from projects.targets.models import TIERS

ACTIONS = {
    "project.create": _l("Project created"), "project.update": _l("Project changed"),
    "project.status": _l("Project status changed"), "project.import": _l("Projects imported"),
    "project.export": _l("Projects exported"), "milestone.create": _l("Milestone planned"),
    "milestone.update": _l("Milestone re-planned"), "milestone.progress": _l("Progress recorded"),
    "library.propose": _l("Project proposed"), "library.update": _l("Library entry changed"),
    "library.review": _l("Proposal reviewed"), "library.resubmit": _l("Proposal submitted again"),
    "library.export": _l("Project library exported"), "user.scope": _l("Account's area changed"),
    "target.create": _l("Performance indicator added"), "target.delete": _l("Performance indicator removed"),
    "target.actual": _l("Actual value of an indicator entered"),
}
OBJECTS = {"project": _l("Project"), "milestone": _l("Milestone")}
IMPORT_COUNTS = {
    "projects_new": _l("New projects"), "projects_changed": _l("Changed projects"),
    "projects_unchanged": _l("Unchanged projects"), "milestones_new": _l("New milestones"),
    "milestones_changed": _l("Changed milestones"), "milestones_unchanged": _l("Unchanged milestones"),
}
# "name" and "code" are a milestone's as well as a project's: the trail's own plain "Name" and "Code" serve both.
FIELDS = {**{key: label for key, label in PROJECT_FIELD_LABELS.items() if key not in ("name", "code")},
          **MILESTONE_FIELD_LABELS, **IMPORT_COUNTS, "project": _l("Project"), "milestone": _l("Milestone"),
          "tier": _l("Tier"), "indicator_category": _l("Indicator category"), "unit": _l("Unit"),
          "comparison": _l("Comparison"), "target_value": _l("Target value"), "actual_value": _l("Actual value")}
TARGET_VALUES = {"tier": TIERS, "indicator_category": TARGET_CATEGORIES}


def _ids(texts: list[str]) -> list[int]:
    return [int(text) for text in texts if text.isdigit() and len(text) < 19]


def project_links(ids: list[str]) -> Mapping[str, str]:
    """Each project's page."""
    return {str(number): url_for("projects.detail", project_id=number) for number in _ids(ids)}


def milestone_links(ids: list[str]) -> Mapping[str, str]:
    """The milestones table of each milestone's project."""
    rows = db.session.execute(select(Milestone.id, Milestone.project_id).where(Milestone.id.in_(_ids(ids))))
    return {str(milestone_id): url_for("projects.detail", project_id=project_id, _anchor="milestones")
            for milestone_id, project_id in rows}


def install(app: Flask) -> None:
    """Tell the trail planning's words and links."""
    describe(app, actions=ACTIONS, objects=OBJECTS, fields=FIELDS, values={**VALUE_LABELS, **TARGET_VALUES},
             links={"project": project_links, "milestone": milestone_links})
