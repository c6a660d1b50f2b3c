"""`zongjie brief`: a report's heading tree → each part condensed to its share of the page → guards → one page.

The budget is the page (22 lines of the 公文 docx) or `--max-chars`. It is shared out before anything is
written: fixed lines (title, headings, the key-figure table) first, then every part of the brief gets at least
one line and the rest by weight (a section's length, dampened), so a brief is built to fit rather than cut off
at the end. Parts are condensed to their quotas; if the whole still overflows (a part's lines round up), the
largest part gives up a line and is condensed again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from ..figures import guard_figures, known_values
from ..store import ReportRecord
from .keydata import key_figures
from .layout import PAGE_LINES, chars_for_lines, measure, paragraph_lines, plain_text
from .outline import ACHIEVEMENT, Group, ReportOutline, build_outline, merge_groups, pointer
from .result import OVERVIEW_LEAD, Brief, Part, key_figure_table, point_prefix, pointer_text
from .units import Unit

PAGE_TABLE_ROWS = 3
CHARS_TABLE_ROWS = 4
OVERVIEW_MAX_LINES = 2
FRAME_MAX_LINES = 3           # 存在问题, 下一步打算
WEIGHT_EXPONENT = 0.6
MIN_POINT_CHARS = 8
MAX_REFITS = 12
MAX_SEPARATE_POINTS = 6       # a page with more points than this gives each too little room


class Condenser(Protocol):
    """What the pipeline needs of an engine: a group condensed to a length, and an overview of the report."""

    kind: str
    model: str | None
    warnings: list[str]

    def condense(self, group: Group, max_chars: int) -> list[Unit]:
        """Units of text, `max_chars` in all at most, drawn from the group's passages."""

    def overview(self, outline: ReportOutline, parts: list[list[Unit]], max_chars: int) -> list[Unit]:
        """One or two sentences on the whole report."""


@dataclass(frozen=True)
class Budget:
    """One A4 page (the default), or at most `max_chars` characters as the reader sees them."""

    max_chars: int | None = None

    @property
    def table_rows(self) -> int:
        return PAGE_TABLE_ROWS if self.max_chars is None else CHARS_TABLE_ROWS

    def fits(self, markdown: str) -> bool:
        use = measure(markdown)
        return use.lines <= PAGE_LINES if self.max_chars is None else use.chars <= self.max_chars


@dataclass
class _Slot:
    """A part of the brief and its share of the budget, in lines (page) or characters."""

    group: Group | None       # None: the overview
    prefix: str
    suffix: str
    share: int
    minimum: int
    maximum: int | None
    weight: float


def brief_report(record: ReportRecord, passages: list, condenser: Condenser, budget: Budget) -> Brief:
    """The brief of one ingested report (its passages in document order)."""
    outline = build_outline(record.title, record.year, passages)
    brief = Brief(source=record.source, title=record.title, engine=condenser.kind, model=condenser.model,
                  sections_total=len(outline.top_sections))
    brief.key_figures = key_figures(outline, budget.table_rows)
    slots = _slots(outline, brief)
    slots = _merge_smallest(slots, _room(brief, outline, budget), keep_at_most=MAX_SEPARATE_POINTS)
    _relax_minimums(slots, _room(brief, outline, budget))
    while len(brief.key_figures) > 1 and sum(slot.minimum for slot in slots) > _room(brief, outline, budget):
        brief.key_figures.pop()   # a report of many sections: its sections before its figures
    slots = _merge_smallest(slots, _room(brief, outline, budget))
    _share_out(slots, _room(brief, outline, budget), budget)
    condensed: dict[int, list[Unit]] = {}
    for _ in range(MAX_REFITS):
        _fill(brief, outline, slots, condenser, budget, condensed)
        if budget.fits(docx_markdown(brief.to_markdown())) or not _give_up_one(slots, budget):
            break
    if not budget.fits(docx_markdown(brief.to_markdown())):
        brief.warnings.append("摘要超出预算：报告的部分太多，每部分只能保留一句")
    for group, name in ((outline.problems, "存在问题"), (outline.plans, "下一步打算")):
        if not group.passages:
            brief.warnings.append(f"报告未单列{name}，摘要中没有这一部分")
    use = measure(docx_markdown(brief.to_markdown()))
    brief.lines, brief.chars = use.lines, use.chars
    brief.warnings = [*condenser.warnings, *brief.warnings]
    return brief


def docx_markdown(markdown: str) -> str:
    """The brief's Markdown with every `*` escaped: briefs use no bold, so each star is a masked figure's."""
    return markdown.replace("*", r"\*")


def _slots(outline: ReportOutline, brief: Brief) -> list[_Slot]:
    """The overview, one slot per achievement group, then problems and plans."""
    slots = [_Slot(None, OVERVIEW_LEAD, "", 0, 2, OVERVIEW_MAX_LINES, 0.0)]
    for index, group in enumerate(outline.achievements):
        prefix, suffix = point_prefix(index, group), pointer_text(_where(group))
        minimum = paragraph_lines(prefix + suffix + "字" * MIN_POINT_CHARS)
        slots.append(_Slot(group, prefix, suffix, 0, minimum, None, group.chars ** WEIGHT_EXPONENT))
    for group in (outline.problems, outline.plans):
        if group.passages:
            minimum = 2 if len(group.point_titles()) >= 2 else 1
            slots.append(_Slot(group, "", pointer_text(_where(group)), 0, minimum, FRAME_MAX_LINES,
                               0.5 * group.chars ** WEIGHT_EXPONENT))
    total = sum(slot.weight for slot in slots[1:]) or 1.0
    slots[0].weight = 0.15 * total
    return slots


def _where(group: Group) -> str:
    if group.members:
        places = [pointer(member.heading_path) for member in group.members]
        return "、".join(places[:3]) + ("等" if len(places) > 3 else "")
    return pointer(group.heading_path)


def _room(brief: Brief, outline: ReportOutline, budget: Budget) -> int:
    """Lines (or characters) left for the parts after the title, headings, and the table."""
    fixed = f"# {brief.title}\n\n## 一、主要成效\n\n"
    fixed += "".join("## 二、存在问题\n\n" for group in (outline.problems, outline.plans) if group.passages)
    if brief.key_figures:
        fixed += key_figure_table(brief.key_figures) + "\n"
    use = measure(docx_markdown(fixed))
    return PAGE_LINES - use.lines if budget.max_chars is None else budget.max_chars - use.chars


def _share_out(slots: list[_Slot], room: int, budget: Budget) -> None:
    """Every slot its minimum, then the rest by weight (largest remainder), within each slot's maximum."""
    unit = 1
    if budget.max_chars is not None:
        for slot in slots:
            slot.minimum = len(slot.prefix) + len(slot.suffix) + MIN_POINT_CHARS
            slot.maximum = None if slot.maximum is None else slot.maximum * 40
    for slot in slots:
        slot.share = slot.minimum
    left = room - sum(slot.share for slot in slots)
    while left >= unit:
        open_slots = [slot for slot in slots if slot.maximum is None or slot.share < slot.maximum]
        if not open_slots:
            break
        total = sum(slot.weight for slot in open_slots)
        wanted = {id(slot): left * slot.weight / total for slot in open_slots}
        given = 0
        for slot in open_slots:
            extra = math.floor(wanted[id(slot)])
            if slot.maximum is not None:
                extra = min(extra, slot.maximum - slot.share)
            slot.share += extra
            given += extra
        if given == 0:
            neediest = max(open_slots, key=lambda slot: wanted[id(slot)])
            neediest.share += unit
            given = unit
        left -= given


def _relax_minimums(slots: list[_Slot], room: int) -> None:
    """When the minimums alone overflow, the lightest parts make do with one line (their label)."""
    for slot in sorted(slots, key=lambda slot: slot.weight):
        if sum(slot.minimum for slot in slots) <= room:
            return
        slot.minimum = 1


def _merge_smallest(slots: list[_Slot], room: int, keep_at_most: int | None = None) -> list[_Slot]:
    """When the sections overflow the page (a long report of many chapters), the lightest share one last point
    that names them (其他方面：…), so every section is still there: as few as make the page fit, or, with
    `keep_at_most`, as many as leave that many points."""
    achievements = [slot for slot in slots if slot.group is not None and slot.group.kind == ACHIEVEMENT]
    if sum(slot.minimum for slot in slots) <= room or len(achievements) < 3:
        return slots
    if keep_at_most is not None:
        if len(achievements) <= keep_at_most:
            return slots
        return _merged(slots, achievements, len(achievements) - keep_at_most + 1)
    for count in range(2, len(achievements)):
        kept = _merged(slots, achievements, count)
        if sum(slot.minimum for slot in kept) + _extra_lines(kept) <= room:
            return kept
    return slots


def _merged(slots: list[_Slot], achievements: list[_Slot], count: int) -> list[_Slot]:
    """The slots with the `count` lightest achievement slots merged into one last point."""
    lightest = sorted(achievements, key=lambda slot: slot.weight)[:count]
    merged = {id(slot) for slot in lightest}
    kept = [slot for slot in slots if id(slot) not in merged]
    group = merge_groups([slot.group for slot in achievements if id(slot) in merged])
    index = sum(1 for slot in kept if slot.group is not None and slot.group.kind == ACHIEVEMENT)
    prefix, suffix = point_prefix(index, group), pointer_text(_where(group))
    names = "、".join(member.label for member in group.members[:2]) + "等工作。"
    kept.insert(index + 1, _Slot(group, prefix, suffix, 0, paragraph_lines(prefix + names + suffix), None,
                                 sum(slot.weight for slot in lightest)))
    _renumber(kept)
    return kept


def _renumber(slots: list[_Slot]) -> None:
    """Point prefixes in order after sections were merged."""
    index = 0
    for slot in slots:
        if slot.group is not None and slot.group.kind == ACHIEVEMENT:
            slot.prefix = point_prefix(index, slot.group)
            index += 1


def _extra_lines(slots: list[_Slot]) -> int:
    """Lines the merged point needs beyond its minimum to name its sections."""
    slot = next(slot for slot in slots if slot.group is not None and slot.group.members)
    names = "、".join(member.label for member in slot.group.members)
    return paragraph_lines(slot.prefix + names + slot.suffix) - slot.minimum


def _chars_of(slot: _Slot, budget: Budget) -> int:
    """The characters of text a slot's share leaves after its prefix and pointer."""
    if budget.max_chars is not None:
        return max(0, slot.share - len(slot.prefix) - len(slot.suffix))
    return chars_for_lines(slot.share, used=len(plain_text(slot.prefix)) + len(slot.suffix))


def _fill(brief: Brief, outline: ReportOutline, slots: list[_Slot], condenser: Condenser, budget: Budget,
          condensed: dict[int, list[Unit]]) -> None:
    """Condense each part to its slot (reusing what an unchanged slot already has) and guard it."""
    parts = []
    for slot in slots[1:]:
        key = (id(slot.group), _chars_of(slot, budget))
        if key not in condensed:
            units = (member_names(slot.group, key[1]) if slot.group.members
                     else guard_units(condenser.condense(slot.group, key[1]), slot.group, brief))
            condensed[key] = units or [_heading_only(slot.group)]
        parts.append(Part(slot.group, condensed[key], _where(slot.group)))
    brief.achievements = [part for part in parts if part.group.kind == ACHIEVEMENT]
    brief.problems = next((part for part in parts if part.group.kind == "问题"), None)
    brief.plans = next((part for part in parts if part.group.kind == "打算"), None)
    overview_key = (None, _chars_of(slots[0], budget))
    if overview_key not in condensed:
        units = condenser.overview(outline, [part.units for part in parts], overview_key[1])
        whole = Group("总体", (), outline.passages)
        condensed[overview_key] = guard_units(units or [_synthetic_overview(outline, overview_key[1])], whole, brief)
    brief.overview = condensed[overview_key]


def member_names(group: Group, max_chars: int) -> list[Unit]:
    """The merged point's text: the names of the sections it stands for, as many as fit, each cited."""
    units: list[Unit] = []
    used = 0
    for member in group.members:
        name = member.label + "、"
        if used + len(name) > max_chars - 2:
            break
        first = member.passages[0]
        units.append(Unit(name, first, member.heading_path[-1], (first.ordinal, 0)))
        used += len(name)
    if units:
        last = units[-1]
        ending = "等" if len(units) < len(group.members) else ""
        units[-1] = Unit(last.text[:-1] + ending + "工作。", last.chunk, last.quote, last.order)
    return units


def _heading_only(group: Group) -> Unit:
    """A part with no room for a sentence is its heading alone (the label and pointer say it): the unit adds no
    text but keeps the section counted and cited."""
    first = group.passages[0]
    return Unit("", first, group.heading_path[-1] if group.heading_path else "", (first.ordinal, 0))


def _give_up_one(slots: list[_Slot], budget: Budget) -> bool:
    """Take one line (or a tenth of the characters) from the largest slot above its minimum; False if none."""
    shrinkable = [slot for slot in slots if slot.share > slot.minimum]
    if not shrinkable:
        return False
    largest = max(shrinkable, key=lambda slot: slot.share)
    step = 1 if budget.max_chars is None else max(1, largest.share // 10)
    largest.share = max(largest.minimum, largest.share - step)
    return True


def guard_units(units: list[Unit], group: Group, brief: Brief) -> list[Unit]:
    """Every figure of a part must stand in the group's own passages; any other becomes 〔待补〕 and is reported.
    Masked figures (`**次`) stay as written: unknown, never filled."""
    allowed = known_values([brief.title, *(passage.text for passage in group.passages),
                            *("\n".join(passage.heading_path) for passage in group.passages)])
    checked = []
    for unit in units:
        result = guard_figures(unit.text, allowed)
        if result.replaced:
            brief.warnings.append(f"“{group.label or group.kind + '情况'}”中有数字不见于报告原文，已替换为〔待补〕："
                                  + "、".join(result.replaced))
        checked.append(Unit(result.text, unit.chunk, unit.quote, unit.order, unit.score) if result.replaced
                       else unit)
    return checked


def _synthetic_overview(outline: ReportOutline, max_chars: int) -> Unit:
    """An overview from the report's own headings when it opens with no summary of its own (no figure in it,
    but the report's year, which the report states), the longest wording that fits."""
    labels = [group.label for group in outline.achievements]
    year = f"{outline.year}年" if outline.year else "全年"
    frames = [part for part, present in (("分析了存在问题", outline.problems.passages),
                                         ("提出了下一步打算", outline.plans.passages)) if present]
    wordings = [f"报告从{'、'.join(labels[:count])}等方面总结了{year}工作" + "".join(f"，{f}" for f in frames) + "。"
                for count in range(len(labels), 0, -1)]
    wordings += [f"报告总结了{year}工作" + "".join(f"，{f}" for f in frames) + "。", f"报告总结了{year}工作。"]
    text = next((wording for wording in wordings if len(wording) <= max_chars), wordings[-1])
    anchor = (outline.preamble or [p for g in outline.groups for p in g.passages])[0]
    return Unit(text, anchor, outline.title, (anchor.ordinal, 0), 0.0)
