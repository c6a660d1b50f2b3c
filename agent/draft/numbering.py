"""How a section numbers its points: `一是…二是…` run in, or `（一）…（二）…` as headings (DESIGN.md principle 5).

The markers themselves (一、 （一） 1. 一是) are `chinese.ENUMERATION_MARKER`; this module is about the two
styles a draft can be written in: telling which one a heading uses, and numbering points in it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from ..text.chinese import chinese_numeral

POINT_STYLE, BRACKET_STYLE = "一是", "（一）"
_STYLES = ((POINT_STYLE, re.compile(r"^\s*[一二三四五六七八九十]+是")),
           (BRACKET_STYLE, re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")))


def style_of(text: str) -> str | None:
    """The point style a line opens with (一是 or （一）), None for any other start."""
    return next((style for style, pattern in _STYLES if pattern.match(text)), None)


def numbering_style(headings: Iterable[str]) -> str:
    """The reports' own way of numbering points: whichever style their headings use more (一是 on a tie)."""
    counts = Counter(style_of(heading) for heading in headings)
    return BRACKET_STYLE if counts[BRACKET_STYLE] > counts[POINT_STYLE] else POINT_STYLE


def marker(style: str, index: int) -> str:
    """The numbering marker of the point at `index` (0-based) in a style: 一是 / （一）."""
    ordinal = chinese_numeral(index + 1)
    return f"（{ordinal}）" if style == BRACKET_STYLE else f"{ordinal}是"
