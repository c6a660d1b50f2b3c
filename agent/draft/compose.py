"""The extractive composer (offline default): a first draft built only from the grouped evidence.

Each outline point gets its heading and two or three representative sentences of past reports, preferring
different reports, sentences central to the sub-theme and few figures. Sentences are adapted to the draft year
(`stale.rewrite_years`), masked unit names take `--org`, long lists of figures are cut to their first few, past
honours are left out, and the user's facts fill the figures they match. The draft guard then turns every other
figure into 〔待补〕, so the staffer sees exactly what to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..text.chinese import ENUMERATION_MARKER, char_bigrams
from ..text.citations import insert_key
from ..text.facts import Fact, Facts
from ..text.figures import PLACEHOLDER, find_figures
from .evidence import DraftEvidence, SourceSentence, SubthemeGroup
from .from_materials import MaterialPoint, point_body
from .outline import Outline, OutlinePoint, plan_outline
from .result import point_paragraphs
from .stale import find_honours, find_years, rewrite_years

NO_EVIDENCE = f"{PLACEHOLDER}（往年资料中没有与此要点对应的内容，请按今年实际撰写。）"
SENTENCES_PER_POINT = 3
POINT_MAX_CHARS = 240
FIGURE_CLAUSES_KEPT = 3
NEW_REPORT_BONUS = 1.5
NEAR_DUPLICATE = 0.5
FACT_MATCH = 0.6
_CONNECTIVE = re.compile(r"^(?:同时|此外|另外|截止目前|截至目前|截止到目前|目前|其中)[，,]?")
# A masked name of the reporting unit itself takes --org ("**街道" → 梅林街道); a masked higher or lower unit
# (**县, **社区) just loses its mask.
_MASKED_OWN_UNIT = re.compile(r"\*+(?:街道办事处|街道办|街道|新区|镇|乡)")
_MASKED_OTHER_UNIT = re.compile(r"\*+(?=社区|县|区|市)")
# Another unit's own name as a subject ("新区党工委班子成员", "街道党工委运用…") reads as the body alone.
_UNIT_AS_SUBJECT = re.compile(r"(?<![\u4e00-\u9fff*])(?:新区|街道)(?=党工委|管委会)")
_INTRODUCES_LIST = re.compile(r"以下几个方面|如下[：:。]|[：:]$")
_CLAUSE = re.compile(r"[^，,；;。！？]+[，,；;]?")
_DATED_DOCUMENT = re.compile(r"《[^》]*(?:\d{4}|\*+年|〔待补〕)[^》]*》")
_DOCUMENT = re.compile(r"《[^》]*》")
UNIT_KINDS = ("新区", "街道", "镇", "乡")
_LATER_YEAR = re.compile(r"明年|下一年度|来年")


@dataclass
class Written:
    """A draft's paragraphs before the guards, and the source sentence each cited passage was drawn on."""

    paragraphs: list[str]
    quotes: dict[str, str] = field(default_factory=dict)
    shown_keys: list[str] | None = None   # the passages the writer was shown (None: all); only these may be cited


@dataclass
class ComposedPoint:
    """One point of the draft: heading, body sentences, and the keys it cites."""

    heading: str
    sentences: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    fact_sentences: list[str] = field(default_factory=list)  # user facts no past sentence took
    quotes: dict[str, str] = field(default_factory=dict)  # key → the source sentence first used from it


@dataclass
class SentenceContext:
    """What adapting a past sentence needs to know."""

    year: int
    org: str
    facts: Facts
    used_facts: set[str] = field(default_factory=set)
    unit_kind: str = ""   # 街道, 镇, 乡 or 新区: the kind of unit the draft is for (its org's, else its reports')
    year_changes: list[tuple[str, str]] = field(default_factory=list)
    honours_skipped: list[str] = field(default_factory=list)


class ExtractiveWriter:
    """The offline writer: the outline from the best-supported sub-themes, the text from past sentences."""

    kind = "extractive"
    model = None

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def outline(self, evidence: DraftEvidence, title: str, year: int) -> Outline:
        """3–6 points from the evidence (see `plan_outline`)."""
        return plan_outline(evidence, title)

    def write(self, outline: Outline, evidence: DraftEvidence, context: SentenceContext,
              on_text: Callable[[str], None] | None = None) -> Written:
        """Each point as a paragraph (or heading and paragraph), its keys before the final 。."""
        points = compose_points(outline, evidence, context)
        paragraphs: list[str] = []
        quotes: dict[str, str] = {}
        for index, point in enumerate(points):
            body = "".join(point.sentences) or NO_EVIDENCE
            for key in point.keys:
                body = insert_key(body, key)
            body += "".join(point.fact_sentences)
            paragraphs += point_paragraphs(outline.style, index, point.heading, body)
            quotes.update({key: quote for key, quote in point.quotes.items() if key not in quotes})
        return Written(paragraphs=paragraphs, quotes=quotes)


    def write_materials(self, outline: Outline, points: list[MaterialPoint], evidence: DraftEvidence,
                        context: SentenceContext, on_text: Callable[[str], None] | None = None) -> Written:
        """Each point of a materials section as a paragraph: the house-style lead (cited to the past passage it
        comes from) and the material sentences, each cited [M#]."""
        paragraphs: list[str] = []
        for index, point in enumerate(points):
            heading = point.heading + (f"[{point.heading_key}]" if point.heading_key else "")
            paragraphs += point_paragraphs(outline.style, index, heading, point_body(point, context.org))
        return Written(paragraphs=paragraphs)


def compose_points(outline: Outline, evidence: DraftEvidence, context: SentenceContext) -> list[ComposedPoint]:
    """Write each outline point from its sub-theme's sentences; facts no sentence took join the best point."""
    groups = {group.name: group for group in evidence.groups}
    points = [_compose_point(point, groups.get(point.subtheme), context) for point in outline.points]
    _place_unused_facts(points, outline, groups, context)
    return points


def _compose_point(point: OutlinePoint, group: SubthemeGroup | None, context: SentenceContext) -> ComposedPoint:
    """Heading plus the chosen, adapted sentences of one point (a point with no evidence gets none)."""
    composed = ComposedPoint(heading=point.heading)
    if group is None:
        return composed
    for source in choose_sentences(group, point.heading, context):
        adapted = adapt_sentence(source, context, group)
        if adapted:
            composed.sentences.append(adapted)
            composed.keys.append(source.key)
            composed.quotes.setdefault(source.key, source.text)
    composed.keys = list(dict.fromkeys(composed.keys))
    return composed


@dataclass(frozen=True)
class _Candidate:
    """A sentence that may be reused, with what choosing among candidates compares (computed once)."""

    sentence: SourceSentence
    pairs: frozenset[str]
    figures: int


def choose_sentences(group: SubthemeGroup, heading: str, context: SentenceContext) -> list[SourceSentence]:
    """Up to SENTENCES_PER_POINT sentences: best scored first, a new report preferred, no near-duplicates, at most
    one list of figures; returned with statements before figures."""
    candidates = [_Candidate(s, frozenset(char_bigrams(s.text)), len(find_figures(s.text)))
                  for s in group.sentences if _usable(s, context)]
    if not group.frame:   # a sub-theme's point takes sentences saying its words, where there are such
        candidates = [c for c in candidates if group.hits(c.sentence.text)] or candidates
    heading_pairs = char_bigrams(heading)
    scores = {id(c): _score(c, group, heading_pairs, candidates) for c in candidates}
    chosen: list[_Candidate] = []
    while len(chosen) < SENTENCES_PER_POINT:
        best = _next_best(candidates, chosen, scores)
        if best is None or sum(len(c.sentence.text) for c in chosen) + len(best.sentence.text) > POINT_MAX_CHARS \
                and chosen:
            break
        chosen.append(best)
    return [c.sentence for c in sorted(chosen, key=lambda c: c.figures)]


def adapt_sentence(source: SourceSentence, context: SentenceContext, group: SubthemeGroup | None = None) -> str:
    """A past sentence fit for this year's draft: no marker or connective, years relative to the draft year,
    the unit's name for masked names, at most a few figure clauses, the user's facts where they match."""
    text = _CONNECTIVE.sub("", ENUMERATION_MARKER.sub("", source.text)).strip()
    rewrite = rewrite_years(text, source.year, context.year)
    context.year_changes += rewrite.changed
    text = _name_units(rewrite.text, context.org).lstrip("，,")
    clauses = _shorten(_fill_facts(_CLAUSE.findall(text), context), group)
    sentence = "".join(clauses).strip().rstrip("，,；;。")
    return sentence if sentence.endswith(("！", "？")) else f"{sentence}。"


def _names_other_units_document(text: str, unit_kind: str) -> bool:
    """Whether `text` names a document of another kind of unit (《新区机关纪委工作规则》 in a 街道's draft)."""
    others = [kind for kind in UNIT_KINDS if kind != unit_kind and not (unit_kind and kind in unit_kind)]
    return bool(unit_kind) and any(kind in title for title in _DOCUMENT.findall(text) for kind in others)


def unit_kind_of(org: str, titles: list[str]) -> str:
    """The kind of unit a draft is for: named in --org (梅林街道 → 街道), else the most common in the reports'
    titles, else ""."""
    for name in (org, *sorted(titles, key=lambda title: -sum(title.count(k) for k in UNIT_KINDS))):
        found = [kind for kind in UNIT_KINDS if kind in name]
        if found:
            return max(found, key=len)
    return ""


def _name_units(text: str, org: str) -> str:
    """Masked unit names: the reporting unit's becomes `org` (or its bare kind, 街道, without one)."""
    text = _MASKED_OWN_UNIT.sub(lambda match: org or match.group(0).lstrip("*"), text)
    return _UNIT_AS_SUBJECT.sub("", _MASKED_OTHER_UNIT.sub("", text))


def _usable(sentence: SourceSentence, context: SentenceContext) -> bool:
    """Sentences worth reusing: long enough, claiming no past honour (those are noted, not copied), naming no
    dated or other unit's document (《2023年…要点》 was that year's, 《新区…》 another unit's), and saying nothing
    of a year after the report's own (a plan then, not a deed now)."""
    honours = find_honours(sentence.text)
    if honours:
        context.honours_skipped += honours
        return False
    if _DATED_DOCUMENT.search(sentence.text) or _LATER_YEAR.search(sentence.text) \
            or _names_other_units_document(sentence.text, context.unit_kind):
        return False
    if sentence.year and any(year > sentence.year for year in find_years(sentence.text)):
        return False
    return len(sentence.text) >= 12 and not _INTRODUCES_LIST.search(sentence.text)


def _score(candidate: _Candidate, group: SubthemeGroup, heading_pairs: set[str], others: list[_Candidate]) -> float:
    """How well a sentence represents its sub-theme: keywords, shared wording with the rest of the group and
    with the heading, minus long figure lists and very long sentences."""
    text = candidate.sentence.text
    centrality = sum(_jaccard(candidate.pairs, other.pairs) for other in others if other is not candidate)
    heading_overlap = len(candidate.pairs & heading_pairs) / max(len(heading_pairs), 1)
    return (2.0 * group.hits(text) + 5.0 * centrality / max(len(others) - 1, 1) + heading_overlap
            - 0.6 * max(0, candidate.figures - 2) - (1.0 if len(text) > 130 else 0.0))


def _next_best(candidates: list[_Candidate], chosen: list[_Candidate], scores: dict[int, float]) -> _Candidate | None:
    """The best remaining sentence given what is chosen (new report bonus; duplicates and a second figure list
    excluded)."""
    used_sources = {c.sentence.source for c in chosen}
    has_list = any(c.figures >= 2 for c in chosen)
    best, best_score = None, float("-inf")
    for candidate in candidates:
        if candidate in chosen or (has_list and candidate.figures >= 2):
            continue
        if any(_jaccard(candidate.pairs, c.pairs) > NEAR_DUPLICATE for c in chosen):
            continue
        score = scores[id(candidate)] + (NEW_REPORT_BONUS if candidate.sentence.source not in used_sources else 0.0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _shorten(clauses: list[str], group: SubthemeGroup | None) -> list[str]:
    """Keep every clause without a figure and at most FIGURE_CLAUSES_KEPT with one (a list of twelve counts reads
    as a table, not a draft): those holding a user's fact first, then those on the sub-theme, then the first."""
    with_figures = [index for index, clause in enumerate(clauses) if find_figures(clause)]

    def priority(index: int) -> tuple[int, int, int]:
        clause = clauses[index]
        return ("[F" in clause, group.hits(clause) if group else 0, -index)

    kept = set(sorted(with_figures, key=priority, reverse=True)[:FIGURE_CLAUSES_KEPT])
    return [clause for index, clause in enumerate(clauses) if index not in with_figures or index in kept]


def _fill_facts(clauses: list[str], context: SentenceContext) -> list[str]:
    """A clause counting what a user's fact counts ("开展节前警示教育**次" ~ 开展警示教育: 12次) takes the fact's
    value verbatim, and the fact's key."""
    filled = []
    for clause in clauses:
        fact = _matching_fact(clause, context)
        if fact is not None:
            clause = _with_value(clause, fact)
            context.used_facts.add(fact.key)
        filled.append(clause)
    return filled


def _matching_fact(clause: str, context: SentenceContext) -> Fact | None:
    """The unused figure fact whose wording the clause shares most of (at least FACT_MATCH of its pairs)."""
    if not find_figures(clause):
        return None
    best, best_share = None, FACT_MATCH
    for fact in context.facts.items:
        if not fact.value or fact.key in context.used_facts:
            continue
        label_pairs = char_bigrams(fact.label)
        share = len(label_pairs & char_bigrams(clause)) / max(len(label_pairs), 1)
        if share >= best_share:
            best, best_share = fact, share
    return best


def _with_value(clause: str, fact: Fact) -> str:
    """The clause replaced by the fact's own wording, verbatim and cited [F#] (its punctuation kept): a clause
    that only resembles the fact must not lend the fact's number to something else."""
    body = clause.rstrip("，,；;。")
    return f"{fact.wording}[{fact.key}]{clause[len(body):]}"


def _place_unused_facts(points: list[ComposedPoint], outline: Outline, groups: dict[str, SubthemeGroup],
                        context: SentenceContext) -> None:
    """Each fact no sentence took becomes a sentence of its own in the point it fits best (the last when it fits
    none)."""
    for fact in context.facts.items:
        if fact.key in context.used_facts or not points:
            continue
        fits = [_fit(fact, point, groups.get(planned.subtheme)) for point, planned in zip(points, outline.points)]
        target = fits.index(max(fits)) if max(fits) > 0 else len(points) - 1
        points[target].fact_sentences.append(insert_key(f"{fact.wording}。", fact.key))
        context.used_facts.add(fact.key)


def _fit(fact: Fact, point: ComposedPoint, group: SubthemeGroup | None) -> int:
    """How well a fact fits a point: its keyword hits and shared wording."""
    words = char_bigrams(point.heading + "".join(point.sentences))
    return (2 * group.hits(fact.label) if group else 0) + len(char_bigrams(fact.label) & words)


def _jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first and second else 0.0
