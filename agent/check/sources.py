"""What a draft is checked against: this year's figures (--facts, --materials) and the past reports' sentences
and honours (the store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..materials import read_materials
from ..materials.facts import counted_items, unit_of
from ..text.chinese import char_bigrams, split_sentences
from ..text.facts import load_facts
from ..text.figures import Figure, find_figures
from .honours import honour_claims

MIN_PAST_SENTENCE_CHARS = 20
ITEM_WORDS_SHARED = 0.5
_MULTIPLIERS = "万亿千百"


@dataclass(frozen=True)
class SourceFigure:
    """A figure this year's sources give: its value (multiplied out), base unit, what it counts, and where."""

    value: float
    unit: str
    words: str
    quote: str
    where: str


@dataclass
class ThisYear:
    """This year's figures and honours, from --facts and --materials."""

    figures: list[SourceFigure] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    described: list[str] = field(default_factory=list)   # "2 项事实", "5 份材料"
    unreadable: list[str] = field(default_factory=list)  # material files that could not be read, with why

    def __bool__(self) -> bool:
        return bool(self.texts)

    def gives(self, figure: Figure, words: str = "") -> bool:
        """Whether a source states this value in this unit (3万人 = 30000人; 200万元 is not 1200万元) for this item:
        a sentence of the source holding most of what the figure counts ("调解成功矛盾纠纷" in "排查矛盾纠纷628起，
        调解成功612起"); a 95% of 群众满意率 does not source a 95% of 垃圾分类覆盖率."""
        unit = base_unit(figure)
        return any(value == source.value and unit == source.unit and (not words or _says(source.quote, words))
                   for value in figure.values for source in self.figures)


@dataclass(frozen=True)
class PastSentence:
    """A sentence of a past report, with where it stands."""

    text: str
    pairs: frozenset[str]
    where: str
    source: str = ""   # the report's file


@dataclass
class PastReports:
    """The store's past reports: their sentences (for copies) and honours (for stale ones)."""

    sentences: list[PastSentence] = field(default_factory=list)
    honours: list[tuple[str, str, str]] = field(default_factory=list)   # (honour, where, the report's file)


def this_years_sources(facts_path: Path | None, materials_dir: Path | None) -> ThisYear:
    """Figures of the user's facts file and the materials folder, each with its item and where it stands."""
    sources = ThisYear()
    facts = load_facts(facts_path)
    for fact in facts.items:
        _add(sources, fact.wording, f"事实文件 {fact.key}")
    if facts:
        sources.described.append(f"{len(facts.items)} 项事实")
    if materials_dir is not None:   # the sentences as the 科室 wrote them (no conflict blanked)
        files, sources.unreadable = read_materials(materials_dir)
        for material in files:
            for sentence in material.sentences:
                _add(sources, sentence.text, sentence.where)
        sources.described.append(f"{len(files)} 份材料")
    return sources


def past_reports(workspace: Any, draft_name: str = "") -> PastReports:
    """Every sentence and honour of the unit's reports in the store (but the draft's own, when it was ingested
    too). Read once per store state: a page that checks draft after draft does not read every passage again."""
    key = (workspace.store.location, workspace.store.fingerprint())
    if _read.get("key") != key:
        _read.update(key=key, past=read_past_reports(workspace.store))
    past: PastReports = _read["past"]
    if not draft_name:
        return past
    return PastReports([sentence for sentence in past.sentences if sentence.source != draft_name],
                       [honour for honour in past.honours if honour[2] != draft_name])


def read_past_reports(store: Any) -> PastReports:
    """The sentences and honours of every passage of the unit's own reports, read from the store now."""
    past = PastReports()
    for chunk in store.iter_chunks():
        if chunk.reference:   # a 政府工作报告 is no past report of the unit
            continue
        where = " › ".join([f"《{chunk.report_title}》", *chunk.heading_path])
        for sentence in split_sentences(chunk.text):
            sentence = sentence.strip()
            if len(sentence) >= MIN_PAST_SENTENCE_CHARS:
                past.sentences.append(PastSentence(sentence, frozenset(char_bigrams(sentence)), where, chunk.source))
        past.honours += [(honour, where, chunk.source) for honour in honour_claims(chunk.text)]
    return past


_read: dict[str, Any] = {}   # the last store state read: {"key": (location, fingerprint), "past": PastReports}


def _says(sentence: str, words: str) -> bool:
    """Whether a sentence holds at least ITEM_WORDS_SHARED of an item's character pairs."""
    pairs = char_bigrams(words)
    return not pairs or len(pairs & char_bigrams(sentence)) / len(pairs) >= ITEM_WORDS_SHARED


def base_unit(figure: Figure) -> str:
    """The unit without its multiplier: 元 of 86万元, 人 of 3万人, % of 99%."""
    unit = unit_of(figure).lstrip(_MULTIPLIERS + "余多近约")
    return unit or next((mark for mark in ("%", "‰", "个百分点") if figure.text.endswith(mark)), "")


def _add(sources: ThisYear, text: str, where: str) -> None:
    sources.texts.append(text)
    counted = {(figure.start, figure.end): words for words, figure in counted_items(text)}
    for figure in find_figures(text):
        if figure.masked or not figure.values:
            continue
        words = counted.get((figure.start, figure.end), "")
        for value in figure.values:
            sources.figures.append(SourceFigure(value, base_unit(figure), words, text, where))
