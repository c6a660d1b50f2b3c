"""Labelled retrieval cases (evals/cases/retrieval.yaml) and the metrics over them: recall@k and MRR.

A retrieved passage answers a case when it comes from an expected report and contains the expected quote,
so labels survive changes to chunking, and any retriever (even a naive fixed-size one) can be scored.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import yaml

from ..text.chinese import to_half_width


@dataclass(frozen=True)
class Expected:
    """One passage that answers a case: its report file and a short verbatim quote from it."""

    source: str
    quote: str


@dataclass(frozen=True)
class RetrievalCase:
    """A query as a staffer would type it, and the passages that answer it."""

    id: str
    query: str
    expect: tuple[Expected, ...]
    style: str


@dataclass(frozen=True)
class RetrievedPassage:
    """What a retriever returned, reduced to what scoring needs."""

    source: str
    text: str


Retrieve = Callable[[str, int], Sequence[RetrievedPassage]]


def load_cases(path: Path) -> list[RetrievalCase]:
    """Read the labelled cases."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [RetrievalCase(id=item["id"], query=item["query"], style=item.get("style", ""),
                          expect=tuple(Expected(e["source"], e["quote"]) for e in item["expect"]))
            for item in raw]


def answers(passage: RetrievedPassage, case: RetrievalCase) -> bool:
    """Whether a retrieved passage is one of the case's answers."""
    text = squash(passage.text)
    return any(passage.source == expected.source and squash(expected.quote) in text for expected in case.expect)


def squash(text: str) -> str:
    """Compare ignoring width and whitespace differences (and line breaks a chunk boundary may add)."""
    return "".join(to_half_width(text).split())


def first_answer_rank(retrieved: Sequence[RetrievedPassage], case: RetrievalCase) -> int | None:
    """1-based rank of the first answering passage, or None."""
    for rank, passage in enumerate(retrieved, 1):
        if answers(passage, case):
            return rank
    return None


@dataclass(frozen=True)
class RetrievalScore:
    """Recall@k and MRR over a set of cases, with the ids of the misses."""

    recall_at_k: float
    mrr: float
    k: int
    cases: int
    misses: tuple[str, ...]


def score_retriever(retrieve: Retrieve, cases: Sequence[RetrievalCase], k: int = 5,
                    depth: int = 10) -> RetrievalScore:
    """Run every case through `retrieve` and score it (MRR over the top `depth`)."""
    ranks = {case.id: first_answer_rank(retrieve(case.query, depth), case) for case in cases}
    hits_at_k = [case_id for case_id, rank in ranks.items() if rank is not None and rank <= k]
    reciprocal = [1.0 / rank if rank else 0.0 for rank in ranks.values()]
    return RetrievalScore(recall_at_k=len(hits_at_k) / len(cases), mrr=statistics.fmean(reciprocal), k=k,
                          cases=len(cases), misses=tuple(case_id for case_id in ranks if case_id not in hits_at_k))
