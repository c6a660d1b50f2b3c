"""Retrieval quality on the labelled queries: our hybrid retrieval vs. a naive baseline vs. BM25 only, same run.

The store holds the five sample reports mixed with real government texts (benchmarks/data/distractors) that do
not contain the labelled passages: with five short reports alone any method looks good.

    python benchmarks/bench_retrieval.py            # corpus + distractors, and corpus alone for reference
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.evals.cases import held_out_files  # noqa: E402
from agent.evals.retrieval import RetrievedPassage, load_cases, score_retriever  # noqa: E402
from agent.library.retrieve import RetrievalConfig  # noqa: E402
from agent.model.embedders import LocalEmbedder  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.workspace import Workspace  # noqa: E402

CASES = ROOT / "evals" / "cases" / "retrieval.yaml"             # dev: tuned on
# held out: retrieval.test.yaml, retrieval.test2.yaml …, each written blind before a change, never tuned on
HELD_OUT = held_out_files(ROOT / "evals" / "cases", "retrieval")
DISTRACTORS = ROOT / "benchmarks" / "data" / "distractors"
NAIVE_CHUNK_CHARS = 500


@dataclass
class NaiveIndex:
    """The baseline: fixed 500-character windows of each file, vector search only, the same embedder."""

    sources: list[str]
    texts: list[str]
    vectors: np.ndarray
    embedder: LocalEmbedder

    @classmethod
    def build(cls, files: list[Path], embedder: LocalEmbedder) -> "NaiveIndex":
        """Cut every file into consecutive 500-character pieces and embed them."""
        sources, texts = [], []
        for path in files:
            text = path.read_text(encoding="utf-8")
            for start in range(0, len(text), NAIVE_CHUNK_CHARS):
                sources.append(path.name)
                texts.append(text[start: start + NAIVE_CHUNK_CHARS])
        return cls(sources, texts, embedder.embed(texts), embedder)

    def retrieve(self, query: str, depth: int) -> list[RetrievedPassage]:
        """Top passages by cosine similarity (exact search)."""
        scores = self.vectors @ self.embedder.embed([query])[0]
        order = np.argsort(-scores)[:depth]
        return [RetrievedPassage(self.sources[i], self.texts[i]) for i in order]


def _workspace_retriever(workspace: Workspace, config: RetrievalConfig) -> Callable:
    """A scoring callback running our retriever with one fusion configuration."""
    def retrieve(query: str, depth: int) -> list[RetrievedPassage]:
        workspace.retriever.config = config
        return [RetrievedPassage(hit.source, hit.text) for hit in workspace.search(query, k=depth)]
    return retrieve


METHODS: dict[str, RetrievalConfig] = {
    "hybrid (ours)": RetrievalConfig(),
    "  − reference ranking": RetrievalConfig(reference_weight=1.0),
    "  − thesaurus expansion": RetrievalConfig(expansion_weight=0),
    "  − topic boost": RetrievalConfig(topic_boost=0),
    "  vector only (our chunks)": RetrievalConfig(lexical_weight=0, expansion_weight=0, topic_boost=0),
    "BM25 only (jieba)": RetrievalConfig(vector_weight=0, expansion_weight=0, topic_boost=0),
}


def run(files: list[Path], references: list[Path], label: str, embedder: LocalEmbedder,
        methods: dict[str, RetrievalConfig]) -> list[str]:
    """Score every method on one store (the reports, and the reference texts ingested as `--reference`), dev and
    held-out test side by side; return table rows."""
    splits = {"dev": load_cases(CASES), **{path.name.split(".")[1]: load_cases(path) for path in HELD_OUT}}
    with tempfile.TemporaryDirectory() as store:
        workspace = Workspace(Settings(store=Path(store)), embedder=embedder)
        workspace.ingest(files)
        if references:
            workspace.ingest(references, reference=True)
        chunks = workspace.store.count_chunks()
        files = files + references
        naive = NaiveIndex.build(files, embedder)
        retrievers = {name: _workspace_retriever(workspace, config) for name, config in methods.items()}
        retrievers["naive: 500-char chunks, vector only"] = naive.retrieve
        scores = {name: {split: (score_retriever(r, cases), score_retriever(r, _paraphrased(cases)))
                         for split, cases in splits.items()} for name, r in retrievers.items()}
    rows = [f"\n{label}: {len(files)} files, {chunks} chunks (ours), {len(naive.texts)} naive chunks; "
            + "; ".join(f"{split} {len(cases)} queries ({len(_paraphrased(cases))} paraphrased)"
                        for split, cases in splits.items()),
            f"{'method':40s} " + " ".join(f"{split + ' ' + name:>13s}" for split in splits
                                        for name in ("R@5", "MRR@10", "para R@5"))]
    for name, by_split in scores.items():
        rows.append(f"{name:40s} " + " ".join(f"{overall.recall_at_k:13.3f} {overall.mrr:13.3f} {para.recall_at_k:13.3f}"
                                            for overall, para in by_split.values()))
    rows.append(f"hybrid dev misses: {' '.join(scores['hybrid (ours)']['dev'][0].misses)}")
    rows += [f"hybrid {split} misses: {len(scores['hybrid (ours)'][split][0].misses)} (ids not printed: held out)"
             for split in splits if split != "dev"]
    return rows


def _paraphrased(cases: list) -> list:
    return [case for case in cases if case.style == "paraphrase"]


def _detected(paths: list[Path]) -> int:
    """How many texts ingest would mark reference by their kind (a higher body's 政府工作报告, a policy document)."""
    from agent.library.loaders import load_document
    from agent.library.structure import is_reference_type, parse_report

    parsed = [parse_report(load_document(path).paragraphs, fallback_title=path.stem) for path in paths]
    return sum(is_reference_type(report.doc_type, report.title) for report in parsed)


def main() -> None:
    """Print the quality table with distractors, and without them for reference."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-reference", action="store_true", help="skip the corpus-only reference run")
    args = parser.parse_args()
    embedder = LocalEmbedder()
    corpus = sorted((ROOT / "corpus").glob("*.txt"))
    distractors = sorted(DISTRACTORS.glob("*.txt"))
    distractor_chars = sum(len(path.read_text(encoding="utf-8")) for path in distractors)
    rows = [f"distractors: {len(distractors)} real government texts, {distractor_chars:,} characters"]
    rows.append(f"reference texts found by their kind alone (no --reference): {_detected(distractors)} of "
                f"{len(distractors)}")
    rows += run(corpus, distractors, "corpus + distractors as reference", embedder, METHODS)
    if not args.no_reference:
        rows += run(corpus, [], "corpus alone", embedder, {"hybrid (ours)": METHODS["hybrid (ours)"]})
    report = "\n".join(rows)
    print(report)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "retrieval.txt").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
