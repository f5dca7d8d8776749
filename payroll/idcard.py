"""The resident identity number (居民身份证号码, GB 11643-1999): 17 digits and a check character.

The check character is ISO 7064 MOD 11-2 over the first 17 digits (weights 2^(17-i) mod 11); a
remainder of 10 is written X. Pure: used by the roster's services, the imports and the demo's
generator of illustrative numbers. A bank card number is 12-19 digits (no check here: the Luhn digit
is not used by every Chinese bank's book-account numbers).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Optional

WEIGHTS = tuple(pow(2, 17 - index, 11) for index in range(17))
CHECK_CHARACTERS = "10X98765432"
ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
CARD_PATTERN = re.compile(r"[0-9]{12,19}")


def normalise(text: object) -> str:
    """As typed to as stored: full-width made ASCII, spaces and hyphens dropped, x capitalised."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s\-]", "", folded).upper()


def check_character(first_17: str) -> str:
    """The check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def problem(number: str) -> Optional[str]:
    """Why `number` (normalised) is not a valid identity number: "length", "characters", "birth",
    "check"; None when it is."""
    if len(number) != 18:
        return "length"
    if not ID_PATTERN.fullmatch(number):
        return "characters"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth"
    if check_character(number[:17]) != number[17]:
        return "check"
    return None


def card_problem(number: str) -> Optional[str]:
    """Why `number` (normalised) is not a bank card number ("characters"), or None."""
    return None if CARD_PATTERN.fullmatch(number) else "characters"


def mask(number: str) -> str:
    """`430123199001011234` -> `4301**********1234`: the first and last four kept, the rest starred."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def with_check(first_17: str) -> str:
    """A complete number from its first 17 digits (the demo's and the tests' illustrative numbers)."""
    return first_17 + check_character(first_17)
