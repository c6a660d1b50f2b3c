"""Suite metrics from the per-case numbers, and how they compare with evals/baseline.json.

Every deterministic metric is blocking: the run fails when one is worse than the baseline, when an invariant
breaks (a figure with no source, a filled-in mask, a citation that does not resolve: these must be 0, 0 and
100% whatever the baseline says), or when a case the baseline passed now fails. Judge metrics are reported only.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..files import write_text_atomically
from .suites import FAIL, CaseResult

TOLERANCE = 1e-5   # the baseline keeps six decimals


@dataclass(frozen=True)
class Metric:
    """How one suite metric is made from the cases' numbers."""

    name: str
    label: str
    of: str                      # the per-case number it aggregates
    how: str = "mean"            # mean | sum | ratio (of / per)
    per: str = ""
    unit: str = "%"
    higher_is_better: bool = True
    blocking: bool = True
    must_be: float | None = None  # an invariant, whatever the baseline

    def value(self, cases: list[dict[str, float]]) -> float | None:
        """The metric over the cases' numbers (None when no case has the number)."""
        numbers = [case[self.of] for case in cases if self.of in case]
        if not numbers:
            return None
        if self.how == "sum":
            return float(sum(numbers))
        if self.how == "ratio":
            total = sum(case.get(self.per, 0.0) for case in cases)
            return sum(numbers) / total if total else 1.0
        return statistics.fmean(numbers)


_GROUNDING = [
    Metric("ungrounded_figures", "无据数字", "ungrounded_figures", "sum", unit="", higher_is_better=False, must_be=0),
    Metric("filled_masks", "补写打码数字", "filled_masks", "sum", unit="", higher_is_better=False, must_be=0),
]
_CITATIONS = [
    Metric("citation_validity", "引用有效率", "citations_valid", "ratio", per="citations", must_be=1.0),
    Metric("citation_coverage", "引用覆盖率", "citation_coverage"),
]
_GOLDEN = [
    Metric("golden_match", "与金标准一致", "golden_match"),
    Metric("rouge_l_char", "ROUGE-L（字）", "rouge_l_char", unit=""),
    Metric("rouge_l_word", "ROUGE-L（词）", "rouge_l_word", unit=""),
]
_JUDGE = [
    Metric("faithfulness", "忠实度（评审模型）", "faithfulness", blocking=False),
    Metric("rubric_coverage", "要点覆盖（评审模型）", "rubric_coverage", blocking=False),
]
_LENGTH = Metric("length_chars", "平均字数", "length_chars", unit="", blocking=False)
_CONTAINS = Metric("strings_ok", "必含/不含通过率", "strings_ok")

SUITE_METRICS: dict[str, list[Metric]] = {
    "retrieval": [Metric("recall_at_5", "召回率@5", "hit_at_5"), Metric("mrr", "MRR@10", "reciprocal_rank", unit="")],
    "ask": [Metric("answer_accuracy", "答案命中率", "answered_right"),
            Metric("refusal_accuracy", "拒答正确率", "refused_right"),
            *(Metric(f"{kind}_accuracy", f"　{label}", f"answered_{kind}", blocking=False)
              for kind, label in (("answerable", "事实/做法"), ("masked", "打码数字"), ("section", "整节内容"),
                                  ("mention", "哪些报告提到"), ("comparison", "比较两份报告"),
                                  ("cross", "跨报告列举"))),
            *_GROUNDING, *_CITATIONS, _CONTAINS, *_GOLDEN, *_JUDGE],
    "draft": [Metric("structure", "结构（编号、3–6点）", "structure_ok"),
              Metric("section_coverage", "覆盖报告数达标", "section_coverage"),
              *_GROUNDING,
              Metric("stale_facts", "往年年份/荣誉", "stale_facts", "sum", unit="", higher_is_better=False, must_be=0),
              *_CITATIONS, _CONTAINS, *_GOLDEN, _LENGTH, *_JUDGE],
    "whole": [Metric("structure", "结构（部分齐全、栏目齐全）", "structure_ok"),
              Metric("sections_recall", "材料涉及栏目覆盖率", "sections_recall"),
              Metric("key_figures_kept", "材料要点数字写入率", "key_figures_kept"),
              Metric("facts_used_share", "材料事实使用率", "facts_used_share"),
              Metric("conflicts_reported", "数字冲突列出", "conflicts_reported"),
              Metric("unused_listed", "无栏目内容列为未用", "unused_listed"),
              Metric("frames_ok", "问题/打算按材料写", "frames_ok"),
              _GROUNDING[0],
              Metric("stale_facts", "往年数字/年份/荣誉", "stale_facts", "sum", unit="", higher_is_better=False, must_be=0),
              *_CITATIONS, _LENGTH],
    "check": [Metric("planted_recall", "埋设问题查出率", "planted_found", "ratio", per="planted"),
              Metric("control_errors", "干净稿错误级误报", "control_errors", "sum", unit="", higher_is_better=False,
                     must_be=0),
              Metric("unplanted_errors", "问题稿中未埋设处的错误", "unplanted_errors", "sum", unit="",
                     higher_is_better=False, blocking=False)],
    "compare": [Metric("span_recall", "各报告要点在本列", "spans_found", "ratio", per="spans"),
                Metric("empty_ok", "未涉及的报告列为空", "empty_ok"),
                Metric("misplaced", "放错列的要点", "misplaced", "sum", unit="", higher_is_better=False, must_be=0),
                Metric("cells_verbatim", "原文照录", "cells_verbatim", must_be=1.0)],
    "brief": [Metric("page_fit", "一页纸内", "page_fit"),
              Metric("section_coverage", "章节覆盖率", "section_coverage"),
              Metric("key_point_recall", "要点覆盖率（读者要点）", "key_point_recall"),
              *_GROUNDING, *_CITATIONS, _CONTAINS, *_GOLDEN, _LENGTH, *_JUDGE],
}


def suite_key(suite: str, mode: str, split: str = "dev") -> str:
    """ask/offline for the dev split (as baselines always named it), ask/offline/test for the held-out one."""
    return f"{suite}/{mode}" if split == "dev" else f"{suite}/{mode}/{split}"


@dataclass
class SuiteSummary:
    """One suite in one mode: its metrics against the baseline, and its cases' outcome counts."""

    suite: str
    mode: str
    results: list[CaseResult]
    metrics: dict[str, dict[str, Any]]
    regressions: list[str]
    split: str = "dev"

    @property
    def key(self) -> str:
        return suite_key(self.suite, self.mode, self.split)

    def to_json(self) -> dict[str, Any]:
        statuses = [result.status for result in self.results]
        return {"suite": self.suite, "mode": self.mode, "split": self.split, "cases": len(self.results),
                "failed": statuses.count(FAIL), "stale": statuses.count("stale"), "metrics": self.metrics}


def summarize(suite: str, mode: str, results: list[CaseResult], baseline: dict[str, Any],
              split: str = "dev") -> SuiteSummary:
    """The suite's metrics, each with its baseline value, delta and whether it regressed. The baseline keeps
    each case's numbers, so a run of some cases (or with new ones) is compared over the cases both have."""
    key = suite_key(suite, mode, split)
    known = baseline.get(key, {})
    metrics: dict[str, dict[str, Any]] = {}
    regressions: list[str] = []
    scored = {r.case.id: r.metrics for r in results if not r.stale_reason}   # a stale replay measures nothing
    before_cases = known.get("cases", {})
    shared = [case_id for case_id in scored if case_id in before_cases]
    for metric in SUITE_METRICS[suite]:
        value = metric.value(list(scored.values()))
        if value is None:
            continue
        before = metric.value([before_cases[case_id] for case_id in shared]) if shared else None
        now = metric.value([scored[case_id] for case_id in shared]) if shared else None
        problem = _problem(metric, value, now, before)
        if problem:
            regressions.append(f"{key} {metric.label}：{problem}")
        metrics[metric.name] = {"label": metric.label, "value": value, "baseline": before,
                                "delta": None if before is None or now is None else round(now - before, 6), "blocking": metric.blocking,
                                "regressed": bool(problem), "unit": metric.unit,
                                "higher_is_better": metric.higher_is_better}
    passed_before = set(known.get("passing", []))
    newly_failing = [r.case.id for r in results if r.status == FAIL and r.case.id in passed_before]
    if newly_failing:
        regressions.append(f"{key} 基准中通过、现在未通过的用例：{'、'.join(newly_failing)}")
    return SuiteSummary(suite, mode, results, metrics, regressions, split)


def _problem(metric: Metric, value: float, now: float | None, before: float | None) -> str:
    """Why the metric fails the gate ('' when it does not): an invariant broken by `value`, or `now` worse than
    `before` over the same cases."""
    if not metric.blocking:
        return ""
    shown = lambda number: format_metric(number, metric.unit)  # noqa: E731
    if metric.must_be is not None and abs(value - metric.must_be) > TOLERANCE:
        return f"{shown(value)}（必须为 {shown(metric.must_be)}）"
    if before is None or now is None:
        return ""
    worse = before - now if metric.higher_is_better else now - before
    return f"{shown(before)} → {shown(now)}" if worse > TOLERANCE else ""


def format_metric(value: Any, unit: str = "") -> str:
    """A metric as people read it: shares as percentages, counts as integers, other numbers to 3 decimals."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit == "%":
        return f"{value * 100:.1f}%"
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


def read_baseline(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_baseline(path: Path, summaries: Iterable[SuiteSummary], previous: dict[str, Any]) -> None:
    """Record the current metrics and passing cases as the baseline (other suites/modes keep theirs)."""
    document = dict(previous)
    for summary in summaries:
        blocking = {metric.of for metric in SUITE_METRICS[summary.suite] if metric.blocking} | {
            metric.per for metric in SUITE_METRICS[summary.suite] if metric.per}
        document[summary.key] = {
            "metrics": {name: round(item["value"], 6) for name, item in summary.metrics.items()
                        if item["blocking"]},
            "passing": sorted(r.case.id for r in summary.results if r.status != FAIL),
            "cases": {r.case.id: {name: round(value, 6) for name, value in sorted(r.metrics.items())
                                  if name in blocking}
                      for r in summary.results if not r.stale_reason}}
    write_text_atomically(path, json.dumps(dict(sorted(document.items())), ensure_ascii=False, indent=2) + "\n")
