"""A whole drafted report: its sections in order, one 依据 list for all of them, and what became of every fact
the materials sent (used where, or left out and why), as JSON, Markdown and the Markdown its Word file is made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..text.figures import PLACEHOLDER
from .report_outline import ReportOutline
from .result import draft_docx_markdown, draft_markdown


@dataclass
class ReportSection:
    """One heading of the report and its paragraphs: a part (## 二、存在问题) or a topic section (### （一）…)."""

    title: str
    level: int                   # 2 for a part, 3 for a section of the work part
    kind: str                    # work, wenti or dasuan
    topic: str = ""              # topic id of a section
    paragraphs: list[str] = field(default_factory=list)
    basis: str = ""              # materials, past (past reports' forms), gap (nothing to write from), or "" (a part)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def markdown(self) -> str:
        return "\n\n".join([f"{'#' * self.level} {self.title}", *self.paragraphs])

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "level": self.level, "kind": self.kind, "topic": self.topic,
                "basis": self.basis, "text": self.text}


@dataclass
class ReportDraft:
    """Everything `zongjie draft --all` produced."""

    title: str
    year: int
    org: str
    outline: ReportOutline
    sections: list[ReportSection] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    facts_used: list[dict[str, Any]] = field(default_factory=list)
    facts_unused: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    engine: str = "extractive"
    model: str | None = None
    note: str = ""
    run_dir: Path | None = None

    @property
    def text(self) -> str:
        """The body: every heading and paragraph, citation keys in place."""
        return "\n\n".join(section.markdown() for section in self.sections)

    @property
    def placeholders(self) -> int:
        return self.text.count(PLACEHOLDER)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "year": self.year, "org": self.org, "outline": self.outline.to_json(),
                "text": self.text, "sections": [section.to_json() for section in self.sections],
                "citations": self.citations, "facts_used": self.facts_used, "facts_unused": self.facts_unused,
                "conflicts": self.conflicts, "placeholders": self.placeholders, "warnings": self.warnings,
                "engine": self.engine, "model": self.model, "run_dir": str(self.run_dir) if self.run_dir else None}

    def to_markdown(self) -> str:
        return draft_markdown(self.title, self.note, self.text, self.citations)

    def to_docx_markdown(self) -> str:
        """Keys as 〔1〕 numbers, the 依据 as a numbered appendix."""
        return draft_docx_markdown(self.title, self.note, self.text, self.citations)

    def unused_report(self) -> str:
        """The facts the draft left out, for the writer to check (one line each: where, what, why)."""
        if not self.facts_unused:
            return "各科室材料中的事实都已写入初稿。"
        lines = [f"以下 {len(self.facts_unused)} 条材料内容没有写入初稿，请核对："]
        lines += [f"- {fact['file']} 第{fact['line']}行：{fact['text']}（{fact['reason']}）" for fact in self.facts_unused]
        return "\n".join(lines)
