"""The compare suite (`zongjie compare --section`): each case names a topic (and perhaps the reports), the points
each report must show under its own column (verbatim spans of that report), the reports that have nothing on the
topic, and spans that must not stand under a report they did not come from.

Measured as a reader of the table would check it: the report's own points are there (span recall), a silent
report's column is empty, nothing stands under a report it did not come from (must be 0), and every cell's text
stands word for word in the passage it cites (masked figures stay masked that way).
"""

from __future__ import annotations

from ..compare import CompareRequest, compare_topic
from ..compare.result import Comparison
from . import checks
from .cases import Case
from .checks import Check
from .suites import CaseResult, SuiteContext


def run_compare(case: Case, context: SuiteContext) -> CaseResult:
    """Compare the case's reports on its topic and check every column against the case."""
    request = CompareRequest(section=case.input["section"], reports=tuple(case.input.get("reports") or ()))
    comparison = compare_topic(context.workspace, request)
    result = CaseResult(case, "", output=comparison.to_markdown(), citations=comparison.citations())
    columns = _column_texts(comparison)
    wanted = [(source, span) for source, spans in (case.get("has") or {}).items() for span in spans]
    missing = [f"{source}：{span}" for source, span in wanted if not _holds(columns.get(source, ""), span)]
    result.metrics["spans"] = float(len(wanted))
    result.metrics["spans_found"] = float(len(wanted) - len(missing))
    result.add(Check("has", "各报告自己的要点在本列", not missing, "未找到：" + "；".join(missing), blocking=False))
    loud = [source for source in case.get("empty") or [] if columns.get(source)]
    result.add(Check("empty", "未涉及的报告一列为空", not loud, "不应有内容：" + "、".join(loud)), "empty_ok")
    misplaced = _misplaced(case, comparison, columns)
    result.metrics["misplaced"] = float(len(misplaced))
    result.add(Check("misplaced", "没有要点放在别的报告名下", not misplaced, "；".join(misplaced)))
    unfaithful = _unfaithful(comparison, context)
    result.metrics["cells_verbatim"] = 1.0 - len(unfaithful) / max(1, _point_count(comparison))
    result.add(Check("verbatim", "每格原文照录、出处可查", not unfaithful, "；".join(unfaithful[:5])))
    result.metrics["rows"] = float(len(comparison.rows))
    return result


def _column_texts(comparison: Comparison) -> dict[str, str]:
    return {column.report.source: "\n".join(point.text for point in column.points) for column in comparison.columns}


def _holds(text: str, span: str) -> bool:
    return checks.squash(span) in checks.squash(text)


def _misplaced(case: Case, comparison: Comparison, columns: dict[str, str]) -> list[str]:
    """Spans the case says are not a report's, found under it; and points whose citation names another report."""
    found = [f"{source}下出现了“{span}”" for source, spans in (case.get("not_under") or {}).items()
             for span in spans if _holds(columns.get(source, ""), span)]
    found += [f"{column.report.source}下的要点引自{point.chunk.source}" for column in comparison.columns
              for point in column.points if point.chunk.source != column.report.source]
    return found


def _unfaithful(comparison: Comparison, context: SuiteContext) -> list[str]:
    """Points whose text does not stand in the passage they cite."""
    return [f"[{point.key}] {point.text[:30]}" for column in comparison.columns for point in column.points
            if not _holds(context.chunk_text(point.chunk.chunk_id) or "", point.text)]


def _point_count(comparison: Comparison) -> int:
    return sum(len(column.points) for column in comparison.columns)
