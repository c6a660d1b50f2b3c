"""`zongjie check` offline: time per page on the dev drafts of evals/check/dev/ (with examples/materials), and on
longer drafts made by joining them, with reading the store's past reports alone (the check's first stage) as the
baseline in the same process.

A page is GB/T 9704's 22 lines × 28 characters = 616 characters.

    python benchmarks/bench_check.py [--runs 3]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.check import CheckRequest, check_draft  # noqa: E402
from agent.check.sources import read_past_reports  # noqa: E402
from benchmarks.common import (  # noqa: E402
    ROOT, format_table, load_average, median, runs_argument, sample_workspace, write_outputs,
)

PAGE_CHARS = 22 * 28
DRAFTS = sorted((ROOT / "evals" / "check" / "dev").glob("draft-0*.txt"))
MATERIALS = ROOT / "examples" / "materials"


def main() -> None:
    runs = runs_argument(__doc__.splitlines()[0])
    with sample_workspace() as (workspace, scratch):
        long_draft = scratch / "joined.txt"
        long_draft.write_text("\n".join(path.read_text(encoding="utf-8") for path in DRAFTS * 3), encoding="utf-8")
        rows = [_measure(workspace, path, runs) for path in [*DRAFTS, long_draft]]
    headers = ["draft", "chars", "pages", "findings (error/warning)", "check s (median)", "s per page",
               "read past reports s", "ratio"]
    write_outputs("check", format_table(headers, rows), {"headers": headers, "rows": rows, "runs": runs})
    print(f"\nruns per draft: {runs}; load average {load_average()}")


def _measure(workspace, path: Path, runs: int) -> list:
    checks, reads, result = [], [], None
    for _ in range(runs):
        started = time.perf_counter()
        read_past_reports(workspace.store)
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = check_draft(workspace, CheckRequest(path, materials_dir=MATERIALS, year=2023))
        checks.append(time.perf_counter() - started)
    chars = len(path.read_text(encoding="utf-8"))
    pages = chars / PAGE_CHARS
    counts = result.counts()
    return [path.name, chars, f"{pages:.1f}", f"{counts['error']}/{counts['warning']}", f"{median(checks):.2f}",
            f"{median(checks) / pages:.2f}", f"{median(reads):.2f}", f"{median(checks) / median(reads):.1f}×"]


if __name__ == "__main__":
    main()
