"""The payment ledger as a list: one source's or the whole county's payments, filtered and searched,
a page at a time on the web or every row in a spreadsheet.

    filters = PaymentFilter.from_args(request.args)            # ?source=3&from=2026-01&to=2026-03&q=记-12
    db.session.execute(payment_rows_query(filters).limit(50))  # newest first
    sheet = payment_sheet(filters, limit)                      # the same rows, for xlsx or CSV

The search box takes a voucher number, a payee or an amount: text is looked for inside voucher
numbers and payees, and when it reads as an amount (core.money: 3,000, 3000.00, 0.3万) a payment
or reversal of exactly that amount matches too.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import aliased

from auth.models import User, shown_name
from core.i18n import _l
from core.money import MoneyError, fen_to_decimal_yuan, parse_amount
from core.params import query_int, query_month
from core.sheets.tables import OutputSheet
from extensions import db
from funds.models import COST_CATEGORIES, FundSource, Payment
from projects.models import Milestone, Project

CENT = Decimal("0.01")
EXPORT_MAX_ROWS = 200_000  # a web export beyond this asks for a narrower filter (the CLI writes everything)


@dataclass(frozen=True)
class PaymentFilter:
    """Which payments: of one source (or all), in months first..last, matching a search text."""

    source_id: Optional[int] = None
    first: Optional[int] = None  # yyyymm
    last: Optional[int] = None
    text: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], source_id: Optional[int] = None) -> PaymentFilter:
        """Read the filter from a query string (?source, ?from, ?to, ?q; ?period is one month);
        `source_id` fixes the source (a source's own ledger)."""
        period = query_month("period", args=args)
        first = query_month("from", args=args) or period
        last = query_month("to", args=args) or period
        return cls(source_id=source_id if source_id is not None else query_int("source", args=args),
                   first=first, last=last, text=(args.get("q") or "").strip()[:100])

    @property
    def narrowed(self) -> bool:
        """True when anything but the source narrows the list."""
        return bool(self.first or self.last or self.text)

    def args(self, **extra: Any) -> dict[str, Any]:
        """Query-string arguments that reproduce this filter (empty ones left out)."""
        from core.dates import format_month

        values = {"source": self.source_id, "from": format_month(self.first) if self.first else None,
                  "to": format_month(self.last) if self.last else None, "q": self.text or None, **extra}
        return {key: value for key, value in values.items() if value is not None}


def search_condition(text: str) -> ColumnElement[bool]:
    """Payments whose voucher number or payee contains `text`, or whose amount (either sign) it is."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = [Payment.voucher_no.like(pattern, escape="\\"), Payment.payee.like(pattern, escape="\\")]
    try:
        fen = parse_amount(text)
    except MoneyError:
        fen = None
    if fen:
        found.append(Payment.amount_fen.in_((fen, -fen)))
    return or_(*found)


def conditions(filters: PaymentFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `filters`."""
    where: list[ColumnElement[bool]] = []
    if filters.source_id is not None:
        where.append(Payment.source_id == filters.source_id)
    if filters.first:
        where.append(Payment.period >= filters.first)
    if filters.last:
        where.append(Payment.period <= filters.last)
    if filters.text:
        where.append(search_condition(filters.text))
    return where


def payment_rows_query(filters: PaymentFilter) -> Select:
    """(Payment, source code, project code, project name, milestone name, entered by, voucher of its
    reversal) rows, newest first."""
    reversal = aliased(Payment)
    return (select(Payment, FundSource.code, Project.code, Project.name, Milestone.name, shown_name(),
                   reversal.voucher_no)
            .join(FundSource, Payment.source_id == FundSource.id)
            .join(Project, Payment.project_id == Project.id)
            .join(Milestone, Payment.milestone_id == Milestone.id)
            .outerjoin(User, Payment.created_by_id == User.id)
            .outerjoin(reversal, reversal.reversal_of_id == Payment.id)
            .where(*conditions(filters))
            .order_by(Payment.paid_on.desc(), Payment.id.desc()))


def count_payments(filters: PaymentFilter) -> int:
    """How many payments the filter selects."""
    return int(db.session.scalar(select(func.count(Payment.id)).where(*conditions(filters))) or 0)


EXPORT_HEADERS = (_l("Date"), _l("Voucher number"), _l("Payee"), _l("Amount (yuan)"), _l("Fund source"),
                  _l("Project code"), _l("Project name"), _l("Milestone"), _l("Cost category"),
                  _l("Reverses voucher"), _l("Reason for the reversal"), _l("Entered by"))


def _export_rows(filters: PaymentFilter, limit: int) -> Iterator[list[Any]]:
    original = aliased(Payment)
    query = (select(Payment.paid_on, Payment.voucher_no, Payment.payee, Payment.amount_fen, FundSource.code,
                    Project.code, Project.name, Milestone.name, Payment.cost_category, original.voucher_no,
                    Payment.reversal_reason, shown_name())
             .join(FundSource, Payment.source_id == FundSource.id)
             .join(Project, Payment.project_id == Project.id)
             .join(Milestone, Payment.milestone_id == Milestone.id)
             .outerjoin(User, Payment.created_by_id == User.id)
             .outerjoin(original, Payment.reversal_of_id == original.id)
             .where(*conditions(filters))
             .order_by(Payment.paid_on, Payment.id).limit(limit).execution_options(yield_per=5000))
    categories = {code: str(label) for code, label in COST_CATEGORIES.items()}
    for row in db.session.execute(query):
        (paid_on, voucher, payee, amount_fen, source, code, name, milestone, category, reverses, reason,
         who) = row
        yield [paid_on, voucher, payee, fen_to_decimal_yuan(amount_fen).quantize(CENT), source, code, name,
               milestone, categories.get(category, category), reverses or "", reason or "", who or ""]


def payment_sheet(filters: PaymentFilter, limit: int = EXPORT_MAX_ROWS) -> OutputSheet:
    """The filtered payments, oldest first, as a sheet for core.sheets' writers (amounts in exact yuan,
    dates as dates, headers in the interface language)."""
    return OutputSheet(str(_l("Payment ledger")), [str(header) for header in EXPORT_HEADERS],
                       _export_rows(filters, limit), column_widths=(12, 18, 28, 16, 14, 16, 30, 20, 10, 18, 24, 12))
