"""Every rule on a project's roster, whatever door it comes through (the roster page, the roster and
payroll imports, `flask payroll import`):

    add_worker(project, WorkerInput(name="张三", id_number="430...", ...), actor=user)
    import_roster(project, [(row, WorkerInput(...)), ...], actor=user)  # all or nothing

An identity number of the wrong length, with a wrong birth date or check character (GB 11643), a
card that is not 12-19 digits, a household status not known, a person already on the project's
roster (found by the keyed lookup hash, without decrypting anyone): each refused naming the field
(and, in an import, the row), nothing stored. The trail records the masked numbers only; the full
numbers are shown to finance on an audited request (`reveal`). The caller commits.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select

from audit.services import record
from core.errors import Refused
from core.i18n import _l
from extensions import db
from payroll import idcard
from payroll.models import HOUSEHOLDS, Worker
from payroll.personal_data import personal_data_keys
from projects.models import Project

LIMITS = {"name": 100, "village": 100, "bank_name": 100, "phone": 40}
PHONE = re.compile(r"^[0-9+()\- ]{3,40}$")
ID_PROBLEMS = {
    "length": _l("A resident identity number has 18 characters."),
    "characters": _l("17 digits and a last digit or X."),
    "birth": _l("Characters 7 to 14 are not a date of birth."),
    "check": _l("The last character (the check digit) does not match the other 17; check the number "
                "against the identity card."),
}


@dataclass
class WorkerInput:
    """What a person types or a sheet holds about a worker (as typed; the services normalise)."""

    name: str
    id_number: str
    village: str = ""
    household: str = "other"
    bank_name: str = ""
    card_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RowProblem:
    """Why a sheet row cannot be imported: row number and column header as the sheet shows them."""

    row: int
    column: str
    message: Any

    def text(self) -> str:
        """`row 3, 身份证号: ...` in the reader's language."""
        return str(_l("Row %(row)d, %(column)s: %(problem)s", row=self.row, column=self.column,
                      problem=self.message))


class ImportRefused(Refused):
    """An import refused with every problem by row and column; nothing stored."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("file", "; ".join(problem.text() for problem in problems[:20]))


def _text(value: Optional[str]) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def normalised(data: WorkerInput) -> dict[str, str]:
    """The input as stored (numbers still in clear: `_encrypted` hides them)."""
    return {"name": " ".join((data.name or "").split()), "id_number": idcard.normalise(data.id_number),
            "village": _text(data.village), "household": data.household or "other", "bank_name": _text(data.bank_name),
            "card_number": idcard.normalise(data.card_number), "phone": _text(data.phone)}


def worker_problems(values: dict[str, str]) -> dict[str, Any]:
    """Each field at fault and why (none: the worker may be stored, duplicates aside)."""
    errors: dict[str, Any] = {}
    if not values["name"]:
        errors["name"] = _l("Enter the worker's name.")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            errors[key] = _l("At most %(n)d characters.", n=limit)
    if (problem := idcard.problem(values["id_number"])) is not None:
        errors["id_number"] = ID_PROBLEMS[problem]
    if values["card_number"] and idcard.card_problem(values["card_number"]):
        errors["card_number"] = _l("A bank card number has 12 to 19 digits.")
    if values["household"] not in HOUSEHOLDS:
        errors["household"] = _l("Unknown household status.")
    if values["phone"] and not PHONE.match(values["phone"]):
        errors["phone"] = _l("Digits, spaces, +, - and brackets only.")
    return errors


def lookup_of(id_number: str) -> str:
    """The keyed hash a normalised identity number is found by."""
    return personal_data_keys().lookup(id_number)


def worker_by_number(project_id: int, id_number: str) -> Optional[Worker]:
    """The project's worker with this (normalised) identity number, found without decrypting."""
    return db.session.scalar(select(Worker).where(Worker.project_id == project_id,
                                                  Worker.id_lookup == lookup_of(id_number)))


def _new_worker(project: Project, values: dict[str, str], actor) -> Worker:
    keys = personal_data_keys()
    card = values["card_number"]
    return Worker(project_id=project.id, name=values["name"], id_number_encrypted=keys.encrypt(values["id_number"]),
                  id_number_masked=idcard.mask(values["id_number"]), id_lookup=keys.lookup(values["id_number"]),
                  village=values["village"], household=values["household"], bank_name=values["bank_name"],
                  card_encrypted=keys.encrypt(card) if card else None, card_masked=idcard.mask(card) if card else "",
                  phone=values["phone"], created_by_id=getattr(actor, "id", None))


def trail_of(worker: Worker) -> dict[str, Any]:
    """What the trail records of a worker: never a full number."""
    return {"name": worker.name, "id_number": worker.id_number_masked, "card_number": worker.card_masked or None,
            "village": worker.village or None, "household": worker.household}


def add_worker(project: Project, data: WorkerInput, *, actor=None) -> Worker:
    """Put one person on the project's roster (module docstring)."""
    values = normalised(data)
    errors = worker_problems(values)
    if "id_number" not in errors and worker_by_number(project.id, values["id_number"]) is not None:
        errors["id_number"] = _l("This person is already on the project's roster.")
    if errors:
        raise Refused(errors)
    worker = _new_worker(project, values, actor)
    db.session.add(worker)
    db.session.flush()
    record("worker.create", user=actor, object_type="worker", object_id=worker.id,
           after={"project": project.code, **trail_of(worker)})
    return worker


FIELD_COLUMNS = {"name": "name", "id_number": "id_number", "village": "village", "household": "household",
                 "bank_name": "bank_name", "card_number": "card_number", "phone": "phone"}


def checked_rows(project: Project, rows: list[tuple[int, WorkerInput]], headers: dict[str, str],
                 existing_ok: bool = False) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """The rows' normalised values and every problem by row and column (`headers`: field -> the
    sheet's header). A person already on the roster is a problem unless `existing_ok` (a payroll
    names people already there); twice in the sheet always is."""
    problems: list[RowProblem] = []
    good: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for row, data in rows:
        values = normalised(data)
        errors = worker_problems(values)
        if "id_number" not in errors:
            first = seen.setdefault(values["id_number"], row)
            if first != row:
                errors["id_number"] = _l("The same person as on row %(row)d.", row=first)
            elif not existing_ok and worker_by_number(project.id, values["id_number"]) is not None:
                errors["id_number"] = _l("This person is already on the project's roster.")
        problems += [RowProblem(row, headers.get(field, field), message) for field, message in errors.items()]
        if not errors:
            good.append((row, values))
    return good, problems


def import_roster(project: Project, rows: list[tuple[int, WorkerInput]], headers: dict[str, str], *,
                  actor=None) -> list[Worker]:
    """Put every row's person on the roster, or none (ImportRefused with every problem)."""
    good, problems = checked_rows(project, rows, headers)
    if problems:
        raise ImportRefused(problems)
    if not good:
        raise Refused("file", _l("The file holds no worker."))
    workers = [_new_worker(project, values, actor) for _row, values in good]
    db.session.add_all(workers)
    db.session.flush()
    record("roster.import", user=actor, object_type="project", object_id=project.id,
           after={"project": project.code, "workers": len(workers)})
    return workers


def add_missing_workers(project: Project, good: list[tuple[int, dict[str, str]]],
                        actor) -> tuple[dict[int, Worker], int]:
    """Each checked row's worker by row: the roster's, or added to it (the payroll import); and how
    many were added."""
    found: dict[int, Worker] = {}
    new: list[tuple[int, Worker]] = []
    for row, values in good:
        worker = worker_by_number(project.id, values["id_number"])
        if worker is None:
            worker = _new_worker(project, values, actor)
            new.append((row, worker))
        found[row] = worker
    db.session.add_all([worker for _row, worker in new])
    db.session.flush()
    if new:
        record("roster.import", user=actor, object_type="project", object_id=project.id,
               after={"project": project.code, "workers": len(new)})
    return found, len(new)


def roster(project_id: int) -> list[Worker]:
    """The project's workers by name."""
    return list(db.session.scalars(select(Worker).where(Worker.project_id == project_id)
                                   .order_by(Worker.name, Worker.id)))


def reveal(worker: Worker, *, actor=None) -> dict[str, str]:
    """The worker's full numbers, for finance on an explicit request; the request is recorded."""
    keys = personal_data_keys()
    record("worker.reveal", user=actor, object_type="worker", object_id=worker.id,
           after={"project_id": worker.project_id, "id_number": worker.id_number_masked})
    return {"id_number": keys.decrypt(worker.id_number_encrypted),
            "card_number": keys.decrypt(worker.card_encrypted) if worker.card_encrypted else ""}


def rotate_key() -> int:
    """Every worker's numbers encrypted again with the first key and their lookup hashes recomputed;
    how many workers. The caller holds the keys in force (payroll.personal_data) and commits."""
    keys = personal_data_keys()
    workers = list(db.session.scalars(select(Worker).order_by(Worker.id).with_for_update()))
    for worker in workers:
        worker.id_lookup = keys.lookup(keys.decrypt(worker.id_number_encrypted))
        worker.id_number_encrypted = keys.rotate(worker.id_number_encrypted)
        if worker.card_encrypted:
            worker.card_encrypted = keys.rotate(worker.card_encrypted)
    db.session.flush()
    record("personal_data.rotate", after={"workers": len(workers), "keys": keys.count})
    return len(workers)
