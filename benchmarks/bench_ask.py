"""`zongjie ask`: offline latency and answer quality, and the LLM path's prompt size under its token budget.

Offline: every labelled question (the 101 retrieval cases plus evals/cases/ask.yaml) answered in-process by the
extractive engine over corpus/ — median/p95 latency with a bare search in the same process as the baseline, the
share of answerable questions cited from an expected passage, the refusal rate on unanswerable ones — plus the
cold command `zongjie ask --json` (process start, imports, model load) for a few questions.

LLM path: the same questions through the OpenAI-compatible test server (tests/openai_server.py, on 127.0.0.1),
with the default budget (evidence_tokens 3000, answer_tokens 1024) and with a small-context model (4096): prompt
tokens per answer as counted with tiktoken, and as the run log recorded them.

    python benchmarks/bench_ask.py [--cold 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.answer.ask import answer_question  # noqa: E402
from agent.answer.engines import make_engine  # noqa: E402
from agent.answer.guard import REFUSAL  # noqa: E402
from agent.model.llm import count_prompt_tokens  # noqa: E402
from agent.evals.retrieval import load_cases  # noqa: E402
from agent.model.runlog import RunLog  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from benchmarks.common import (  # noqa: E402
    CORPUS, RETRIEVAL_CASES, ROOT, format_table, load_average, median, percentile, progress, write_outputs)

ASK_CASES = ROOT / "evals" / "cases" / "ask.yaml"


def answerable_cases() -> list[tuple[str, list[tuple[str, str]]]]:
    """(question, [(source, quote)]) for every question with a known answering passage."""
    cases = [(case.query, [(e.source, e.quote) for e in case.expect]) for case in load_cases(RETRIEVAL_CASES)]
    for case in yaml.safe_load(ASK_CASES.read_text(encoding="utf-8")):
        if case["kind"] == "cross":   # any of the reports it names counts here; the eval wants them all
            cases.append((case["question"], [(item["source"], item.get("quote", "")) for item in case["sources"]]))
        elif case["kind"] != "unanswerable":
            cases.append((case["question"], [(case["source"], case["quote"])]))
    return cases


def unanswerable_questions() -> list[str]:
    """Questions nothing in corpus/ answers."""
    return [case["question"] for case in yaml.safe_load(ASK_CASES.read_text(encoding="utf-8"))
            if case["kind"] == "unanswerable"]


def cites_expected(answer, expected: list[tuple[str, str]]) -> bool:
    """An answer cites a passage of an expected source whose text contains (or is contained in) the expected quote."""
    for citation in answer.citations:
        passage = answer.evidence.get(citation["key"])
        text = passage.text if passage else citation["quote"]
        if any(citation["source"] == source and (quote in text or citation["quote"] in quote)
               for source, quote in expected):
            return True
    return False


def offline(workspace: Workspace) -> dict:
    """Latency and quality of the extractive engine, with bare search latency as the in-process baseline."""
    engine = make_engine(workspace)
    answer_question("预热", engine)
    cases, refused_cases = answerable_cases(), unanswerable_questions()
    search_ms, ask_ms, cited, wrongly_refused = [], [], 0, 0
    for question, expected in cases:
        started = time.perf_counter()
        workspace.search(question, k=8)
        search_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        answer = answer_question(question, engine)
        ask_ms.append((time.perf_counter() - started) * 1000)
        cited += cites_expected(answer, expected)
        wrongly_refused += answer.text == REFUSAL
    refused = sum(answer_question(question, engine).text == REFUSAL for question in refused_cases)
    return {"questions": len(cases), "ask_ms": ask_ms, "search_ms": search_ms, "cited_expected": cited,
            "wrongly_refused": wrongly_refused, "unanswerable": len(refused_cases), "refused": refused}


def cold_cli(store: Path, questions: list[str]) -> list[float]:
    """Wall time of `zongjie ask --json` as a fresh process per question (imports and embedder load included)."""
    times = []
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ZONGJIE_", "OPENAI_"))}
    for question in questions:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "agent", "ask", question, "--json", "--store", str(store)],
                       check=True, capture_output=True, env=env, cwd=str(ROOT))
        times.append((time.perf_counter() - started) * 1000)
    return times


def llm_prompt_tokens(store: Path, workspace: Workspace, context_window: int | None) -> dict:
    """Prompt tokens per answer through the test server under a context budget."""
    from agent.evals.openai_server import OpenAITestServer

    questions = [question for question, _ in answerable_cases()]
    with OpenAITestServer() as server, tempfile.TemporaryDirectory() as folder:
        settings = Settings(store=store, corpus=CORPUS, provider="openai", base_url=server.base_url,
                            model="bench-model", context_window=context_window, max_retries=0)
        llm = Workspace(settings, embedder=workspace.embedder)
        llm.run_log = RunLog(Path(folder) / "runs.sqlite")
        counted, reported, passages = [], [], []
        for question in questions:
            answer = answer_question(question, make_engine(llm, llm.chat_model()), llm.run_log)
            messages = server.chat_requests()[-1]["messages"]
            counted.append(count_prompt_tokens(messages))
            passages.append(len(answer.evidence.passages))
            call = llm.run_log.calls_of(answer.run_id)[-1]
            reported.append(call["prompt_tokens"])
        budget = replace(settings).chat_context_window
    return {"context_window": budget, "evidence_tokens": settings.evidence_tokens,
            "answer_tokens": settings.answer_tokens, "counted": counted, "reported": reported, "passages": passages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", type=int, default=5, help="questions to time as fresh `zongjie ask` processes")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        workspace = Workspace(Settings(store=store, corpus=CORPUS))
        progress("ingesting corpus/ …")
        workspace.ingest([CORPUS])
        progress("offline answers …")
        result = offline(workspace)
        progress("cold CLI …")
        cold = cold_cli(store, [question for question, _ in answerable_cases()][: arguments.cold])
        progress("LLM path through the test server …")
        budgets = [llm_prompt_tokens(store, workspace, window) for window in (None, 4096)]
    ask_ms, search_ms = result["ask_ms"], result["search_ms"]
    rows = [
        ["offline ask, in process (median / p95 ms)", f"{median(ask_ms):.0f} / {percentile(ask_ms, 0.95):.0f}"],
        ["  baseline: search alone (median ms)", f"{median(search_ms):.0f}"],
        ["  ask / search (median ratio)", f"{median(ask_ms) / median(search_ms):.2f}×"],
        [f"offline `zongjie ask --json`, fresh process (median of {len(cold)}, ms)", f"{median(cold):.0f}"],
        ["answerable: cited from an expected passage", f"{result['cited_expected']}/{result['questions']} "
         f"({result['cited_expected'] / result['questions']:.1%})"],
        ["answerable: wrongly refused", f"{result['wrongly_refused']}/{result['questions']}"],
        ["unanswerable: refused", f"{result['refused']}/{result['unanswerable']}"],
    ]
    for budget in budgets:
        label = f"LLM prompt tokens (context {budget['context_window']}, evidence ≤{budget['evidence_tokens']}, " \
                f"answer {budget['answer_tokens']})"
        rows.append([label + " median / max", f"{median(budget['counted']):.0f} / {max(budget['counted'])}"])
        rows.append(["  endpoint-reported (test server: chars/1.5) median", f"{median(budget['reported']):.0f}"])
        rows.append(["  passages per prompt (median)", f"{median(budget['passages']):.0f}"])
    table = format_table(["measure", "value"], rows) + f"\nload average: {load_average()}"
    write_outputs("ask", table, {"offline": result, "cold_ms": cold, "llm": budgets})


if __name__ == "__main__":
    main()
