"""`zongjie draft` offline: for every taxonomy topic on corpus/, what the extractive draft holds and costs.

Per topic: outline points, reports cited (of the reports that have the topic), passages drawn on, characters,
〔待补〕 placeholders, figures outside the facts (must be 0), and the median time of several in-process drafts with
gathering the topic's evidence alone (the store read) as the baseline in the same process.

    python benchmarks/bench_draft.py [--runs 5]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.text.citations import strip_citations  # noqa: E402
from agent.draft import DraftRequest, ExtractiveWriter, draft_section  # noqa: E402
from agent.draft.evidence import gather_evidence  # noqa: E402
from agent.text.figures import find_figures  # noqa: E402
from agent.library.topics import TOPICS  # noqa: E402
from agent.workspace import Workspace  # noqa: E402
from benchmarks.common import (  # noqa: E402
    format_table, load_average, median, runs_argument, sample_workspace, write_outputs,
)


def main() -> None:
    runs = runs_argument(__doc__.splitlines()[0])
    with sample_workspace() as (workspace, scratch):
        rows = [_measure(workspace, topic, scratch, runs) for topic in TOPICS]
    headers = ["topic", "points", "reports cited/with topic", "passages", "chars", "〔待补〕",
               "figures outside facts", "draft ms (median)", "evidence ms", "ratio"]
    write_outputs("draft", format_table(headers, rows), {"headers": headers, "rows": rows, "runs": runs})
    print(f"\nruns per topic: {runs}; load average {load_average()}")


def _measure(workspace: Workspace, topic, scratch: Path, runs: int) -> list:
    """One table row for a topic."""
    draft_times, evidence_times, draft = [], [], None
    for _ in range(runs):
        started = time.perf_counter()
        gather_evidence(topic, workspace.store.chunks_with_topic(topic.id))
        evidence_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        draft = draft_section(workspace, DraftRequest(section=topic.name, runs_dir=scratch / "drafts"),
                              ExtractiveWriter())
        draft_times.append(time.perf_counter() - started)
    having = {chunk.source for chunk in workspace.store.chunks_with_topic(topic.id)}
    cited = {c["source"] for c in draft.citations if c["chunk_id"]}
    outside = [f for f in find_figures(strip_citations(draft.text).replace("**", "")) if f.values != (float(draft.year),)]
    return [topic.name, len(draft.outline.points), f"{len(cited)}/{len(having)}",
            sum(1 for c in draft.citations if c["chunk_id"]), len(strip_citations(draft.text).replace("**", "")),
            draft.placeholders, len(outside), f"{median(draft_times) * 1000:.0f}",
            f"{median(evidence_times) * 1000:.0f}", f"{median(draft_times) / median(evidence_times):.1f}×"]


if __name__ == "__main__":
    main()
