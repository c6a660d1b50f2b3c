"""The offline condenser: picks and compresses a section's own sentences to fit the part's share of the page.

A sentence scores for being the lead of a point, for carrying figures (unmasked more than masked), and for
standing at the centre of its section (sharing its characters with the rest); general political framing
("深入学习贯彻…", "坚持以…为指导") scores less, being what every report says. Sentences are taken by score with
MMR against repeating one another and a spread over the section's points, then put back in document order.
"""

from __future__ import annotations

import re
from collections import Counter

from ..answer.evidence import char_bigrams
from ..library.structure import is_run_in_heading
from ..text.chinese import ENUMERATION_MARKER
from .outline import ACHIEVEMENT, Group, ReportOutline, short_label
from .units import Unit, compress, counted_figures, sentences_of

REDUNDANCY_WEIGHT = 0.6
POINT_TITLE_MAX_CHARS = 20
LIST_BELOW_CHARS = 40       # an achievements part this short lists its points' headings instead of sentences
MIN_OVERVIEW_CHARS = 16
MIN_CUT_CHARS = 8           # a sentence cut shorter than this is a fragment ("2022年8月。")     # below this a cut opening sentence says nothing ("今年以来。")
SAME_POINT_PENALTY = 0.35
_FRAMING = re.compile(r"习近平|为指导|高度重视|认真贯彻|深入学习贯彻|坚决贯彻|决策部署|重要讲话|重要指示|二十大精神")
_NOT_OVERVIEW = re.compile(r"现将|如下|汇报|评议|报告|请予|请各位")


class ExtractiveCondenser:
    """Condenses with the report's own sentences; needs no model."""

    kind = "extractive"
    model: str | None = None

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def condense(self, group: Group, max_chars: int) -> list[Unit]:
        """The group's best sentences, compressed, within `max_chars` in all, in document order."""
        listed = point_list(group, max_chars)
        if listed and (group.kind != ACHIEVEMENT or max_chars < LIST_BELOW_CHARS):
            return listed
        chosen = select(score_candidates(group), max_chars, points=len(group.heading_path))
        return chosen or listed

    def overview(self, outline: ReportOutline, parts: list[list[Unit]], max_chars: int) -> list[Unit]:
        """One or two sentences on the whole report: its own opening summary when it has one."""
        candidates = [unit for unit in _preamble_units(outline) if not _NOT_OVERVIEW.search(unit.quote)]
        chosen = select(candidates, max_chars, points=0, limit=2)
        return chosen if sum(len(unit.text) for unit in chosen) >= MIN_OVERVIEW_CHARS else []


def score_candidates(group: Group) -> list[Unit]:
    """Every sentence of the group as a scored unit (bare heading sentences left out: the label says them)."""
    raw = [(chunk, index, sentence) for chunk in group.passages
           for index, sentence in enumerate(sentences_of(chunk.text))]
    bigrams = [char_bigrams(sentence) for _, _, sentence in raw]
    frequency = Counter(pair for pairs in bigrams for pair in pairs)
    own_headings = {_bare(title) for title in group.heading_path}
    units = []
    for (chunk, index, sentence), pairs in zip(raw, bigrams):
        if is_run_in_heading(sentence) or len(sentence) < 6 or _bare(sentence) in own_headings:
            continue
        text = compress(sentence)
        centrality = sum(frequency[pair] - 1 for pair in pairs) / (len(pairs) * max(1, len(raw) - 1)) if pairs else 0
        units.append(Unit(text, chunk, sentence, (chunk.ordinal, index), _score(sentence, index, centrality)))
    return units


def _bare(text: str) -> str:
    """A heading or sentence without its marker and end punctuation, for comparing the two."""
    return ENUMERATION_MARKER.sub("", text.strip(), count=1).rstrip("。：:；; ")


def _score(sentence: str, index: int, centrality: float) -> float:
    unmasked, masked = counted_figures(sentence)
    score = 0.5 * min(unmasked, 3) + 0.15 * min(masked, 3) + 2.0 * centrality
    if index == 0:
        score += 0.4
    if _FRAMING.search(sentence):
        score -= 0.6
    return score


def select(candidates: list[Unit], max_chars: int, points: int, limit: int = 6) -> list[Unit]:
    """Units by MMR score while they fit `max_chars`; when none fits whole, the best one cut to fit."""
    chosen: list[Unit] = []
    remaining = list(candidates)
    bigrams = {unit.order: char_bigrams(unit.text) for unit in candidates}
    used = 0
    while remaining and len(chosen) < limit:
        best = max(remaining, key=lambda unit: _marginal(unit, chosen, points, bigrams))
        remaining.remove(best)
        if used + len(best.text) <= max_chars:
            chosen.append(best)
            used += len(best.text)
    if not chosen:
        for best in sorted(candidates, key=lambda unit: unit.score, reverse=True):
            cut = compress(best.quote, max_chars)
            if len(cut) > MIN_CUT_CHARS:
                chosen.append(Unit(cut, best.chunk, best.quote, best.order, best.score))
                break
    return sorted(chosen, key=lambda unit: unit.order)


def _marginal(unit: Unit, chosen: list[Unit], points: int, bigrams: dict[tuple[int, int], set[str]]) -> float:
    """A unit's score less its overlap with what is already chosen (and its point's, when already used)."""
    if not chosen:
        return unit.score
    pairs = bigrams[unit.order]
    overlap = max(len(pairs & bigrams[other.order]) / max(1, len(pairs)) for other in chosen)
    same_point = any(other.chunk.heading_path[: points + 1] == unit.chunk.heading_path[: points + 1]
                     for other in chosen)
    return unit.score - REDUNDANCY_WEIGHT * overlap - (SAME_POINT_PENALTY if same_point else 0.0)


def point_list(group: Group, max_chars: int) -> list[Unit]:
    """Problems and plans as the report lists them: its point headings joined with ；, as many as fit."""
    titles = group.point_titles()
    if len(titles) < 2:
        return []
    first_chunk = {}
    for chunk in group.passages:
        if len(chunk.heading_path) > len(group.heading_path):
            first_chunk.setdefault(chunk.heading_path[len(group.heading_path)], chunk)
    units, used = [], 0
    for index, title in enumerate(titles):
        label = short_label(title, POINT_TITLE_MAX_CHARS)
        if "…" in title or len(label) < len(_bare(title)) - 4:
            return []   # quoted or cut headings ("一是针对“…”的问题") say nothing as a list
        if used + len(label) + 1 > max_chars:
            break
        chunk = first_chunk[title]
        units.append(Unit(label + "；", chunk, title, (chunk.ordinal, index), 1.0))
        used += len(label) + 1
    if units:
        last = units[-1]
        ending = "。" if len(units) == len(titles) else "等。"
        units[-1] = Unit(last.text[:-1] + ending, last.chunk, last.quote, last.order, last.score)
    return units


def _preamble_units(outline: ReportOutline) -> list[Unit]:
    """The report's opening sentences (before its first heading, or opening its only chapter) as units."""
    units = []
    for chunk in outline.preamble:
        for index, sentence in enumerate(sentences_of(chunk.text)):
            score = 1.0 - 0.1 * index - (0.3 if _FRAMING.search(sentence) else 0)
            units.append(Unit(compress(sentence), chunk, sentence, (chunk.ordinal, index), score))
    return units
