"""`zongjie serve` under load: time to the first streamed piece and to the whole answer, offline engine.

The real app on a real uvicorn server on 127.0.0.1; each simulated user is a browser session asking the sample
questions of evals/cases/ask.yaml one after another over /api/chat (server-sent events). One user alone is the
baseline, in the same process; then 20 users at once. Every response must end in a `done` event.

    python benchmarks/bench_serve.py [--users 20] [--questions 6]
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, format_table, load_average, median, percentile, sample_workspace, write_outputs  # noqa: E402


def questions(count: int) -> list[str]:
    cases = yaml.safe_load((ROOT / "evals" / "cases" / "ask.yaml").read_text(encoding="utf-8"))
    return [case["question"] for case in cases][:count]


def serve(workspace) -> tuple[object, str]:
    """The app on a free loopback port, in a thread."""
    import uvicorn

    from agent.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def ask(client: httpx.Client, session: str, question: str) -> tuple[float, float, bool]:
    """(seconds to the first text event, seconds to done, whether it ended in done)."""
    started = time.perf_counter()
    first = None
    ended = False
    with client.stream("POST", "/api/chat", json={"session": session, "question": question}) as response:
        for line in response.iter_lines():
            if line.startswith("event: text") and first is None:
                first = time.perf_counter() - started
            if line.startswith("event: done"):
                ended = True
    total = time.perf_counter() - started
    return (first if first is not None else total), total, ended and response.status_code == 200


def user(base: str, number: int, asked: list[str]) -> list[tuple[float, float, bool]]:
    with httpx.Client(base_url=base, timeout=120) as client:
        return [ask(client, f"user-{number}", question) for question in asked]


def load(base: str, users: int, asked: list[str]) -> dict[str, float]:
    """Every user asks every question; the numbers over all answers."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = [answer for answers in pool.map(lambda n: user(base, n, asked), range(users)) for answer in answers]
    wall = time.perf_counter() - started
    firsts, totals = [r[0] for r in results], [r[1] for r in results]
    return {"users": users, "answers": len(results), "errors": sum(not r[2] for r in results),
            "first_median": median(firsts), "first_p95": percentile(firsts, 0.95), "total_median": median(totals),
            "total_p95": percentile(totals, 0.95), "answers_per_s": len(results) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=6)
    options = parser.parse_args()
    asked = questions(options.questions)
    with sample_workspace() as (workspace, _):
        server, base = serve(workspace)
        user(base, -1, asked[:2])                     # warm-up: the first answer loads the encoder
        alone = load(base, 1, asked)
        crowd = load(base, options.users, asked)
        server.should_exit = True
    rows = [[f"{r['users']} 个会话", r["answers"], r["errors"], f"{r['first_median'] * 1000:.0f}",
             f"{r['first_p95'] * 1000:.0f}", f"{r['total_median'] * 1000:.0f}", f"{r['total_p95'] * 1000:.0f}",
             f"{r['answers_per_s']:.1f}", f"{r['total_median'] / alone['total_median']:.1f}×"] for r in (alone, crowd)]
    table = format_table(["并发", "回答数", "出错", "首段 ms 中位", "首段 p95", "全文 ms 中位", "全文 p95", "回答/秒",
                          "全文/单会话"], rows)
    write_outputs("bench_serve", table + f"\n（负载 {load_average()}，{len(asked)} 个问题/会话）",
                  {"alone": alone, "crowd": crowd})


if __name__ == "__main__":
    main()
