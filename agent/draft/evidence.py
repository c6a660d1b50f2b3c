"""The draft's evidence: every passage of the topic across reports, its sentences grouped into sub-themes.

A subject topic's sub-themes are listed in `agent/library/data/subthemes.yaml` (党风廉政: 主体责任 / 纠治四风 / 警示教育 /
监督检查 …); each sentence goes to the sub-theme whose keywords it matches most, a sentence matching none to its
passage's. 存在问题 and 下一步打算 are frames, so their passages are grouped by the subject they are about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..answer.evidence import Passage
from ..library.store import StoredChunk
from ..library.subthemes import Subtheme, best_subtheme, load_subthemes
from ..library.topics import FRAME_TOPIC_IDS, TOPICS, Topic
from ..text.chinese import ENUMERATION_MARKER
from .numbering import numbering_style

# Passages under a plan (打算) or problem (问题) heading describe no achievements: a subject section draws on them
# only when the reports offer fewer passages than this otherwise.
MIN_SUBJECT_PASSAGES = 3
LEAD_MIN_CHARS, LEAD_MAX_CHARS = 4, 22
# Drafts reuse whole sentences: a ；-clause ("承诺事项*个，制定承诺措施**条；") is no sentence on its own.
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』）)]*|$)")
# Under 存在问题, a section on how last year's problems were fixed ("反馈问题整改落实情况") describes measures.
_RECTIFICATION = re.compile(r"整改")
_NOT_A_LEAD = re.compile(r"[\d*…“”:：《》]|方面$|情况$|问题$")


@dataclass(frozen=True)
class SourceSentence:
    """A sentence of a past report, with the passage (citation key) it comes from."""

    text: str
    key: str
    source: str
    year: int | None


@dataclass
class SubthemeGroup:
    """The sentences and lead phrases of one sub-theme across reports."""

    name: str
    heading: str
    sentences: list[SourceSentence] = field(default_factory=list)
    leads: list[tuple[str, str]] = field(default_factory=list)  # (lead phrase, key)
    keywords: tuple[str, ...] = ()
    frame: bool = False   # a subject within 存在问题 / 下一步打算 (its keywords name the subject, not the point)

    def hits(self, text: str) -> int:
        """How many of the group's keywords occur in `text` (each once)."""
        return sum(1 for keyword in self.keywords if keyword in text)

    @property
    def sources(self) -> list[str]:
        """Report files the group draws on, in first-seen order."""
        return list(dict.fromkeys(sentence.source for sentence in self.sentences))

    @property
    def keys(self) -> list[str]:
        """Citation keys of the passages the group draws on."""
        return list(dict.fromkeys(sentence.key for sentence in self.sentences))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "heading": self.heading, "leads": [list(lead) for lead in self.leads],
                "keywords": list(self.keywords),
                "sentences": [vars(sentence) for sentence in self.sentences]}


@dataclass
class DraftEvidence:
    """What a draft is built from: the topic's passages (keys S1…), grouped, and the reports' numbering style."""

    topic: Topic
    passages: list[Passage]
    groups: list[SubthemeGroup]
    style: str  # "一是" or "（一）"

    def passage(self, key: str) -> Passage | None:
        """The passage under `key`."""
        return next((passage for passage in self.passages if passage.key == key), None)

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic.id, "style": self.style,
                "passages": [vars(passage) | {"heading_path": list(passage.heading_path)}
                             for passage in self.passages],
                "groups": [group.to_json() for group in self.groups]}


def section_title(topic: Topic) -> str:
    """How a report calls the section ("党风廉政建设工作情况"; 存在的问题和不足; 下一步工作打算)."""
    frames = {"wenti": "存在的问题和不足", "dasuan": "下一步工作打算"}
    if topic.id in frames:
        return frames[topic.id]
    return load_subthemes().get(topic.id, (f"{topic.name}工作情况", ()))[0]


def gather_evidence(topic: Topic, chunks: Iterable[StoredChunk]) -> DraftEvidence:
    """Key the topic's passages S1… in report order and group their sentences into sub-themes."""
    chosen = _passages_for(topic, list(chunks))
    passages = [_passage(f"S{number}", chunk) for number, chunk in enumerate(chosen, 1)]
    if topic.id in FRAME_TOPIC_IDS:
        groups = _group_by_subject(chosen, passages, topic.id)
    else:
        groups = _group_by_subtheme(load_subthemes().get(topic.id, ("", ()))[1], passages)
    return DraftEvidence(topic=topic, passages=passages, groups=[group for group in groups if group.sentences],
                         style=numbering_style(chunk.heading_path[-1] for chunk in chosen if chunk.heading_path))


def lead_phrase(heading: str) -> str | None:
    """A point heading fit to reuse: the last heading without its marker, short, with no figure or quotation."""
    lead = ENUMERATION_MARKER.sub("", heading).strip().rstrip("。；;，,：:")
    if not LEAD_MIN_CHARS <= len(lead) <= LEAD_MAX_CHARS or _NOT_A_LEAD.search(lead):
        return None
    return lead


def _passages_for(topic: Topic, chunks: list[StoredChunk]) -> list[StoredChunk]:
    """The chunks a section of `topic` draws on: a frame topic its own, a subject topic its non-frame ones."""
    if topic.id == "wenti":
        return [chunk for chunk in chunks if not any(_RECTIFICATION.search(h) for h in chunk.heading_path)]
    if topic.id in FRAME_TOPIC_IDS:
        return chunks
    own = [chunk for chunk in chunks if not FRAME_TOPIC_IDS.intersection(chunk.topics)]
    return own if len(own) >= MIN_SUBJECT_PASSAGES else chunks


def _passage(key: str, chunk: StoredChunk) -> Passage:
    """A citable passage from a stored chunk."""
    return Passage(key=key, chunk_id=chunk.chunk_id, source=chunk.source, report_title=chunk.report_title,
                   year=chunk.year, heading_path=chunk.heading_path, text=chunk.text)


def body_sentences(passage: Passage | StoredChunk) -> list[str]:
    """The passage's sentences, without a leading run-in heading that only repeats the breadcrumb."""
    sentences = [sentence.strip() for sentence in _SENTENCE.findall(passage.text) if sentence.strip()]
    sentences = [sentence for sentence in sentences if sentence[-1] in "。！？!?”’」』）)"]  # not a heading line
    heading = passage.heading_path[-1] if passage.heading_path else ""
    if sentences and heading and sentences[0].rstrip("。；;").endswith(ENUMERATION_MARKER.sub("", heading).rstrip("。")):
        sentences = sentences[1:]
    return [sentence for sentence in sentences if len(sentence) >= 8]


def _group_by_subtheme(subthemes: tuple[Subtheme, ...], passages: list[Passage]) -> list[SubthemeGroup]:
    """Each sentence to its best-matching sub-theme; a sentence matching none to its passage's best."""
    groups = {subtheme.name: SubthemeGroup(subtheme.name, subtheme.heading, keywords=subtheme.keywords)
              for subtheme in subthemes}
    for passage in passages:
        sentences = body_sentences(passage)
        heading = passage.heading_path[-1] if passage.heading_path else ""
        overall = best_subtheme(subthemes, " ".join([heading, *sentences]))
        if overall is None:
            continue
        lead = lead_phrase(heading)
        if lead:
            groups[(best_subtheme(subthemes, lead) or overall).name].leads.append((lead, passage.key))
        for sentence in sentences:
            target = best_subtheme(subthemes, sentence) or overall
            groups[target.name].sentences.append(_source_sentence(sentence, passage))
    return list(groups.values())


def _group_by_subject(chunks: list[StoredChunk], passages: list[Passage], frame: str) -> list[SubthemeGroup]:
    """Frame passages grouped by the subject topic each is about (TOPICS order), 综合 for the rest."""
    groups: dict[str, SubthemeGroup] = {}
    for chunk, passage in zip(chunks, passages):
        subject = next((topic for topic in TOPICS
                        if topic.id in chunk.topics and topic.id not in FRAME_TOPIC_IDS), None)
        name = subject.name if subject else "综合"
        group = groups.setdefault(name, SubthemeGroup(name, _subject_heading(subject, frame),
                                                      keywords=subject.terms if subject else (), frame=True))
        lead = lead_phrase(passage.heading_path[-1]) if passage.heading_path else None
        if lead:
            group.leads.append((lead, passage.key))
        group.sentences += [_source_sentence(sentence, passage) for sentence in body_sentences(passage)]
    order = {topic.name: index for index, topic in enumerate(TOPICS)}
    return sorted(groups.values(), key=lambda group: order.get(group.name, len(order)))


def _subject_heading(subject: Topic | None, frame: str) -> str:
    """A fallback point heading for a subject within a frame section (a problem, or a plan)."""
    name = subject.name if subject else "其他"
    return f"{name}工作还有短板" if frame == "wenti" else f"持续抓好{name}工作"


def _source_sentence(sentence: str, passage: Passage) -> SourceSentence:
    return SourceSentence(text=sentence, key=passage.key, source=passage.source, year=passage.year)
