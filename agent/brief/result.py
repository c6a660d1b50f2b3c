"""A finished brief: the Markdown a leader reads (and the docx export lays out), and the contract's JSON.

Shape: the report's title; 总体情况; 主要提法 (the report's own programmes and brands, when it has some);
一、主要成效, one point per top-level section of the report, each ending in a pointer to where it stands in the
report (〔见二（三）〕); 存在问题 and 下一步打算, each when the report has one; and the 关键数据 table. No Markdown
bold is used: the reports' masked figures are runs of `*`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..draft.numbering import BRACKET_STYLE, marker
from ..text.citations import ELISION
from .keydata import KeyFigure
from .outline import ACHIEVEMENT, PLAN, PROBLEM, Group
from .units import Unit

OVERVIEW_LEAD = "总体情况："
TERMS_LEAD = "主要提法："
HEADINGS = {ACHIEVEMENT: "主要成效", PROBLEM: "存在问题", PLAN: "下一步打算"}
TABLE_HEADER = ("关键数据", "所指", "出处")


@dataclass
class Part:
    """One condensed part of the brief: the group it condenses and the units chosen for it."""

    group: Group
    units: list[Unit] = field(default_factory=list)
    where: str = ""

    @property
    def text(self) -> str:
        return "".join(unit.text for unit in self.units)


def point_prefix(index: int, group: Group) -> str:
    """（一）强化领导班子建设。 — the brief's own numbering and the section's label."""
    return f"{marker(BRACKET_STYLE, index)}{group.label}。"


def terms_text(terms: list[Unit]) -> str:
    """主要提法：“八八战略”、“万人助万企”服务、…。"""
    return TERMS_LEAD + "、".join(unit.text for unit in terms) + "。"


def pointer_text(where: str) -> str:
    return f"〔见{where}〕" if where else ""


@dataclass
class Brief:
    """Everything `zongjie brief` produced for one report."""

    source: str
    title: str
    overview: list[Unit] = field(default_factory=list)
    terms: list[Unit] = field(default_factory=list)     # the report's own 提法, named in one line
    achievements: list[Part] = field(default_factory=list)
    problems: Part | None = None
    plans: Part | None = None
    key_figures: list[KeyFigure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    engine: str = "extractive"
    model: str | None = None
    sections_total: int = 0
    lines: int = 0
    chars: int = 0

    def to_markdown(self) -> str:
        """The brief as Markdown (the restricted subset the 公文 docx export reads)."""
        blocks = [f"# {self.title}"]
        if self.overview:
            blocks.append(OVERVIEW_LEAD + "".join(unit.text for unit in self.overview))
        if self.terms:
            blocks.append(terms_text(self.terms))
        headings = iter("一二三四")
        blocks.append(f"## {next(headings)}、{HEADINGS[ACHIEVEMENT]}")
        blocks += [point_prefix(index, part.group) + part.text + pointer_text(part.where)
                   for index, part in enumerate(self.achievements)]
        for part in (self.problems, self.plans):
            if part:
                blocks.append(f"## {next(headings)}、{HEADINGS[part.group.kind]}")
                blocks.append(part.text + pointer_text(part.where))
        if self.key_figures:
            blocks.append(key_figure_table(self.key_figures))
        return "\n\n".join(blocks) + "\n"

    @property
    def parts(self) -> list[Part]:
        return [*self.achievements, *(part for part in (self.problems, self.plans) if part)]

    @property
    def units(self) -> list[Unit]:
        return [*self.overview, *self.terms, *(unit for part in self.parts for unit in part.units)]

    def covered_sections(self) -> set[str]:
        """The report's top-level sections the brief's points draw on (the overview aside)."""
        return {unit.chunk.heading_path[0] for part in self.parts for unit in part.units if unit.chunk.heading_path}

    def citations(self) -> list[dict[str, Any]]:
        """One citation per passage drawn on, keyed S1… in order of use, quoting the sentences taken from it."""
        by_chunk: dict[str, list[Unit]] = {}
        for unit in self.units:
            if unit.quote:   # a part with no room but its label quotes nothing
                by_chunk.setdefault(unit.chunk.chunk_id, []).append(unit)
        return [{"key": f"S{number}", "chunk_id": chunk_id, "source": units[0].chunk.source,
                 "heading_path": list(units[0].chunk.heading_path), "quote": _quoted(units)}
                for number, (chunk_id, units) in enumerate(by_chunk.items(), 1)]

    def to_json(self) -> dict[str, Any]:
        """The contract's brief object (plus engine, model, page lines and section coverage)."""
        return {"source": self.source, "title": self.title, "text": self.to_markdown(), "chars": self.chars,
                "citations": self.citations(), "warnings": self.warnings, "engine": self.engine,
                "model": self.model, "lines": self.lines,
                "sections": {"total": self.sections_total, "covered": len(self.covered_sections())},
                "key_figures": [{"figure": key.figure, "what": key.what, "where": key.where,
                                 "chunk_id": key.chunk_id} for key in self.key_figures]}


def key_figure_table(keys: list[KeyFigure]) -> str:
    """The 关键数据 table as a Markdown pipe table."""
    rows = [TABLE_HEADER, *(key.row() for key in keys)]
    lines = ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    lines.insert(1, "|---|---|---|")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def _quoted(units: list[Unit]) -> str:
    """The sentences taken from one passage, in its order: run together where they follow one another there,
    "……" between them where the passage has words between."""
    quotes = list(dict.fromkeys(unit.quote for unit in sorted(units, key=lambda unit: unit.order)))
    passage = units[0].chunk.text
    text = quotes[0]
    for previous, quote in zip(quotes, quotes[1:]):
        text += quote if previous + quote in passage else ELISION + quote
    return text
