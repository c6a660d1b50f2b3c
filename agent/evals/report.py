"""The eval report: report.json and report.html in the output folder, and the summary table for the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.table import Table

from ..files import write_text_atomically
from .html_report import render_html
from .metrics import format_metric
from .runner import EvalRun
from .suites import PASS, STATUS_LABELS, STATUS_ORDER, CaseResult


def report_json(run: EvalRun) -> dict[str, Any]:
    """The whole run as one document (the shape report.html renders)."""
    corpus = next(iter(run.fingerprints.values())).corpus if run.fingerprints else ""
    return {"created": run.started, "duration_s": round(run.duration_s, 1),
            "modes": sorted({r.mode for r in run.results}, key=["offline", "replay", "live"].index),
            "passed": run.passed, "corpus_hash": corpus, "regressions": run.regressions,
            "suites": [summary.to_json() for summary in run.summaries],
            "cases": [_case_json(result) for result in _failures_first(run.results)]}


def _failures_first(results: list[CaseResult]) -> list[CaseResult]:
    return sorted(results, key=lambda result: STATUS_ORDER.index(result.status))


def _case_json(result: CaseResult) -> dict[str, Any]:
    inputs = dict(result.case.input)
    if result.replay:
        inputs |= {"回放缺陷": result.replay["flaw"], "说明": result.replay["note"]}
    checks = [check.to_json() for check in result.checks]
    if result.error:
        checks.insert(0, {"name": "error", "label": "运行出错", "passed": False, "detail": result.error,
                          "blocking": True})
    if result.stale_reason:
        checks.insert(0, {"name": "replay", "label": "回放记录过期", "passed": False, "detail": result.stale_reason,
                          "blocking": False})
    return {"id": result.case.id, "suite": result.case.suite, "mode": result.mode, "status": result.status,
            "input": inputs, "expect": result.case.expect, "output": result.output, "citations": result.citations,
            "checks": checks, "metrics": {name: round(value, 4) for name, value in result.metrics.items()},
            "golden": result.golden.to_json() if result.golden else {"status": "none", "diff": ""},
            "judge": result.judge}


def write_reports(run: EvalRun, out_dir: Path) -> tuple[Path, Path]:
    """report.json and the self-contained report.html."""
    document = report_json(run)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    write_text_atomically(json_path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    write_text_atomically(html_path, render_html(document))
    return json_path, html_path


def summary_table(run: EvalRun) -> Table:
    """One row per metric, suites with regressions or failures first, each against the baseline."""
    table = Table(title="评测结果（与 evals/baseline.json 比较）", title_justify="left")
    for column in ("套件/模式", "用例", "未通过", "过期", "指标", "当前", "基准", "变化"):
        table.add_column(column, overflow="fold", no_wrap=column in ("套件/模式", "指标"),
                         justify="right" if column in ("当前", "基准", "变化") else "left")
    summaries = sorted(run.summaries, key=lambda s: (not s.regressions, not _failed(s), s.suite, s.mode, s.split))
    for summary in summaries:
        counts = summary.to_json()
        head = [summary.key, str(counts["cases"]),
                f"[red]{counts['failed']}[/red]" if counts["failed"] else "0", str(counts["stale"])]
        items = list(summary.metrics.values())
        for number, item in enumerate(items):
            table.add_row(*(head if number == 0 else [""] * 4), *_metric_cells(item),
                          end_section=number == len(items) - 1)
    return table


def _failed(summary: Any) -> int:
    return summary.to_json()["failed"]


def _metric_cells(item: dict[str, Any]) -> list[str]:
    """Label, value, baseline and change; a regression in red, a change for the better in green."""
    unit, delta = item["unit"], item["delta"]
    label = item["label"] + ("" if item["blocking"] else "（仅报告）")
    value, baseline = format_metric(item["value"], unit), format_metric(item["baseline"], unit)
    change = "" if not delta else ("+" if delta > 0 else "−") + format_metric(abs(delta), unit)
    if item["regressed"]:
        return [f"[red]{label}[/red]", f"[bold red]{value}[/bold red]", baseline, f"[red]{change or '✗'}[/red]"]
    better = delta and (delta > 0) == item["higher_is_better"]
    return [label, value, baseline, f"[green]{change}[/green]" if better else change]


def failure_lines(run: EvalRun, limit: int = 30) -> list[str]:
    """The failing and stale cases, one line each with their first failing checks."""
    lines = []
    for result in _failures_first(run.results):
        if result.status == PASS:
            break
        problems = [result.error.splitlines()[0]] if result.error else []
        problems += [f"{check.label}：{check.detail}" if check.detail else check.label for check in result.failing()]
        if result.stale_reason:
            problems.append(result.stale_reason)
        lines.append(f"{STATUS_LABELS[result.status]} {result.mode}/{result.case.id}：{'；'.join(problems[:3])}")
    return lines[:limit] + ([f"……另有 {len(lines) - limit} 个"] if len(lines) > limit else [])
