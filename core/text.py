"""Text as Chinese offices type it: full-width forms folded to ASCII, and nothing more.

Numbers, dates and amounts are typed with full-width digits and punctuation by Chinese input
methods (１２３４．５６, ２０２６－０３－０１); those are the same characters as their ASCII forms.
Unicode's compatibility folding (NFKC) goes much further — superscript ² becomes 2 and Arabic-Indic
١٢٣ stay digits that `int()` accepts — which would let "²" be read as 2 yuan. So number parsers fold
only the full-width block and the ideographic space, then accept ASCII digits only.
"""
from __future__ import annotations

# U+FF01..U+FF5E are the full-width forms of ASCII ! .. ~ ; U+3000 is the ideographic (full-width) space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """`text` with full-width ASCII forms and the ideographic space replaced by their ASCII forms."""
    return text.translate(_FULL_WIDTH)
