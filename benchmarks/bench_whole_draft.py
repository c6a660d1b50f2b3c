"""`zongjie draft --all --materials`: what a whole report from the sample materials costs, offline and per model call.

Offline (extractive): for each sample materials folder, the median time of several whole drafts, with reading
the materials alone (files → facts, the first stage) as the baseline in the same process; facts used and left
out, sections, 〔待补〕. With a model: the same drafts through the OpenAI-compatible test server on 127.0.0.1
(its replies are instant, so the time per call is our own overhead around the call), the number of model calls
per report and the prompt tokens of each, which is what a real endpoint's time depends on.

    python benchmarks/bench_whole_draft.py [--runs 3]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.draft import ExtractiveWriter, ReportRequest, draft_report, make_writer  # noqa: E402
from agent.materials import collect_facts, read_materials  # noqa: E402
from agent.model.runlog import RunLog  # noqa: E402
from agent.model.llm import count_prompt_tokens  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from benchmarks.common import (  # noqa: E402
    CORPUS, ROOT, format_table, load_average, median, progress, runs_argument, sample_workspace, write_outputs,
)

FOLDERS = {"梅林街道": (ROOT / "examples" / "materials", 2023), "桃源乡": (ROOT / "examples" / "materials-2", 2024)}


def main() -> None:
    runs = runs_argument(__doc__.splitlines()[0])
    with sample_workspace() as (workspace, scratch):
        rows = []
        for org, (folder, year) in FOLDERS.items():
            progress(f"{org}: offline ×{runs} …")
            rows.append(_offline(workspace, scratch, org, folder, year, runs))
        progress("model path through the test server …")
        model_rows = [_with_model(workspace, scratch, org, folder, year) for org, (folder, year) in FOLDERS.items()]
    headers = ["materials", "facts used / left out", "sections", "〔待补〕", "draft s (median)", "read materials s",
               "ratio"]
    model_headers = ["materials", "model calls", "prompt tokens per call (median / max)", "s per call (median)",
                     "whole report s"]
    table = format_table(headers, rows) + "\n\n" + format_table(model_headers, model_rows)
    write_outputs("whole_draft", table, {"offline": {"headers": headers, "rows": rows},
                                         "model": {"headers": model_headers, "rows": model_rows}, "runs": runs})
    print(f"\nruns per folder: {runs}; load average {load_average()}")


def _offline(workspace: Workspace, scratch: Path, org: str, folder: Path, year: int, runs: int) -> list:
    draft_times, read_times, report = [], [], None
    for _ in range(runs):
        started = time.perf_counter()
        collect_facts(read_materials(folder)[0], folder, year)
        read_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = draft_report(workspace, ReportRequest(year=year, org=org, materials_dir=folder,
                                                       runs_dir=scratch / "runs"), ExtractiveWriter())
        draft_times.append(time.perf_counter() - started)
    sections = sum(1 for section in report.sections if section.level == 3)
    return [org, f"{len(report.facts_used)} / {len(report.facts_unused)}", sections, report.placeholders,
            f"{median(draft_times):.2f}", f"{median(read_times):.2f}",
            f"{median(draft_times) / median(read_times):.1f}×"]


def _with_model(workspace: Workspace, scratch: Path, org: str, folder: Path, year: int) -> list:
    from agent.evals.openai_server import OpenAITestServer

    with OpenAITestServer() as server, tempfile.TemporaryDirectory() as logs:
        settings = Settings(store=workspace.settings.store, corpus=CORPUS, provider="openai",
                            base_url=server.base_url, model="bench-model", max_retries=0)
        llm = Workspace(settings, embedder=workspace.embedder)
        llm.run_log = RunLog(Path(logs) / "runs.sqlite")
        started = time.perf_counter()
        draft_report(llm, ReportRequest(year=year, org=org, materials_dir=folder, runs_dir=scratch / "llm"),
                     make_writer(llm))
        total = time.perf_counter() - started
        tokens = [count_prompt_tokens(request["messages"]) for request in server.chat_requests()]
    calls = len(tokens)
    return [org, calls, f"{median(tokens):.0f} / {max(tokens)}", f"{total / calls:.2f}", f"{total:.1f}"]


if __name__ == "__main__":
    main()
