"""The 关键数据 table: a report's telling figures, verbatim, with what each counts and where it stands.

Unmasked figures come first (money and shares before counts), one per sentence and spread over the sections;
masked figures (`*万元`) are listed as written only when the report gives too few others. Years and dates are
not key data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..library.lexical import words_within
from ..text.figures import Figure
from .outline import ReportOutline, pointer
from .units import counting_figures, sentences_of

WHAT_MAX_CHARS = 12
_MONEY_OR_SHARE = re.compile(r"[万亿]|元|%|％|‰|百分点")
_WRITTEN = re.compile(r"[0-9０-９*＊]")   # a key figure is written in digits; 两个, 八项工程, 千万人 are words
_CLAUSE_BREAK = re.compile(r"[，,；;。：:、（）()“”]")


@dataclass(frozen=True)
class KeyFigure:
    """One row of the table."""

    figure: str
    what: str
    where: str
    chunk_id: str
    quote: str

    def row(self) -> tuple[str, str, str]:
        return (self.figure, self.what, self.where)


def key_figures(outline: ReportOutline, limit: int) -> list[KeyFigure]:
    """Up to `limit` key figures of the report, in document order."""
    candidates = []
    opening = [chunk for chunk in outline.preamble if chunk.heading_path]   # a chapter's lead: its year in figures
    for chunk in [*opening, *(chunk for group in outline.achievements for chunk in group.passages)]:
        for index, sentence in enumerate(sentences_of(chunk.text)):
            for figure in [figure for figure in counting_figures(sentence) if _WRITTEN.search(figure.text)][:1]:
                what = what_it_counts(sentence, figure)
                if what:
                    candidates.append((_rank(figure), (chunk.ordinal, index),
                                       KeyFigure(figure.text, what, pointer(chunk.heading_path), chunk.chunk_id,
                                                 sentence)))
    chosen, places = [], set()
    for spread in (True, False):
        for _, order, key in sorted(candidates, key=lambda item: (item[0], item[1])):
            if len(chosen) >= limit:
                break
            if key in (k for _, k in chosen) or (spread and key.where in places):
                continue
            chosen.append((order, key))
            places.add(key.where)
    return [key for _, key in sorted(chosen, key=lambda item: item[0])]


def _rank(figure: Figure) -> tuple[int, int]:
    """Lower is better: unmasked before masked, money and shares before counts."""
    return (1 if figure.masked else 0, 0 if _MONEY_OR_SHARE.search(figure.text) else 1)


def what_it_counts(sentence: str, figure: Figure) -> str:
    """The words before a figure in its clause (投入抗旱资金 of 投入抗旱资金*万元), or after it when none."""
    before = _CLAUSE_BREAK.split(sentence[:figure.text_start])[-1].strip()
    before = re.sub(r"^(?:全年|累计|共|先后|已|并|其中|今年|年内)", "", before)
    if len(before) >= 2:
        return words_within(before, WHAT_MAX_CHARS, from_end=True)
    after = _CLAUSE_BREAK.split(sentence[figure.text_end:])[0].strip()
    return after[:WHAT_MAX_CHARS] if len(after) >= 2 else ""
