"""`zongjie brief` as a leader reads it: key-point recall, length, page fit and time, dev and test side by side.

Every brief eval case with `key_points` (evals/cases/brief.yaml: dev; brief.test.yaml, brief.test2.yaml and
brief.test3.yaml: held-out test splits, each written after the one before had been seen) is briefed offline from
one store of corpus/ and evals/briefs/. Per report: the share of the reader's key terms
the brief carries verbatim, its characters and page lines, whether it fits its page, and the median time of
several in-process briefs, with reading the report's passages from the store (the baseline) timed in the same
process. `--code DIR` briefs with another checkout's `agent` package (the before of a before/after table) while
the cases stay this checkout's.

    python benchmarks/bench_brief_keypoints.py [--runs 3] [--code /path/to/old/checkout]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose agent package briefs")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import format_table, write_outputs   # this checkout's: the table lands in its out/

    sys.path.insert(0, str(args.code.resolve()))   # the agent package that briefs

    cases = _cases()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        workspace = _workspace(Path(scratch))
        for split, case in cases:
            rows.append(_row(workspace, split, case, args.runs))
    headers = ["split", "report", "recall", "brief chars", "page lines", "fits", "brief ms", "read ms", "ratio"]
    summary = [[split, f"{len(in_split)} reports", f"{statistics.fmean(r[2] for r in in_split):.3f}",
                f"{statistics.median(r[3] for r in in_split):.0f}", f"{max(r[4] for r in in_split)}",
                f"{sum(r[5] == 'yes' for r in in_split)}/{len(in_split)}",
                f"{statistics.median(r[6] for r in in_split):.0f}", "", ""]
               for split in ("dev", "test", "test2", "test3") if (in_split := [r for r in rows if r[0] == split])]
    table = format_table(headers, [*rows, *summary])
    write_outputs("brief_keypoints", table, {"headers": headers, "rows": rows, "summary": summary,
                                             "code": str(args.code), "runs": args.runs})


def _cases() -> list[tuple[str, dict]]:
    found = []
    for name, split in (("brief.yaml", "dev"), ("brief.test.yaml", "test"), ("brief.test2.yaml", "test2"),
                        ("brief.test3.yaml", "test3")):
        data = yaml.safe_load((ROOT / "evals" / "cases" / name).read_text(encoding="utf-8"))
        found += [(split, case) for case in data["cases"] if case.get("key_points")]
    return found


def _workspace(scratch: Path):
    from agent.settings import Settings
    from agent.workspace import Workspace

    workspace = Workspace(Settings(store=scratch / "store", corpus=ROOT / "corpus"))
    long_reports = [path for path in sorted((ROOT / "evals" / "briefs").iterdir()) if path.suffix == ".txt"]
    workspace.ingest([ROOT / "corpus", *long_reports])
    return workspace


def _row(workspace, split: str, case: dict, runs: int) -> list:
    from agent.brief import Budget, brief_report, make_condenser

    record = workspace.store.get_report(case["report"])
    read_ms, brief_ms = [], []
    for _ in range(runs):
        started = time.perf_counter()
        passages = workspace.passages_of(record)
        read_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        brief = brief_report(record, passages, make_condenser(workspace)(), Budget())
        brief_ms.append((time.perf_counter() - started) * 1000)
    markdown = brief.to_markdown()
    recall = sum(point["term"] in markdown for point in case["key_points"]) / len(case["key_points"])
    fits = Budget().fits(markdown.replace("*", r"\*"))
    brief_median, read_median = statistics.median(brief_ms), statistics.median(read_ms)
    return [split, case["report"][:28], round(recall, 3), brief.chars, brief.lines, "yes" if fits else "NO",
            round(brief_median), round(read_median), f"{brief_median / max(read_median, 1e-3):.1f}×"]


if __name__ == "__main__":
    main()
