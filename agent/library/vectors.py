"""The passages' vectors as one in-memory matrix, derived from Chroma like the BM25 index and keyed the same way.

A filtered search (a topic, a report, a year, only the unit's own reports) is an exact dot product over the rows
that pass the filter: Chroma's filtered HNSW search takes 200 ms and more at 100k passages when few of them pass,
and over-fetching unfiltered neighbours finds too few. Unfiltered searches stay with Chroma's index. The matrix is
saved beside the BM25 index as float16 (half the disk; the ranking of 60 candidates does not notice) and held
as float32.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .store import ReportStore

FILE = "vectors.npy"


@dataclass
class VectorMatrix:
    """Row i is the vector of the lexical index's chunk i (unit length, as stored)."""

    rows: np.ndarray   # float32, (chunks, dimensions)

    @classmethod
    def build(cls, store: ReportStore, chunk_ids: Sequence[str]) -> "VectorMatrix":
        """Read every stored vector into the rows of `chunk_ids` (a chunk missing from the store stays zero)."""
        position = {chunk_id: index for index, chunk_id in enumerate(chunk_ids)}
        rows: np.ndarray | None = None
        for ids, vectors in store.iter_vectors():
            if rows is None:
                rows = np.zeros((len(chunk_ids), vectors.shape[1]), dtype=np.float32)
            for chunk_id, vector in zip(ids, vectors):
                if (index := position.get(chunk_id)) is not None:
                    rows[index] = vector
        return cls(rows if rows is not None else np.zeros((0, 0), dtype=np.float32))

    def nearest(self, vector: np.ndarray, mask: np.ndarray, limit: int) -> list[int]:
        """Rows passing `mask`, most similar to `vector` first, at most `limit`."""
        candidates = np.flatnonzero(mask)
        if candidates.size == 0 or self.rows.size == 0:
            return []
        scores = self.rows[candidates] @ vector.astype(np.float32)
        if candidates.size > limit:
            best = np.argpartition(-scores, limit)[:limit]
            candidates, scores = candidates[best], scores[best]
        return candidates[np.argsort(-scores, kind="stable")].tolist()

    def save(self, directory: Path) -> None:
        partial = directory / (FILE + ".partial.npy")
        np.save(partial, self.rows.astype(np.float16))
        partial.replace(directory / FILE)

    @classmethod
    def load(cls, directory: Path) -> "VectorMatrix | None":
        """The saved matrix, or None when there is none."""
        path = directory / FILE
        return cls(np.load(path).astype(np.float32)) if path.is_file() else None
