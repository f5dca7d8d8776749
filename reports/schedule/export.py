"""The schedule's three rankings as spreadsheet sheets, in the order of the page (worst first).

Money in exact yuan (two places), ratios as percentages to 0.1 (exact, rounded half up at the
end), an empty cell where a row has no ratio; names typed by users go through the house writer,
which neutralises anything a spreadsheet would read as a formula.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Optional

from core.i18n import _l
from core.money import fen_to_decimal_yuan
from core.sheets.tables import OutputSheet
from funds.schedule import Ranked, tenths_of_percent
from reports.schedule.report import ScheduleReport

CENT = Decimal("0.01")


def _percent(share: Optional[Fraction]) -> Optional[Decimal]:
    """A share as a percentage to 0.1 (37.5 for 0.375); None without one."""
    return None if share is None else Decimal(tenths_of_percent(share)) / 10


def _yuan(fen: Optional[int]) -> Optional[Decimal]:
    return None if fen is None else fen_to_decimal_yuan(fen).quantize(CENT)


def _rows(ranked: Iterable[Ranked], with_received: bool) -> Iterable[list]:
    for number, item in enumerate(ranked, start=1):
        row = item.row
        received = [_yuan(row.received_fen), _percent(item.by_received)] if with_received else []
        yield [number, row.label or str(_l("No responsible unit")), *received[:1], _yuan(row.allocated_fen),
               _yuan(row.paid_fen), *received[1:], _percent(item.by_allocated), _percent(item.expected),
               _percent(item.gap)]


def _headers(first, with_received: bool) -> list[str]:
    received = [_l("Received (yuan)")] if with_received else []
    ratio = [_l("Paid of received (%)")] if with_received else []
    return [str(h) for h in (_l("Rank"), first, *received, _l("Allocated (yuan)"), _l("Paid (yuan)"), *ratio,
                             _l("Paid of allocated (%)"), _l("Schedule (%)"), _l("Gap (points)"))]


def sheets(report: ScheduleReport) -> list[OutputSheet]:
    """Sources, responsible units and townships, each ranked worst first."""
    return [OutputSheet(str(_l("Fund sources")), _headers(_l("Fund source"), True), _rows(report.sources, True),
                        column_widths=(6, 30)),
            OutputSheet(str(_l("Responsible units")), _headers(_l("Responsible unit"), False),
                        _rows(report.units, False), column_widths=(6, 30)),
            OutputSheet(str(_l("Townships")), _headers(_l("Township"), False), _rows(report.townships, False),
                        column_widths=(6, 20))]
