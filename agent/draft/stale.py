"""Stale facts: what a past report says about its own year must not pass as this year's (DESIGN.md principle 2).

Years are rewritten relative to the draft year (the report's own year becomes the draft year, its next year
明年, its previous year 上年); honours and awards of past years are found so they can be dropped or replaced.
Figures are the number guard's business (`agent/draft/guard.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.figures import PLACEHOLDER

_YEAR = re.compile(r"(?<![\d*])((?:19|20)\d{2})(?=\s*年)")
_MASKED_YEAR = re.compile(r"(?<![\d*])\*{2,4}(?=年)")
_HONOUR = re.compile(r"(?:荣获|获评|被评为|评为|获得|授予|入选|荣膺|被命名为)[^，。；！？,;]{0,30}?"
                     r"(?:称号|荣誉|奖项|[一二三等]?奖|先进集体|先进单位|示范单位|示范点|示范社区|标兵|模范)(?:称号|荣誉)?")


@dataclass
class YearRewrite:
    """A sentence with its years made relative to the draft year, and what was changed."""

    text: str
    changed: list[tuple[str, str]] = field(default_factory=list)  # (as written, as rewritten)


def rewrite_years(sentence: str, report_year: int | None, draft_year: int) -> YearRewrite:
    """Make a past report's years relative to the draft year: its own year → the draft year, the year after →
    明年, the year before → 上年; any other year (or a masked one) → 〔待补〕."""
    result = YearRewrite(sentence)

    def shift(match: re.Match[str]) -> str:
        written = int(match.group(1))
        offset = written - report_year if report_year else None
        replacement = {0: str(draft_year), 1: "明", -1: "上"}.get(offset, PLACEHOLDER) if offset is not None \
            else PLACEHOLDER
        if replacement != match.group(1):
            result.changed.append((f"{written}年", f"{replacement}年"))
        return replacement

    text = _YEAR.sub(shift, sentence)
    for match in _MASKED_YEAR.finditer(text):
        result.changed.append((f"{match.group(0)}年", f"{PLACEHOLDER}年"))
    result.text = _MASKED_YEAR.sub(PLACEHOLDER, text)
    return result


def replace_foreign_years(text: str, allowed: set[int]) -> tuple[str, list[str]]:
    """Years not among `allowed` replaced by 〔待补〕; returns the text and the years replaced."""
    replaced: list[str] = []

    def check(match: re.Match[str]) -> str:
        if int(match.group(1)) in allowed:
            return match.group(0)
        replaced.append(f"{match.group(1)}年")
        return PLACEHOLDER

    return _YEAR.sub(check, text), replaced


def find_years(text: str) -> list[int]:
    """The years written in `text` (2022年 → 2022), in order."""
    return [int(found) for found in _YEAR.findall(text)]


def find_honours(text: str) -> list[str]:
    """Honours and awards claimed in `text` ("荣获…先进集体称号")."""
    return [match.group(0) for match in _HONOUR.finditer(text)]


def replace_honours(text: str, keep: list[str]) -> tuple[str, list[str]]:
    """Honours not among the user's facts (`keep`, their wordings) replaced by 〔待补〕; returns the honours dropped."""
    dropped: list[str] = []

    def check(match: re.Match[str]) -> str:
        if any(match.group(0) in wording or wording in match.group(0) for wording in keep):
            return match.group(0)
        dropped.append(match.group(0))
        return PLACEHOLDER

    return _HONOUR.sub(check, text), dropped
