"""`zongjie check`: read the draft, gather what it is checked against, run every rule, order the findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..draft.pipeline import draft_year
from .document import read_draft
from .figures import figure_findings, placeholder_findings
from .findings import SEVERITY_ORDER, CheckResult, Finding
from .form import (number_usage_findings, numbering_findings, punctuation_findings, sensitive_findings,
                   wording_findings)
from .past import copied_findings, honour_findings, year_findings
from .sources import past_reports, this_years_sources


@dataclass(frozen=True)
class CheckRequest:
    """What the user asked to check, and against what."""

    path: Path
    facts_path: Path | None = None
    materials_dir: Path | None = None
    year: int | None = None


def check_draft(workspace: Any, request: CheckRequest) -> CheckResult:
    """Every finding on the draft, in line order (errors first on a line)."""
    document = read_draft(request.path)
    workspace.ensure_ingested(lambda message: None)
    year = draft_year(request.year, workspace)
    this_year = this_years_sources(request.facts_path, request.materials_dir)
    past = past_reports(workspace, request.path.name)
    findings = numbering_findings(document) + sensitive_findings(document)
    for line in document.lines:
        findings += placeholder_findings(line) + figure_findings(line, this_year) + year_findings(line, year)
        findings += honour_findings(line, this_year, past) + copied_findings(line, past)
        findings += number_usage_findings(line, year) + punctuation_findings(line) + wording_findings(line)
    result = CheckResult(path=request.path, year=year, findings=_ordered(findings), sources=this_year.described,
                         lines=document.lines)
    if this_year.unreadable:
        result.notes.append("以下材料读不出来，其中的数字没有对照：" + "；".join(this_year.unreadable))
    if not this_year:
        result.notes.append("没有提供 --facts 或 --materials：数字只查了占位和用法，没有核对是否属实")
    return result


def _ordered(findings: list[Finding]) -> list[Finding]:
    seen, unique = set(), []
    for finding in findings:
        key = (finding.kind, finding.line, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return sorted(unique, key=lambda finding: (finding.line, SEVERITY_ORDER.index(finding.severity)))
