"""The topic taxonomy (党建, 党风廉政 … 下一步打算): names for `--section`, multi-label tags for chunks, query topics.

The data is `agent/library/data/topics.yaml`. Tagging counts taxonomy terms with a longest-match scan, so a term inside a
longer one (安全 in 意识形态安全) counts once, for the longer term's topic.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Sequence

import yaml

from ..errors import UserError
from ..text.chinese import ENUMERATION_MARKER
from .thesaurus import load_thesaurus, normalize

TOPICS_PATH = Path(__file__).parent / "data" / "topics.yaml"

# 存在问题 and 下一步打算 are parts of a report's frame, not subjects: everything under "三、存在问题" is a problem and
# everything under "二、2023年工作安排" is a plan, whatever its own heading says. An outer heading carries a frame
# topic down only through the topic's name or a synonym (未完成 in "…及未完成目标任务的主客观分析" does not make
# the finished tasks a problem).
FRAME_TOPIC_IDS = frozenset({"wenti", "dasuan"})
# The nearest heading that names a subject names the chunk's subject ("抓工作落实" under "（三）切实加强党风廉政
# 建设" is 党风廉政). Headings further out often bundle subjects ("二、领导班子建设、抓党建和意识形态工作情况"),
# so they only add this much to the body's count.
OUTER_HEADING_WEIGHT = 1
# A body needs two hits, plus one per this many characters; a single mention tags only a very short text, and
# never for a frame topic, whose words (工作安排, 不够) are common in passing.
CHARS_PER_EXTRA_HIT = 600
SHORT_TEXT_CHARS = 40
# Longer "headings" are whole paragraphs a parser kept as a title: count them as body text.
HEADING_MAX_CHARS = 50

_REPORT_TITLE_WORDS = re.compile(r"总结|报告|述职|汇报")
_SECTION_SUFFIXES = ("工作", "方面", "情况")
_QUOTES = re.compile(r"[“”‘’\"'《》「」]")
# Questions ask about problems and plans in their own words ("存在哪些问题", "2023年的工作计划").
_QUERY_PATTERNS = {
    "wenti": re.compile(r"存在[^,。?!;]{0,6}问题"),
    "dasuan": re.compile(r"\d{4}年[^,。?!;]{0,8}(?:计划|安排|思路)"),
}


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every expression that signals the topic: name, synonyms, keywords."""
        return (self.name, *self.synonyms, *self.keywords)


def _read_taxonomy(path: Path) -> tuple[tuple[Topic, ...], tuple[str, ...]]:
    """Topics (in file order) and neutral terms from the taxonomy YAML."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = tuple(_topic(entry) for entry in data["topics"])
    return topics, tuple(data.get("neutral") or ())


def _topic(entry: dict[str, Any]) -> Topic:
    """One Topic from its YAML mapping."""
    return Topic(id=entry["id"], name=entry["name"], synonyms=tuple(entry.get("synonyms") or ()),
                 keywords=tuple(entry.get("keywords") or ()))


TOPICS, NEUTRAL_TERMS = _read_taxonomy(TOPICS_PATH)
_TOPIC_BY_ID = {topic.id: topic for topic in TOPICS}


def get_topic(topic_id: str) -> Topic:
    """The topic with this id; an unknown id is a UserError listing the ids."""
    try:
        return _TOPIC_BY_ID[topic_id]
    except KeyError:
        options = "、".join(_TOPIC_BY_ID)
        raise UserError(f"未知的主题编号“{topic_id}”。可选：{options}") from None


def resolve_section(name: str) -> Topic:
    """The topic a `--section` value names: any name, synonym or id, ignoring spaces, width and quotes."""
    key = _QUOTES.sub("", normalize(name))
    names = _section_names()
    for candidate in (key, *_without_suffix(key)):
        if candidate in names:
            return names[candidate]
    raise UserError(unknown_section_message(name))


def unknown_section_message(name: str) -> str:
    """The one-line error for an unknown section, listing the canonical names."""
    options = "、".join(topic.name for topic in TOPICS)
    return f"未知的栏目“{name.strip()}”。可选：{options}（也接受同义词，如 全面从严治党、四风）"


@cache
def _section_names() -> dict[str, Topic]:
    """Normalised name, synonym and id → topic."""
    names: dict[str, Topic] = {}
    for topic in TOPICS:
        for label in (topic.id, topic.name, *topic.synonyms):
            names.setdefault(normalize(label), topic)
    return names


def _without_suffix(key: str) -> list[str]:
    """`key` without a trailing 工作/方面/情况 (党建工作 → 党建), if it has one."""
    return [key[: -len(suffix)] for suffix in _SECTION_SUFFIXES if key.endswith(suffix) and len(key) > len(suffix)]


def tag_topics(heading_path: Sequence[str], text: str) -> list[str]:
    """Topic ids of a chunk (TOPICS order), from its headings (weighing most) and a dense enough body."""
    headings = _content_headings(heading_path)
    body = "。".join([text, *(heading for heading in headings if len(heading) > HEADING_MAX_CHARS)])
    headings = [heading for heading in headings if len(heading) <= HEADING_MAX_CHARS]
    tagged = _frame_topics(headings) | _subject_topics_named(headings)
    scores = term_hits(body)
    scores.update(_outer_subject_weights(headings))
    needed = _hits_needed(body)
    tagged.update(topic_id for topic_id, score in scores.items()
                  if score >= (max(needed, 2) if topic_id in FRAME_TOPIC_IDS else needed))
    return [topic.id for topic in TOPICS if topic.id in tagged]


def _frame_topics(headings: list[str]) -> set[str]:
    """Frame topics (问题, 打算) the own heading signals, or an outer heading names by name or synonym."""
    found: set[str] = set()
    for depth, heading in enumerate(headings):
        own = depth == len(headings) - 1
        for term, topic_ids in _term_matcher().matches(normalize(heading)):
            found.update(topic_id for topic_id in topic_ids
                         if topic_id in FRAME_TOPIC_IDS and (own or term in _naming_terms(topic_id)))
    return found


def _subject_topics_named(headings: list[str]) -> set[str]:
    """Subject topics of the nearest heading that names any (the own heading, else the closest outer one)."""
    for heading in reversed(headings):
        subjects = _subject_hits(heading)
        if subjects:
            return set(subjects)
    return set()


def _outer_subject_weights(headings: list[str]) -> Counter[str]:
    """What headings further out than the nearest topical one add to the body's count."""
    weights: Counter[str] = Counter()
    topical = [heading for heading in headings if _subject_hits(heading)]
    for heading in topical[:-1]:
        weights.update({topic_id: OUTER_HEADING_WEIGHT for topic_id in _subject_hits(heading)})
    return weights


def _subject_hits(heading: str) -> Counter[str]:
    """Term hits of a heading for subject (non-frame) topics only."""
    return Counter({topic_id: count for topic_id, count in term_hits(heading).items()
                    if topic_id not in FRAME_TOPIC_IDS})


def _content_headings(heading_path: Sequence[str]) -> list[str]:
    """The headings to read, without a leading report title (街道办2022年总结和2023年工作计划 is no plan section)."""
    headings = [heading.strip() for heading in heading_path if heading.strip()]
    if headings and _looks_like_report_title(headings[0]):
        return headings[1:]
    return headings


def _looks_like_report_title(heading: str) -> bool:
    """True for an unnumbered line naming the document (…工作总结, …述职报告)."""
    return not ENUMERATION_MARKER.match(normalize(heading)) and bool(_REPORT_TITLE_WORDS.search(heading))


def _hits_needed(text: str) -> int:
    """Body hits needed to tag: 1 for a very short text, else 2 plus one per CHARS_PER_EXTRA_HIT characters."""
    length = len(normalize(text))
    if length <= SHORT_TEXT_CHARS:
        return 1
    return 2 + length // CHARS_PER_EXTRA_HIT


def topics_in_query(query: str) -> list[str]:
    """Topic ids a short question is about (TOPICS order), possibly none; thesaurus expansions are a fallback."""
    key = normalize(query)
    found = set(term_hits(query)) | {topic_id for topic_id, pattern in _QUERY_PATTERNS.items() if pattern.search(key)}
    if not found:
        found = set(term_hits("。".join(load_thesaurus().expansions(query))))
    return [topic.id for topic in TOPICS if topic.id in found]


def term_hits(text: str) -> Counter[str]:
    """How many taxonomy terms of each topic occur in `text` (leftmost-longest matches, neutral terms skipped)."""
    counts: Counter[str] = Counter()
    for _, topic_ids in _term_matcher().matches(normalize(text)):
        counts.update(topic_ids)
    return counts


@cache
def _naming_terms(topic_id: str) -> frozenset[str]:
    """Normalised name and synonyms of a topic: the terms that name it outright."""
    topic = get_topic(topic_id)
    return frozenset(normalize(term) for term in (topic.name, *topic.synonyms))


@dataclass(frozen=True)
class _TermMatcher:
    """Leftmost-longest matching of taxonomy terms; each term maps to its topic ids (none for neutral terms)."""

    candidates: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]

    def matches(self, normalized_text: str) -> list[tuple[str, tuple[str, ...]]]:
        """(term, topic ids) for each match in an already normalised text, left to right."""
        found: list[tuple[str, tuple[str, ...]]] = []
        position = 0
        while position < len(normalized_text):
            match = self._longest_at(normalized_text, position)
            if match is None:
                position += 1
                continue
            found.append(match)
            position += len(match[0])
        return found

    def _longest_at(self, text: str, position: int) -> tuple[str, tuple[str, ...]] | None:
        """The longest term starting at `position`, with its topics."""
        for term, topic_ids in self.candidates.get(text[position], ()):
            if text.startswith(term, position):
                return term, topic_ids
        return None


@cache
def _term_matcher() -> _TermMatcher:
    """The matcher over every topic's terms and the neutral terms, longest terms tried first."""
    topics_by_term: dict[str, list[str]] = {normalize(term): [] for term in NEUTRAL_TERMS}
    for topic in TOPICS:
        for term in topic.terms:
            owners = topics_by_term.setdefault(normalize(term), [])
            if topic.id not in owners:
                owners.append(topic.id)
    candidates: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for term in sorted(topics_by_term, key=len, reverse=True):
        candidates.setdefault(term[0], []).append((term, tuple(topics_by_term[term])))
    return _TermMatcher({char: tuple(entries) for char, entries in candidates.items()})
