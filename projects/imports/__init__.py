"""The planning spreadsheet's round trip: importing a county's project sheet (read, map the columns,
plan every row, apply whole or not at all), and exporting the project list and the blank template in
the same columns, so an export re-imports and changes nothing.

    sheets = read_import_file(data, name)       # .xlsx or .csv, decided by content
    mapping = guess_import_mapping(sheets)      # or the mapping the user chose
    plan = plan_import(sheets, mapping)         # every row checked; plan.problems lists every problem
    apply_import(plan, actor)                   # in the caller's transaction

Modules: `pipeline` (those four), `columns` (fields and headers), `values` (areas), `rows` and
`milestones` (a row into a project or milestone), `plan` (the plan's types), `mapped_values` (values
mapped by hand: the value-mapping step and --map-value, remembered by import_values), `write`
(applying it, new projects in bulk), `exporting` (export and template), `forms` and `views` (the pages).
"""
from __future__ import annotations

from projects.imports.pipeline import (
                                       ImportPlan,
                                       ImportRefused,
                                       Problem,
                                       SheetMapping,
                                       apply_import,
                                       fully_recognised,
                                       guess_import_mapping,
                                       guess_mapping,
                                       load_lookups,
                                       load_projects,
                                       plan_import,
                                       read_import_file,
)

__all__ = ["ImportPlan", "ImportRefused", "Problem", "SheetMapping", "apply_import", "fully_recognised",
           "guess_import_mapping", "guess_mapping", "load_lookups", "load_projects", "plan_import",
           "read_import_file"]
