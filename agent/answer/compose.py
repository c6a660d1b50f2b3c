"""Offline answers that list: a section's points, every mention of a term, two reports side by side.

Every line is the reports' own words, cited to the passage it comes from. A heading is never an answer on its
own: a point reads as its heading, then what stands under it (强化理论武装，筑牢思想根基：全年召开……). Headings
lose their markers (三、 （一） 一是) when quoted inside a line, where a marker could pass for a figure; the answer
numbers its own points at the start of each line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..library.retrieve import Hit
from ..library.thesaurus import normalize
from ..library.topics import FRAME_TOPIC_IDS, get_topic
from ..text.chinese import ENUMERATION_MARKER, split_sentences
from ..text.citations import insert_key
from .scope import Scope, Section, term_pattern

MAX_POINTS = 10           # points of one section listed
SPECIFICS_CHARS = 40      # a point says its first sentence after its heading, and the next while under this
MENTIONS_PER_REPORT = 4   # mentions quoted per report (the count says how many there are)
SAME_POINT = 0.62         # closeness above which two reports' points are the same work (set on the dev cases):
SAME_TOPIC = 0.3          # the sentence encoder's cosine, plus this when both points are tagged with one subject topic

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Line:
    """One line of an answer and the passage it cites (None for a line that frames the others)."""

    text: str
    hit: Hit | None = None


def plain_heading(title: str) -> str:
    """A heading without its marker and closing stop: （一）统筹推进基层党建工作。 → 统筹推进基层党建工作."""
    return ENUMERATION_MARKER.sub("", title).strip().rstrip("。；;：:")


def location(hit: Hit) -> str:
    """Where a passage stands, without markers: 党风廉政建设和执行民主集中制情况 › 党风廉政建设方面."""
    return " › ".join(plain_heading(title) for title in hit.heading_path) or hit.report_title


def section_lines(section: Section) -> list[Line]:
    """A section's points in document order, each its heading and what it says, cited."""
    lines = [Line(f"《{section.report_title}》：\n")]
    if section.path:
        lines.append(Line(f"{section.path[-1]}：\n"))  # on a line of its own: its marker reads as a marker
    for number, (hit, text) in enumerate(section_points(section)[:MAX_POINTS], 1):
        lines.append(Line(f"{number}. {text}", hit))
    return lines


def section_points(section: Section) -> list[tuple[Hit, str]]:
    """(passage, point) for each sub-heading directly under the section — its heading, then the first things
    said under it — or, when it has none, for each passage under it."""
    depth = len(section.path)
    points: list[tuple[Hit, str]] = []
    seen: set[str] = set()
    for index, hit in enumerate(section.passages):
        if len(hit.heading_path) > depth:
            title = hit.heading_path[depth]
            if title in seen:
                continue
            seen.add(title)
            under = [other for other in section.passages[index:] if len(other.heading_path) > depth
                     and other.heading_path[depth] == title]
            points.append(_point(title, under))
        else:
            said = specifics(hit)
            if said:
                points.append((hit, said))
    return points


def _point(title: str, passages: list[Hit]) -> tuple[Hit, str]:
    """A point: its heading, then the specifics of its first passage that says more than its headings."""
    heading = plain_heading(title.rstrip("…")) if not title.endswith("…") else ""
    for hit in passages:
        said = specifics(hit)
        if said:
            return hit, f"{heading}：{said}" if heading else said
    return passages[0], _ended(heading or title)


def specifics(hit: Hit) -> str:
    """The first sentence of a passage that is not one of its headings (and the next, while they are short)."""
    headings = {_bare(title) for title in hit.heading_path}
    said = ""
    for line in hit.text.splitlines():
        for sentence in split_sentences(line):
            sentence = sentence.strip()
            if not sentence or _bare(sentence) in headings:
                continue
            said += sentence
            if len(said) >= SPECIFICS_CHARS:
                return _ended(said)
    return _ended(said) if said else ""


def mention_lines(scope: Scope) -> list[Line]:
    """Every report that mentions the term, how often, and each mention with where it stands, cited."""
    term = scope.question.term
    by_report: dict[str, list[Hit]] = {}
    for hit in scope.mentions:
        by_report.setdefault(hit.report_title, []).append(hit)
    if scope.variants:
        lines = [Line(f"没有报告直接写到“{term}”；共有 {len(by_report)} 份报告有相关表述：\n")]
    else:
        lines = [Line(f"共有 {len(by_report)} 份报告提到“{term}”：\n")]
    for title, hits in by_report.items():
        lines.append(Line(f"《{title}》（{len(hits)} 处）：\n"))
        for number, hit in enumerate(hits[:MENTIONS_PER_REPORT], 1):
            variant = scope.variants.get(hit.chunk_id)
            said = _sentence_with(hit, variant or term)
            related = f"（相关表述“{variant}”）" if variant else ""
            lines.append(Line(f"{number}. {location(hit)}{related}：{said}", hit))
    return lines


def _sentence_with(hit: Hit, term: str) -> str:
    """The sentence of a passage that uses the term; when only its headings do (they are in the location
    already), what the passage says."""
    pattern = term_pattern(term)
    headings = {_bare(title) for title in hit.heading_path}
    for line in hit.text.splitlines():
        for sentence in split_sentences(line):
            if pattern.search(normalize(sentence)) and _bare(sentence) not in headings:
                return _ended(ENUMERATION_MARKER.sub("", sentence.strip()))
    return specifics(hit) or _ended(hit.text.strip())


def _bare(text: str) -> str:
    return normalize(ENUMERATION_MARKER.sub("", text.strip())).rstrip("。；;：:")


def comparison_lines(first: Section, second: Section, embed: Embed) -> list[Line]:
    """Two reports' points on the same subject side by side: what both write (each in its own words, figures as
    they stand), then what only one of them writes."""
    points = [section_points(first), section_points(second)]
    if not points[0] or not points[1]:
        return []
    pairs = _same_points(points[0], points[1], embed)
    lines = [Line(f"比较《{first.report_title}》{_quoted_part(first)}与《{second.report_title}》"
                  f"{_quoted_part(second)}：\n")]
    if pairs:
        lines.append(Line("都写到的：\n"))
        for number, (left, right) in enumerate(pairs, 1):
            lines.append(Line(f"{number}. 《{first.report_title}》：{points[0][left][1]}", points[0][left][0]))
            lines.append(Line(f"　　《{second.report_title}》：{points[1][right][1]}", points[1][right][0]))
    for own, section, used in ((points[0], first, {left for left, _ in pairs}),
                               (points[1], second, {right for _, right in pairs})):
        alone = [point for index, point in enumerate(own) if index not in used][:MAX_POINTS]
        if alone:
            lines.append(Line(f"只有《{section.report_title}》写到的：\n"))
            lines += [Line(f"{number}. {text}", hit) for number, (hit, text) in enumerate(alone, 1)]
    return lines


def _subjects(hit: Hit) -> set[str]:
    """A passage's subject topics (党建, 平安建设 …), without the frame topics every plan or problem carries."""
    return set(hit.topics) - _FRAME_NAMES


_FRAME_NAMES = frozenset(get_topic(topic_id).name for topic_id in FRAME_TOPIC_IDS)


def _quoted_part(section: Section) -> str:
    """“the section's heading” (nothing when the whole report is compared)."""
    return f"“{plain_heading(section.heading)}”" if section.path else ""


def _same_points(first: list[tuple[Hit, str]], second: list[tuple[Hit, str]],
                 embed: Embed) -> list[tuple[int, int]]:
    """Pairs of points that are about the same work (closest in meaning, each used once)."""
    vectors = embed([text for _, text in first] + [text for _, text in second])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms == 0, 1.0, norms)
    similarity = unit[: len(first)] @ unit[len(first):].T
    similarity += SAME_TOPIC * np.array([[bool(_subjects(left) & _subjects(right)) for right, _ in second]
                                         for left, _ in first], dtype=float)
    pairs: list[tuple[int, int]] = []
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    for flat in np.argsort(-similarity, axis=None):
        left, right = divmod(int(flat), len(second))
        if similarity[left, right] < SAME_POINT:
            break
        if left not in taken_left and right not in taken_right:
            pairs.append((left, right))
            taken_left.add(left)
            taken_right.add(right)
    return sorted(pairs)


def cited(text: str, key: str) -> str:
    """A line with the key before the stop of each of its sentences (a line may quote two: 高度重视……；常态化……),
    so no sentence of it is left to be credited to another passage."""
    return "".join(insert_key(sentence, key) for sentence in split_sentences(_ended(text)) if sentence)


def _ended(text: str) -> str:
    """Text that ends as a sentence does."""
    text = text.strip()
    return text if re.search(r"[。！？；!?;][”’」』）)]*$", text) else text.rstrip("，,、：:") + "。"
