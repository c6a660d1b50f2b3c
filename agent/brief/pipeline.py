"""`zongjie brief`: a report's heading tree → each part condensed to its share of the page → guards → one page.

The budget is the page (22 lines of the 公文 docx) or `--max-chars`. It is shared out before anything is
written: fixed lines (title, headings, the key-figure table) first, then every part of the brief gets at least
one line and the rest by weight (a section's length, dampened), so a brief is built to fit rather than cut off
at the end. Parts are condensed to their quotas; if the whole still overflows (a part's lines round up), the
largest part gives up a line and is condensed again. When the report coins names of its own (terms.py) that the
page so laid out does not carry, it is laid out again with up to two lines kept for a 主要提法 line naming them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from ..library.store import ReportRecord
from ..text.figures import guard_figures, known_values
from .keydata import KeyFigure, key_figures
from .layout import CHARS_PER_LINE, PAGE_LINES, PageUse, chars_for_lines, measure, paragraph_lines, plain_text
from .outline import ACHIEVEMENT, PLAN, PREAMBLE, PROBLEM, Group, ReportOutline, build_outline, merge_groups, pointer
from .result import OVERVIEW_LEAD, TERMS_LEAD, Brief, Part, key_figure_table, point_prefix, pointer_text, terms_text
from .terms import own_terms, terms_line
from .units import Unit, substance

PAGE_TABLE_ROWS = 3
CHARS_TABLE_ROWS = 4
OVERVIEW_MAX_LINES = 2
FRAME_MAX_LINES = 3           # 存在问题, 下一步打算
MAJOR_FRAME_SHARE = 0.25      # a plan this share of the report (a 政府工作报告's 重点工作) is weighed as achievements are
MAJOR_FRAME_MAX_LINES = 10    # and may take up to this, the page's achievements keeping the most of it
WEIGHT_EXPONENT = 0.6
MIN_POINT_CHARS = 8
MIN_LIST_CHARS = 30           # room for two of a frame's point headings
OVERVIEW_ROOM_CHARS = 40      # room for an overview sentence worth reading
MAX_REFITS = 12
MAX_SEPARATE_POINTS = 6       # a page with more points than this gives each too little room
MAX_POINTER_PLACES = 3        # a point standing for several sections points to this many of them
MAX_POINTER_CHARS = 20        # and fewer when their names would make the pointer longer than this
MAX_NAMED_SECTIONS = 8        # 其他方面 names this many of its sections at most, then 等
TERMS_LINES = 2               # the 主要提法 line: the report's own programmes and brands
MIN_NEW_TERMS = 4             # the line is worth its two lines when it names this many the points do not
MIN_TERMS_BUDGET_CHARS = 600  # nor has a brief held to fewer characters than this


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
        return self.allows(measure(markdown))

    def allows(self, use: PageUse) -> bool:
        return use.lines <= PAGE_LINES if self.max_chars is None else use.chars <= self.max_chars

    def size(self, text: str) -> int:
        """What a paragraph of `text` takes of this budget: page lines, or characters."""
        return paragraph_lines(text) if self.max_chars is None else len(plain_text(text))

    def lines(self, count: int) -> int:
        """`count` full lines in this budget's unit."""
        return count if self.max_chars is None else count * CHARS_PER_LINE


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
    floor: int = 1            # what the part takes at the least: its label and pointer alone
    lent: bool = False        # given a line more once already, for a sentence it had no room for


def brief_report(record: ReportRecord, passages: list, condenser: Condenser, budget: Budget) -> Brief:
    """The brief of one ingested report (its passages in document order): laid out once, and again with room for
    the 主要提法 line when the report coins names (programmes, brands) that the first layout does not carry."""
    outline = build_outline(record.title, record.year, passages)
    known = _KnownFigures(record.title, passages)
    figures = key_figures(outline, budget.table_rows)
    brief, use = _laid_out(record, outline, figures, condenser, budget, known)
    terms = own_terms(passages)
    room = _terms_room(budget, terms, brief.to_markdown())
    if room:
        brief, _ = _laid_out(record, outline, figures, condenser, budget, known, reserved=room)
        brief.terms = _name_terms(brief, terms, room, budget, known)
        use = measure(docx_markdown(brief.to_markdown()))
    if not budget.allows(use):
        brief.warnings.append("摘要超出预算：报告的部分太多，每部分只能保留一句")
    for group, name in ((outline.problems, "存在问题"), (outline.plans, "下一步打算")):
        if not group.passages:
            brief.warnings.append(f"报告未单列{name}，摘要中没有这一部分")
    brief.lines, brief.chars = use.lines, use.chars
    brief.warnings = list(dict.fromkeys([*condenser.warnings, *brief.warnings]))
    return brief


def _laid_out(record: ReportRecord, outline: ReportOutline, figures: list[KeyFigure], condenser: Condenser,
              budget: Budget, known: "_KnownFigures", reserved: int = 0) -> tuple[Brief, PageUse]:
    """The brief's parts condensed to their shares and refitted until the page holds them, `reserved` of the
    budget left free; with what it takes of the page. The key-figure table starts as `figures` and loses rows
    when the page needs them."""
    brief = Brief(source=record.source, title=record.title, engine=condenser.kind, model=condenser.model,
                  sections_total=len(outline.top_sections), key_figures=list(figures))
    slots = _plan(outline, brief, budget, reserved)
    condensed: dict[tuple[int | None, int], list[Unit]] = {}
    for _ in range(MAX_REFITS):
        _fill(brief, outline, slots, condenser, budget, condensed, known)
        use = measure(docx_markdown(brief.to_markdown()))
        if _lend_a_line(slots, budget, condensed):
            continue
        if budget.allows(use) or not _give_up_one(slots, budget):
            break
    return brief, use


def _terms_room(budget: Budget, terms: list[Unit], said: str) -> int:
    """What the 主要提法 line is given of the budget: what names the report's own 提法 that `said` (the brief
    without the line) does not, up to two lines; 0 when fewer than MIN_NEW_TERMS would be new or the budget is
    small."""
    if budget.max_chars is not None and budget.max_chars < MIN_TERMS_BUDGET_CHARS:
        return 0
    new = _fitting_terms(terms, budget.lines(TERMS_LINES), budget, said)
    return budget.size(terms_text(new)) if len(new) >= MIN_NEW_TERMS else 0


def _fitting_terms(terms: list[Unit], room: int, budget: Budget, said: str) -> list[Unit]:
    """The ranked terms `said` does not name, as many as a 主要提法 line of `room` holds."""
    if budget.max_chars is None:
        max_chars = chars_for_lines(room, used=len(TERMS_LEAD)) - 1
    else:
        max_chars = room - len(TERMS_LEAD) - 1
    chosen = terms_line(terms, max_chars, said)
    while chosen and budget.size(terms_text(chosen)) > room:   # wide Latin, line-breaking slack
        chosen.pop()
    return chosen


def _name_terms(brief: Brief, terms: list[Unit], room: int, budget: Budget, known: "_KnownFigures") -> list[Unit]:
    """The report's own 提法 that the brief does not already name, as many as its room holds, figures guarded."""
    chosen = _fitting_terms(terms, room, budget, brief.to_markdown())
    return guard_units(chosen, Group(PREAMBLE, (), [unit.chunk for unit in chosen]), brief, known)


def _plan(outline: ReportOutline, brief: Brief, budget: Budget, reserved: int = 0) -> list[_Slot]:
    """The parts of the brief with their shares: past six sections the lightest share a point; when minimums
    still overflow, the lightest parts keep their labels only, the table loses rows, more sections merge;
    `reserved` of the budget is kept for the 主要提法 line."""
    slots = _slots(outline, budget)
    room = _room(brief, outline, budget) - reserved
    slots = _merge_smallest(slots, room, budget, keep_at_most=MAX_SEPARATE_POINTS)
    _relax_minimums(slots, room)
    while len(brief.key_figures) > 1 and sum(slot.minimum for slot in slots) > room:
        brief.key_figures.pop()   # a report of many sections: its sections before its figures
        room = _room(brief, outline, budget) - reserved
    slots = _merge_smallest(slots, room, budget)
    _share_out(slots, room)
    return slots


def docx_markdown(markdown: str) -> str:
    """The brief's Markdown with every `*` escaped: briefs use no bold, so each star is a masked figure's."""
    return markdown.replace("*", r"\*")


def _slots(outline: ReportOutline, budget: Budget) -> list[_Slot]:
    """The overview, one slot per achievement group, then problems and plans, sized in the budget's unit."""
    slots = [_Slot(None, OVERVIEW_LEAD, "", 0, budget.size(OVERVIEW_LEAD + "字" * OVERVIEW_ROOM_CHARS),
                   budget.lines(OVERVIEW_MAX_LINES), 0.0, budget.size(OVERVIEW_LEAD))]
    for index, group in enumerate(outline.achievements):
        prefix, suffix = point_prefix(index, group), pointer_text(_where(group))
        slots.append(_Slot(group, prefix, suffix, 0, budget.size(prefix + suffix + "字" * MIN_POINT_CHARS), None,
                           _weight(group), budget.size(prefix + suffix)))
    report_chars = sum(group.chars for group in outline.groups) or 1
    for group in (outline.problems, outline.plans):
        if group.passages:
            suffix = pointer_text(_where(group))
            wanted = MIN_LIST_CHARS if len(group.point_titles()) >= 2 else MIN_POINT_CHARS
            major = group.chars >= MAJOR_FRAME_SHARE * report_chars
            slots.append(_Slot(group, "", suffix, 0, budget.size(suffix + "字" * wanted),
                               budget.lines(MAJOR_FRAME_MAX_LINES if major else FRAME_MAX_LINES),
                               (1.0 if major else 0.5) * _weight(group), budget.size(suffix + "字" * MIN_POINT_CHARS)))
    total = sum(slot.weight for slot in slots[1:]) or 1.0
    slots[0].weight = 0.15 * total
    return slots


def _weight(group: Group) -> float:
    """A part's claim on the page: what it has a leader would want (its telling clauses), and a little for its
    length, dampened so one long chapter does not take the page."""
    return (substance(group.text) + 0.01 * group.chars) ** WEIGHT_EXPONENT


def _where(group: Group) -> str:
    """Where a part stands in the report: its heading's markers, or its sections' (up to three, as many as keep
    the pointer short when they are named rather than numbered: 一“经济持续较快增长”等)."""
    if not group.members:
        return pointer(group.heading_path)
    places = [pointer(member.heading_path) for member in group.members]
    shown = places[:1]
    for place in places[1:MAX_POINTER_PLACES]:
        if len("、".join([*shown, place])) > MAX_POINTER_CHARS:
            break
        shown.append(place)
    return "、".join(shown) + ("等" if len(shown) < len(places) else "")


def _room(brief: Brief, outline: ReportOutline, budget: Budget) -> int:
    """Lines (or characters) left for the parts after the title, headings, and the table."""
    fixed = f"# {brief.title}\n\n## 一、主要成效\n\n"
    fixed += "".join("## 二、存在问题\n\n" for group in (outline.problems, outline.plans) if group.passages)
    if brief.key_figures:
        fixed += key_figure_table(brief.key_figures) + "\n"
    use = measure(docx_markdown(fixed))
    return PAGE_LINES - use.lines if budget.max_chars is None else budget.max_chars - use.chars


def _share_out(slots: list[_Slot], room: int) -> None:
    """Every slot its minimum, then the rest by weight (largest remainder), within each slot's maximum."""
    for slot in slots:
        slot.share = slot.minimum
    left = room - sum(slot.share for slot in slots)
    while left >= 1:
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
            neediest.share += 1
            given = 1
        left -= given


def _relax_minimums(slots: list[_Slot], room: int) -> None:
    """When the minimums alone overflow, the lightest parts make do with their label and pointer."""
    for slot in sorted(slots, key=lambda slot: slot.weight):
        if sum(slot.minimum for slot in slots) <= room:
            return
        slot.minimum = min(slot.minimum, slot.floor)


def _merge_smallest(slots: list[_Slot], room: int, budget: Budget, keep_at_most: int | None = None
                    ) -> list[_Slot]:
    """When the sections overflow the page (a long report of many chapters), the lightest share one last point
    that names them (其他方面：…), so every section is still there: as few as make the page fit, or, with
    `keep_at_most`, as many as leave that many points."""
    achievements = [slot for slot in slots if slot.group is not None and slot.group.kind == ACHIEVEMENT]
    if sum(slot.minimum for slot in slots) <= room or len(achievements) < 3:
        return slots
    if keep_at_most is not None:
        if len(achievements) <= keep_at_most:
            return slots
        return _merged(slots, achievements, len(achievements) - keep_at_most + 1, budget)
    for count in range(2, len(achievements)):
        kept = _merged(slots, achievements, count, budget)
        if sum(slot.minimum for slot in kept) + _all_names_need(kept, budget) <= room:
            return kept
    return slots


def _merged(slots: list[_Slot], achievements: list[_Slot], count: int, budget: Budget) -> list[_Slot]:
    """The slots with the `count` lightest achievement slots merged into one last point."""
    lightest = sorted(achievements, key=lambda slot: slot.weight)[:count]
    merged = {id(slot) for slot in lightest}
    kept = [slot for slot in slots if id(slot) not in merged]
    group = merge_groups([slot.group for slot in achievements if id(slot) in merged])
    index = sum(1 for slot in kept if slot.group is not None and slot.group.kind == ACHIEVEMENT)
    prefix, suffix = point_prefix(index, group), pointer_text(_where(group))
    names = "、".join(member.label for member in group.members[:2]) + "等工作。"
    all_names = "、".join(member.label for member in group.members[:MAX_NAMED_SECTIONS]) + "等工作。"
    kept.insert(index + 1, _Slot(group, prefix, suffix, 0, budget.size(prefix + names + suffix),
                                 budget.size(prefix + all_names + suffix), sum(slot.weight for slot in lightest),
                                 budget.size(prefix + suffix)))
    _renumber(kept)
    return kept


def _renumber(slots: list[_Slot]) -> None:
    """Point prefixes in order after sections were merged."""
    index = 0
    for slot in slots:
        if slot.group is not None and slot.group.kind == ACHIEVEMENT:
            slot.prefix = point_prefix(index, slot.group)
            index += 1


def _all_names_need(slots: list[_Slot], budget: Budget) -> int:
    """What the merged point needs beyond its minimum to name all its sections."""
    slot = next(slot for slot in slots if slot.group is not None and slot.group.names_only)
    names = "、".join(member.label for member in slot.group.members[:MAX_NAMED_SECTIONS])
    return budget.size(slot.prefix + names + slot.suffix) - slot.minimum


def _chars_of(slot: _Slot, budget: Budget) -> int:
    """The characters of text a slot's share leaves after its prefix and pointer."""
    if budget.max_chars is not None:
        return max(0, slot.share - len(slot.prefix) - len(slot.suffix))
    return chars_for_lines(slot.share, used=len(plain_text(slot.prefix)) + len(slot.suffix))


def _fill(brief: Brief, outline: ReportOutline, slots: list[_Slot], condenser: Condenser, budget: Budget,
          condensed: dict[tuple[int | None, int], list[Unit]], known: "_KnownFigures") -> None:
    """Condense each part to its slot (reusing what an unchanged slot already has) and guard it."""
    parts = []
    for slot in slots[1:]:
        key = (id(slot.group), _chars_of(slot, budget))
        if key not in condensed:
            units = (member_names(slot.group, key[1]) if slot.group.names_only
                     else guard_units(condenser.condense(slot.group, key[1]), slot.group, brief, known))
            condensed[key] = units or [_heading_only(slot.group)]
        parts.append(Part(slot.group, condensed[key], _where(slot.group)))
    brief.achievements = [part for part in parts if part.group.kind == ACHIEVEMENT]
    brief.problems = next((part for part in parts if part.group.kind == PROBLEM), None)
    brief.plans = next((part for part in parts if part.group.kind == PLAN), None)
    overview_key = (None, _chars_of(slots[0], budget))
    if overview_key not in condensed:
        units = condenser.overview(outline, [part.units for part in parts], overview_key[1])
        whole = Group(PREAMBLE, (), outline.passages)
        condensed[overview_key] = guard_units(units, whole, brief, known)   # none: the brief has no overview line
    brief.overview = condensed[overview_key]


def member_names(group: Group, max_chars: int) -> list[Unit]:
    """The merged point's text: the names of the sections it stands for, as many as fit, each cited."""
    units: list[Unit] = []
    used = 0
    for member in group.members[:MAX_NAMED_SECTIONS]:
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


def _lend_a_line(slots: list[_Slot], budget: Budget, condensed: dict[tuple[int | None, int], list[Unit]]) -> bool:
    """A point that came out as its name alone (its share too small for any sentence of it) gets a line more, taken
    from the largest part that can spare one; True when a line moved."""
    for slot in slots[1:]:
        units = condensed.get((id(slot.group), _chars_of(slot, budget)), [])
        if slot.lent or slot.group.names_only or any(unit.text for unit in units):
            continue   # once only: a part that says nothing with a line more has no sentence to say
        donors = [other for other in slots if other is not slot and other.share - budget.lines(1) >= other.minimum]
        if not donors:
            return False
        donor = max(donors, key=lambda other: other.share)
        donor.share -= budget.lines(1)
        slot.share += budget.lines(1)
        slot.minimum = slot.share
        slot.lent = True
        return True
    return False


def _give_up_one(slots: list[_Slot], budget: Budget) -> bool:
    """Take one line (or a tenth of the characters) from the largest slot above its minimum; False if none."""
    shrinkable = [slot for slot in slots if slot.share > slot.minimum]
    if not shrinkable:
        return False
    largest = max(shrinkable, key=lambda slot: slot.share)
    step = 1 if budget.max_chars is None else max(1, largest.share // 10)
    largest.share = max(largest.minimum, largest.share - step)
    return True


class _KnownFigures:
    """The figure values of the report's title and of each passage (text and headings), read once per brief."""

    def __init__(self, title: str, passages: list) -> None:
        self.title = known_values([title])
        # headings one per line: run together, …落实五是… would read as the figure 5
        self.by_chunk = {passage.chunk_id: known_values([passage.text, "\n".join(passage.heading_path)])
                         for passage in passages}

    def of(self, group: Group) -> set[float]:
        """What a part drawing on `group` may state: the title's figures and its passages'."""
        return self.title.union(*(self.by_chunk[passage.chunk_id] for passage in group.passages))


def guard_units(units: list[Unit], group: Group, brief: Brief, known: _KnownFigures) -> list[Unit]:
    """Every figure of a part must stand in the group's own passages; any other becomes 〔待补〕 and is reported.
    Masked figures (`**次`) stay as written: unknown, never filled."""
    allowed = known.of(group)
    checked = []
    for unit in units:
        result = guard_figures(unit.text, allowed)
        if result.replaced:
            brief.warnings.append(f"“{group.label or group.kind + '情况'}”中有数字不见于报告原文，已替换为〔待补〕："
                                  + "、".join(result.replaced))
        checked.append(Unit(result.text, unit.chunk, unit.quote, unit.order, unit.score) if result.replaced
                       else unit)
    return checked
