"""The self-assessment form (绩效自评表) of a project as an A4 PDF, set by Typst
(templates/print/self-assessment.typ through core.typeset): the project, its budget execution, the
score of each part against its weight, and every indicator with its target, actual value and result.

It is the form a county files upward, so it is printed in Chinese whatever the printing user reads
(as the notice is). Not cached: a form is printed a few times a year and its figures change until then.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from flask_babel import force_locale
from flask_babel import gettext as _

from core.i18n import _l
from core.money import format_yuan
from core.typeset import print_document
from projects.models import STATUSES, Project
from projects.targets.models import CATEGORIES, COMPARISONS, TIERS, Target
from projects.targets.services import Assessment, assess, is_met, show_value, targets_of

FORM_LOCALE = "zh_CN"
PARTS = {"budget": _l("Budget execution"), "output": _l("Output indicators"), "benefit": _l("Benefit indicators"),
         "satisfaction": _l("Satisfaction indicators")}


def assessment_pdf(project: Project, today: Optional[date] = None) -> bytes:
    """The project's self-assessment form (A4 PDF bytes)."""
    return print_document("self-assessment.typ", assessment_data(project, today or date.today()))


def assessment_data(project: Project, today: date) -> dict[str, Any]:
    """The words and figures of the form, in Chinese, as plain JSON-ready data."""
    targets = targets_of(project.id)
    result = assess(project, targets)
    with force_locale(FORM_LOCALE):
        return {
            "lang": "zh",
            "title": _("Performance self-assessment form"),
            "project": f"{project.code} {project.name}",
            "facts": [[label, value] for label, value in _facts(project, result, today) if value],
            "score_heading": _("Score"),
            "score_columns": [_("Part"), _("Weight"), _("Points")],
            "scores": [[str(PARTS[part]), str(result.weights[part]), f"{result.points.get(part, 0):.1f}"]
                       for part in PARTS],
            "total": [_("Total"), str(result.maximum), f"{result.total}"],
            "targets_heading": _("Performance indicators"),
            "targets_columns": [_("Tier"), _("Indicator category"), _("Indicator"), _("Target"), _("Actual value"),
                                _("Result")],
            "targets": [_target_row(target) for target in targets],
            "targets_empty": _("No performance targets stated yet."),
            "missed_heading": _("Targets missed"),
            "missed": [f"{t.name}：{show_value(t.actual_value)} {t.unit}（{_('Target')} {COMPARISONS[t.comparison]} "
                       f"{show_value(t.target_value)} {t.unit}）" for t in result.missed],
            "note": _("Each tier's points are shared equally among its indicators; an indicator missed or not "
                      "measured yet earns none. Budget execution is spent against allocated."),
        }


def _facts(project: Project, result: Assessment, today: date) -> list[tuple[str, str]]:
    execution = "" if result.execution_bp is None else f"{result.execution_bp / 100:.1f}%"
    return [
        (_("Project code"), project.code),
        (_("Project name"), project.name),
        (_("Status"), str(STATUSES.get(project.status, project.status))),
        (_("Responsible unit"), project.responsible_unit or ""),
        (_("Budget"), f"{format_yuan(project.budget_fen)} {_('yuan')}"),
        (_("Allocated"), f"{format_yuan(project.allocated_fen)} {_('yuan')}"),
        (_("Spent"), f"{format_yuan(project.spent_fen)} {_('yuan')}"),
        (_("Budget execution"), execution),
        (_("Assessed on"), today.isoformat()),
    ]


def _target_row(target: Target) -> list[str]:
    met = is_met(target)
    outcome = _("not measured yet") if met is None else (_("met") if met else _("missed"))
    actual = f"{show_value(target.actual_value)} {target.unit}" if target.actual_value is not None else "—"
    return [str(TIERS[target.tier]), str(CATEGORIES[target.category]), target.name,
            f"{COMPARISONS[target.comparison]} {show_value(target.target_value)} {target.unit}", actual, outcome]
