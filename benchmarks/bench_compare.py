"""`zongjie compare --section` offline: time per comparison on the five samples (units side by side), on twenty
generated reports of twenty units (a 组织部 reading twenty 述职报告), and on one unit's generated five-year series,
with reading the topic's passages from the store alone (the comparison's first step) as the baseline in the same
process.

    python benchmarks/bench_compare.py [--runs 5]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from agent.compare import CompareRequest, compare_topic  # noqa: E402
from agent.library.topics import resolve_section  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from benchmarks.common import (  # noqa: E402
    format_table, load_average, median, progress, runs_argument, sample_workspace, write_outputs,
)
from generate_corpus import UNITS, generate_report, generate_series, load_pool, write_reports  # noqa: E402

TOPICS = ("党风廉政", "党建", "存在问题")


def main() -> None:
    runs = runs_argument(__doc__.splitlines()[0])
    rows = []
    with sample_workspace() as (workspace, scratch):
        rows += [_measure("5 samples", workspace, topic, runs) for topic in TOPICS]
        progress("generating twenty units and a five-year series …")
        rows += [_measure("20 units", _generated(scratch / "units", _twenty_units(), workspace), topic, runs)
                 for topic in TOPICS]
        series = generate_series("东湖街道", range(2018, 2023), seed=5)
        rows += [_measure("5-year series", _generated(scratch / "series", series, workspace), topic, runs)
                 for topic in TOPICS]
    headers = ["reports", "topic", "columns", "rows", "points", "repeats", "compare s (median)",
               "read passages s", "ratio"]
    write_outputs("compare", format_table(headers, rows), {"headers": headers, "rows": rows, "runs": runs})
    print(f"\nruns per comparison: {runs}; load average {load_average()}")


def _twenty_units() -> list[tuple[str, str]]:
    """Twenty generated reports, each of another unit (report i of seed 11, skipping repeated units)."""
    pool, reports, units = load_pool(), [], set()
    index = 0
    while len(reports) < 20:
        name, text = generate_report(pool, index, seed=11)
        unit = next((unit for unit in UNITS if unit in text.splitlines()[0]), text.splitlines()[0])
        if unit not in units:
            units.add(unit)
            reports.append((name, text))
        index += 1
    return reports


def _generated(folder: Path, reports: list[tuple[str, str]], like: Workspace) -> Workspace:
    write_reports(reports, folder)
    workspace = Workspace(Settings(store=Path(tempfile.mkdtemp(dir=folder.parent)), corpus=folder),
                          embedder=like.embedder)
    workspace.ingest([folder])
    return workspace


def _measure(label: str, workspace: Workspace, topic: str, runs: int) -> list:
    compares, reads, result = [], [], None
    topic_id = resolve_section(topic).id
    for _ in range(runs):
        started = time.perf_counter()
        workspace.store.chunks_with_topic(topic_id)
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = compare_topic(workspace, CompareRequest(section=topic))
        compares.append(time.perf_counter() - started)
    points = sum(len(column.points) for column in result.columns)
    return [label, topic, len(result.columns), len(result.rows), points, len(result.repeated),
            f"{median(compares):.3f}", f"{median(reads):.3f}", f"{median(compares) / median(reads):.1f}×"]


if __name__ == "__main__":
    main()
