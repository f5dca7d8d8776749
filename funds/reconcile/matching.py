"""Matching statement lines to recorded payments: by reference first, then by amount, date and payee.

    matches = match_statement_lines(lines, payments, window_days=3)

A debit line (money out) matches a payment of the same amount; a credit line (money back in)
matches a reversal, whose amount is negative, of the same absolute amount. Each line and each
payment is used at most once.

1. Reference: the line's reference, or a run of letters and digits in its reference or summary
   (banks often carry the voucher number inside 摘要), equals the payment's voucher number once both
   are normalised (full-width folded, case folded, punctuation, spaces and Chinese characters such as
   the 记- of 记-2026-0001 dropped; at least MIN_REFERENCE_LENGTH characters), and the amounts are equal.
   Among several such payments the nearest in date wins.
2. Amount, date and payee: among the payments of the same amount dated within `window_days` of the
   line, those whose payee is similar enough (`payee_similarity` >= PAYEE_THRESHOLD). Every
   candidate pair is ranked (most similar payee, then nearest date, then file order) and taken
   greedily, so two lines of the same amount each get the payment that suits them best.

Payments and lines are indexed in dicts by reference and by amount, never compared all against all.
Plain functions on dataclasses: no Flask, no database.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from difflib import SequenceMatcher
from typing import NamedTuple, Optional

REFERENCE, AMOUNT_PAYEE, MANUAL = "reference", "amount_payee", "manual"  # fit StatementLine.match_method
PAYEE_THRESHOLD = 0.6  # "双牌路桥" vs "双牌县路桥建设" scores 0.73; two different firms score ~0.25
CONTAINED_SCORE = 0.9  # one normalised name inside the other ("某某路桥" in "永州某某路桥建设")
MIN_CONTAINED_LENGTH = 4
MIN_REFERENCE_LENGTH = 4
# Legal-form endings that banks keep or drop at will, longest first.
NAME_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司", "coltd", "ltd")
_TRAILING_BRACKETS = re.compile(r"\s*[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]\s*$")
_TOKEN = re.compile(r"[0-9a-z]+(?:[-_/.:#][0-9a-z]+)*")
_NOT_REFERENCE = re.compile(r"[^0-9a-z]+")
_RUN_SEPARATORS = str.maketrans("", "", "-_/.:#")  # all a _TOKEN run holds besides [0-9a-z]
_NOT_NAME = re.compile(r"[\W_]+")  # keeps letters and digits, Chinese included


class LineToMatch(NamedTuple):
    """What matching needs of a statement line."""

    id: int
    txn_date: date
    direction: str  # 'debit' (money out) or 'credit' (money in)
    amount_fen: int  # > 0
    reference: str = ""
    payee: str = ""
    summary: str = ""

    @property
    def signed_fen(self) -> int:
        """The amount a matching payment has: positive for money out, negative for a refund."""
        return self.amount_fen if self.direction == "debit" else -self.amount_fen


class PaymentToMatch(NamedTuple):
    """What matching needs of a recorded payment (amount_fen < 0 for a reversal)."""

    id: int
    paid_on: date
    amount_fen: int
    voucher_no: str
    payee: str


class Match(NamedTuple):
    """A line matched to a payment, and how."""

    line_id: int
    payment_id: int
    method: str


def _folded(text: str) -> str:
    """Full-width folded to ASCII and case folded (plain ASCII only lower-cased, for speed)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


def normalise_name(name: str) -> str:
    """A payee's name for comparison: full-width and case folded, a trailing bracketed note such as
    （示例） dropped, spaces and punctuation removed, then a legal-form ending (有限公司 ...) dropped."""
    text = _folded(name)
    while True:
        stripped = _TRAILING_BRACKETS.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _NOT_NAME.sub("", text)
    for suffix in NAME_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def payee_similarity(left: str, right: str) -> float:
    """How alike two normalised names are, 0.0 to 1.0: 1 when equal, CONTAINED_SCORE when one holds
    the other (at least MIN_CONTAINED_LENGTH characters), else difflib's ratio."""
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    shorter, longer = sorted((left, right), key=len)
    if len(shorter) >= MIN_CONTAINED_LENGTH and shorter in longer:
        return CONTAINED_SCORE
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def normalise_reference(text: str) -> str:
    """A voucher number or reference for comparison: only its ASCII letters and digits, case folded
    ("记-2026-0001" -> "20260001", "ＺＦ 2026/12" -> "zf202612")."""
    return _NOT_REFERENCE.sub("", _folded(text))


def reference_keys(line: LineToMatch) -> list[str]:
    """Every normalised reference a line may carry: its whole reference, and each run of letters and
    digits (joined by - _ / . : #) in its reference and its summary."""
    return _ReferenceKeys()(line)


def _runs(folded: str) -> list[str]:
    """The normalised runs of letters and digits in folded text (a run is ASCII already: no folding again)."""
    return [token.translate(_RUN_SEPARATORS) for token in _TOKEN.findall(folded)]


class _ReferenceKeys:
    """reference_keys, folding each text once and each summary (they recur: 工程款支付) once per run."""

    def __init__(self):
        self.summary_runs: dict[str, list[str]] = {}

    def __call__(self, line: LineToMatch) -> list[str]:
        folded = _folded(line.reference)
        keys = [_NOT_REFERENCE.sub("", folded), *_runs(folded)]
        summary_runs = self.summary_runs.get(line.summary)
        if summary_runs is None:
            summary_runs = self.summary_runs[line.summary] = _runs(_folded(line.summary))
        keys += summary_runs
        unique: list[str] = []  # a handful of short keys: a list beats a dict here
        for key in keys:
            if len(key) >= MIN_REFERENCE_LENGTH and key not in unique:
                unique.append(key)
        return unique


def match_statement_lines(lines: Iterable[LineToMatch], payments: Iterable[PaymentToMatch],
                          window_days: int = 3) -> list[Match]:
    """Pair lines with payments, by reference first, then by amount, date and payee (see the module)."""
    lines = sorted(lines, key=lambda line: (line.txn_date, line.id))
    amounts = {line.signed_fen for line in lines}
    payments = [payment for payment in payments if payment.amount_fen in amounts]  # the rest cannot match
    taken: set[int] = set()
    matches = _by_reference(lines, payments, taken)
    matched_lines = {match.line_id for match in matches}
    rest = [line for line in lines if line.id not in matched_lines]
    matches.extend(_by_amount_date_payee(rest, payments, taken, window_days))
    return matches


def _by_reference(lines: Sequence[LineToMatch], payments: Sequence[PaymentToMatch],
                  taken: set[int]) -> list[Match]:
    by_voucher: dict[tuple[str, int], list[PaymentToMatch]] = {}
    for payment in payments:
        key = normalise_reference(payment.voucher_no)
        if len(key) >= MIN_REFERENCE_LENGTH:
            by_voucher.setdefault((key, payment.amount_fen), []).append(payment)
    keys_of = _ReferenceKeys()
    matches = []
    for line in lines:
        signed = line.signed_fen
        found = _nearest_free(line, [payment for key in keys_of(line)
                                     for payment in by_voucher.get((key, signed), ())], taken)
        if found is not None:
            taken.add(found.id)
            matches.append(Match(line.id, found.id, REFERENCE))
    return matches


def _nearest_free(line: LineToMatch, candidates: Sequence[PaymentToMatch],
                  taken: set[int]) -> Optional[PaymentToMatch]:
    if len(candidates) == 1:  # the usual case: one voucher of that amount; no ranking needed
        return None if candidates[0].id in taken else candidates[0]
    free = [payment for payment in candidates if payment.id not in taken]
    if not free:
        return None
    return min(free, key=lambda payment: (abs((payment.paid_on - line.txn_date).days), payment.id))


class _AmountIndex:
    """Payments grouped by amount, each group sorted by date, for "same amount within N days" look-ups."""

    def __init__(self, payments: Iterable[PaymentToMatch]):
        self.groups: dict[int, list[PaymentToMatch]] = {}
        self.dates: dict[int, list[date]] = {}
        for payment in sorted(payments, key=lambda payment: (payment.paid_on, payment.id)):
            self.groups.setdefault(payment.amount_fen, []).append(payment)
            self.dates.setdefault(payment.amount_fen, []).append(payment.paid_on)

    def near(self, amount_fen: int, day: date, window_days: int) -> list[PaymentToMatch]:
        """The payments of this amount dated within `window_days` of `day`."""
        group = self.groups.get(amount_fen)
        if not group:
            return []
        dates = self.dates[amount_fen]
        low = bisect.bisect_left(dates, day - timedelta(days=window_days))
        high = bisect.bisect_right(dates, day + timedelta(days=window_days))
        return group[low:high]


def _by_amount_date_payee(lines: Sequence[LineToMatch], payments: Sequence[PaymentToMatch],
                          taken: set[int], window_days: int) -> list[Match]:
    index = _AmountIndex(payment for payment in payments if payment.id not in taken)
    names: dict[str, str] = {}  # payees recur on many lines and payments: normalise each name once

    def name_of(payee: str) -> str:
        name = names.get(payee)
        if name is None:
            name = names[payee] = normalise_name(payee)
        return name

    candidates = []
    for order, line in enumerate(lines):
        near = index.near(line.signed_fen, line.txn_date, window_days)
        line_name = name_of(line.payee) if near else ""
        if not line_name:
            continue
        for payment in near:
            score = payee_similarity(line_name, name_of(payment.payee))
            if score >= PAYEE_THRESHOLD:
                distance = abs((payment.paid_on - line.txn_date).days)
                candidates.append((-score, distance, order, payment.id, line.id))
    candidates.sort()
    matched_lines: set[int] = set()
    matches = []
    for _score, _distance, _order, payment_id, line_id in candidates:
        if payment_id in taken or line_id in matched_lines:
            continue
        taken.add(payment_id)
        matched_lines.add(line_id)
        matches.append(Match(line_id, payment_id, AMOUNT_PAYEE))
    return matches
