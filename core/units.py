"""Money as a reader sees it: exact 元 where exactness matters, 万元 on lists when the reader chose it.

    amount_in(123_456_789_00, WAN)   -> '12,345.68'            (formatting only; core.money does it)
    with_unit(120_000_000_00)        -> '1,200,000.00 元'       ('1,200,000.00 yuan' in English)
    list_unit()                      -> 'wan' or 'yuan'         (the signed-in reader's choice for lists)

Entry forms and single records (a payment, an appropriation, a project's budget) are always in 元,
to the fen. Lists and totals follow the reader's choice, remembered on their account
(`User.money_unit`; 万元 until they choose), so a leader reads 1,234.57 where a clerk reconciling to the
fen may prefer 12,345,678.90. Every amount on such a list is in the one unit its heading names.
"""
from __future__ import annotations

from typing import Optional

from flask import has_request_context
from flask_babel import gettext
from flask_login import current_user

from core.i18n import _l
from core.money import format_wan, format_yuan

YUAN, WAN = "yuan", "wan"
UNIT_NAMES = {YUAN: _l("yuan"), WAN: _l("10k yuan")}
DEFAULT_LIST_UNIT = WAN


def amount_in(fen: Optional[int], unit: str) -> str:
    """Fen as a number in `unit` (元 to the fen, 万元 to two decimals, rounded half up); '' for None."""
    return format_wan(fen) if unit == WAN else format_yuan(fen)


def with_unit(fen: Optional[int], unit: str = YUAN) -> str:
    """Fen with its unit's name, in the reader's language: '1,200,000.00 元'; '' for None."""
    if fen is None:
        return ""
    if unit == WAN:
        return gettext("%(amount)s 10k yuan", amount=format_wan(fen))
    return gettext("%(amount)s yuan", amount=format_yuan(fen))


def list_unit() -> str:
    """The unit the signed-in reader chose for lists (万元 until they choose, and outside a request)."""
    if not has_request_context():
        return DEFAULT_LIST_UNIT
    chosen = getattr(current_user, "money_unit", None)
    return chosen if chosen in UNIT_NAMES else DEFAULT_LIST_UNIT


def unit_name(unit: Optional[str] = None) -> str:
    """The name of `unit` (the reader's list unit when not given) in the reader's language."""
    return str(UNIT_NAMES[unit or list_unit()])
