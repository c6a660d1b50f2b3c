"""Sentences of a report as the brief handles them: split, scored, compressed, and cut to a length.

Compression keeps what a leader reads for and drops what repeats: a list of more than three activities keeps its
first three (those with figures first) and says 等; a sentence of many clauses keeps its opening clause, the
clauses that carry figures and its closing clause. Figures are never altered, only kept or dropped whole with
their clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..library.store import StoredChunk
from ..text.chinese import ENUMERATION_MARKER
from ..text.figures import Figure, find_figures

MAX_LIST_ITEMS = 3
MAX_CLAUSES = 4
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』）)]*|$)")
_OPENER = re.compile(r"^(?:自|在|为|按照|根据|围绕|通过|截至|随着)|(?:以来|期间|之际|过程中)$")
_CLAUSE = re.compile(r"[^，,；;]+[，,；;]?")
# Not counts: dates, ranks and ordinals (第十一次党代会, 十一届二次全会, 十八届, 三级).
_NOT_COUNT_UNITS = ("年", "年度", "月", "日", "号", "届", "级", "岁")
_ORDINAL_BEFORE = ("第", "届")
_ORDINAL_AFTER = re.compile(r"^(?:全会|全体|会议|党代会|代表大会)")


@dataclass(frozen=True)
class Unit:
    """A sentence of the brief: its (compressed) text, the passage it comes from, the sentence as written."""

    text: str
    chunk: StoredChunk
    quote: str
    order: tuple[int, int]
    score: float = 0.0


def sentences_of(text: str) -> list[str]:
    """A passage's sentences (a heading line on its own counts as one), markers and spaces stripped."""
    found = []
    for line in text.split("\n"):
        for sentence in _SENTENCE.findall(line):
            cleaned = ENUMERATION_MARKER.sub("", sentence.strip(), count=1).strip()
            if len(cleaned) >= 2:
                found.append(cleaned)
    return found


def counting_figures(text: str) -> list[Figure]:
    """Figures of `text` that count something, written with a unit or %: not dates, ranks or ordinals."""
    return [figure for figure in find_figures(text)
            if (figure.text_start, figure.text_end) != (figure.start, figure.end)
            and not figure.text.endswith(_NOT_COUNT_UNITS)
            and text[figure.text_start - 1: figure.text_start] not in _ORDINAL_BEFORE
            and not _ORDINAL_AFTER.match(text[figure.text_end:])]


def counted_figures(text: str) -> tuple[int, int]:
    """(unmasked, masked) counting figures of `text`."""
    unmasked = masked = 0
    for figure in counting_figures(text):
        if figure.masked:
            masked += 1
        else:
            unmasked += 1
    return unmasked, masked


def has_figure(text: str) -> bool:
    return any(counted_figures(text))


def compress(sentence: str, max_chars: int | None = None) -> str:
    """A sentence shortened for the brief (lists cut to three items, clauses to the telling ones), then, when
    `max_chars` is given, cut clause by clause to fit; "" when not even its first clause fits."""
    body = sentence.rstrip("。！？!?；;，, ")
    clauses = [_shorten_list(clause) for clause in _CLAUSE.findall(body)]
    clauses = _telling_clauses(clauses)
    if max_chars is not None:
        clauses = _fit_clauses(clauses, max_chars - 1)
    return _join(clauses)


def _shorten_list(clause: str) -> str:
    """A clause's 、-list of more than three items cut to three (those with figures first, order kept) + 等."""
    tail = clause[-1] if clause[-1:] in "，,；;" else ""
    core = clause[: len(clause) - len(tail)]
    items = core.split("、")
    if len(items) <= MAX_LIST_ITEMS:
        return clause
    with_figures = [index for index, item in enumerate(items) if has_figure(item)]
    keep = sorted((with_figures + [i for i in range(len(items)) if i not in with_figures])[:MAX_LIST_ITEMS])
    last = items[-1]
    # the list's last item often runs on into the rest of the clause ("…、上门送诊等服务"): keep that run-on
    ending = "" if keep[-1] == len(items) - 1 else _after_list(last)
    kept = "、".join(items[index] for index in keep)
    etc = "" if "等" in items[keep[-1]] or ending.startswith("等") else "等"
    return kept + etc + ending + tail


def _after_list(last_item: str) -> str:
    """What follows a list's last item in its clause (等…, or a verb phrase after a long item), kept after 等."""
    match = re.search(r"等.*$", last_item)
    return match.group(0)[1:] if match else ""


def _telling_clauses(clauses: list[str]) -> list[str]:
    """At most MAX_CLAUSES clauses: the first, those with figures, the last."""
    if len(clauses) <= MAX_CLAUSES:
        return clauses
    keep = {0, len(clauses) - 1}
    for index, clause in enumerate(clauses):
        if len(keep) >= MAX_CLAUSES:
            break
        if has_figure(clause):
            keep.add(index)
    return [clause for index, clause in enumerate(clauses) if index in keep]


def _fit_clauses(clauses: list[str], max_chars: int) -> list[str]:
    """Drop clauses until the sentence fits: an opening adverbial first (自9月10日疫情爆发以来，), then clauses
    without figures, never the first; [] if nothing does."""
    clauses = list(clauses)
    if len(clauses) > 1 and len(_join(clauses)) - 1 > max_chars and _OPENER.search(clauses[0].rstrip("，,；; ")):
        del clauses[0]
    while clauses and len(_join(clauses)) - 1 > max_chars:
        if len(clauses) == 1:
            return []
        droppable = [i for i in range(1, len(clauses)) if not has_figure(clauses[i])] or list(range(1, len(clauses)))
        del clauses[droppable[-1] if len(droppable) == 1 else droppable[len(droppable) // 2]]
    return clauses


def _join(clauses: list[str]) -> str:
    """Clauses as one sentence ending in 。."""
    if not clauses:
        return ""
    text = "".join(clause if index < len(clauses) - 1 else clause.rstrip("，,；;")
                   for index, clause in enumerate(_with_commas(clauses)))
    return text + "。"


def _with_commas(clauses: list[str]) -> list[str]:
    """Each clause but the last ends in a comma (a dropped clause may have taken it away)."""
    fixed = []
    for index, clause in enumerate(clauses):
        if index < len(clauses) - 1 and clause[-1:] not in "，,；;":
            clause += "，"
        fixed.append(clause)
    return fixed
