"""Reading a performance targets sheet (绩效指标: one indicator a row, keyed by project code, tier and
name) into TargetRows, and writing them.

The rules of projects.targets, row by row: tier and a category of that tier, a name, a unit, a
comparison (≥, ≤, =) and a numeric target; an actual value is a number, and is entered only on a
project under way (approved or later). An indicator already stated is not restated by an import (its
target is what the project was approved on): a row that gives it another target, unit or comparison
is refused; a row that gives a new actual value records it (a blank actual value leaves it as it is).
A project new in the file gets its indicators whatever status the file gives it (the county's
records carried over, as its milestones are); a stored one gets new indicators only until completed.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from audit.services import collect, new_event
from core.i18n import _l
from core.sheets.cells import CellError, date_value, is_blank, text_value
from core.sheets.tables import Sheet
from core.text import fold_width
from extensions import db
from projects.imports.plan import (
    CHANGED,
    MISSING,
    NEW,
    UNCHANGED,
    ImportPlan,
    Lookups,
    ProjectRow,
    SheetMapping,
    SheetReader,
    TargetRow,
    missing_columns,
)
from projects.targets.models import COMPARISONS, TIER_CATEGORIES, Target
from projects.targets.services import ACTUAL_STATUSES, OPEN_STATUSES, parse_value, show_value

TIER_NAMES = {"output": ("产出", "产出指标"), "benefit": ("效益", "效益指标"), "satisfaction": ("满意度", "满意度指标")}
TARGET_CATEGORY_NAMES = {
    "quantity": ("数量", "数量指标"), "quality": ("质量", "质量指标"), "timeliness": ("时效", "时效指标"),
    "cost": ("成本", "成本指标"), "economic": ("经济效益", "经济效益指标"), "social": ("社会效益", "社会效益指标"),
    "ecological": ("生态效益", "生态效益指标"), "sustainability": ("可持续影响", "可持续影响指标"),
    "beneficiary": ("服务对象满意度", "服务对象满意度指标", "满意度"),
}
COMPARISON_WORDS = {"ge": ("≥", ">=", "＞＝", "ge", "不低于", "不少于", "大于等于", "≧"),
                    "le": ("≤", "<=", "＜＝", "le", "不高于", "不超过", "小于等于", "≦"),
                    "eq": ("=", "==", "eq", "等于", "＝")}
_COMPARISON_INDEX = {fold_width(word).strip().casefold(): code for code, words in COMPARISON_WORDS.items()
                     for word in words}


def comparison_value(value: Any) -> Optional[str]:
    """ge, le or eq from ≥, ≤, = (or >=, <=, 不低于, ...); None for a blank cell."""
    if is_blank(value):
        return None
    text = text_value(value, 20)  # "=" as the export writes it, kept from being read as a formula
    code = _COMPARISON_INDEX.get(fold_width(text).strip().casefold())
    if code is None:
        raise CellError(_l("Choose the comparison: ≥, ≤ or =."))
    return code


def _number(value: Any, message) -> Any:
    if is_blank(value):
        return None
    if isinstance(value, str):
        value = text_value(value, 40)  # "-5" as the export writes it, kept from being read as a formula
    number = parse_value(value if not isinstance(value, float) else repr(value))
    if number is None:
        raise CellError(message)
    return number


def _final_status(code: str, lookups: Lookups, project_rows: dict[str, ProjectRow]) -> tuple[str, bool]:
    """The project's status once the import is done, and whether the file creates it."""
    row = project_rows.get(code)
    if row is not None:
        return row.final_status, row.existing_id is None
    return lookups.projects[code].status, False


def read_target_sheet(sheet: Sheet, mapping: SheetMapping, lookups: Lookups, project_rows: dict[str, ProjectRow],
                      plan: ImportPlan) -> None:
    """A TargetRow for each good row of a targets sheet, a Problem for each bad cell."""
    reader = SheetReader(sheet, mapping, plan.problems)
    seen: dict[tuple[str, str, str], int] = {}
    any_new = False
    for number, values in sheet.rows:
        reader.start(number, values)
        code = reader.read("project_code", text_value, 32, required=_l("Enter the project code."))
        tier = reader.read("tier", lookups.tiers, required=_l("Choose the tier: output, benefit or satisfaction."))
        category = reader.read("category", lookups.target_categories)
        name = reader.read("name", text_value, 200, required=_l("Name the indicator."))
        comparison = reader.read("comparison", comparison_value)
        target_value = reader.read("target_value", _number, _l("The target value is a number, e.g. 2.4 or 95."))
        unit = reader.read("unit", text_value, 32)
        actual = reader.read("actual_value", _number, _l("The actual value is a number, like the target."))
        actual_on = reader.read("actual_on", date_value)
        if reader.failed:
            continue
        key = (code, tier, name)
        if key in seen:
            reader.problem("name", _l("This indicator of the project is also on row %(row)d.", row=seen[key]))
            continue
        seen[key] = number
        if code not in project_rows and code not in lookups.projects:
            if code not in plan.codes_in_file:  # else its project's row has problems, reported there
                reader.problem("project_code", _l("No project has the code %(code)s, in this file or stored.",
                                                  code=code))
            continue
        status, created = _final_status(code, lookups, project_rows)
        existing_project = lookups.projects.get(code)
        stored = existing_project.targets.get((tier, name)) if existing_project else None
        given = {"category": category, "comparison": comparison, "target_value": target_value, "unit": unit}
        if stored is None:
            any_new = True
            _check_new(reader, tier, given, status, created)
            row = TargetRow(sheet.title, number, code, tier, category, name, comparison, target_value,
                            unit, None if actual is MISSING else actual,
                            None if actual_on is MISSING else actual_on)
        else:
            row = _compare(reader, sheet.title, number, code, tier, name, given, stored,
                           actual, actual_on)
        if row.actual_value is not None and row.action != UNCHANGED and status not in ACTUAL_STATUSES:
            reader.problem("actual_value", _l("Actual values are entered at completion or at year end, once the "
                                              "project is approved."))
        if not reader.failed:
            plan.targets.append(row)
    missing_columns(sheet, mapping, any_new, plan.problems)


def _check_new(reader: SheetReader, tier: str, given: dict[str, Any], status: str, created: bool) -> None:
    """A new indicator states everything, in the rules of projects.targets."""
    if given["category"] in (MISSING, None):
        reader.problem("category", _l("Choose the indicator's category."))
    elif given["category"] not in TIER_CATEGORIES[tier]:
        reader.problem("category", _l("This category belongs to another tier."))
    if given["comparison"] in (MISSING, None):
        reader.problem("comparison", _l("Choose the comparison: ≥, ≤ or =."))
    if given["target_value"] in (MISSING, None):
        reader.problem("target_value", _l("The target value is a number, e.g. 2.4 or 95."))
    if given["unit"] in (MISSING, None, ""):
        reader.problem("unit", _l("A target needs its unit (e.g. km, households, percent, yuan)."))
    if not created and status not in OPEN_STATUSES:
        reader.problem("name", _l("Targets are stated before completion; this project is past that."))


def _compare(reader: SheetReader, sheet: str, number: int, code: str, tier: str, name: str, given: dict[str, Any],
             stored, actual: Any, actual_on: Any) -> TargetRow:
    """A stored indicator: refused when restated otherwise; its actual value recorded when new."""
    stated = " ".join((COMPARISONS[stored.comparison], show_value(stored.target_value), stored.unit))
    for key in ("category", "comparison", "unit", "target_value"):
        value = given[key]
        if value in (MISSING, None, "") or value == getattr(stored, key):
            continue
        reader.problem(key, _l("This indicator was stated as %(target)s: a stated target does not change by "
                               "import.", target=stated))
    new_actual = stored.actual_value if actual in (MISSING, None) else actual
    new_on = stored.actual_on if actual_on in (MISSING, None) else actual_on
    row = TargetRow(sheet, number, code, tier, stored.category, name, stored.comparison, stored.target_value,
                    stored.unit, new_actual, new_on, existing_id=stored.id)
    changed = new_actual != stored.actual_value or (new_actual is not None and new_on != stored.actual_on)
    row.action = CHANGED if changed else UNCHANGED
    return row


def write_targets(rows: list[TargetRow], project_ids: dict[str, int], actor, day: date) -> None:
    """Store the indicators of a plan without problems, each audited as the project page's forms audit it."""
    positions: dict[int, int] = {}
    for row in rows:
        if row.action == UNCHANGED:
            continue
        project_id = project_ids[row.project_code]
        if row.action == NEW:
            if project_id not in positions:
                positions[project_id] = db.session.query(Target).filter(Target.project_id == project_id).count()
            target = Target(project_id=project_id, tier=row.tier, category=row.category, name=row.name,
                            unit=row.unit, comparison=row.comparison, target_value=row.target_value,
                            position=positions[project_id])
            positions[project_id] += 1
            db.session.add(target)
            collect(new_event("target.create", user=actor, object_type="project", object_id=project_id,
                              after={"tier": row.tier, "indicator_category": row.category, "name": row.name,
                                     "unit": row.unit, "comparison": COMPARISONS[row.comparison],
                                     "target_value": show_value(row.target_value)}))
            before = None
        else:
            target = db.session.get_one(Target, row.existing_id)
            before = show_value(target.actual_value) or None
        if row.actual_value is not None and (row.action == NEW or row.actual_value != target.actual_value
                                             or row.actual_on != target.actual_on):
            target.actual_value, target.actual_on = row.actual_value, row.actual_on or day
            collect(new_event("target.actual", user=actor, object_type="project", object_id=project_id,
                              before={"name": row.name, "actual_value": before},
                              after={"name": row.name, "actual_value": show_value(row.actual_value),
                                     "unit": row.unit}))
    db.session.flush()


__all__ = ["TARGET_CATEGORY_NAMES", "TIER_NAMES", "comparison_value", "read_target_sheet", "write_targets"]
