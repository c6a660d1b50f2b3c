"""Live mode: the LLM path against the configured endpoint, judged by the same model when it can, and with
`--record` the replies saved as replay cassettes."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from ..errors import ZongjieError
from ..workspace import Workspace
from .cases import Case
from .cassettes import Cassettes
from .goldens import Goldens
from .judge import Judge
from .suites import CaseResult, SuiteContext

RunCase = Callable[[Case, SuiteContext], CaseResult]
_DRAFT_POINT = re.compile(r"^(?:\*\*|### )([一二三四五六七八九十]+是|（[一二三四五六七八九十]+）)([^。*\n]+)", re.MULTILINE)
_BRIEF_POINT = re.compile(r"^（[一二三四五六七八九十]+）([^。\n]+)", re.MULTILINE)


def live_cases(cases: list[Case], options, offline: Workspace, context: SuiteContext, notify: Callable[[str], None],
               run_case: RunCase) -> list[CaseResult]:
    """Every generative case against the configured endpoint (over the offline store and embedder)."""
    settings = replace(options.live_settings, store=offline.settings.store, corpus=offline.settings.corpus)
    workspace = Workspace(settings, embedder=offline.embedder if settings.embedder == "local" else None)
    if workspace.embedder.name != offline.embedder.name:
        notify("所配置的嵌入模型与内置模型不同：用它重新导入样例报告……")
        workspace.ingest([offline.settings.corpus])
    live = SuiteContext(workspace, context.scratch, context.chunk_text)
    judge = Judge.from_settings(settings, options.evals_dir / "out" / "judge-cache.json", workspace.run_log)
    goldens = Goldens(options.evals_dir / "goldens")
    cassettes = Cassettes(options.evals_dir / "replay")
    results = []
    for case in cases:
        first_call = workspace.run_log.last_call_id()
        result = run_case(case, live)
        if not result.error:
            _judge(result, judge, goldens, context.chunk_text)
        if options.record and not result.error:
            replies = [call["response"] or "" for call in workspace.run_log.calls_after(first_call)
                       if call["status"] == "ok" and call["purpose"] != "judge"]
            cassettes.record(case, replies, settings.chat_model)
        results.append(result)
    if options.record:
        cassettes.save()
        notify(f"已把回复录制到 {cassettes.root}/（手写的有缺陷回复保留不动）")
    return results


def _judge(result: CaseResult, judge: Judge, goldens: Goldens, chunk_text: Callable[[str], "str | None"]) -> None:
    """The judge's metrics; an endpoint failing the judge is noted on the case, and the run goes on."""
    try:
        _judge_case(result, judge, goldens, chunk_text)
    except ZongjieError as error:
        result.judge = (result.judge or {}) | {"error": str(error)}


def _judge_case(result: CaseResult, judge: Judge, goldens: Goldens, chunk_text: Callable[[str], "str | None"]) -> None:
    """Faithfulness of the cited sentences to the whole passages; for drafts and briefs, coverage of the points
    the reviewed golden makes (or the case's own rubric)."""
    if result.citations:
        cited = [citation | {"passage": chunk_text(citation.get("chunk_id") or "") or citation.get("quote", "")}
                 for citation in result.citations]
        score = judge.faithfulness(result.output, cited)
        if score.value is not None:
            result.metrics["faithfulness"] = score.value
        result.judge = {"faithfulness": score.details}
    items = result.case.get("rubric") or rubric_from_golden(result.case.suite, goldens.read(result.case.suite,
                                                                                           result.case.id))
    if items and result.case.suite in ("draft", "brief"):
        score = judge.rubric(result.output, items)
        if score.value is not None:
            result.metrics["rubric_coverage"] = score.value
        result.judge = (result.judge or {}) | {"rubric": score.details}


def rubric_from_golden(suite: str, golden: str | None) -> list[str]:
    """The points a reviewed offline output makes: a draft's numbered leads, a brief's achievement labels."""
    if not golden:
        return []
    if suite == "draft":
        return [heading.strip() for _, heading in _DRAFT_POINT.findall(golden)]
    return [label.strip() for label in _BRIEF_POINT.findall(golden)]
