"""Choice columns of every spreadsheet import: a cell naming one of a fixed set of codes.

    index = ChoiceIndex.build("category", CATEGORIES, what=_l("category"), remembered={...}, contains=True)
    code = index.read(cell)         # None for an empty cell; UnknownChoice (a CellError) otherwise

A cell may give the code, the label in either language, a common synonym (core.sheets.synonyms),
or a value someone mapped by hand on an earlier import (`remembered`, kept by import_values). Text
is compared as `choice_key` folds it: full-width forms, case, spaces and punctuation do not count,
so "In-Progress", "in_progress" and "ｉｎ　ｐｒｏｇｒｅｓｓ" are one word. When the whole cell is not a
known word, what county sheets do to a word is undone, in this order: a note in brackets ("宽带（光纤）",
"（宽带）"), a list of words that all mean the same ("宽带/通信"), a generic suffix ("在建项目",
"道路工程"), and, for kinds that allow it, a known Chinese word inside a longer text ("通村公路硬化"):
only when every known word found means the same code (a word inside a longer one found counts as
the longer one: "网格化管理" is not also "网格"). A cell of punctuation only ("/", "—") reads as empty.

An unknown value is refused with a message naming it and every value allowed, and carries its kind
and key so that an import can ask which code it means (the value-mapping step). Plain Python: no
Flask app, no database.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from flask_babel import force_locale, gettext

from core.i18n import LANGUAGES, _l
from core.sheets.cells import CellError, is_blank, text_value
from core.sheets.synonyms import SYNONYMS

_OPEN, _CLOSE = "([{【〔《「『<", ")]}】〕》」』>"
_BRACKETED = re.compile(rf"[{re.escape(_OPEN)}]([^{re.escape(_OPEN + _CLOSE)}]*)[{re.escape(_CLOSE)}]")
_SEPARATORS = re.compile(r"[/、,;|+&，；]|(?<=\S)(?:和|及|与)(?=\S)")
GENERIC_SUFFIXES = ("项目", "工程", "建设", "类别", "类", "阶段", "状态")
MIN_FRAGMENT = 2  # a Chinese word found inside a longer text has at least two characters
MAX_ALLOWED_SHOWN = 40  # values listed in a message; more are counted


def choice_key(text: object) -> str:
    """Text as choices compare it: NFKC (full-width to ASCII), case folded, letters and digits only."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def _has_han(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def variants(text: str) -> Iterator[str]:
    """Keys a cell may mean, most literal first: the whole text, the text outside brackets, each
    bracketed note, the text with a generic suffix taken off (core.sheets.choices docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    yield choice_key(folded)
    outside = _BRACKETED.sub(" ", folded)
    if outside != folded:
        yield choice_key(outside)
        for inside in _BRACKETED.findall(folded):
            yield choice_key(inside)
    key = choice_key(outside)
    for suffix in GENERIC_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            yield key[: -len(suffix)]


class AllowedValues:
    """The labels a column accepts, rendered in the language of whoever reads the message."""

    def __init__(self, labels: Mapping[str, object], with_codes: bool = True):
        self.labels, self.with_codes = dict(labels), with_codes

    def __str__(self) -> str:
        names = [f"{label} ({code})" if self.with_codes and str(label) != code else str(label)
                 for code, label in list(self.labels.items())[:MAX_ALLOWED_SHOWN]]
        more = len(self.labels) - len(names)
        text = gettext(", ").join(names)
        return text + gettext(" and %(n)d more", n=more) if more > 0 else text


class UnknownChoice(CellError):
    """A cell naming no known value: `kind`, the text as written, its key (what a remembered mapping
    is stored under), and a message naming the value and the allowed ones."""

    def __init__(self, kind: str, text: str, key: str, message):
        super().__init__(message)
        self.kind, self.text, self.key = kind, text, key


@dataclass
class ChoiceIndex:
    """The codes of one kind of column and every word that names one (module docstring)."""

    kind: str
    labels: dict[str, object]  # code -> label (lazy), in the order they are offered
    what: object  # the column in words, for messages ("category")
    words: dict[str, str] = field(default_factory=dict)  # key -> code: codes, labels, synonyms
    remembered: dict[str, str] = field(default_factory=dict)  # key -> code, mapped by hand earlier
    contains: bool = False
    fragments: list[tuple[str, str]] = field(default_factory=list)  # Chinese words to find inside texts

    @classmethod
    def build(cls, kind: str, labels: Mapping[str, object], *, what: object,
              names: Optional[Mapping[str, Iterable[object]]] = None, remembered: Optional[Mapping[str, str]] = None,
              contains: bool = False, synonyms: Optional[Mapping[str, Iterable[str]]] = None,
              languages: Iterable[str] = LANGUAGES) -> ChoiceIndex:
        """The index of `labels` ({code: lazy label}) and `names` ({code: more names}, such as a fund
        source's name), each rendered in every one of `languages` (in an app context), the synonyms of `kind`
        (core.sheets.synonyms, unless `synonyms` are given) and the `remembered` mappings to known codes."""
        index = cls(kind, dict(labels), what, contains=contains)
        words: dict[str, list[object]] = {code: [code] for code in labels}
        for language in languages:  # a lazy label or name is a word in each language
            with force_locale(language):
                for code, label in labels.items():
                    words[code] += [str(label), *(str(name) for name in (names or {}).get(code, ()))]
        for code in labels:
            index._add(code, words[code])
        for code, synonyms_of_code in (SYNONYMS.get(kind, {}) if synonyms is None else synonyms).items():
            if code in labels:
                index._add(code, synonyms_of_code)
        index.remembered = {key: code for key, code in (remembered or {}).items() if code in labels}
        index.fragments = sorted(((key, code) for key, code in index.words.items()
                                  if _has_han(key) and len(key) >= MIN_FRAGMENT), key=lambda item: -len(item[0]))
        return index

    def _add(self, code: str, words: Iterable[object]) -> None:
        for word in words:
            key = choice_key(word)
            if key:
                self.words.setdefault(key, code)

    def find(self, text: str) -> Optional[str]:
        """The code `text` names (module docstring), or None."""
        key = choice_key(text)
        found = self.words.get(key) or self.remembered.get(key) or self._literal(text)
        if found:
            return found
        parts = [part for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text)) if choice_key(part)]
        if len(parts) > 1:
            codes = {self._literal(part) for part in parts}
            if len(codes) == 1 and None not in codes:
                return codes.pop()
        return self._inside(key) if self.contains else None

    def _literal(self, text: str) -> Optional[str]:
        """The code of the first of the text's variants that is a known or remembered word."""
        for variant in variants(text):
            code = self.words.get(variant) or self.remembered.get(variant)
            if code:
                return code
        return None

    def _inside(self, key: str) -> Optional[str]:
        """The one code of the known Chinese words inside `key`, a word inside a longer one found not counted."""
        spans: list[tuple[int, int, str]] = []
        for word, code in self.fragments:  # longest first: a shorter word inside a longer one is skipped
            start = key.find(word)
            while start != -1:
                end = start + len(word)
                if not any(s <= start and end <= e for s, e, _ in spans):
                    spans.append((start, end, code))
                start = key.find(word, start + 1)
        codes = {code for _, _, code in spans}
        return codes.pop() if len(codes) == 1 else None

    def read(self, value: Any) -> Optional[str]:
        """The code a cell names; None for an empty cell (or one of punctuation only); UnknownChoice."""
        if is_blank(value):
            return None
        text = text_value(value)
        key = choice_key(text)
        if not key:
            return None
        code = self.find(text)
        if code is None:
            raise UnknownChoice(self.kind, text, key, self.unknown_message(text))
        return code

    def unknown_message(self, text: str):
        """Why `text` is refused: it names the value and lists the allowed ones."""
        return _l("Unknown %(what)s: %(value)s. Use one of: %(allowed)s.", what=self.what, value=text,
                  allowed=AllowedValues(self.labels))

    def __call__(self, value: Any) -> Optional[str]:
        """The index as a cell reader (SheetReader.read(key, index))."""
        return self.read(value)
