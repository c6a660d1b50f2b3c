"""Hybrid retrieval: vector search (Chroma, or the derived matrix when filtered) + BM25 over jieba words (with
thesaurus expansion) → weighted reciprocal-rank fusion → topic-aware boost, reference documents ranked behind
the unit's own reports; filters by topic, year, report, document type and scope (own or reference)."""

from __future__ import annotations

import re
import shutil
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UserError
from ..model.embedders import Embedder
from .lexical import LexicalIndex, TermsCache, tokenize
from .store import ReportStore, StoredChunk, matching_reports
from .thesaurus import load_thesaurus
from .rewrite import QueryRewriter
from .vectors import VectorMatrix
from .topics import get_topic, topics_in_query

_OVERFETCH = (5, 40)  # 300 then 2,400 neighbours: 2 ms and 9 ms at 100k chunks
MOST_OF_THE_STORE = 0.5   # a filter passing this share of passages over-fetches; a narrower one searches exactly


OWN, REFERENCE = "own", "reference"   # the unit's own reports; background material
# A question about what a policy says asks for the reference documents themselves: the unit's reports rank behind.
# (Not "中央" alone: "落实中央八项规定精神" is a question about the unit's own work.)
_ASKS_FOR_POLICY = re.compile(r"政府工作报告|国务院|上级|政策文件|文件(?:里|中|上|怎么|如何|提出|要求)|"
                              r"(?:中央|省委|省政府|市委|市政府|省里|市里)(?:的)?(?:文件|要求|政策|部署|提出|怎么说)")


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search: topic id, report year, report (id, file name or title words), document type, and
    scope (only the unit's own reports, or only reference documents)."""

    topic: str | None = None
    year: int | None = None
    report: str | None = None
    doc_type: str | None = None
    scope: str | None = None   # OWN, REFERENCE, or None for both


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion weights; the benchmark flips these to measure each part's contribution."""

    vector_weight: float = 1.0
    lexical_weight: float = 1.0
    expansion_weight: float = 0.5
    topic_boost: float = 1.0
    rrf_k: int = 30
    candidates: int = 60
    reference_weight: float = 0.3   # a reference passage's fused score, against the unit's own (1.0: no order)
    rewrite_weight: float = 1.0     # the model's words for the question: a second wording of it, lexical and vector


@dataclass(frozen=True)
class Rewrite:
    """The model's words for a question (none without a rewriter) and their vector."""

    terms: list[str]
    vector: np.ndarray | None


@dataclass(frozen=True)
class Hit:
    """One search result, as the CLI/JSON contract describes it."""

    rank: int
    score: float
    chunk_id: str
    source: str
    report_title: str
    year: int | None
    heading_path: list[str]
    topics: list[str]
    text: str

    def to_json(self) -> dict[str, Any]:
        """The contract's hit object."""
        return asdict(self)


@dataclass
class Retriever:
    """Searches one store; keeps the derived BM25 index in memory and on disk, rebuilt when chunks change."""

    store: ReportStore
    embedder: Embedder
    cache_dir: Path | None = None
    config: RetrievalConfig = field(default_factory=RetrievalConfig)
    _lexical: LexicalIndex | None = None
    _lexical_key: str | None = None
    _vectors: VectorMatrix | None = None
    rewriter: QueryRewriter | None = None   # with a chat model and query_rewrite = "on"

    def search(self, query: str, k: int = 8, filters: SearchFilters | None = None) -> list[Hit]:
        """The `k` best passages for `query`, fused from vector and lexical rankings."""
        query = query.strip()
        if not query:
            raise UserError("检索内容为空，请输入要查找的内容")
        filters = filters or SearchFilters()
        report_ids = self._resolve_reports(filters.report)
        fused = self._fused_scores(query, filters, report_ids)
        best = sorted(fused.items(), key=lambda item: -item[1])[:k]
        chunks = self.store.get_chunks([chunk_id for chunk_id, _ in best])
        return [hit_from_chunk(rank, score, chunks[chunk_id]) for rank, (chunk_id, score) in enumerate(best, 1)
                if chunk_id in chunks]

    def _fused_scores(self, query: str, filters: SearchFilters, report_ids: list[str] | None) -> dict[str, float]:
        """Weighted reciprocal-rank fusion of the vector, lexical and expanded-lexical rankings, topic-boosted.

        When reference documents rank behind the unit's own reports, the two are ranked apart (each from its own
        candidates: a 政府工作报告 that echoes the question must not crowd the unit's passages out of the
        candidate lists) and the reference scores are scaled down before they are merged."""
        lexical = self.lexical_index()
        query_tokens = tokenize(query)
        expansions = expansion_terms(query, query_tokens)
        rewritten = self.rewriter.terms(query) if self.rewriter and self.config.rewrite_weight else []
        vector = self.embedder.embed([query])[0] if self.config.vector_weight else None
        reworded = self.embedder.embed([" ".join(rewritten)])[0] if rewritten and vector is not None else None
        rewrite = Rewrite(rewritten, reworded)
        weights = self._scope_weights(query, filters, lexical)
        if weights is None:
            fused = self._fuse(vector, query_tokens, expansions, rewrite, _filter_mask(lexical, filters, report_ids),
                               _chroma_where(filters, report_ids), lexical)
            return self._boost_topics(fused, query, filters, lexical)
        fused = {}
        for scope, weight in weights.items():
            scoped = replace(filters, scope=scope)
            ranked = self._fuse(vector, query_tokens, expansions, rewrite, _filter_mask(lexical, scoped, report_ids),
                                _chroma_where(scoped, report_ids), lexical)
            fused.update((chunk_id, score * weight) for chunk_id, score in ranked.items())
        return self._boost_topics(fused, query, filters, lexical)

    def _fuse(self, vector: np.ndarray | None, query_tokens: list[str], expansions: list[str], rewrite: Rewrite,
              mask: np.ndarray, where: dict | None, lexical: LexicalIndex) -> dict[str, float]:
        """Reciprocal-rank fusion of the rankings of the chunks that pass `mask` (`where` for Chroma)."""
        config = self.config
        rankings: list[tuple[float, list[str]]] = []
        if vector is not None:
            rankings.append((config.vector_weight, self._vector_ranking(vector, where, lexical, mask)))
        if config.lexical_weight:
            rankings.append((config.lexical_weight, _top(lexical, lexical.scores(query_tokens), mask,
                                                         config.candidates)))
        if config.expansion_weight and expansions:
            tokens = [token for term in expansions for token in tokenize(term)]
            rankings.append((config.expansion_weight, _top(lexical, lexical.scores(tokens), mask,
                                                           config.candidates)))
        if rewrite.terms:
            tokens = [token for term in rewrite.terms for token in tokenize(term)]
            rankings.append((config.rewrite_weight, _top(lexical, lexical.scores(tokens), mask, config.candidates)))
        if rewrite.vector is not None:
            rankings.append((config.rewrite_weight, self._vector_ranking(rewrite.vector, where, lexical, mask)))
        fused: dict[str, float] = {}
        for weight, ranking in rankings:
            for rank, chunk_id in enumerate(ranking, 1):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (config.rrf_k + rank)
        return fused

    def _scope_weights(self, query: str, filters: SearchFilters, lexical: LexicalIndex) -> dict[str, float] | None:
        """How the unit's own passages and reference passages weigh against each other, or None when they are
        ranked together (a search limited to one kind, a store without reference documents). A question about
        the work done is answered by the unit's own reports, a 政府工作报告 that uses the same words being
        support; a question about what a policy or a higher body says is the other way round."""
        behind = self.config.reference_weight
        if behind == 1.0 or filters.scope or not lexical.references.any():
            return None
        return {OWN: behind, REFERENCE: 1.0} if _ASKS_FOR_POLICY.search(query) else {OWN: 1.0, REFERENCE: behind}

    def _vector_ranking(self, vector: np.ndarray, where: dict | None, lexical: LexicalIndex,
                        mask: np.ndarray) -> list[str]:
        """Chunk ids nearest to the query vector that pass the filters, best first.

        Unfiltered: Chroma's HNSW index. Filtered to most of the store: unfiltered neighbours over-fetched and
        filtered here. Filtered to a small part (a rare topic, one report, the unit's own reports among many
        reference documents): an exact search over just those rows of the in-memory matrix; Chroma's own
        filtered HNSW search takes 200 ms and more at 100k passages.
        """
        wanted = self.config.candidates
        if where is None:
            return [chunk_id for chunk_id, _ in self.store.vector_search(vector, wanted, None)]
        if mask.mean() >= MOST_OF_THE_STORE:
            for overfetch in _OVERFETCH:
                nearest = self.store.vector_search(vector, wanted * overfetch, None)
                kept = [chunk_id for chunk_id, _ in nearest
                        if (row := lexical.position.get(chunk_id)) is not None and mask[row]]
                if len(kept) >= wanted // 2 or len(nearest) < wanted * overfetch:
                    return kept[:wanted]
        return [lexical.chunk_ids[row] for row in self.vector_matrix(lexical).nearest(vector, mask, wanted)]

    def _boost_topics(self, fused: dict[str, float], query: str, filters: SearchFilters,
                      lexical: LexicalIndex) -> dict[str, float]:
        """Lift passages tagged with the topic the question is about (when no topic filter already applies)."""
        query_topics = set(topics_in_query(query))
        if not self.config.topic_boost or filters.topic or not query_topics:
            return fused
        for chunk_id in fused:
            index = lexical.position.get(chunk_id)
            if index is not None and lexical.topics[index] & query_topics:
                fused[chunk_id] *= 1.0 + self.config.topic_boost
        return fused

    def lexical_index(self) -> LexicalIndex:
        """The BM25 index for the store's current chunks: from memory, from disk, or built now."""
        key = self.store.fingerprint()
        if self._lexical is not None and self._lexical_key == key:
            return self._lexical
        directory = self._index_directory(key)
        if directory is not None and (directory / "fields.json").exists():
            index = LexicalIndex.load(directory)
        else:
            terms = TermsCache(self.cache_dir / "terms").load() if self.cache_dir else {}
            index = LexicalIndex.build(list(self.store.iter_chunks()), terms)
            if directory is not None:
                _drop_old_indexes(directory.parent)
                index.save(directory)
        self._lexical, self._lexical_key, self._vectors = index, key, None
        return index

    def vector_matrix(self, lexical: LexicalIndex) -> VectorMatrix:
        """The passages' vectors in the lexical index's row order: from memory, from disk, or read now."""
        if self._vectors is not None:
            return self._vectors
        directory = self._index_directory(self._lexical_key or "")
        matrix = VectorMatrix.load(directory) if directory is not None else None
        if matrix is None or len(matrix.rows) != len(lexical.chunk_ids):
            matrix = VectorMatrix.build(self.store, lexical.chunk_ids)
            if directory is not None and directory.is_dir():
                matrix.save(directory)
        self._vectors = matrix
        return matrix

    def _index_directory(self, key: str) -> Path | None:
        return self.cache_dir / f"bm25-{key[:16]}" if self.cache_dir else None

    def _resolve_reports(self, wanted: str | None) -> list[str] | None:
        """Report ids matching a report filter (id, file name, or words of the title)."""
        if not wanted:
            return None
        reports = self.store.list_reports()
        matches = [report.report_id for report in matching_reports(reports, wanted)]
        if not matches:
            known = "、".join(report.source for report in reports[:10]) or "（资料库为空）"
            raise UserError(f"找不到报告“{wanted}”。已入库的报告：{known}")
        return matches


def expansion_terms(query: str, query_tokens: list[str]) -> list[str]:
    """Thesaurus expansions of a query: groups named in it verbatim, or whose term's words all occur in it
    (廉洁自律教育 names 廉洁教育 although the words are not adjacent)."""
    thesaurus = load_thesaurus()
    terms = list(thesaurus.expansions(query))
    present = set(query_tokens)
    for group_terms, term_tokens in _group_term_tokens():
        if any(tokens and tokens <= present for tokens in term_tokens):
            terms.extend(term for term in group_terms if term not in query and term not in terms)
    return terms


@lru_cache(maxsize=1)
def _group_term_tokens() -> tuple[tuple[tuple[str, ...], tuple[frozenset[str], ...]], ...]:
    """Each thesaurus group's terms with the word sets of its multi-word terms (computed once)."""
    groups = []
    for group in load_thesaurus().groups:
        token_sets = tuple(frozenset(tokens) if len(tokens := tokenize(term)) > 1 else frozenset()
                           for term in group.terms)
        groups.append((tuple(group.terms), token_sets))
    return tuple(groups)


def _chroma_where(filters: SearchFilters, report_ids: list[str] | None) -> dict | None:
    """The filters as a Chroma `where` clause."""
    conditions: list[dict] = []
    if filters.topic:
        conditions.append({f"t_{filters.topic}": True})
    if filters.year:
        conditions.append({"year": filters.year})
    if filters.doc_type:
        conditions.append({"doc_type": filters.doc_type})
    if report_ids is not None:
        conditions.append({"report_id": {"$in": report_ids}})
    if filters.scope:
        conditions.append({"reference": True} if filters.scope == REFERENCE else {"reference": {"$ne": True}})
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _filter_mask(index: LexicalIndex, filters: SearchFilters, report_ids: list[str] | None) -> np.ndarray:
    """Boolean mask of chunks passing the filters, for the lexical side."""
    mask = np.ones(len(index.chunk_ids), dtype=bool)
    if filters.topic:
        get_topic(filters.topic)  # an unknown topic id is a user error, not an empty result
        mask &= index.topic_mask(filters.topic)
    if filters.year:
        mask &= index.years == filters.year
    if filters.doc_type:
        mask &= index.doc_types == filters.doc_type
    if report_ids is not None:
        mask &= np.isin(index.report_ids, report_ids)
    if filters.scope:
        mask &= index.references if filters.scope == REFERENCE else ~index.references
    return mask


def _top(index: LexicalIndex, scores: np.ndarray, mask: np.ndarray, limit: int) -> list[str]:
    """Ids of the best-scoring chunks that pass the mask and match at all."""
    scores = np.where(mask, scores, 0.0)
    candidates = np.flatnonzero(scores > 0)
    if candidates.size > limit:
        candidates = candidates[np.argpartition(-scores[candidates], limit)[:limit]]
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return [index.chunk_ids[position] for position in ordered]


def hit_from_chunk(rank: int, score: float, chunk: StoredChunk) -> Hit:
    """A contract hit from a stored chunk."""
    return Hit(rank=rank, score=round(float(score), 6), chunk_id=chunk.chunk_id, source=chunk.source,
               report_title=chunk.report_title, year=chunk.year, heading_path=list(chunk.heading_path),
               topics=[get_topic(topic).name for topic in chunk.topics], text=chunk.text)


def _drop_old_indexes(directory: Path) -> None:
    """Remove BM25 indexes of earlier store states (they are derived and keyed by content)."""
    if directory.exists():
        for old in directory.glob("bm25-*"):
            shutil.rmtree(old, ignore_errors=True)
