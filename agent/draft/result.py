"""A finished draft: the contract's JSON, and the Markdown a staffer reads, pastes into Word or exports to docx
(title, a first-draft note, the points, and an evidence table appendix mapping each key to its source)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..answer.evidence import best_quote
from ..text.citations import keys_in, number_keys
from ..text.facts import Facts
from ..text.figures import PLACEHOLDER
from .evidence import DraftEvidence
from .numbering import BRACKET_STYLE, marker
from .outline import Outline

QUOTE_MAX_CHARS = 60


@dataclass
class Draft:
    """Everything `zongjie draft` produced."""

    section: str
    year: int
    title: str
    outline: Outline
    paragraphs: list[str] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    engine: str = "extractive"
    model: str | None = None
    note: str = ""
    run_dir: Path | None = None

    @property
    def text(self) -> str:
        """The section's body, paragraphs separated by blank lines, citation keys in place."""
        return "\n\n".join(self.paragraphs)

    @property
    def placeholders(self) -> int:
        """How many 〔待补〕 the staffer has to fill."""
        return self.text.count(PLACEHOLDER)

    def to_json(self) -> dict[str, Any]:
        """The contract's draft object (plus where the run's files are)."""
        return {"section": self.section, "year": self.year, "title": self.title, "outline": self.outline.numbered(),
                "text": self.text, "citations": self.citations, "placeholders": self.placeholders,
                "warnings": self.warnings, "engine": self.engine, "model": self.model,
                "run_dir": str(self.run_dir) if self.run_dir else None}

    def to_markdown(self) -> str:
        """Title, note, body and the evidence table, as Markdown."""
        return draft_markdown(self.title, self.note, self.text, self.citations)

    def to_docx_markdown(self) -> str:
        """The Markdown a Word file is made from: keys become numbers 〔1〕 and the table a numbered 依据 list."""
        return draft_docx_markdown(self.title, self.note, self.text, self.citations)

    def outline_markdown(self) -> str:
        """The outline alone, as the editable outline file."""
        return self.outline.render()


def draft_markdown(title: str, note: str, text: str, citations: list[dict[str, Any]]) -> str:
    """A draft as Markdown: title, the first-draft note, the text, and the evidence table."""
    parts = [f"# {title}", f"> {note}" if note else "", text]
    if citations:
        parts.append(evidence_table(citations))
    return "\n\n".join(part for part in parts if part) + "\n"


def draft_docx_markdown(title: str, note: str, text: str, citations: list[dict[str, Any]]) -> str:
    """The Markdown a draft's Word file is made from: keys become numbers 〔1〕, the table a numbered 依据 list."""
    numbers = {citation["key"]: number for number, citation in enumerate(citations, 1)}
    parts = [f"# {title}", f"> {note}" if note else "", number_keys(text, numbers)]
    if citations:
        parts += ["## 依据", *(basis_entry(number, citation) for number, citation in enumerate(citations, 1))]
    return "\n\n".join(part for part in parts if part) + "\n"


def point_paragraphs(style: str, index: int, heading: str, body: str) -> list[str]:
    """A point as Markdown: 一是 points run in with a bold lead; （一） points get a level-2 heading."""
    if style == BRACKET_STYLE:
        return [f"### {marker(style, index)}{heading}", body] if body else [f"### {marker(style, index)}{heading}"]
    return [f"**{marker(style, index)}{heading}。**{body}"]


def collect_citations(text: str, evidence: DraftEvidence, facts: Facts,
                      quotes: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Citation objects for every key the text uses, in order of first use: passages quote the sentence drawn
    on (or the one closest to the paragraph citing it), facts quote the user's wording."""
    quotes = quotes or {}
    paragraphs = text.split("\n\n")
    found = []
    for key in dict.fromkeys(keys_in(text)):
        fact = facts.get(key)
        if fact is not None:
            found.append(fact.citation())
            continue
        passage = evidence.passage(key)
        if passage is not None:
            citing = "".join(p for p in paragraphs if f"[{key}]" in p)
            found.append(passage.citation(quotes.get(key) or best_quote(passage, citing)))
    return found


def evidence_table(citations: list[dict[str, Any]]) -> str:
    """The appendix: one row per key with where it comes from and what it says."""
    rows = ["附：依据表", "", "| 编号 | 出处 | 引文 |", "|---|---|---|"]
    for citation in citations:
        where = " › ".join([f"《{citation['report_title']}》", *citation["heading_path"]]) \
            if citation["chunk_id"] else material_place(citation) or citation["source"]
        rows.append(f"| {citation['key']} | {_cell(where)} | {_cell(_short(citation['quote']))} |")
    return "\n".join(rows)


def basis_entry(number: int, citation: dict[str, Any]) -> str:
    """One 依据 entry: its number, the report's title, the heading it sits under, and the quoted words (a fact the
    user supplied names itself instead). Stars are escaped: in a quote they are masked figures, never bold."""
    quote = f"原文：{citation['quote']}"
    if citation.get("chunk_id"):
        where = " › ".join(citation.get("heading_path") or [])
        title = citation.get("report_title") or citation["source"]
        parts = [f"《{title}》", f"所在标题：{where}" if where else "", quote]
    elif citation.get("file"):
        parts = [f"今年的科室材料 {material_place(citation)}", quote]
    else:
        parts = ["今年的数字（起草时提供）", quote]
    return f"〔{number}〕" + "，".join(part for part in parts if part).replace("*", "\\*")


def material_place(citation: dict[str, Any]) -> str:
    """Where a material fact stands: 《纪工委2023年工作材料》（纪工委材料.txt 第7行）; "" for any other citation."""
    if not citation.get("file"):
        return ""
    return f"《{citation['report_title']}》（{citation['file']} 第{citation['line']}行）"


def _short(text: str) -> str:
    return text if len(text) <= QUOTE_MAX_CHARS else text[:QUOTE_MAX_CHARS] + "……"


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")
