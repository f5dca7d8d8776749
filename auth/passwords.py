"""Password policy (GB/T 22239 / OWASP ASVS level 2): long enough, mixed, not common, not the username.

The common-password list is bundled (auth/common_passwords.txt): the county's network may be
closed, so no online breach lookup.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from core.i18n import _l

MIN_LENGTH = 8
MAX_LENGTH = 128
KINDS = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
_SUBSTITUTIONS = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "l", "!": "i", "3": "e", "$": "s", "5": "s",
                                "7": "t"})


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list, lower-cased, comments and blank lines dropped."""
    path = Path(__file__).with_name("common_passwords.txt")
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _base_words(password: str) -> set[str]:
    """The password as typed, without its trailing digits/symbols, and with substitutions undone."""
    lowered = password.lower()
    stripped = re.sub(r"[\W\d_]+$", "", lowered)
    undone = lowered.translate(_SUBSTITUTIONS)
    return {lowered, stripped, undone, re.sub(r"[\W\d_]+$", "", undone), re.sub(r"[\W_]", "", undone)}


def password_problem(password: str, username: str = "") -> Optional[str]:
    """A translatable reason the password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Password must be at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Password must be at most %(n)d characters.", n=MAX_LENGTH)
    if sum(bool(re.search(kind, password)) for kind in KINDS) < 3:
        return _l("Password must mix at least three of: lower case, upper case, digits, symbols.")
    if _base_words(password) & common_passwords():
        return _l("This password is too common; choose another.")
    folded = password.lower().translate(_SUBSTITUTIONS) + password.lower()
    if username and len(username) >= 3 and username.lower() in folded:
        return _l("The password must not contain the username.")
    return None
