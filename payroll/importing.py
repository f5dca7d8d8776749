"""A roster or a payroll imported from a county's sheet, all or nothing, as the project import:
every problem named by row and column and nothing stored when there is one. A payroll sheet carries
each worker's details; those not yet on the project's roster are added from it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from core.errors import Refused
from core.i18n import _l
from funds.models import FundSource, Payment
from funds.requests.models import PaymentRequest
from payroll.models import Payroll, Worker
from payroll.payrolls import LineInput, check_payroll_heading, create_payroll, post_payroll
from payroll.services import ImportRefused, RowProblem, add_missing_workers, checked_rows, import_roster
from payroll.sheets import read_payroll, read_roster
from projects.models import Milestone, Project


def import_roster_file(project: Project, data: bytes, filename: str, *, actor=None) -> list[Worker]:
    """Every worker of the sheet on the project's roster, or none (ImportRefused)."""
    rows, names, problems = read_roster(data, filename)
    if problems:
        _, more = checked_rows(project, rows, names)
        raise ImportRefused(_merged(problems, more))
    return import_roster(project, rows, names, actor=actor)


def _merged(first: list[RowProblem], second: list[RowProblem]) -> list[RowProblem]:
    seen = {(problem.row, problem.column) for problem in first}
    return sorted(first + [p for p in second if (p.row, p.column) not in seen], key=lambda p: p.row)


@dataclass
class PayrollImport:
    """What an import stored: the payroll, its new workers, and its payment when posted (or its payment
    request when the source's payments need approval)."""

    payroll: Payroll
    new_workers: int
    payment: Optional[Payment] = None
    request: Optional[PaymentRequest] = None


def import_payroll_file(project: Project, source: FundSource, milestone: Milestone, period: int, data: bytes,
                        filename: str, *, actor=None, paid_on: Optional[date] = None,
                        voucher_no: str = "") -> PayrollImport:
    """The sheet's payroll for the month, its new workers on the roster; posted when `paid_on` is
    given (the command line does it in one go; submitted as a payment request where the source's
    payments need approval). All or nothing."""
    check_payroll_heading(project, source, milestone, period)
    lines, names, problems = read_payroll(data, filename)
    good, more = checked_rows(project, [(line.row, line.worker) for line in lines], names, existing_ok=True)
    problems = _merged(problems, more)
    if problems:
        raise ImportRefused(problems)
    if not lines:
        raise Refused("file", _l("The file holds no payroll line."))
    workers, new = add_missing_workers(project, good, actor)
    inputs = [LineInput(workers[line.row], line.days, line.daily_rate_fen, line.amount_fen, line.is_manager)
              for line in lines]
    payroll = create_payroll(project, source, milestone, period=period, lines=inputs, actor=actor)
    posting = post_payroll(payroll, paid_on=paid_on, voucher_no=voucher_no, actor=actor) if paid_on else None
    if isinstance(posting, PaymentRequest):
        return PayrollImport(payroll, new, request=posting)
    return PayrollImport(payroll, new, posting)
