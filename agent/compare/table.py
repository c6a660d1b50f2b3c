"""The comparison table: columns (reports), rows (what the reports' points are about), cells (each report's own
points), and the marks a reader scans for: what every report has, what only one has, and for a year series what
is new, what was dropped and which sentences are repeated from the year before.

Points no sub-theme claims are clustered: a point joins the first row whose points share enough of its character
pairs, else it opens a row named by its own heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..library.store import ReportRecord
from ..text.chinese import ENUMERATION_MARKER, char_bigrams
from ..text.figures import find_figures
from .points import Point

# Two points share a row when this share of the smaller one's character pairs are in the other: paraphrases of one
# measure share the measure's words ("谈话提醒", "警示教育"), unrelated points in one topic share a few stock pairs.
SAME_ROW_OVERLAP = 0.3
OTHER_ROW = "其他"
LABEL_MAX_CHARS = 20
MIN_REPEAT_CHARS = 12   # shorter sentences ("全部整改到位。") repeat by nature, not by copying
VERBATIM, FIGURES_CHANGED = "原句重复", "仅数字或年份不同"

_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")
_SPACE = re.compile(r"\s+")


@dataclass
class Column:
    """One report and its points on the topic."""

    report: ReportRecord
    points: list[Point] = field(default_factory=list)

    def rows(self) -> set[str]:
        return {point.row for point in self.points}

    def to_json(self) -> dict[str, Any]:
        report = self.report
        return {"source": report.source, "title": report.title, "year": report.year, "unit": report.unit,
                "doc_type": report.doc_type, "points": [point.to_json() for point in self.points]}


@dataclass
class Row:
    """One line of the table and its marks."""

    label: str
    reports: list[str]                  # sources of the columns with a point in this row, in column order
    common: bool = False                # every column has it
    unique: bool = False                # exactly one column has it (of two or more)
    new_in: list[str] = field(default_factory=list)       # year series: columns that have it, the year before not
    dropped_in: list[str] = field(default_factory=list)   # year series: columns that lack it, the year before had

    def to_json(self) -> dict[str, Any]:
        return vars(self).copy()


@dataclass(frozen=True)
class Repeat:
    """A sentence of a later year's report that stands in the report of the year before."""

    source: str
    previous: str
    text: str
    kind: str        # 原句重复, or 仅数字或年份不同
    key: str
    previous_key: str

    def to_json(self) -> dict[str, Any]:
        return vars(self).copy()


def cluster_unassigned(columns: Sequence[Column], rows_known: Sequence[str]) -> list[str]:
    """Give every point without a row one (an existing cluster's, or a new one named by its heading); return the
    row labels in table order: known sub-themes first, then clusters in the order first met."""
    clusters: list[tuple[str, set[str]]] = []
    for column in columns:
        for point in column.points:
            if point.row:
                continue
            pairs = char_bigrams(point.lead + point.text)
            point.row = next((label for label, members in clusters if _overlap(pairs, members) >= SAME_ROW_OVERLAP),
                             "")
            if not point.row:
                point.row = _new_label(point, {label for label, _ in clusters} | set(rows_known))
                clusters.append((point.row, set()))
            next(members for label, members in clusters if label == point.row).update(pairs)
    used = {point.row for column in columns for point in column.points}
    return [label for label in [*rows_known, *(label for label, _ in clusters)] if label in used]


def lay_out(columns: Sequence[Column], labels: Sequence[str], series: bool) -> list[Row]:
    """The rows with their marks; points get their citation keys (one per passage, in column order)."""
    keys: dict[str, str] = {}
    for column in columns:
        for point in sorted(column.points, key=lambda point: point.chunk.ordinal):
            point.key = keys.setdefault(point.chunk.chunk_id, f"S{len(keys) + 1}")
        column.points.sort(key=lambda point: (labels.index(point.row), point.chunk.ordinal))
    rows = []
    for label in labels:
        having = [column.report.source for column in columns if label in column.rows()]
        row = Row(label, having, common=len(columns) >= 2 and len(having) == len(columns),
                  unique=len(columns) >= 2 and len(having) == 1)
        if series:
            for before, after in zip(columns, columns[1:]):
                if label in after.rows() and label not in before.rows():
                    row.new_in.append(after.report.source)
                if label in before.rows() and label not in after.rows():
                    row.dropped_in.append(after.report.source)
        rows.append(row)
    return rows


def repeated_sentences(columns: Sequence[Column]) -> list[Repeat]:
    """Each sentence of a year's column that stands, word for word or with only its figures or years changed, in
    the column of the year before (each sentence once; a point's run-in heading is no repeat)."""
    repeats = []
    for before, after in zip(columns, columns[1:]):
        earlier = {}
        for point in before.points:
            for sentence in _sentences(point.text):
                earlier.setdefault(_squash(sentence), point.key)
                earlier.setdefault(_without_figures(sentence), point.key)
        seen: set[str] = set()
        for point in after.points:
            for sentence in _sentences(point.text):
                if _squash(sentence) in seen or _is_heading(sentence, point):
                    continue
                seen.add(_squash(sentence))
                if (key := earlier.get(_squash(sentence))) is not None:
                    kind = VERBATIM
                elif (key := earlier.get(_without_figures(sentence))) is not None:
                    kind = FIGURES_CHANGED
                else:
                    continue
                repeats.append(Repeat(after.report.source, before.report.source, sentence.strip(), kind,
                                      point.key, key))
    return repeats


def _is_heading(sentence: str, point: Point) -> bool:
    """The point's own heading, run in ("三是盯住关键事务，系统密织监督网。"): headings recur by design."""
    return bool(point.lead) and ENUMERATION_MARKER.sub("", _squash(sentence)) == _squash(point.lead)


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE.findall(text) if len(_squash(sentence)) >= MIN_REPEAT_CHARS]


def _squash(text: str) -> str:
    return _SPACE.sub("", text).rstrip("。；;！？!?")


def _without_figures(sentence: str) -> str:
    """The sentence with every figure (masked or not) and year as one sign: what is left is its wording."""
    text = _squash(sentence)
    for figure in sorted(find_figures(text), key=lambda figure: figure.start, reverse=True):
        text = text[:figure.start] + "#" + text[figure.end:]
    return re.sub(r"(?:19|20)\d\d(?=年)", "#", text)


def _overlap(pairs: set[str], members: set[str]) -> float:
    return len(pairs & members) / len(pairs) if pairs else 0.0


def _new_label(point: Point, taken: set[str]) -> str:
    """The point's own heading as a row name (its first clause, cut when long), numbered when taken."""
    lead = re.split(r"[，,；;。]", point.lead)[0]
    lead = lead if len(lead) <= LABEL_MAX_CHARS else lead[:LABEL_MAX_CHARS - 1] + "…"
    label, number = lead or OTHER_ROW, 2
    while label in taken:
        label, number = f"{lead or OTHER_ROW}（{number}）", number + 1
    return label
