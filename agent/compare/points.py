"""A report's own points on a topic: its passages on the topic, sentence by sentence, each sentence given the row
(sub-theme) it belongs to, consecutive sentences of one passage in one row joined into one point.

Rows are the topic's sub-themes (`agent/library/data/subthemes.yaml`: 党风廉政 → 主体责任 / 纠治四风 / 警示教育 …):
a sentence goes to the sub-theme whose words it says most, else to its heading's, else its passage's. A passage
under a heading of its own topic keeps every sentence; a passage filed under the topic for a mention in passing
(a 选人用人 passage that says 清正廉洁) keeps only the sentences that say the topic's own words (its taxonomy
terms: a sub-theme's words, such as 排查 or 服务, are said of every topic). Within 存在问题 and
下一步打算 the rows are the subjects the passages are about. What matches no row is left for clustering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..draft.evidence import body_sentences, lead_phrase
from ..library.store import ReportRecord, StoredChunk
from ..library.subthemes import Subtheme, best_subtheme, load_subthemes
from ..library.topics import FRAME_TOPIC_IDS, TOPICS, Topic, term_hits
from ..text.chinese import ENUMERATION_MARKER

# Under 存在问题, a section on how last year's problems were fixed ("反馈问题整改落实情况") reports measures taken.
_RECTIFICATION = "整改"
_CATEGORY = re.compile(r"(?:方面|情况)[。：:]?$")


@dataclass
class Point:
    """One report's point in one row: its own sentences, from one passage."""

    text: str
    chunk: StoredChunk
    row: str             # the row's label, or "" while it waits for clustering
    lead: str            # the passage's own heading, without its marker
    key: str = ""        # the citation key (S1 …), given when the table is laid out

    def citation(self) -> dict[str, object]:
        return {"key": self.key, "source": self.chunk.source, "title": self.chunk.report_title,
                "year": self.chunk.year, "chunk_id": self.chunk.chunk_id,
                "heading": " › ".join(self.chunk.heading_path)}

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "citation": self.citation(), "row": self.row, "lead": self.lead}


def topic_passages(topic: Topic, report: ReportRecord, chunks: Sequence[StoredChunk]) -> list[StoredChunk]:
    """The report's passages on the topic, in document order: a subject topic's work (not its plans or problems,
    save a problem's rectification), a frame topic's own passages (problems less rectification)."""
    own = sorted((chunk for chunk in chunks if chunk.source == report.source), key=lambda chunk: chunk.ordinal)
    if topic.id in FRAME_TOPIC_IDS:
        return [chunk for chunk in own if topic.id != "wenti" or not _rectification(chunk)]
    return [chunk for chunk in own
            if not FRAME_TOPIC_IDS.intersection(chunk.topics) or ("wenti" in chunk.topics and _rectification(chunk)
                                                                   and "dasuan" not in chunk.topics)]


def report_points(topic: Topic, passages: Sequence[StoredChunk]) -> list[Point]:
    """Every passage's sentences on the topic as points with their rows."""
    subthemes = load_subthemes().get(topic.id, ("", ()))[1]
    points: list[Point] = []
    for chunk in passages:
        lead = _lead(chunk)
        rows = (_frame_rows(chunk) if topic.id in FRAME_TOPIC_IDS
                else _subject_rows(topic, subthemes, chunk, lead))
        first = len(points)
        for sentence, row in rows:
            if points and points[-1].chunk is chunk and points[-1].row == row:
                points[-1].text += sentence
            else:
                points.append(Point(text=sentence, chunk=chunk, row=row, lead=lead))
        heading = _run_in_heading(chunk)
        if len(points) > first and chunk.text.lstrip()[len(heading):].lstrip().startswith(points[first].text[:20]):
            points[first].text = heading + points[first].text   # only where the point goes on from its heading
    return points


def _run_in_heading(chunk: StoredChunk) -> str:
    """The point's heading as the passage opens with it ("三是开展作风集中整顿。"), to lead its first point; not a
    category label ("（一）党风廉政建设方面"), and not a heading that stands on a line of its own."""
    heading = chunk.heading_path[-1] if chunk.heading_path else ""
    text = chunk.text.lstrip()
    if not heading or not text.startswith(heading) or _CATEGORY.search(heading):
        return ""
    opening = text[:len(heading) + 1]
    return opening if opening[-1] in "。：:；;" else ""


def _subject_rows(topic: Topic, subthemes: tuple[Subtheme, ...], chunk: StoredChunk,
                  lead: str) -> list[tuple[str, str]]:
    """(sentence, row) for the sentences of a passage on a subject topic."""
    sentences = _sentences(chunk)
    headed = any(_says_topic(topic, subthemes, heading) for heading in chunk.heading_path)
    fallback = best_subtheme(subthemes, lead) or best_subtheme(subthemes, " ".join(sentences))
    rows = []
    for sentence in sentences:
        if not headed and not term_hits(sentence).get(topic.id):
            continue  # a passage filed here for a mention: only the sentences that say the topic's own words
        own = best_subtheme(subthemes, sentence)
        rows.append((sentence, (own or fallback).name if (own or fallback) else ""))
    return rows


def _frame_rows(chunk: StoredChunk) -> list[tuple[str, str]]:
    """(sentence, row) for a problem or plan passage: the row is the subject it is about."""
    subject = next((topic.name for topic in TOPICS if topic.id in chunk.topics and topic.id not in FRAME_TOPIC_IDS),
                   "")
    return [(sentence, subject) for sentence in _sentences(chunk)]


def _sentences(chunk: StoredChunk) -> list[str]:
    """The passage's body sentences; a passage that is one short line (its heading as text) is that line."""
    return body_sentences(chunk) or ([chunk.text.strip()] if chunk.text.strip() else [])


def _says_topic(topic: Topic, subthemes: tuple[Subtheme, ...], heading: str) -> bool:
    return bool(term_hits(heading).get(topic.id)) or best_subtheme(subthemes, heading) is not None


def _lead(chunk: StoredChunk) -> str:
    heading = chunk.heading_path[-1] if chunk.heading_path else ""
    return lead_phrase(heading) or ENUMERATION_MARKER.sub("", heading).strip().rstrip("。；;，,：:")


def _rectification(chunk: StoredChunk) -> bool:
    return any(_RECTIFICATION in heading for heading in chunk.heading_path)
