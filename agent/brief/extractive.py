"""The offline condenser: picks and compresses a section's own sentences to fit the part's share of the page.

A sentence scores for what a leader reads a brief for (what a reader would name as the report's key points):
its own programmes and brands in quotes (“六亮”行动, “两创一管”), results with figures (unmasked more than masked,
amounts in 万/亿 more), rankings and honours (评为…先进集体, 居全市第一), named projects and places (岱家山科创城,
TOD综合体); a little for being the lead of a point and for standing at the centre of its section. General
political framing ("深入学习贯彻…", "坚持以…为指导") scores less, being what every report says. Sentences are
taken by score with MMR against repeating one another and a spread over the section's points, then put back in
document order. The overview is the report's own account of its year: its opening sentences that state results.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Callable

from ..library.store import StoredChunk
from ..library.structure import is_run_in_heading
from ..text.chinese import ENUMERATION_MARKER, char_bigrams
from .outline import ACHIEVEMENT, PLAN, PROBLEM, Group, ReportOutline, group_key, only_owns_up, short_label
from .units import (FRAMING, Unit, clauses_saying, compress, content_sentences, counted_figures, has_figure,
                    specificity)

REDUNDANCY_WEIGHT = 0.6
POINT_TITLE_MAX_CHARS = 20
LIST_BELOW_CHARS = 40       # an achievements part this short lists its points' headings instead of sentences
MIN_OVERVIEW_CHARS = 16
MIN_CUT_CHARS = 8           # a sentence cut shorter than this is a fragment ("2022年8月。", "今年以来。")
SAME_POINT_PENALTY = 0.35
OVERVIEW_RESULTS = 2
SUMMARY_CLAUSES = 2         # the year in one line (稳中有进，完成了全年主要目标任务), the room left for its results
MAX_UNITS = 10              # sentences of one part at most
SCORED_GROUPS_KEPT = 64     # parts whose scored sentences the condenser keeps
_TARGETS = re.compile(r"(?:主要)?预期目标(?:是|为)|主要目标(?:是|为)")   # a plan's targets for the year or the period
_RESULT = re.compile(r"增长|完成|实现|达到|突破|同比|提升|下降|位居|荣获|获评|取得|新台阶|新成效|新进展|稳中有进|成效显著")
# How a report says what its year was (过去一年…完成了全年主要目标任务, 经济社会发展稳中有进), not one result of it
_SUMS_UP = re.compile(r"(?:全年|年度)(?:各项)?(?:主要)?目标任务|主要目标任务|稳中有进|稳中向好|稳中提质|"
                      r"取得(?:了)?新的(?:重大)?成就|各项(?:工作|事业)(?:取得|迈上|实现|全面)")
# Sentences that lead into what follows or thank the audience say nothing of the year: 我们也清醒认识到。,
# 在此，我代表省政府，向全省各族人民……表示衷心感谢！, 提请本次大会审查。
_CEREMONY = re.compile(r"(?:认识到|看到|指出|如下|体会是|启示是)[。：:！!]?$|表示(?:衷心|诚挚|崇高)?的?(?:感谢|敬意)|致以(?:崇高|诚挚|衷心)"
                       r"|(?:提请|请予|请)[^。]{0,10}(?:审查|审议|批准)")
# How a report names a shortcoming: 创新能力还不够强, 民生保障存在短板弱项, 风险隐患较多
_SHORTCOMING = re.compile(r"不够|不足|不强|较弱|偏弱|有待|仍需|亟待|短板|弱项|滞后|较多|较大|压力|风险|困难|薄弱|差距|不平衡"
                          r"|任重道远|艰巨|紧迫|依然突出|仍然突出|仍较突出")
SHORTCOMING_WEIGHT, MAX_SHORTCOMINGS = 0.5, 3
PointOf = Callable[[StoredChunk], tuple[str, ...]]   # the point of its part a passage belongs to
# ceremony, not the year: 现将…汇报如下, 各位代表：, 并请…提出意见, ——…在…会议上, 省长 王正谱; nor a sentence that
# points back to one before it (这些成绩，是在…取得的): the overview stands alone
_NOT_OVERVIEW = re.compile(r"^(?:这|此|上述|以上|其中)|现将|如下|汇报|评议|报告|请予|请各位|各位|同志们|提出意见|会议上|大会|[：:]$"
                           r"|(?:总理|省长|市长|区长|县长|镇长|主任|书记|主席)\s*[\u4e00-\u9fff·]{2,4}。?$")   # the byline


class ExtractiveCondenser:
    """Condenses with the report's own sentences; needs no model."""

    kind = "extractive"
    model: str | None = None

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._scored: dict[tuple, list[Unit]] = {}   # a group's scored sentences, kept across the page's refits

    def condense(self, group: Group, max_chars: int) -> list[Unit]:
        """The group's best sentences, compressed, within `max_chars` in all, in document order; a plan's statement
        of its targets (主要预期目标是：…增长5%左右) first, then how it means to reach them."""
        candidates = self.scored(group)
        targets = _targets(candidates, max_chars // 2) if group.kind == PLAN else []
        if not targets:
            return _condensed(group, candidates, max_chars)
        said = {unit.quote for unit in targets}
        rest = _condensed(group, [unit for unit in candidates if unit.quote not in said],
                          max_chars - len(targets[0].text))
        return sorted(targets + rest, key=lambda unit: unit.order)

    def scored(self, group: Group) -> list[Unit]:
        """`score_candidates` of the group, worked out once: the pipeline condenses a part again at each refit."""
        key = group_key(group)
        if key not in self._scored:
            if len(self._scored) >= SCORED_GROUPS_KEPT:   # `brief --all`: only the report at hand's groups
                del self._scored[next(iter(self._scored))]
            self._scored[key] = score_candidates(group)
        return self._scored[key]

    def overview(self, outline: ReportOutline, parts: list[list[Unit]], max_chars: int) -> list[Unit]:
        """What the report says the year was: its own opening summary, then its headline results (honours,
        rankings, results with figures) that the points do not already carry."""
        used = {unit.quote for part in parts for unit in part}
        opening = [unit for unit in _preamble_units(outline) if not _NOT_OVERVIEW.search(unit.quote)]
        summed_up = [replace(unit, text=clauses_saying(unit.quote, _SUMS_UP, SUMMARY_CLAUSES))
                     for unit in opening if _SUMS_UP.search(unit.quote)]
        summary = summed_up or [unit for unit in opening if _RESULT.search(unit.quote)] or opening
        chosen = select(summary, max_chars, _chapter, limit=1)
        left = max_chars - sum(len(unit.text) for unit in chosen)
        said = {unit.quote for unit in chosen}
        opening_results = [unit for unit in opening if unit.quote not in said and _RESULT.search(unit.quote)
                           and counted_figures(unit.quote)[0]]
        results = opening_results or [unit for group in outline.achievements for unit in self.scored(group)
                                      if _RESULT.search(unit.quote) and _telling_unit(unit)]   # its headline results
        fresh = [unit for unit in results if unit.quote not in used] or results
        chosen += select(fresh, left, _chapter, limit=OVERVIEW_RESULTS) if left >= MIN_OVERVIEW_CHARS else []
        return chosen if sum(len(unit.text) for unit in chosen) >= MIN_OVERVIEW_CHARS else []


def _condensed(group: Group, candidates: list[Unit], max_chars: int) -> list[Unit]:
    """The group's best candidates within `max_chars`: problems and plans by their points' headings, then
    specifics; a run of a long report's chapters each chapter's best sentence first; else by score."""
    listed = point_list(group, max_chars)
    if listed and max_chars < LIST_BELOW_CHARS:
        return listed
    if listed and group.kind != ACHIEVEMENT:
        telling = [unit for unit in candidates if _telling_unit(unit)]
        return _then_fill(listed, telling, max_chars, group.point_of, LIST_BELOW_CHARS, MAX_UNITS)
    if group.run_label:   # a run of a long report's chapters: each chapter's best sentence first
        leads = select(_best_of_each_point(candidates, group.point_of), max_chars, group.point_of)
        return _then_fill(leads, candidates, max_chars, group.point_of, MIN_CUT_CHARS,
                          MAX_UNITS - len(leads)) or listed
    return select(candidates, max_chars, group.point_of) or listed


def _targets(candidates: list[Unit], max_chars: int) -> list[Unit]:
    """A plan's statement of its targets (主要预期目标是：…) with a figure, cut to `max_chars`; [] if it has none or
    it does not fit."""
    stated = [unit for unit in candidates if _TARGETS.search(unit.quote) and has_figure(unit.quote)]
    cut = _cut_to(stated[0], max_chars) if stated else None
    return [cut] if cut is not None else []


def score_candidates(group: Group) -> list[Unit]:
    """Every sentence of the group as a scored unit (bare heading sentences left out: the label says them)."""
    raw = [(chunk, index, sentence) for chunk in group.passages
           for index, sentence in enumerate(content_sentences(chunk.text))]
    bigrams = [char_bigrams(sentence) for _, _, sentence in raw]
    frequency = Counter(pair for pairs in bigrams for pair in pairs)
    own_headings = {_bare(title) for title in group.heading_path}
    units = []
    for (chunk, index, sentence), pairs in zip(raw, bigrams):
        if (is_run_in_heading(sentence) or len(sentence) < 6 or _bare(sentence) in own_headings
                or _CEREMONY.search(sentence) or only_owns_up(sentence)):
            continue
        text = _shortened(sentence, group.kind)
        if _CEREMONY.search(text):   # cut to its lead-in (我们也清醒认识到，…困难 → 我们也清醒认识到。)
            continue
        centrality = sum(frequency[pair] - 1 for pair in pairs) / (len(pairs) * max(1, len(raw) - 1)) if pairs else 0
        units.append(Unit(text, chunk, sentence, (chunk.ordinal, index), _score(sentence, index, centrality,
                                                                                  group.kind)))
    return units


def _shortened(sentence: str, kind: str) -> str:
    """The sentence as the brief says it: its telling clauses; a problem's, the shortcomings it names (not its
    lead-in and its resolve to fix them)."""
    if kind == PROBLEM:
        return clauses_saying(sentence, _SHORTCOMING, MAX_SHORTCOMINGS) or compress(sentence)
    return compress(sentence)


def _bare(text: str) -> str:
    """A heading or sentence without its marker and end punctuation, for comparing the two."""
    return ENUMERATION_MARKER.sub("", text.strip(), count=1).rstrip("。：:；; ")


def _score(sentence: str, index: int, centrality: float, kind: str) -> float:
    """What a reader finds in the sentence (figures, brands, honours, places; in a problem part the shortcomings
    it names), a little for standing at the centre of its section and leading its passage, less for framing."""
    unmasked, masked = counted_figures(sentence)
    score = 0.5 * min(unmasked, 3) + 0.15 * min(masked, 3) + 2.0 * centrality + specificity(sentence)
    if kind == PROBLEM:
        score += SHORTCOMING_WEIGHT * min(len(_SHORTCOMING.findall(sentence)), MAX_SHORTCOMINGS)
    if index == 0:
        score += 0.4
    if FRAMING.search(sentence):
        score -= 0.6
    return score


def select(candidates: list[Unit], max_chars: int, point_of: PointOf, limit: int = MAX_UNITS) -> list[Unit]:
    """Units by MMR score while they fit `max_chars`; when none fits whole, the best one cut to fit."""
    chosen: list[Unit] = []
    remaining = list(candidates)
    penalty = _Redundancy(candidates, point_of)
    used = 0
    while remaining and len(chosen) < limit:
        best = max(remaining, key=lambda unit: unit.score - penalty.of(unit))
        remaining.remove(best)
        if used + len(best.text) > max_chars:
            best = _cut_to(best, max_chars - used)
        if best is not None:
            chosen.append(best)
            penalty.taken(best)
            used += len(best.text)
    if not chosen:
        for best in sorted(candidates, key=lambda unit: unit.score, reverse=True):
            cut = _cut_to(best, max_chars)
            if cut is not None:
                chosen.append(cut)
                break
    return sorted(chosen, key=lambda unit: unit.order)


def _then_fill(first: list[Unit], candidates: list[Unit], max_chars: int, point_of: PointOf, min_room: int,
               limit: int) -> list[Unit]:
    """`first`, then the best of the other candidates in the room left (when at least `min_room`), in document
    order."""
    left = max_chars - sum(len(unit.text) for unit in first)
    said = {unit.quote for unit in first}
    rest = [unit for unit in candidates if unit.quote not in said]
    more = select(rest, left, point_of, limit=limit) if left >= min_room else []
    return sorted(first + more, key=lambda unit: unit.order)


def _best_of_each_point(units: list[Unit], point_of: PointOf) -> list[Unit]:
    """The best-scored unit of each point (a chapter of a run of chapters)."""
    best: dict[tuple[str, ...], Unit] = {}
    for unit in units:
        point = point_of(unit.chunk)
        if point not in best or unit.score > best[point].score:
            best[point] = unit
    return list(best.values())


def _telling_unit(unit: Unit) -> bool:
    """A sentence that says something specific: a brand, honour, place or figure."""
    return bool(specificity(unit.quote) or counted_figures(unit.quote)[0])


def _chapter(chunk: StoredChunk) -> tuple[str, ...]:
    return chunk.heading_path[:1]


def _cut_to(unit: Unit, max_chars: int) -> Unit | None:
    """The unit's text cut clause by clause to `max_chars` (its telling clauses last to go); None when what is left
    would be a fragment. The text, not the sentence it came from: a problem's shortcomings stay its shortcomings."""
    cut = compress(unit.text, max_chars)
    if len(cut) <= MIN_CUT_CHARS or _CEREMONY.search(cut):   # a fragment, or only the lead-in (…清醒认识到。)
        return None
    return Unit(cut, unit.chunk, unit.quote, unit.order, unit.score)


class _Redundancy:
    """What a candidate loses for repeating what is already chosen (its largest share of character bigrams with
    a chosen unit) and for standing in a point already used; kept up to date as units are taken."""

    def __init__(self, candidates: list[Unit], point_of: PointOf) -> None:
        self.bigrams = {unit.order: char_bigrams(unit.text) for unit in candidates}
        self.points = {unit.order: point_of(unit.chunk) for unit in candidates}
        self.overlap = dict.fromkeys(self.bigrams, 0.0)
        self.used_points: set[tuple[str, ...]] = set()

    def of(self, unit: Unit) -> float:
        same_point = self.points[unit.order] in self.used_points
        return REDUNDANCY_WEIGHT * self.overlap[unit.order] + (SAME_POINT_PENALTY if same_point else 0.0)

    def taken(self, chosen: Unit) -> None:
        pairs = self.bigrams[chosen.order]
        self.used_points.add(self.points[chosen.order])
        for order, own in self.bigrams.items():
            self.overlap[order] = max(self.overlap[order], len(own & pairs) / max(1, len(own)))


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
    """The report's opening sentences (before its first heading, or opening its only chapter) as units, those
    that state the year's results first (figures, 增长/完成/实现…), framing last."""
    units = []
    for chunk in outline.preamble:
        for index, sentence in enumerate(content_sentences(chunk.text)):
            unmasked, masked = counted_figures(sentence)
            score = (1.0 - 0.1 * index - (0.5 if FRAMING.search(sentence) else 0) + 0.3 * min(unmasked, 3)
                     + 0.1 * min(masked, 3) + (0.4 if _RESULT.search(sentence) else 0) + specificity(sentence))
            units.append(Unit(compress(sentence), chunk, sentence, (chunk.ordinal, index), score))
    return units
