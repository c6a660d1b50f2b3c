"""Helpers shared by the benchmark scripts: paths, timing, percentiles, peak memory, tables, output files."""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DISTRACTORS = ROOT / "benchmarks" / "data" / "distractors"
RETRIEVAL_CASES = ROOT / "evals" / "cases" / "retrieval.yaml"
OUT = ROOT / "benchmarks" / "out"


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    """Add the wall time of the block, in seconds, to `into[name]`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        into[name] = into.get(name, 0.0) + time.perf_counter() - started


def runs_argument(description: str) -> int:
    """The `--runs N` every timing benchmark takes (default 5)."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args().runs


@contextmanager
def sample_workspace() -> Iterator[tuple[Any, Path]]:
    """A scratch folder with corpus/ ingested into a fresh store there: (workspace, folder)."""
    import tempfile

    from agent.settings import Settings
    from agent.workspace import Workspace

    with tempfile.TemporaryDirectory() as scratch:
        workspace = Workspace(Settings(store=Path(scratch) / "store", corpus=CORPUS))
        workspace.ensure_ingested(progress)
        yield workspace, Path(scratch)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    """Median of the runs."""
    return statistics.median(values)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    """1/5/15-minute load averages: other work on this 2-core machine skews every timing, so it is reported."""
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def labelled_queries() -> list[str]:
    """The queries of the labelled retrieval cases, in file order."""
    from agent.evals.retrieval import load_cases

    return [case.query for case in load_cases(RETRIEVAL_CASES)]


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries only the tables)."""
    print(message, file=sys.stderr, flush=True)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table with columns padded to their widest cell (CJK characters count double)."""
    cells = [[str(value) for value in headers]] + [[str(value) for value in row] for row in rows]
    widths = [max(_display_width(row[column]) for row in cells) for column in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(cell + " " * (width - _display_width(cell)) for cell, width in zip(row, widths)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def _display_width(text: str) -> int:
    """Terminal columns of `text`: wide (CJK, full-width) characters take two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def verdict(passed: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def write_outputs(name: str, table: str, data: dict[str, Any]) -> Path:
    """Print the table and save it with the raw numbers as benchmarks/out/NAME.txt and NAME.json."""
    OUT.mkdir(parents=True, exist_ok=True)
    print(table, flush=True)
    (OUT / f"{name}.txt").write_text(table + "\n", encoding="utf-8")
    (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return OUT / f"{name}.txt"
