"""`zongjie brief`: what the one-page briefs of corpus/ hold and cost, offline and through a model.

Offline, per sample report: top-level sections covered, figures kept verbatim vs. figures not in the report
(must be 0), masked figures kept masked, characters and page lines, and the median time of several in-process
briefs, with reading the report's passages from the store (the baseline) timed in the same process.
LLM path (the OpenAI-compatible test server on 127.0.0.1 echoing each section's opening sentences): model calls
and prompt tokens per 10,000 characters of report, for each sample and for a 60,000-character generated report,
at 8k context and at a 4k one.

    python benchmarks/bench_brief.py [--runs 5]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.brief import Budget, ExtractiveCondenser, brief_report  # noqa: E402
from agent.brief.outline import build_outline  # noqa: E402
from agent.text.figures import find_figures, known_values  # noqa: E402
from agent.model.llm import count_prompt_tokens  # noqa: E402
from agent.model.runlog import RunLog  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from benchmarks.common import (  # noqa: E402
    CORPUS, format_table, load_average, median, runs_argument, sample_workspace, write_outputs,
)
from benchmarks.generate_corpus import generate_reports  # noqa: E402

LONG_REPORT_CHARS = 60_000
_POINTER = re.compile(r"〔见[^〕]*〕")


def main() -> None:
    runs = runs_argument(__doc__.splitlines()[0])
    with sample_workspace() as (workspace, scratch):
        offline_rows = [_offline_row(workspace, record, runs) for record in workspace.reports()]
        long_path = _long_report(scratch)
        workspace.ingest([long_path])
        long_record = workspace.store.get_report(long_path.name)
        offline_rows.append(_offline_row(workspace, long_record, runs))
        llm_rows = [_llm_row(workspace, record, window, scratch)
                    for window in (8192, 4096) for record in [*workspace.reports()]]
    headers = ["report", "chars in", "sections covered", "figures verbatim", "not in report", "masked kept",
               "brief chars", "page lines", "brief ms", "read ms", "ratio"]
    llm_headers = ["report", "context", "chars in", "model calls", "prompt tokens", "calls /10k chars",
                   "prompt tokens /10k chars", "max prompt tokens", "brief chars", "not in report"]
    table = format_table(headers, offline_rows) + "\n\n" + format_table(llm_headers, llm_rows)
    write_outputs("brief", table, {"offline": {"headers": headers, "rows": offline_rows},
                                   "llm": {"headers": llm_headers, "rows": llm_rows}, "runs": runs})
    print(f"\nruns per report: {runs}; load average {load_average()}")


def _long_report(folder: Path) -> Path:
    """One generated report of about 60,000 characters (generated reports joined under one title)."""
    pieces, size = [], 0
    for _, text in generate_reports(40, seed=11):
        body = text.split("\n", 1)[1]
        pieces.append(body)
        size += len(body)
        if size >= LONG_REPORT_CHARS:
            break
    path = folder / "long_60k.txt"
    path.write_text("某街道2022年工作总结（长篇）\n" + "\n".join(pieces), encoding="utf-8")
    return path


def _offline_row(workspace: Workspace, record, runs: int) -> list:
    """One table row for a report briefed offline."""
    brief_times, read_times, brief = [], [], None
    for _ in range(runs):
        started = time.perf_counter()
        passages = workspace.passages_of(record)
        read_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        brief = brief_report(record, passages, ExtractiveCondenser(), Budget())
        brief_times.append(time.perf_counter() - started)
    verbatim, outside, masked = _figures(brief.to_markdown(), _report_text(record, passages))
    sections = len(build_outline(record.title, record.year, passages).top_sections)
    return [record.source, sum(len(p.text) for p in passages), f"{len(brief.covered_sections())}/{sections}",
            verbatim, outside, masked, brief.chars, brief.lines, f"{median(brief_times) * 1000:.0f}",
            f"{median(read_times) * 1000:.0f}", f"{median(brief_times) / median(read_times):.1f}×"]


def _report_text(record, passages) -> str:
    return "\n".join([record.title, *(p.text for p in passages), *("\n".join(p.heading_path) for p in passages)])


def _figures(markdown: str, report: str) -> tuple[int, int, int]:
    """(figures found in the report, figures not in it, masked figures as the report writes them)."""
    content = _POINTER.sub("", "\n".join(line.rsplit("|", 2)[0] if line.startswith("|") else line
                                         for line in markdown.split("\n")))
    allowed = known_values([report])
    verbatim = outside = masked = 0
    for figure in find_figures(content):
        if figure.masked:
            masked += figure.text in report
            outside += figure.text not in report
        elif all(value in allowed for value in figure.values):
            verbatim += 1
        else:
            outside += 1
    return verbatim, outside, masked


def _llm_row(workspace: Workspace, record, context_window: int, scratch: Path) -> list:
    """Model calls and prompt tokens of one report briefed through the test server."""
    from agent.brief.generate import LLMCondenser
    from agent.evals.openai_server import OpenAITestServer, Reply

    with OpenAITestServer() as server:
        server.responder = lambda body: Reply(content=_echo(body))
        settings = Settings(store=workspace.settings.store, corpus=CORPUS, provider="openai",
                            base_url=server.base_url, model="bench-model", context_window=context_window,
                            max_retries=0)
        llm = Workspace(settings, embedder=workspace.embedder)
        llm.run_log = RunLog(scratch / f"runs-{context_window}.sqlite")
        passages = llm.passages_of(record)
        brief = brief_report(record, passages, LLMCondenser(llm.chat_model(), settings), Budget())
        requests = server.chat_requests()
    chars = sum(len(p.text) for p in passages)
    tokens = [count_prompt_tokens(request["messages"]) for request in requests]
    per_10k = 10_000 / chars
    _, outside, _ = _figures(brief.to_markdown(), _report_text(record, passages))
    return [record.source, context_window, chars, len(requests), sum(tokens), f"{len(requests) * per_10k:.1f}",
            f"{sum(tokens) * per_10k:.0f}", max(tokens), brief.chars, outside]


def _echo(body: dict) -> str:
    """A model's plausible condensation: the first two sentences of the material it was given."""
    text = body["messages"][-1]["content"]
    material = text.split("<资料>", 1)[-1].split("</资料>", 1)[0]
    lines = [line for line in material.split("\n") if line.strip() and not line.startswith(("[", "【", "<"))]
    sentences = re.findall(r"[^。！？]+[。！？]", "".join(lines))
    return "".join(sentences[:2]) or "本部分工作有序推进。"


if __name__ == "__main__":
    main()
