"""What leaves Liandong of a payroll: the bank's batch file (name, full card number, amount: the one
export holding full card numbers, for finance only, audited by the view) and the ledger the township
signs, as .xlsx and PDF (numbers masked)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from core import dates
from core.money import format_yuan
from core.sheets.tables import OutputSheet
from core.typeset import print_document
from extensions import db
from funds.models import FundSource
from payroll.models import HOUSEHOLDS, Payroll
from payroll.personal_data import personal_data_keys
from projects.models import Milestone, Project

CENT = Decimal("0.01")


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def bank_file(payroll: Payroll) -> OutputSheet:
    """The bank's batch payment sheet: name, full card number, bank, amount (yuan)."""
    keys = personal_data_keys()
    rows = [(line.worker.name, keys.decrypt(line.worker.card_encrypted) if line.worker.card_encrypted else "",
             line.worker.bank_name, _yuan(line.amount_fen)) for line in payroll.lines]
    return OutputSheet(_("Bank batch"), [_("Name"), _("Card number"), _("Bank"), _("Amount (yuan)")], rows,
                       column_widths=(12, 24, 20, 14))


def _heading(payroll: Payroll) -> dict[str, Any]:
    project = db.session.get_one(Project, payroll.project_id)
    source = db.session.get_one(FundSource, payroll.source_id)
    milestone = db.session.get_one(Milestone, payroll.milestone_id)
    return {"project": f"{project.code} {project.name}", "source": f"{source.code} {source.name}",
            "milestone": f"{milestone.sequence}. {milestone.name}", "month": dates.format_month(payroll.period)}


def ledger_rows(payroll: Payroll) -> list[list[Any]]:
    """One row per line: number, name, masked ID, masked card, village, household, days, rate, amount, role."""
    return [[index, line.worker.name, line.worker.id_number_masked, line.worker.card_masked, line.worker.village,
             str(HOUSEHOLDS[line.worker.household]), format(line.days.normalize(), "f"),
             format_yuan(line.daily_rate_fen), format_yuan(line.amount_fen),
             _("Manager") if line.is_manager else ""] for index, line in enumerate(payroll.lines, 1)]


def ledger_headers() -> list[str]:
    """The ledger's column headers in the reader's language."""
    return [_("No."), _("Name"), _("Identity number"), _("Bank card"), _("Village"), _("Household"), _("Days"),
            _("Daily rate (yuan)"), _("Amount (yuan)"), _("Manager or technician")]


def ledger_sheet(payroll: Payroll) -> OutputSheet:
    """The ledger as a spreadsheet (amounts exact, in yuan; numbers masked)."""
    rows = [[*row[:7], _yuan(line.daily_rate_fen), _yuan(line.amount_fen), row[9]]
            for row, line in zip(ledger_rows(payroll), payroll.lines)]
    rows.append([_("Total"), "", "", "", "", "", "", "", _yuan(payroll.total_fen), ""])
    return OutputSheet(_("Payroll ledger"), ledger_headers(), rows)


WIDTHS = (0.04, 0.09, 0.15, 0.17, 0.1, 0.13, 0.05, 0.08, 0.1, 0.09)


def ledger_pdf(payroll: Payroll, lang: str) -> bytes:
    """The signed ledger (A4 PDF), in the reader's language."""
    heading = _heading(payroll)
    columns = [{"label": label, "width": width, "align": "right" if index in (0, 6, 7, 8) else "left"}
               for index, (label, width) in enumerate(zip(ledger_headers(), WIDTHS))]
    data = {
        "lang": lang, "title": _("Work-for-relief payroll ledger"),
        "header": f"{heading['project']} · {heading['month']}",
        "facts": [[_("Project"), heading["project"]], [_("Fund source"), heading["source"]],
                  [_("Milestone"), heading["milestone"]], [_("Month worked"), heading["month"]],
                  [_("Workers"), str(payroll.line_count)], [_("Total (yuan)"), format_yuan(payroll.total_fen)]],
        "columns": columns, "rows": ledger_rows(payroll),
        "footer": [_("Total"), "", "", "", "", "", "", "", format_yuan(payroll.total_fen), ""],
        "signatures": [_("Prepared by"), _("Checked by"), _("Village committee"), _("Township government")],
    }
    return print_document("payroll.typ", data)
