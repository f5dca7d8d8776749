"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters whose last is a
check character computed from the other 17.

Characters are the digits and the capital letters except I, O, Z, S and V (31 in all, each worth
its place in `CHARSET`). The check character is the one worth 31 − (Σ value × weight mod 31), with
weights 3^i mod 31 (1, 3, 9, 27, 19, 26, ...), and 0 when that is 31. Pure: text in, a
normalised code or a reason out.
"""
from __future__ import annotations

import unicodedata
from typing import Optional

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18


def normalise(text: str) -> str:
    """The code as typed, with full-width characters made ASCII, spaces dropped and letters capitalised."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (all from CHARSET)."""
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> Optional[str]:
    """Why `code` (normalised) is not a valid credit code, in English for a message key, or None.

    'length', 'characters' or 'check' (the caller words it for people)."""
    if len(code) != LENGTH:
        return "length"
    if any(char not in CHARSET for char in code):
        return "characters"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None
