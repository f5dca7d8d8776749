"""Amounts typed by people become exact fen, or a clear refusal; fen format back exactly."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import MAX_FEN, MoneyError, format_wan, format_yuan, parse_amount


@pytest.mark.parametrize("text, fen", [
    ("1234.56", 123456),
    ("1,234.56", 123456),
    ("１２３４．５６", 123456),          # full-width digits and point
    ("１，２３４", 123400),             # full-width comma separator
    (" 60,800,000 ", 6_080_000_000),
    ("12.5 万元", 12_500_000),          # a space before the unit
    ("100,000,000,000.00", 10**13),     # the largest single amount
    ("6080万元", 6_080_000_000),
    ("6080万", 6_080_000_000),
    ("0.5万元", 500_000),
    ("¥99.9", 9990),
    ("12元", 1200),
    ("0", 0),
])
def test_parses_what_clerks_type(text, fen):
    """Yuan with or without separators, full-width digits and 万元 all parse to exact fen."""
    assert parse_amount(text) == fen


def test_unit_wan_applies_without_suffix():
    """A field in 万元 reads a bare number as 万元."""
    assert parse_amount("1.2345", unit="wan") == 1_234_500


@pytest.mark.parametrize("text, code", [
    ("", "empty"), ("   ", "empty"), ("-5", "negative"), ("12.345", "too_precise"), ("1,23.00", "malformed"),
    ("abc", "malformed"), ("1e5", "malformed"), ("1.2.3", "malformed"), ("NaN", "malformed"),
    ("12 3", "malformed"), ("1 234", "malformed"), ("²", "malformed"), ("١٢٣", "malformed"), ("１２³", "malformed"),
    ("100,000,000,000.01", "too_large"),
    ("0.0000001万元", "too_precise"), ("9" * 20, "too_large"),
])
def test_refuses_garbage_with_a_reason(text, code):
    """Anything that is not an exact, non-negative amount is refused and says why."""
    with pytest.raises(MoneyError) as error:
        parse_amount(text)
    assert error.value.code == code


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_formatted_yuan_round_trips(fen):
    """Any fen amount formatted as yuan (grouped or not) parses back to the same fen."""
    assert parse_amount(format_yuan(fen)) == fen
    assert parse_amount(format_yuan(fen, grouped=False)) == fen


@given(st.text(max_size=20))
def test_any_text_parses_exactly_or_is_refused(text):
    """Arbitrary text either parses to a non-negative integer that formats back, or raises MoneyError."""
    try:
        fen = parse_amount(text)
    except MoneyError:
        return
    assert isinstance(fen, int) and 0 <= fen <= MAX_FEN
    assert parse_amount(format_yuan(fen)) == fen


def test_format_wan_rounds_half_up():
    """万元 figures on dashboards round half up to two places."""
    assert format_wan(6_080_000_000) == "6,080.00"
    assert format_wan(5_000) == "0.01"
    assert format_wan(4_999) == "0.00"
    assert format_yuan(-123456) == "-1,234.56"
    assert format_yuan(None) == ""
