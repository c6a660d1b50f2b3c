"""A comparison as the reader gets it: JSON (the CLI/JSON contract), Markdown, and the cell texts the exports use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..library.topics import Topic
from .table import Column, Repeat, Row

EMPTY_CELL = ""
NOTHING_ON_TOPIC = "（本报告未涉及）"


@dataclass
class Comparison:
    """Reports side by side on one topic."""

    topic: Topic
    series: bool                       # one unit over several years, ordered by year
    columns: list[Column]
    rows: list[Row]
    repeated: list[Repeat] = field(default_factory=list)
    summary: str = ""                  # the model's paragraph on the differences, guarded and cited
    warnings: list[str] = field(default_factory=list)

    def cell(self, column: Column, label: str) -> str:
        """What `column` says in row `label`: its points, each with its citation key; empty when nothing."""
        return "\n".join(f"{point.text}[{point.key}]" for point in column.points if point.row == label) or EMPTY_CELL

    def column_name(self, column: Column) -> str:
        """A column's heading: the year for a series, else the report's title (with its year)."""
        report = column.report
        if self.series:
            return f"{report.year}年" if report.year else report.title
        return f"{report.title}（{report.year}）" if report.year and str(report.year) not in report.title \
            else report.title

    def mark_list(self, row: Row) -> list[str]:
        """The row's marks in words: 各报告都有 / 仅…, and for a series …新增 / …未再提及 with the years."""
        words = []
        if row.common:
            words.append("各报告都有")
        if row.unique and not self.series:
            words.append("仅" + self.column_name(self._column(row.reports[0])))
        words += [f"{self.column_name(self._column(source))}新增" for source in row.new_in]
        words += [f"{self.column_name(self._column(source))}未再提及" for source in row.dropped_in]
        return words

    def marks(self, row: Row) -> str:
        return "；".join(self.mark_list(row))

    def citations(self) -> list[dict[str, Any]]:
        """Every cited passage once, in key order, with its full text (the reader checks a cell against it)."""
        seen: dict[str, dict[str, Any]] = {}
        for column in self.columns:
            for point in column.points:
                seen.setdefault(point.key, point.citation() | {"text": point.chunk.text})
        return sorted(seen.values(), key=lambda citation: int(str(citation["key"])[1:]))

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic.name, "topic_id": self.topic.id, "mode": "years" if self.series else "units",
                "reports": [column.to_json() for column in self.columns],
                "rows": [row.to_json() | {"marks": self.mark_list(row)} for row in self.rows],
                "repeated": [repeat.to_json() for repeat in self.repeated],
                "summary": self.summary, "citations": self.citations(), "warnings": self.warnings}

    def to_markdown(self) -> str:
        """A Markdown table (rows × reports) with the marks, then the repeats, the summary and the sources."""
        names = [self.column_name(column) for column in self.columns]
        lines = [f"# {self.topic.name}：{'历年' if self.series else '各报告'}对比", ""]
        if self.summary:
            lines += [self.summary, ""]
        lines += ["| 方面 | " + " | ".join(names) + " | 说明 |", "|" + "---|" * (len(names) + 2)]
        for row in self.rows:
            cells = [self.cell(column, row.label).replace("\n", "<br>") for column in self.columns]
            lines.append(f"| {row.label} | " + " | ".join(cells) + f" | {self.marks(row)} |")
        silent = [name for name, column in zip(names, self.columns) if not column.points]
        if silent:
            lines += ["", f"未涉及“{self.topic.name}”的报告：" + "、".join(silent)]
        if self.repeated:
            lines += ["", "## 与上一年原句相同的句子", ""]
            lines += [f"- {self.column_name(self._column(repeat.source))}（{repeat.kind}）：{repeat.text}[{repeat.key}]"
                      for repeat in self.repeated]
        lines += ["", "## 依据", ""]
        lines += [f"[{citation['key']}] 《{citation['title']}》{citation['heading']}" for citation in self.citations()]
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """For the terminal: row by row, each report's points under the row, the reports silent on it named."""
        lines = [f"{'历年' if self.series else '各报告'}“{self.topic.name}”对比（{len(self.columns)} 份报告）", ""]
        if self.summary:
            lines += [self.summary, ""]
        for row in self.rows:
            marks = self.marks(row)
            lines.append(f"【{row.label}】" + (f"（{marks}）" if marks else ""))
            for column in self.columns:
                cell = self.cell(column, row.label)
                if cell:
                    lines.append(f"  ▸ {self.column_name(column)}：" + cell.replace("\n", "\n    "))
            silent = [self.column_name(column) for column in self.columns
                      if column.points and row.label not in column.rows()]
            if silent and len(self.columns) > 1:
                lines.append("    未提及：" + "、".join(silent))
            lines.append("")
        silent = [self.column_name(column) for column in self.columns if not column.points]
        if silent:
            lines += [f"未涉及“{self.topic.name}”的报告：" + "、".join(silent), ""]
        if self.repeated:
            lines.append("与上一年相同的句子：")
            lines += [f"  {self.column_name(self._column(repeat.source))}（{repeat.kind}）：{repeat.text}[{repeat.key}]"
                      for repeat in self.repeated]
            lines.append("")
        lines.append("依据：")
        lines += [f"  [{citation['key']}]《{citation['title']}》{citation['heading']}" for citation in self.citations()]
        return "\n".join(lines) + "\n"

    def _column(self, source: str) -> Column:
        return next(column for column in self.columns if column.report.source == source)
