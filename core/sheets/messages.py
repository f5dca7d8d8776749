"""What to tell people about a file that cannot be read as a table: each SpreadsheetError code in
words, naming the limit it passed (core.sheets.limits). Every import shows these."""
from __future__ import annotations

from typing import Union

from core.i18n import _l
from core.sheets import limits
from core.sheets.limits import SpreadsheetError
from core.sheets.references import column_letter


def _number(value: int) -> str:
    return f"{value:,}"


SPREADSHEET_MESSAGES = {
    "too_many_rows": _l("The file has more than %(n)s rows; split it into smaller files.",
                        n=_number(limits.MAX_ROWS)),
    "empty": _l("The file is empty: it has no rows."),
    "old_xls": _l("This is an old Excel file (.xls). Save it as .xlsx or .csv in Excel and upload that."),
    "damaged_xlsx": _l("This .xlsx file cannot be opened: it is damaged or not a spreadsheet."),
    "not_text": _l("This file is neither an .xlsx spreadsheet nor CSV text."),
    "not_a_table": _l("This file holds no table: a spreadsheet needs a header row of at least two columns "
                      "and rows below it. Upload the .xlsx or .csv file itself."),
    "no_rows": _l("The file has a header row and nothing below it: there is nothing to import."),
    "file_too_large": _l("The file is larger than %(n)s MB; split it into smaller files.",
                         n=_number(limits.MAX_FILE_BYTES // limits.MIB)),
    "sheet_too_long": _l("The sheet has more than %(n)s rows, counting empty ones; delete the empty rows "
                         "below the table.", n=_number(limits.MAX_SHEET_ROWS)),
    "too_many_cells": _l("The table has more than %(n)s cells (rows × columns); split it into smaller files.",
                         n=_number(limits.MAX_CELLS)),
    "cell_too_long": _l("A cell holds more than %(n)s characters.", n=_number(limits.MAX_CELL_CHARS)),
    "line_too_long": _l("A line of the file is longer than %(n)s characters: this is not a table that can "
                        "be imported.", n=_number(limits.MAX_LINE_CHARS)),
    "too_many_parts": _l("This .xlsx file holds more than %(n)s parts; save it again in Excel, or as .csv.",
                         n=_number(limits.MAX_ZIP_MEMBERS)),
    "xlsx_too_large": _l("This .xlsx file expands to more than %(n)s MB; split it into smaller files.",
                         n=_number(limits.MAX_XML_BYTES // limits.MIB)),
    "xlsx_compression": _l("A part of this .xlsx file expands to more than %(n)s times its stored size, as "
                           "only a zip bomb does; it is refused.", n=_number(limits.MAX_COMPRESSION_RATIO)),
    "too_many_elements": _l("This .xlsx file holds more than %(n)s XML elements; split it into smaller files.",
                            n=_number(limits.MAX_XML_ELEMENTS)),
    "xml_too_deep": _l("This .xlsx file's XML is nested more than %(n)s levels deep, which no spreadsheet "
                       "needs; it is refused.", n=_number(limits.MAX_XML_DEPTH)),
    "xml_declarations": _l("This .xlsx file holds a DOCTYPE or entity declaration, which no spreadsheet "
                           "needs; it is refused."),
    "too_many_shared_strings": _l("This .xlsx file has more than %(n)s different texts; split it into "
                                  "smaller files.", n=_number(limits.MAX_SHARED_STRINGS)),
    "shared_text_too_long": _l("The texts of this .xlsx file hold more than %(n)s characters together; split "
                               "it into smaller files.", n=_number(limits.MAX_SHARED_CHARS)),
    "too_much_text": _l("The sheets hold more than %(n)s characters of text; split the file into smaller "
                        "ones.", n=_number(limits.MAX_TEXT_CHARS)),
}


def spreadsheet_message(error: Union[SpreadsheetError, str]):
    """The translatable explanation of a SpreadsheetError (or of its code), naming the limit passed."""
    code = error if isinstance(error, str) else error.code
    if code == "too_many_columns":
        column = "" if isinstance(error, str) else error.facts.get("column", "")
        return _l("The sheet uses column %(column)s; at most %(n)s columns (A to %(last)s) are read. Delete "
                  "what is to the right of the table.", column=column or "?", n=_number(limits.MAX_COLUMNS),
                  last=column_letter(limits.MAX_COLUMNS - 1))
    return SPREADSHEET_MESSAGES.get(code, SPREADSHEET_MESSAGES["not_text"])


