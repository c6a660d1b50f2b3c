"""This year's facts from the department materials: each sentence a fact `M#` with its file, line, topic and
frame, and the items two materials disagree on or repeat.

- **Topic**: the taxonomy terms (and sub-theme words) of the sentence weigh most, then its headings, then the
  material's own subject (a 纪工委 material is about 党风廉政: its title or file name says so, or most of its
  terms do). A sentence none of these place, or one about running the office itself (机关食堂, 公务用车, 档案:
  `data/office_affairs.yaml`) at least as much as about any subject, fits no section, and is reported unused
  rather than forced somewhere.
- **Frame**: a sentence under a 存在问题 heading (or saying 存在…问题/还不够) is a problem, one under 下一步打算 (or
  opening 下一步/明年) a plan; everything else is this year's work.
- **Items**: every figure with the words before it in its clause ("开展警示教育" 10场). The same item with the
  same value in two files is a duplicate; with different values a conflict, which is reported and never
  averaged: the draft keeps the first material's sentence with 〔待补〕 for that figure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..library.subthemes import subtheme_hits
from ..library.topics import FRAME_TOPIC_IDS, tag_topics, term_hits
from ..text.chinese import char_bigrams
from ..text.facts import Fact
from ..text.figures import PLACEHOLDER, Figure, counts_in, find_figures
from .read import MaterialFile, MaterialSentence

OFFICE_AFFAIRS_PATH = Path(__file__).resolve().parent / "data" / "office_affairs.yaml"
# A material about one subject keeps a sentence that (or whose heading) says a word of that subject, whatever
# else it names (a 纪委 sentence on 低保 funds is about supervision); one that says none goes where its words
# weigh most, the material's subject counting as two words.
SENTENCE_WEIGHT, HEADING_WEIGHT, MATERIAL_WEIGHT = 2.0, 1.0, 4.0
SUMS_UP_YEAR = re.compile(r"^(?:(?:19|20)\d\d年|今年|一年来|本年度)(?:以来)?[，,]")
# A material whose title names no topic is still about one when this share of its terms are that topic's.
DOMINANT_SHARE = 0.5
SAME_ITEM = 0.5          # bigram overlap of two items' words that makes them the same item
SAME_SENTENCE = 0.7      # bigram overlap of two sentences that makes the later a repeat
MIN_SECTION_FACTS = 2
MIN_ITEM_CHARS = 4      # shorter words (办结率, 罚款) name no item two materials could share
_META = re.compile(r"现将.{0,40}(?:报告|汇报|总结)如下|特此(?:报告|汇报)|^(?:报告|汇报|总结)如下"
                   r"|^\s*(?:19|20)\d\d年\d{1,2}月\d{1,2}日\s*$"   # a signature's date
                   r"|^[^，。]{0,20}(?:见下表|如下表|见附表)[。：:]?$")   # a pointer to a table, read row by row
_PLAN_OPENING = re.compile(r"^(?:下一步|下步|明年|今后|(?:20\d\d)年(?:将|要|计划|拟|重点))")
_PROBLEM_SAYING = re.compile(r"(?:存在|仍有|还有|尚有)[^，。；]{0,14}(?:问题|不足|短板|差距|隐患)|还不够|不够到位|有待(?:提高|加强|提升|完善)"
                             r"|仍需(?:加强|提升)|(?:比较|较为|相对)薄弱")
_ITEM_BREAK = re.compile(r"[，,；;。：:、（）()]")
# What an item's words say besides the thing counted: "全年开展廉政谈话" and "廉政谈话共计" count the same thing.
_ITEM_FILLER = re.compile(r"^(?:全年|今年以来|年内|截至目前|截至\d+月底|目前|共计|累计|共|其中|合计|全街道|全镇|全乡|"
                          r"辖区|开展|组织|完成|实施|进行|办理)+")
# Words that say how a figure is counted, not what: "投入资金36万元" and "投入资金85万元" may be two projects.
_GENERIC_ITEM = re.compile(r"投入|资金|金额|投资|涉及|发放|总计|共计|累计|完成|开展|新增|达到|其中|总数|数量|人数|次数|合计")
_ITEM_TAIL = re.compile(r"(?:共计|共|累计|合计|总计|达到|达|为|约)+$")
_UNIT = re.compile(r"[^\d.．%‰*]+$")


@dataclass(frozen=True)
class MaterialFact(Fact):
    """One sentence of a material as a fact: the sentence is its wording, cited as [M#] to its file and line."""

    file: str = ""
    line: int = 0
    title: str = ""
    headings: tuple[str, ...] = ()
    topic: str = ""        # the subject topic id it belongs to, "" when it fits none
    frame: str = ""        # "wenti" (a problem), "dasuan" (a plan) or "" (this year's work)
    material_topic: str = ""   # what the whole material is about ("" for a mixed one, as a 党政办's)
    table: int = 0             # a table row: its table's number in the file, with its cells and column names
    cells: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    caption: bool = False

    @property
    def where(self) -> str:
        return f"{self.file} 第{self.line}行"

    @property
    def has_figure(self) -> bool:
        return any(not figure.masked for figure in counts_in(self.label))

    def citation(self) -> dict[str, Any]:
        """The contract's citation: the material's title, file and line, and the sentence."""
        return {"key": self.key, "chunk_id": None, "source": self.file, "report_title": self.title,
                "heading_path": list(self.headings), "quote": self.label, "file": self.file, "line": self.line}

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.label, "file": self.file, "line": self.line, "topic": self.topic,
                "frame": self.frame}


@dataclass(frozen=True)
class Item:
    """A figure with what it counts: "开展警示教育" → "10场"."""

    words: str
    value: str
    unit: str
    fact: MaterialFact


@dataclass
class Conflict:
    """One item two or more materials give different figures for."""

    item: str
    values: list[dict[str, Any]]   # {"value", "key", "file", "line"}

    def describe(self) -> str:
        found = "；".join(f"{entry['file']} 第{entry['line']}行为{entry['value']}" for entry in self.values)
        return f"“{self.item}”各材料数字不一致：{found}"

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "values": self.values}


@dataclass
class Materials:
    """Every fact of one year's materials, what may not be used as written, and the conflicts."""

    folder: Path
    year: int
    files: list[MaterialFile]
    facts: list[MaterialFact]
    held_back: dict[str, str] = field(default_factory=dict)   # key → why it is not to be placed
    conflicts: list[Conflict] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def placeable(self) -> list[MaterialFact]:
        """Facts a section may take (not repeats, not the losing side of a conflict)."""
        return [fact for fact in self.facts if fact.key not in self.held_back]

    def of_topic(self, topic_id: str, frame: str = "") -> list[MaterialFact]:
        """Placeable facts of one subject topic and frame."""
        return [fact for fact in self.placeable() if fact.topic == topic_id and fact.frame == frame]

    def of_frame(self, frame: str) -> list[MaterialFact]:
        """Placeable problems or plans, whatever their subject."""
        return [fact for fact in self.placeable() if fact.frame == frame]

    def topics(self) -> list[str]:
        """Subject topics this year's work deserves a section for, most facts first: those at least
        MIN_SECTION_FACTS facts are about (one stray sentence of a mixed material makes no section)."""
        counts = Counter(fact.topic for fact in self.placeable() if fact.topic and not fact.frame)
        return [topic for topic, count in counts.most_common() if count >= MIN_SECTION_FACTS]

    def get(self, key: str) -> MaterialFact | None:
        return next((fact for fact in self.facts if fact.key == key), None)


def collect_facts(files: list[MaterialFile], folder: Path, year: int, unreadable: list[str] | None = None) -> Materials:
    """Key every fact sentence M1… in file order, place it, and find repeats and conflicts across files."""
    facts: list[MaterialFact] = []
    subjects = {material.name: _material_topic(material) for material in files}
    for material in files:
        prior = subjects[material.name]
        for sentence in material.sentences:
            if _META.search(sentence.text):
                continue
            facts.append(_fact(f"M{len(facts) + 1}", sentence, material.title, prior, year))
    materials = Materials(folder=folder, year=year, files=files, facts=facts, unreadable=unreadable or [])
    _find_repeats_and_conflicts(materials, subjects)
    return materials


def _fact(key: str, sentence: MaterialSentence, title: str, prior: str, year: int) -> MaterialFact:
    topic = "" if _sums_up_mixed_material(sentence, prior) else _subject(sentence, prior)
    return MaterialFact(key=key, label=sentence.text.strip(), file=sentence.file, line=sentence.line, title=title,
                        headings=sentence.headings, topic=topic, frame=_frame(sentence, year), material_topic=prior,
                        table=sentence.table, cells=sentence.cells, columns=sentence.columns,
                        caption=sentence.caption)


def _sums_up_mixed_material(sentence: MaterialSentence, prior: str) -> bool:
    """A mixed material's own summing-up ("2024年，党政办…统筹抓好党建、督办和信访等工作"): about the 科室, not a
    subject; no section opens with it."""
    return not prior and not sentence.headings and not sentence.table and bool(SUMS_UP_YEAR.match(sentence.text))


def _material_topic(material: MaterialFile) -> str:
    """The subject a whole material is about: named in its title or file name, else most of its terms'."""
    named = _subject_hits(f"{material.title} {Path(material.name).stem}")
    if named:
        return named.most_common(1)[0][0]
    body = Counter()
    for sentence in material.sentences:
        body.update(_subject_hits(sentence.text))
    total = sum(body.values())
    if total:
        topic, count = body.most_common(1)[0]
        if count / total >= DOMINANT_SHARE:
            return topic
    return ""


def _subject(sentence: MaterialSentence, prior: str) -> str:
    """The subject topic with the most weight from the sentence, its headings and the material's subject; ""
    when nothing places it, or the office's own housekeeping weighs as much."""
    scores: Counter[str] = Counter()
    for topic, hits in _subject_hits(sentence.text).items():
        scores[topic] += SENTENCE_WEIGHT * hits
    for topic, hits in _subject_hits(" ".join(sentence.headings)).items():
        scores[topic] += HEADING_WEIGHT * hits
    if prior:
        scores[prior] += MATERIAL_WEIGHT
    if not scores:
        return ""
    housekeeping = SENTENCE_WEIGHT * _office_hits(sentence.text) + HEADING_WEIGHT * _office_hits(
        " ".join(sentence.headings))
    if housekeeping > max(scores.values()) - (MATERIAL_WEIGHT if prior else 0):
        return ""   # more about running the office than anything the sentence and its headings say
    if prior and scores[prior] > MATERIAL_WEIGHT:
        return prior   # a word of the material's own subject in the sentence or its heading: it stays there
    best = max(scores.values())
    tied = [topic for topic, score in scores.items() if score == best]
    return prior if prior in tied else tied[0]


def _subject_hits(text: str) -> Counter[str]:
    """Per subject topic, its taxonomy terms and sub-theme words in `text`."""
    hits = Counter({topic: count for topic, count in term_hits(text).items() if topic not in FRAME_TOPIC_IDS})
    hits.update(subtheme_hits(text))
    return hits


def _office_hits(text: str) -> int:
    """How often words of the office's own housekeeping occur in `text` (a longer word hides the one inside it),
    counted as taxonomy terms are."""
    found = 0
    for term in _office_terms():
        found += text.count(term)
        text = text.replace(term, "")
    return found


@cache
def _office_terms() -> tuple[str, ...]:
    data = yaml.safe_load(OFFICE_AFFAIRS_PATH.read_text(encoding="utf-8"))
    return tuple(sorted(data["terms"], key=len, reverse=True))


def _frame(sentence: MaterialSentence, year: int) -> str:
    """wenti, dasuan, or "" for this year's work: by the headings above the sentence, else its own words."""
    framed = [topic for topic in tag_topics(list(sentence.headings), "") if topic in FRAME_TOPIC_IDS]
    if framed:
        return framed[-1]
    if any(str(later) in heading for heading in sentence.headings for later in (year + 1, year + 2)):
        return "dasuan"
    if _PLAN_OPENING.match(sentence.text) or sentence.text.startswith(f"{year + 1}年"):
        return "dasuan"
    return "wenti" if _PROBLEM_SAYING.search(sentence.text) else ""


def items_of(fact: MaterialFact) -> list[Item]:
    """Each unmasked figure of the sentence with the words before it in its clause."""
    return [Item(words=words, value=figure.text, unit=unit_of(figure), fact=fact)
            for words, figure in counted_items(fact.label)]


def counted_items(text: str) -> list[tuple[str, Figure]]:
    """Each unmasked figure of `text` with what it counts: the words before it in its clause, fillers dropped
    ("全年开展廉政谈话142人次" → 廉政谈话), else, when those only say how it was counted ("投入86万元完成党群服务
    中心升级改造"), the words after it; figures whose words name no item are left out."""
    found = []
    for figure in find_figures(text):
        if figure.masked or not figure.values:
            continue
        start = figure.text_start if figure.text_start >= 0 else figure.start
        end = figure.text_end if figure.text_end >= 0 else figure.end
        clause_start = max((m.end() for m in _ITEM_BREAK.finditer(text, 0, start)), default=0)
        after = _ITEM_BREAK.search(text, end)
        following = text[end:after.start() if after else len(text)]
        for words in (text[clause_start:start], "" if find_figures(following) else following):
            words = _ITEM_TAIL.sub("", _ITEM_FILLER.sub("", words.strip()))
            if len(words) >= MIN_ITEM_CHARS and len(_GENERIC_ITEM.sub("", words)) >= 2:
                found.append((words, figure))
                break
    return found


def unit_of(figure: Figure) -> str:
    """The unit a figure is written with ("万元" of 86万元, "%" of 99.0%), "" for none."""
    unit = _UNIT.search(figure.text)
    return unit.group(0) if unit else ""


def same_item_words(first: str, second: str) -> bool:
    """Whether two items' words count the same thing: most character pairs shared, or one holding the other."""
    pairs, other_pairs = char_bigrams(first), char_bigrams(second)
    overlap = len(pairs & other_pairs) / max(len(pairs | other_pairs), 1)
    return overlap >= SAME_ITEM or (min(len(first), len(second)) >= 4 and (first in second or second in first))


def _find_repeats_and_conflicts(materials: Materials, subjects: dict[str, str]) -> None:
    """Hold back a later file's sentence that repeats an earlier file's (same items and values, or nearly the
    same words); record conflicts, keeping with 〔待补〕 in place of its figure the sentence of the material whose
    own subject the item is (纪工委's on 警示教育), else the first file's."""
    seen_items: list[Item] = []
    seen_facts: list[MaterialFact] = []
    for index, fact in enumerate(materials.facts):
        items = items_of(fact)
        earlier = [other for other in seen_facts if other.file != fact.file]
        repeat = next((other for other in earlier if _same_sentence(fact, other)), None)
        matches = [(item, _same_item(item, [s for s in seen_items if s.fact.file != fact.file])) for item in items]
        equal = [_same_item(item, [s for s in seen_items if s.value == item.value]) for item in items]
        if repeat is None and items and all(equal):
            repeat = equal[0].fact   # every figure already given, for the same item (a table's 合计 row, too)
        if repeat is not None:
            materials.held_back[fact.key] = f"重复：与 {repeat.where} 的内容相同"
        for item, found in matches:
            if found is not None and found.value != item.value:
                owns_later = subjects.get(item.fact.file) == item.fact.topic != subjects.get(found.fact.file)
                _record_conflict(materials, *((found, item) if owns_later else (item, found)))
        seen_items += items
        seen_facts.append(materials.facts[index])


def _record_conflict(materials: Materials, dropped: Item, kept: Item) -> None:
    """Note the conflict, hold back one sentence, and blank the figure in the one kept."""
    conflict = next((c for c in materials.conflicts if c.item == kept.words), None)
    if conflict is None:
        conflict = Conflict(kept.words, [_entry(kept)])
        materials.conflicts.append(conflict)
    conflict.values.append(_entry(dropped))
    materials.held_back.pop(kept.fact.key, None)
    materials.held_back[dropped.fact.key] = f"数字冲突：与 {kept.fact.where} 的“{kept.words}{kept.value}”不一致"
    position = next(index for index, fact in enumerate(materials.facts) if fact.key == kept.fact.key)
    current = materials.facts[position]
    if kept.value in current.label:
        materials.facts[position] = replace(current, label=current.label.replace(kept.value, PLACEHOLDER, 1))


def _entry(item: Item) -> dict[str, Any]:
    return {"value": item.value, "key": item.fact.key, "file": item.fact.file, "line": item.fact.line}


def _same_item(item: Item, others: list[Item]) -> Item | None:
    """The earlier item counting the same thing in the same unit, if any."""
    return next((other for other in others if other.unit == item.unit and same_item_words(item.words, other.words)),
                None)


def _same_sentence(fact: MaterialFact, other: MaterialFact) -> bool:
    first, second = char_bigrams(fact.label), char_bigrams(other.label)
    return len(first & second) / max(len(first | second), 1) >= SAME_SENTENCE
