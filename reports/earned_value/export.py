"""The earned-value tables as spreadsheet sheets: the projects as ranked, each source's share, the
portfolio. Money in exact yuan (two places), ratios to two decimals, an empty cell with the reason
beside it where a figure cannot be computed; headers and words in the interface language.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Optional

from core.i18n import _l
from core.money import fen_to_decimal_yuan
from core.sheets.tables import OutputSheet
from reports.earned_value.formatting import reason_text
from reports.earned_value.measures import Estimate, Measures, Ratio, round_half_up

CENT = Decimal("0.01")
FIGURE_HEADERS = (_l("Budget at completion BAC (yuan)"), _l("Planned value PV (yuan)"),
                  _l("Earned value EV (yuan)"), _l("Actual cost AC (yuan)"), _l("Schedule variance SV (yuan)"),
                  _l("Cost variance CV (yuan)"), _l("Schedule performance SPI"), _l("Cost performance CPI"),
                  _l("Estimate at completion EAC (yuan)"), _l("Variance at completion VAC (yuan)"),
                  _l("Why a figure is missing"))


def _yuan(fen: Optional[int]) -> Optional[Decimal]:
    return None if fen is None else fen_to_decimal_yuan(fen).quantize(CENT)


def _ratio(ratio: Ratio) -> Optional[Decimal]:
    return None if ratio.value is None else Decimal(round_half_up(ratio.value * 100)) / 100


def figures(m: Measures) -> list[Any]:
    """The cells of one row's figures, in FIGURE_HEADERS order."""
    reasons = {reason_text(value.reason) for value in (m.spi, m.cpi, m.eac, m.vac) if value.reason}
    estimates: tuple[Estimate, Estimate] = (m.eac, m.vac)
    return [_yuan(m.bac_fen), _yuan(m.pv_fen), _yuan(m.ev_fen), _yuan(m.ac_fen), _yuan(m.sv_fen), _yuan(m.cv_fen),
            _ratio(m.spi), _ratio(m.cpi), *(_yuan(value.fen) for value in estimates), "; ".join(sorted(reasons))]


def _headers(*first) -> list[str]:
    return [str(header) for header in (*first, *FIGURE_HEADERS)]


def project_sheet(projects: Iterable, statuses: dict) -> OutputSheet:
    """The projects in the order given (the ranking), one row each."""
    rows = ([project.code, project.name, str(statuses.get(project.status, project.status)), *figures(project.measures)]
            for project in projects)
    return OutputSheet(str(_l("Projects")), _headers(_l("Project code"), _l("Project name"), _l("Status")), rows,
                       column_widths=(16, 30, 10))


def source_sheet(sources: Iterable) -> OutputSheet:
    """Each source's share (the projects no source funds yet on a row of their own)."""
    rows = ([source.code or str(_l("No source yet")), source.name, *figures(source.measures)] for source in sources)
    return OutputSheet(str(_l("Fund sources")), _headers(_l("Fund source"), _l("Name")), rows,
                       column_widths=(14, 30))


def portfolio_sheet(portfolio: Measures, as_of) -> OutputSheet:
    """The portfolio's figures as of a day, on one row."""
    return OutputSheet(str(_l("Portfolio")), _headers(_l("As of")), [[as_of, *figures(portfolio)]],
                       column_widths=(12,))
