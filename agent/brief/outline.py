"""A report as a brief sees it: its passages sorted into the frame of a 总结 (成效 → 问题 → 打算).

The frame comes from headings, not topic tags: everything under "三、存在问题" is a problem, everything under
"四、2023年工作打算" a plan, and a nested "（二）未完成目标任务的主客观分析" is a problem inside an achievements
chapter. A heading that also reports work done ("…完成情况及未完成…分析", "反馈问题整改落实情况") is no problem.
Achievements are grouped by the report's own top-level sections; when a report puts all of them under one
chapter ("一、2022年工作总结"), that chapter's sections are the groups. A long report (a 政府工作报告, a 党代会
report) has more chapters than a page has points: its chapters (the sections of its big parts) are grouped by
consecutive runs, each run one point named by its chapters' own headings and drawing on all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..library.lexical import words_within
from ..library.store import StoredChunk
from ..library.structure import PLAN_FRAME, PROBLEM_FRAME, heading_frame
from ..text.chinese import ENUMERATION_MARKER
from .units import sentences_of

ACHIEVEMENT, PROBLEM, PLAN, PREAMBLE = "成效", "问题", "打算", "总体"
OTHER_LABEL = "其他方面"
_MARKER_CORE = re.compile(r"[、,.．\s]+$")
LABEL_MAX_CHARS = 18
LONG_REPORT_CHARS = 8000      # a report longer than this has its achievements in runs of chapters
MAX_CHAPTER_POINTS = 6        # up to this many chapters stay points of their own; more share points in runs
RUN_LABEL_MAX_CHARS = 10      # a chapter's name in a run's label
RUN_LABEL_MAX_NAMES = 3       # a run's label names this many of its chapters, then 等
QUOTE_RUN_ON_CHARS = 6        # a label cut inside a quoted name runs on this far to close it
OPENING_CHARS = 100           # how far into a passage its opening owns up to problems
_TROUBLES = r"(?:困难|问题|不足|短板|挑战|矛盾|差距)"   # what a report owns up to
_ADMITS_PROBLEMS = re.compile(rf"清醒(?:地)?(?:看到|认识到)[^。]{{0,60}}?{_TROUBLES}"
                              r"|(?:面临|存在)[^。]{0,12}(?:困难和挑战|问题和不足|不足和短板|困难和问题|矛盾和问题|问题不足)")
_ENDS_IN_TROUBLES = re.compile(rf"{_TROUBLES}$")
_LABEL_SUFFIX = re.compile(r"(?:的)?(?:工作)?(?:情况|方面)$")


def heading_kind(title: str) -> str | None:
    """PROBLEM or PLAN when a heading frames what is under it, else None."""
    return {PLAN_FRAME: PLAN, PROBLEM_FRAME: PROBLEM}.get(heading_frame(title) or "")


def passage_kind(heading_path: Sequence[str]) -> str:
    """The frame a passage sits in: its deepest framing heading, else achievements (preamble when unheaded)."""
    if not heading_path:
        return PREAMBLE
    for title in reversed(heading_path):
        kind = heading_kind(title)
        if kind:
            return kind
    return ACHIEVEMENT


def marker_of(title: str) -> str:
    """A heading's numbering marker in pointer form: 一、 → 一, （三） → （三）, 一是 → 一是, none → ""."""
    match = ENUMERATION_MARKER.match(title)
    return _MARKER_CORE.sub("", match.group(0).strip()) if match else ""


def pointer(heading_path: Sequence[str], depth: int = 2) -> str:
    """Where a passage sits, as the report's own markers (二（三）, 二、四是); an unnumbered heading by its label."""
    text = ""
    for title in heading_path[:depth]:
        part = marker_of(title) or f"“{short_label(title, 8)}”"
        if text and part.endswith("是") and not text.endswith(("）", "”")):
            text += "、"
        text += part
    return text


def short_label(title: str, max_chars: int = LABEL_MAX_CHARS) -> str:
    """A heading without its marker, cut to its most telling clause when long: the second of two (把准政治方向，
    强化领导班子建设 → 强化领导班子建设), else the first part of a compound (…完成情况及未完成…分析 → …完成情况)."""
    text = ENUMERATION_MARKER.sub("", title, count=1).strip().lstrip("—－-— ").rstrip("。：:")
    text = _LABEL_SUFFIX.sub("", text) or text
    if len(text) <= max_chars:
        return text
    clauses = [clause for clause in re.split(r"[，,；;]", text) if clause]
    if len(clauses) == 2 and len(clauses[1]) <= max_chars:
        return clauses[1]
    parts = [part for part in re.split(r"[，,；;及、]", text) if part]
    return next((part for part in parts if len(part) <= max_chars), _cut_label(parts[0], max_chars))


def _cut_label(text: str, max_chars: int) -> str:
    """`text` cut between words to about `max_chars`, ending neither inside a quoted name nor on a word that joins
    (努力做好就业和 → 努力做好就业)."""
    return _quotes_closed(words_within(text, max_chars), text).rstrip("和与及的、")


def _quotes_closed(cut: str, whole: str) -> str:
    """A label cut inside a quoted name (倾力推进“八项) runs on to the closing quote when the name is short
    (倾力推进“八项民生工程”), else stops before the opening one (倾力推进)."""
    opened = cut.rfind("“")
    if opened < 0 or "”" in cut[opened:]:
        return cut
    closing = whole.find("”", len(cut))
    if 0 <= closing < len(cut) + QUOTE_RUN_ON_CHARS:
        return whole[:closing + 1]
    return cut[:opened] or cut


@dataclass
class Group:
    """Passages that become one part of the brief: a section of achievements, or all problems, or all plans."""

    kind: str
    heading_path: tuple[str, ...]
    passages: list[StoredChunk] = field(default_factory=list)
    members: list["Group"] = field(default_factory=list)   # a point standing for several sections
    run_label: str = ""       # a run of a long report's chapters (its members): their names

    @property
    def label(self) -> str:
        if self.run_label:
            return self.run_label
        if self.members:
            return OTHER_LABEL
        return short_label(self.heading_path[-1]) if self.heading_path else ""

    @property
    def text(self) -> str:
        return "\n".join(passage.text for passage in self.passages)

    @property
    def chars(self) -> int:
        return sum(len(passage.text) for passage in self.passages)

    @property
    def names_only(self) -> bool:
        """A point that names the small sections it stands for (其他方面：…) rather than condensing them."""
        return bool(self.members) and not self.run_label

    def point_of(self, passage: StoredChunk) -> tuple[str, ...]:
        """The point of the group a passage belongs to: its chapter in a run of chapters, else its first heading
        below the group's."""
        for member in self.members:
            if passage.heading_path[: len(member.heading_path)] == member.heading_path:
                return member.heading_path
        return passage.heading_path[: len(self.heading_path) + 1]

    def point_titles(self) -> list[str]:
        """The headings directly below the group's own (its points: 一是联系基层还不够多 …), in order."""
        depth = len(self.heading_path)
        titles = [passage.heading_path[depth] for passage in self.passages if len(passage.heading_path) > depth]
        return list(dict.fromkeys(titles))


@dataclass
class ReportOutline:
    """A report's passages in the brief's frame."""

    title: str
    year: int | None
    top_sections: list[str]
    preamble: list[StoredChunk]
    achievements: list[Group]
    problems: Group
    plans: Group

    @property
    def groups(self) -> list[Group]:
        """Every non-empty part that is condensed: achievement groups, then problems and plans."""
        return [*self.achievements, *(group for group in (self.problems, self.plans) if group.passages)]

    @property
    def passages(self) -> list[StoredChunk]:
        return [*self.preamble, *(passage for group in self.groups for passage in group.passages)]


def build_outline(title: str, year: int | None, chunks: Iterable[StoredChunk]) -> ReportOutline:
    """Sort a report's passages (in document order) into preamble, achievement groups, problems and plans."""
    chunks = list(chunks)
    top_sections = list(dict.fromkeys(chunk.heading_path[0] for chunk in chunks if chunk.heading_path))
    by_kind: dict[str, list[StoredChunk]] = {ACHIEVEMENT: [], PROBLEM: [], PLAN: [], PREAMBLE: []}
    planning = _chapters_after_plans(top_sections)
    owned_up_under: tuple[str, ...] | None = None   # the section of a lead into problems listed below it
    for chunk in chunks:
        kind = _kind_in_report(chunk, planning, owned_up_under)
        by_kind[kind].append(chunk)
        if kind != PROBLEM:
            owned_up_under = None
        elif only_owns_up((sentences_of(chunk.text) or [""])[-1]):   # …还存在不少矛盾和问题。 then 一是…
            owned_up_under = chunk.heading_path
    long_report = sum(len(chunk.text) for chunk in chunks) > LONG_REPORT_CHARS
    achievements, chapter_leads = _achievement_groups(by_kind[ACHIEVEMENT], long_report)
    return ReportOutline(title=title, year=year, top_sections=top_sections,
                         preamble=by_kind[PREAMBLE] + chapter_leads, achievements=achievements,
                         problems=_frame_group(PROBLEM, by_kind[PROBLEM]),
                         plans=_frame_group(PLAN, by_kind[PLAN]))


def admits_problems(text: str) -> bool:
    """A passage that opens by owning up to problems (同时，我们清醒看到工作中还存在一些不足和短板：…): a 政府工作报告
    or 党代会 report puts its 存在问题 in such a paragraph of its review, under no heading of its own."""
    return bool(_ADMITS_PROBLEMS.search(text[:OPENING_CHARS]))


def only_owns_up(sentence: str) -> bool:
    """还存在不少困难和问题。 — the lead into a report's problems, not one of them: it owns up and ends there."""
    last = re.split(r"[，,；;：:]", sentence.rstrip("。：:；; "))[-1]
    return admits_problems(sentence) and bool(_ENDS_IN_TROUBLES.search(last))


def _lists_under(heading_path: tuple[str, ...], section: tuple[str, ...] | None) -> bool:
    """A passage under a point of `section` (一是经济结构矛盾突出 after 我们也清醒地看到…还存在不少矛盾和问题。)."""
    return section is not None and len(heading_path) > len(section) and heading_path[:len(section)] == section


def _kind_in_report(chunk: StoredChunk, planning: set[str], owned_up_under: tuple[str, ...] | None) -> str:
    """A passage's frame in its report: its headings' (passage_kind), a plan in a chapter after the report's turn
    to plans, a problem when it owns up to problems or lists them under a lead that does."""
    kind = passage_kind(chunk.heading_path)
    if kind == ACHIEVEMENT and chunk.heading_path[0] in planning:
        return PLAN
    if kind in (ACHIEVEMENT, PREAMBLE) and (_lists_under(chunk.heading_path, owned_up_under)
                                             or admits_problems(chunk.text)):
        return PROBLEM
    return kind


def _chapters_after_plans(top_sections: list[str]) -> set[str]:
    """The top-level chapters after the first plan chapter: once a report turns to what comes next (二、“十五五”
    时期主要任务), its later chapters (三、2026年主要工作, 四、加强党的全面领导) say what will be done, not what was."""
    kinds = [heading_kind(title) for title in top_sections]
    if PLAN not in kinds:
        return set()
    return set(top_sections[kinds.index(PLAN) + 1:])


def _achievement_groups(chunks: list[StoredChunk], long_report: bool) -> tuple[list[Group], list[StoredChunk]]:
    """Achievements by top-level section; a lone chapter holding several sections is split into them, its own
    opening text (before its first section) returned apart, as material for the overview. A long report with
    more chapters than a page has points has them in runs of consecutive chapters."""
    groups, leads = _group_by_depth(chunks, 1), []
    if len(groups) == 1 and len({chunk.heading_path[:2] for chunk in chunks if len(chunk.heading_path) > 1}) >= 2:
        leads = [chunk for chunk in chunks if len(chunk.heading_path) < 2]
        groups = _group_by_depth([chunk for chunk in chunks if len(chunk.heading_path) >= 2], 2)
    if long_report and len(groups) > MAX_CHAPTER_POINTS:
        return _in_runs(groups), leads
    return groups, leads


def _in_runs(chapters: list[Group], points: int = MAX_CHAPTER_POINTS) -> list[Group]:
    """Chapters in `points` runs of consecutive chapters (sizes differing by one at most), each run one point named
    by its chapters' own headings: a report's order already keeps what belongs together together, and a reader
    finds its chapters under the names it gave them (a 政府工作报告's 综合实力稳步提升 is no 街道 topic)."""
    size, extra = divmod(len(chapters), points)
    runs, start = [], 0
    for index in range(points):
        end = start + size + (1 if index < extra else 0)
        runs.append(chapters[start:end])
        start = end
    return [Group(ACHIEVEMENT, (), [passage for member in run for passage in member.passages], members=run,
                  run_label=_run_label(run)) for run in runs if run]


def _run_label(run: list[Group]) -> str:
    """A run's point label: its chapters' short headings joined (综合实力稳步提升、产业转型提质增效), the first
    three and 等 when a run has more (a report of fifty ——lead paragraphs must not spend its page on names)."""
    names = [short_label(member.heading_path[-1], RUN_LABEL_MAX_CHARS) for member in run]
    return "、".join(names[:RUN_LABEL_MAX_NAMES]) + ("等" if len(names) > RUN_LABEL_MAX_NAMES else "")


def _group_by_depth(chunks: list[StoredChunk], depth: int) -> list[Group]:
    """Consecutive-or-not passages sharing their first `depth` headings, in order of first appearance."""
    groups: dict[tuple[str, ...], Group] = {}
    for chunk in chunks:
        path = chunk.heading_path[:depth]
        groups.setdefault(path, Group(ACHIEVEMENT, path)).passages.append(chunk)
    return list(groups.values())


def _frame_group(kind: str, chunks: list[StoredChunk]) -> Group:
    """All passages of one frame, under the nearest heading that framed the first of them."""
    if not chunks:
        return Group(kind, ())
    path = chunks[0].heading_path
    framing = [index for index, title in enumerate(path) if heading_kind(title) == kind]
    return Group(kind, path[:framing[-1] + 1] if framing else path, chunks)   # unframed: a paragraph owning up


def group_key(group: Group) -> tuple:
    """What identifies a group across the pipeline's refits (and across reports in one run)."""
    return (group.kind, group.heading_path, *(chunk.chunk_id for chunk in group.passages))


def merge_groups(groups: list[Group]) -> Group:
    """One point for several sections too small to get a line each (the rest of a long report's chapters); runs
    of chapters merged are their chapters, so the point still names sections of the report."""
    passages = [passage for group in groups for passage in group.passages]
    members = [member for group in groups for member in group.members or [group]]
    return Group(ACHIEVEMENT, (), passages, members=members)
