"""What `zongjie check` reports: findings on a draft a person wrote, each with its kind, severity and line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ERROR, WARNING, HINT = "error", "warning", "hint"
SEVERITY_ORDER = (ERROR, WARNING, HINT)
SEVERITY_LABELS = {ERROR: "错误", WARNING: "提醒", HINT: "提示"}
# The kinds, in the order a report lists them, with how a writer reads each.
KIND_LABELS = {
    "unsourced_figure": "数字无出处", "fact_mismatch": "数字与材料不符", "placeholder": "未填的占位",
    "stale_year": "往年年份", "stale_honour": "往年荣誉", "unsourced_honour": "荣誉无出处",
    "copied_from_past": "照抄往年", "numbering": "标题编号", "number_usage": "数字用法", "punctuation": "标点",
    "wording": "用词", "classified_mark": "密级标志", "personal_data": "个人信息",
}


@dataclass(frozen=True)
class Finding:
    """One thing a second reader would point out."""

    kind: str
    severity: str
    line: int                 # 1-based: the line of a text file, the paragraph of a Word file
    text: str                 # the sentence (or heading) it is in
    message: str              # one Chinese line
    span: str = ""            # the words at fault, as written
    evidence: dict[str, Any] | None = None   # {"source", "where", "quote"} when a source says otherwise
    suggestion: str = ""
    fix: tuple[str, str] | None = None       # (as written, replacement) for --fix: mechanical changes only

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("fix")
        return data


@dataclass
class CheckResult:
    """Every finding on one draft, in line order, and what the check could and could not compare against."""

    path: Path
    year: int
    findings: list[Finding] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)   # what figures were checked against ("3 份材料" …)
    notes: list[str] = field(default_factory=list)     # what was not checked, and why
    lines: list[Any] = field(default_factory=list)     # the draft's DraftLines, as read for the check

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == ERROR)

    def counts(self) -> dict[str, int]:
        return {severity: sum(1 for f in self.findings if f.severity == severity) for severity in SEVERITY_ORDER}

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "year": self.year, "counts": self.counts(), "sources": self.sources,
                "notes": self.notes, "findings": [finding.to_json() for finding in self.findings]}

    def to_text(self) -> str:
        """The report a writer reads: one line per finding, errors first within each line's order."""
        counts = self.counts()
        lines = [f"校对 {self.path.name}（{self.year}年）：错误 {counts[ERROR]} 处，提醒 {counts[WARNING]} 处，"
                 f"提示 {counts[HINT]} 处。" + (f"数字对照：{'、'.join(self.sources)}。" if self.sources else "")]
        lines += [f"注意：{note}" for note in self.notes]
        for finding in self.findings:
            where = f"第{finding.line}行"
            lines.append(f"{where} [{SEVERITY_LABELS[finding.severity]}·{KIND_LABELS[finding.kind]}] {finding.message}")
            if finding.evidence:
                lines.append(f"    依据：{finding.evidence['where']}：{finding.evidence['quote']}")
            if finding.suggestion:
                lines.append(f"    建议：{finding.suggestion}")
        return "\n".join(lines)
