"""Checking an OC4IDS project package offline: the schema (0.9.5, shipped in `schema/`) and the additional
checks CoST's Data Review Tool runs (libcoveoc4ids' `additional_checks.py`, reproduced here).

    problems = schema_errors(package) + additional_findings(package)

From libcoveoc4ids: empty fields (`missing-values`), amounts without a currency (`missing-currency`),
organisation references that name no party (`missing-org-refs`, here for every reference: public
authority, budget source parties, tenderers, procuring and administrative entities, suppliers and the
transactions' payers and payees) and project ids without a registered-looking prefix
(`invalid-project-ids`). Added here: a transaction's milestone that is not one of its project's
(`missing-milestone-refs`) and codes outside the closed or open codelists the data uses
(`codelist-values`, as the tool's "additional codelist values").
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).parent / "schema"
PROJECT_SCHEMA_URL = "https://standard.open-contracting.org/infrastructure/schema/0__9__5/project-schema.json"

ORG_PATHS = re.compile(r"""
    ^/projects/(\d+)/(
        publicAuthority|
        budget/budgetBreakdowns/\d+/budgetBreakdown/\d+/sourceParty|
        transactions/\d+/(payer|payee)|
        contractingProcesses/\d+/summary/(
            tender/(tenderers/\d+|procuringEntity|administrativeEntity)|
            suppliers/\d+
        )
    )/id$""", re.VERBOSE)
PROJECT_ID = re.compile(r"^oc4ids\-[a-z0-9]{6}.")
MILESTONE_REF = re.compile(r"^/projects/(\d+)/transactions/\d+/relatedImplementationMilestone/id$")
# Where each codelist's codes are, as a pattern over flattened paths.
CODELISTS = {
    "projectSector.csv": re.compile(r"^/projects/\d+/sector/\d+$"),
    "partyRole.csv": re.compile(r"^/projects/\d+/parties/\d+/roles/\d+$"),
    "documentType.csv": re.compile(r"^/projects/\d+/(contractingProcesses/\d+/summary/)?documents/\d+/documentType$"),
    "milestoneType.csv": re.compile(r"^/projects/\d+/milestones/\d+/type$"),
    "metricID.csv": re.compile(r"^/projects/\d+/metrics/\d+/id$"),
    "currency.csv": re.compile(r"/currency$"),
    "contractNature.csv": re.compile(r"^/projects/\d+/contractingProcesses/\d+/summary/nature/\d+$"),
}


@cache
def _schemas() -> tuple[dict[str, Any], Registry]:
    package = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text(encoding="utf-8"))
    project = json.loads((SCHEMA_DIR / "project-schema.json").read_text(encoding="utf-8"))
    resource = Resource.from_contents(project, default_specification=DRAFT4)
    registry = Registry().with_resource(PROJECT_SCHEMA_URL, resource)
    return package, registry


@cache
def _codes(filename: str) -> frozenset[str]:
    with (SCHEMA_DIR / "codelists" / filename).open(encoding="utf-8", newline="") as stream:
        return frozenset(row["Code"] for row in csv.DictReader(stream))


def _formats() -> FormatChecker:
    """jsonschema's draft-4 formats plus the two OC4IDS uses, checked without extra packages: a date-time
    is RFC 3339 with its offset, a URI has a scheme."""
    checker = FormatChecker(formats=Draft4Validator.FORMAT_CHECKER.checkers)

    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @checker.checks("uri")
    def uri(value: object) -> bool:
        return not isinstance(value, str) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None

    return checker


def schema_errors(package: Any) -> list[str]:
    """Every error of `package` against the package schema and the project schema, as 'path: message'."""
    schema, registry = _schemas()
    validator = Draft4Validator(schema, registry=registry, format_checker=_formats())
    errors = sorted(validator.iter_errors(package), key=lambda error: list(map(str, error.absolute_path)))
    return [f"/{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]


def flatten(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(JSON pointer, value) of every leaf, and of every empty object or list (libcoveocds' flatten_dict)."""
    if isinstance(data, dict):
        if not data and path:
            yield path, data
        for key, value in data.items():
            yield from flatten(value, f"{path}/{key}")
    elif isinstance(data, list):
        if not data:
            yield path, data
        for index, value in enumerate(data):
            yield from flatten(value, f"{path}/{index}")
    else:
        yield path, data


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The items of a list (a non-object item as an empty object, so indexes still match), or none."""
    return [item if isinstance(item, dict) else {} for item in value] if isinstance(value, list) else []


def additional_findings(package: dict[str, Any]) -> list[dict[str, Any]]:
    """The Data Review Tool's additional checks (and ours): one finding per check that failed, with the
    paths it found; empty when the package is clean."""
    flat = dict(flatten(package))
    projects = _dicts(package.get("projects"))
    findings = []

    empty = [path for path, value in flat.items()
             if (isinstance(value, str) and not value.strip()) or (isinstance(value, (dict, list)) and not value)]
    if empty:
        findings.append({"check_id": "missing-values", "message": "Fields that are empty or only whitespace.",
                         "paths": empty})

    no_currency = [path[:-len("amount")] for path in flat
                   if path.endswith("/amount") and f"{path[:-len('amount')]}currency" not in flat]
    if no_currency:
        findings.append({"check_id": "missing-currency", "message": "Values without a currency.",
                         "paths": no_currency})

    party_ids = [{party.get("id") for party in _dicts(project.get("parties"))} for project in projects]
    missing_orgs = [path for path, value in flat.items()
                    if (match := ORG_PATHS.search(path)) and value not in party_ids[int(match.group(1))]]
    if missing_orgs:
        findings.append({"check_id": "missing-org-refs",
                         "message": "Organisation references whose id is no party's.", "paths": missing_orgs})

    milestone_ids = [{milestone.get("id") for milestone in _dicts(project.get("milestones"))} for project in projects]
    missing_milestones = [path for path, value in flat.items()
                          if (match := MILESTONE_REF.search(path)) and value not in milestone_ids[int(match.group(1))]]
    if missing_milestones:
        findings.append({"check_id": "missing-milestone-refs",
                         "message": "Transactions naming a milestone their project does not have.",
                         "paths": missing_milestones})

    bad_ids = [f"/projects/{index}/id" for index, project in enumerate(projects)
               if isinstance(project.get("id"), str) and not PROJECT_ID.search(project["id"])]
    if bad_ids:
        findings.append({"check_id": "invalid-project-ids",
                         "message": "Project ids without an oc4ids-xxxxxx- prefix.", "paths": bad_ids})

    off_list = [f"{path} = {value}" for path, value in flat.items()
                for filename, pattern in CODELISTS.items() if pattern.search(path) and value not in _codes(filename)]
    if off_list:
        findings.append({"check_id": "codelist-values", "message": "Codes outside their codelist.",
                         "paths": off_list})
    return findings
