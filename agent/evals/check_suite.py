"""The proofreading suite (`zongjie check`): drafts with planted defects and clean control drafts.

Measured as a proofreading checker is: planted-issue recall (a finding of the planted kind on the line holding
the planted words) and false alarms (error-level findings on the clean controls; on the planted drafts, error
findings on lines where nothing was planted are counted too, as a signal, not a gate).
"""

from __future__ import annotations

from pathlib import Path

from ..check import ERROR, CheckRequest, check_draft
from .cases import Case
from .checks import Check
from .suites import CaseResult, SuiteContext


def run_check(case: Case, context: SuiteContext) -> CaseResult:
    """Check the case's draft against its materials; score the planted defects and the false alarms."""
    draft = _path(case.input["draft"], context)
    materials = _path(case.input["materials"], context) if case.input.get("materials") else None
    facts = _path(case.input["facts"], context) if case.input.get("facts") else None
    result = check_draft(context.workspace, CheckRequest(draft, facts, materials, case.input.get("year")))
    outcome = CaseResult(case, "", output=result.to_text())
    lines = result.lines
    planted = case.get("planted", []) or []
    missed = [item for item in planted if not _found(item, lines, result.findings)]
    outcome.metrics["planted"] = float(len(planted))
    outcome.metrics["planted_found"] = float(len(planted) - len(missed))
    outcome.add(Check("planted", "埋设的问题都查出", not missed,
                      "漏查：" + "；".join(f"{item['kind']}“{item['text']}”" for item in missed), blocking=False))
    planted_lines = {_line_of(item["text"], lines) for item in planted}
    errors = [finding for finding in result.findings if finding.severity == ERROR]
    if case.get("control"):
        outcome.metrics["control_errors"] = float(len(errors))
        outcome.add(Check("control", "干净的稿子没有错误级误报", not errors,
                          "误报：" + "；".join(f"第{f.line}行 {f.kind} {f.message}" for f in errors)))
    else:
        extra = [finding for finding in errors if finding.line not in planted_lines]
        outcome.metrics["unplanted_errors"] = float(len(extra))
    return outcome


def _path(value: str, context: SuiteContext) -> Path:
    path = Path(value)
    return path if path.is_absolute() else context.root / path


def _line_of(span: str, lines: list) -> int:
    return next((line.number for line in lines if span in line.text), 0)


def _found(item: dict, lines: list, findings: list) -> bool:
    """A finding of the planted kind on the line holding the planted words."""
    number = _line_of(item["text"], lines)
    return any(finding.kind == item["kind"] and finding.line == number for finding in findings)
