"""Money at the edges: parse what people type into integer fen, format fen for people to read.

All arithmetic elsewhere is on integers (1 yuan = 100 fen). Parsing goes through `Decimal` and
refuses anything that is not an exact number of fen, so no amount is ever rounded silently.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.text import fold_width

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan
# One entry (a receipt, an allocation change, a payment, a statement line, a budget): at most 100
# billion yuan, far above any county's single amount. A balance (what a source received, allocated or
# spent; a project's or allocation's totals): at most 10 trillion yuan. The database enforces both
# (CHECK), so that no sum a page computes — thousands of balances, or a source's entries, whose net is
# its balance — can overflow a 64-bit integer (9.2e18 fen), which SQLite would turn into a float.
MAX_FEN = 10**13
MAX_TOTAL_FEN = 10**15

_WAN_SUFFIXES = ("万元", "万")
_YUAN_SUFFIXES = ("元", "¥", "￥", "CNY", "RMB")
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_PLAIN = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class MoneyError(ValueError):
    """Raised when text is not an amount; `code` tells the caller which message to show."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _normalise(text: str) -> str:
    """Full-width digits and punctuation folded to ASCII (core.text), spaces around the text dropped.
    Spaces inside it stay, and make it malformed unless they stand between the number and its unit
    ("12.5 万元")."""
    return fold_width(text).strip()


def parse_amount(text: str, unit: str = "yuan") -> int:
    """Return the fen in `text`, typed in yuan (default) or 万元; a 万/万元 suffix overrides `unit`.

    Accepts ASCII and full-width digits, and commas only between groups of three digits. Refuses
    negatives, empty input, more precision than one fen, amounts over MAX_FEN, spaces inside the
    number, and any other digit (superscripts, other scripts) (MoneyError.code says why).
    """
    if text is None:
        raise MoneyError("empty")
    value = _normalise(str(text))
    for suffix in _WAN_SUFFIXES:
        if value.endswith(suffix):
            value, unit = value[: -len(suffix)].rstrip(), "wan"
            break
    else:
        for suffix in _YUAN_SUFFIXES:
            if value.upper().endswith(suffix):
                value = value[: -len(suffix)].rstrip()
                break
        for prefix in ("¥", "￥"):
            if value.startswith(prefix):
                value = value[len(prefix):].lstrip()
    if not value:
        raise MoneyError("empty")
    if value.startswith("-"):
        raise MoneyError("negative")
    if not (_PLAIN.match(value) or _GROUPED.match(value)):
        raise MoneyError("malformed")
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only valid decimals
        raise MoneyError("malformed") from exc
    fen = number * (FEN_PER_WAN if unit == "wan" else FEN_PER_YUAN)
    if fen != fen.to_integral_value():
        raise MoneyError("too_precise")
    if fen > MAX_FEN:
        raise MoneyError("too_large")
    return int(fen)


def format_yuan(fen: int | None, grouped: bool = True) -> str:
    """Format fen as yuan with two decimals, e.g. 123456 -> '1,234.56'; None -> ''."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    whole = f"{yuan:,}" if grouped else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def format_wan(fen: int | None, places: int = 2) -> str:
    """Format fen as 万元 rounded half-up to `places` decimals, e.g. 60_000_000_00 -> '6,000.00'."""
    if fen is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    wan = (Decimal(int(fen)) / FEN_PER_WAN).quantize(quantum, rounding="ROUND_HALF_UP")
    return f"{wan:,.{places}f}"


def fen_to_decimal_yuan(fen: int) -> Decimal:
    """Exact yuan as a Decimal, for exports that need a number rather than text."""
    return Decimal(int(fen)) / FEN_PER_YUAN


def format_basis_points(value: int | None, places: int = 0) -> str:
    """A share kept in basis points (10000 = 100%) as a percentage, e.g. 6249 -> '62%'; None -> '—'."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{(Decimal(int(value)) / 100).quantize(quantum, rounding='ROUND_HALF_UP')}%"
