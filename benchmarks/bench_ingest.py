"""Ingest cost against its floor: full ingest vs. embedding the same passages alone, and re-ingest of unchanged files.

Corpus: corpus/*.txt (with its manifest) + benchmarks/data/distractors/*.txt (+ `--generated N` synthetic reports),
the real default embedder (bundled USE), a fresh embedded Chroma store per run. The model is loaded once before
anything is timed (its load time is reported on its own row). Each figure is the median of `--runs` runs; ratios
are computed within each run, then their median is taken.

    python benchmarks/bench_ingest.py [--runs 3] [--generated 0]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from common import CORPUS, DISTRACTORS, format_table, load_average, median, progress, verdict, write_outputs
from generate_corpus import generate_reports, write_reports

from agent.model.embedders import LocalEmbedder
from agent.settings import Settings
from agent.workspace import Workspace

TARGET_INGEST_OVER_EMBED = 1.2
TARGET_REINGEST_SHARE = 0.05
PHASES = ("parse", "embed", "store")


def load_model(embedder: LocalEmbedder) -> float:
    """Load the embedding model (first call) and return the seconds it took."""
    started = time.perf_counter()
    embedder.embed(["模型预热"])
    return time.perf_counter() - started


def input_paths(generated_dir: Path | None) -> list[Path]:
    """The sample corpus folder (so its manifest applies), each distractor .txt, and the generated folder."""
    paths = [CORPUS, *sorted(DISTRACTORS.glob("*.txt"))]
    return paths + [generated_dir] if generated_dir else paths


def run_once(paths: list[Path], embedder: LocalEmbedder) -> dict[str, float]:
    """One full ingest into a fresh store, the same passages embedded alone, then a re-ingest of the same files."""
    store_dir = Path(tempfile.mkdtemp(prefix="zongjie-bench-ingest-"))
    try:
        workspace = Workspace(Settings(store=store_dir), embedder=embedder)
        started = time.perf_counter()
        store = workspace.store  # opening (creating) the store is timed on its own
        open_store = time.perf_counter() - started
        started = time.perf_counter()
        result = workspace.ingest(paths)
        total = time.perf_counter() - started
        if result.failed:
            raise SystemExit(f"ingest failed: {result.failed}")
        chunks = sorted(store.iter_chunks(), key=lambda chunk: (chunk.source, chunk.ordinal))  # ingest order
        texts = [chunk.embedding_text() for chunk in chunks]
        started = time.perf_counter()
        embedder.embed(texts)
        embed_alone = time.perf_counter() - started
        started = time.perf_counter()
        again = workspace.ingest(paths)
        reingest = time.perf_counter() - started
        if again.unchanged != result.added:
            raise SystemExit(f"re-ingest was not a no-op: {again.to_json()}")
    finally:
        shutil.rmtree(store_dir, ignore_errors=True)
    run = {phase: result.timings.get(phase, 0.0) for phase in PHASES}
    run.update(open_store=open_store, total=total, rest=total - run["parse"] - run["embed"], embed_alone=embed_alone,
               reingest=reingest, files=result.added, chunks=result.chunks, chars=sum(len(text) for text in texts),
               ingest_over_embed=total / embed_alone, reingest_share=reingest / total)
    return run


def summary_table(runs: list[dict[str, float]], model_load: float, load: str) -> str:
    """The medians, the two ratios with their targets, and PASS/FAIL."""
    def med(key: str) -> float:
        return median([run[key] for run in runs])

    ratio, share = med("ingest_over_embed"), med("reingest_share")
    rows = [
        ("model load (once, not in any run)", f"{model_load:.2f} s", "", ""),
        ("open a new store (not in ingest)", f"{med('open_store'):.2f} s", "", ""),
        ("full ingest: parse + chunk + tag", f"{med('parse'):.2f} s", "", ""),
        ("full ingest: embed", f"{med('embed'):.2f} s", "", ""),
        ("full ingest: store (Chroma writes)", f"{med('store'):.2f} s", "", ""),
        ("full ingest: rest (total - parse - embed)", f"{med('rest'):.2f} s", "", ""),
        ("full ingest: total", f"{med('total'):.2f} s", "", ""),
        ("embedding the same passages alone", f"{med('embed_alone'):.2f} s", "", ""),
        ("total ingest / embedding alone", f"{ratio:.2f}x", f"<= {TARGET_INGEST_OVER_EMBED}x",
         verdict(ratio <= TARGET_INGEST_OVER_EMBED)),
        ("re-ingest unchanged files", f"{med('reingest'):.3f} s", "", ""),
        ("re-ingest / full ingest", f"{share:.1%}", f"<= {TARGET_REINGEST_SHARE:.0%}",
         verdict(share <= TARGET_REINGEST_SHARE)),
    ]
    first = runs[0]
    heading = (f"bench_ingest: {int(first['files'])} files, {int(first['chars']):,} chars, {int(first['chunks']):,} "
               f"passages; median of {len(runs)} runs (fresh store each); load average {load}")
    return heading + "\n\n" + format_table(("measure", "median", "target", "result"), rows)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generated", type=int, default=0, help="also ingest N generated reports")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generated_dir = Path(tempfile.mkdtemp(prefix="zongjie-bench-gen-")) if args.generated else None
    try:
        if generated_dir:
            write_reports(generate_reports(args.generated, args.seed), generated_dir)
        embedder = LocalEmbedder()
        model_load = load_model(embedder)
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(run_once(input_paths(generated_dir), embedder))
            progress(f"run {number}/{args.runs}: total {runs[-1]['total']:.2f} s, "
                     f"embedding alone {runs[-1]['embed_alone']:.2f} s, re-ingest {runs[-1]['reingest']:.3f} s")
    finally:
        if generated_dir:
            shutil.rmtree(generated_dir, ignore_errors=True)
    name = f"bench_ingest_gen{args.generated}" if args.generated else "bench_ingest"
    write_outputs(name, summary_table(runs, model_load, load_average()),
                  {"model_load": model_load, "load_average": load_average(), "runs": runs})


if __name__ == "__main__":
    main()
