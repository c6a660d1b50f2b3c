"""BM25 over jieba words: the lexical half of hybrid retrieval. Derived from the store, rebuildable, cached on disk.

jieba gets a user dictionary of domain terms (三会一课, 一岗双责, 全面从严治党 …) so slogans stay whole, and
`cut_for_search` also yields the sub-words of long compounds (党风廉政建设 → 党风 / 廉政 / 建设 / 党风廉政建设).
The cutting is jieba's own dictionary and algorithm as compiled in `rjieba` (jieba-rs), with ASCII runs split as
Python jieba splits them: the same words and search words as Python jieba for every passage of the samples and
benchmark texts, every eval output and case file, five times faster (search words of their 2,174 passages in
0.37 s, not 1.84 s), loaded in 0.3 s, not 1.2 s.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from ..files import write_text_atomically
from ..text.chinese import to_half_width
from .store import StoredChunk

_STOPWORDS = frozenset(
    "的 了 和 与 及 等 在 对 为 是 把 将 以 于 中 上 下 了 着 并 或 其 之 而 也 都 由 被 从 向 个 这 那 "
    "有 没有 什么 怎么 怎样 如何 哪些 哪个 吗 呢 吧 啊 请问 一下 情况 方面 工作 开展 进行 相关 一些".split())
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


USER_WORD_FREQUENCY = 50000   # high enough that a domain term is never cut


@lru_cache(maxsize=1)
def _tokenizer():
    """A jieba tokenizer with the domain user dictionary loaded (built once per process)."""
    import rjieba

    from .thesaurus import load_thesaurus

    tokenizer = rjieba.Jieba()
    for term in load_thesaurus().user_dictionary():
        tokenizer.add_word(term, USER_WORD_FREQUENCY, None)
    return tokenizer


_ASCII_WORD = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?")            # 2022, PM2, 96.7, 100%
_ASCII_PIECE = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|(.)\1*", re.S)   # …or a run of one mark


def words(text: str) -> list[str]:
    """`text` cut into words as written (domain terms whole, nothing dropped)."""
    return list(_split_ascii_runs(_tokenizer().cut(text, True)))


def _split_ascii_runs(pieces: Iterable[str]) -> Iterator[str]:
    """Pieces as Python jieba cuts them: jieba-rs keeps "001_a3f.txt", "3-11" or "96.7-100%" whole, where jieba
    splits them at each mark ("3", "-", "11")."""
    for piece in pieces:
        if len(piece) > 1 and piece.isascii() and not _ASCII_WORD.fullmatch(piece):
            yield from (match.group(0) for match in _ASCII_PIECE.finditer(piece))
        else:
            yield piece


def _search_words(text: str) -> Iterator[str]:
    """jieba's search mode: each word, after the dictionary words of two and three characters inside it."""
    tokenizer = _tokenizer()
    for word in words(text):
        for size in (2, 3):
            if len(word) > size:
                yield from (part for part in (word[start: start + size] for start in range(len(word) - size + 1))
                            if tokenizer.has_word(part))
        yield word


def words_within(text: str, max_chars: int, from_end: bool = False) -> str:
    """The start of `text` (its end with `from_end`), at most `max_chars`, cut between words rather than inside one
    (…发展成就 → …发展, not …发展成); a first word longer than that is cut where it must."""
    if len(text) <= max_chars:
        return text
    pieces = words(text)
    kept = ""
    for word in reversed(pieces) if from_end else pieces:
        if len(kept) + len(word) > max_chars:
            break
        kept = word + kept if from_end else kept + word
    return kept or (text[-max_chars:] if from_end else text[:max_chars])


@lru_cache(maxsize=1)
def tokenizer_signature() -> str:
    """Names this tokenizer (jieba version, user dictionary, stopwords): stored terms made by another are redone."""
    from importlib.metadata import version

    from .thesaurus import load_thesaurus

    material = "\n".join([f"rjieba {version('rjieba')}", *load_thesaurus().user_dictionary(), *sorted(_STOPWORDS)])
    return "jieba-" + hashlib.sha1(material.encode("utf-8")).hexdigest()[:12]


def tokenize(text: str) -> list[str]:
    """Search tokens of `text`: jieba words and sub-words, lower-cased, without punctuation or stopwords."""
    normalised = to_half_width(text).lower()
    return [word for word in _search_words(normalised) if _KEEP.search(word) and word not in _STOPWORDS]


@dataclass
class LexicalIndex:
    """A BM25 index over the store's chunks, with the filter fields needed to mask scores."""

    chunk_ids: list[str]
    report_ids: np.ndarray
    sources: np.ndarray
    years: np.ndarray
    doc_types: np.ndarray
    topics: list[frozenset[str]]
    bm25: object
    references: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))   # from reference documents
    _topic_masks: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, chunks: Sequence[StoredChunk], known_terms: dict[str, list[str]] | None = None) -> "LexicalIndex":
        """Index every chunk's breadcrumb and text, reusing words tokenised at ingest where there are any."""
        import bm25s

        known_terms = known_terms or {}
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [(known_terms.get(chunk.chunk_id) or tokenize(chunk.embedding_text())) or [""] for chunk in chunks]
        if corpus:
            bm25.index(corpus, show_progress=False)
        return cls(chunk_ids=[chunk.chunk_id for chunk in chunks],
                   report_ids=np.array([chunk.report_id for chunk in chunks], dtype=object),
                   sources=np.array([chunk.source for chunk in chunks], dtype=object),
                   years=np.array([chunk.year or 0 for chunk in chunks], dtype=np.int32),
                   doc_types=np.array([chunk.doc_type for chunk in chunks], dtype=object),
                   topics=[frozenset(chunk.topics) for chunk in chunks], bm25=bm25,
                   references=np.array([chunk.reference for chunk in chunks], dtype=bool))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query tokens (zeros when none is known)."""
        if not self.chunk_ids or not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        known = [token for token in tokens if token in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the indexed passages (rare words weigh more)."""
        total = len(self.chunk_ids)
        column = self.bm25.vocab_dict.get(token) if self.chunk_ids else None
        indptr = self.bm25.scores["indptr"] if column is not None else None
        frequency = int(indptr[column + 1] - indptr[column]) if indptr is not None else 0
        return float(np.log((total - frequency + 0.5) / (frequency + 0.5) + 1.0))

    def topic_mask(self, topic: str) -> np.ndarray:
        """True for chunks tagged with `topic` (computed once per topic)."""
        if topic not in self._topic_masks:
            self._topic_masks[topic] = np.fromiter((topic in tags for tags in self.topics), dtype=bool,
                                                   count=len(self.topics))
        return self._topic_masks[topic]

    @cached_property
    def position(self) -> dict[str, int]:
        """Row of each chunk id."""
        return {chunk_id: index for index, chunk_id in enumerate(self.chunk_ids)}

    def save(self, directory: Path) -> None:
        """Write the index to `directory` (replaced as a whole)."""
        partial = directory.with_name(directory.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if self.chunk_ids:
            self.bm25.save(str(partial / "bm25"), show_progress=False)
        fields = {"chunk_ids": self.chunk_ids, "report_ids": self.report_ids.tolist(),
                  "sources": self.sources.tolist(), "years": self.years.tolist(),
                  "doc_types": self.doc_types.tolist(), "topics": [sorted(tags) for tags in self.topics],
                  "references": self.references.tolist()}
        (partial / "fields.json").write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        partial.rename(directory)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Read an index written by `save`."""
        import bm25s

        fields = json.loads((directory / "fields.json").read_text(encoding="utf-8"))
        bm25 = (bm25s.BM25.load(str(directory / "bm25"), show_progress=False) if fields["chunk_ids"]
                else bm25s.BM25())
        return cls(chunk_ids=fields["chunk_ids"], report_ids=np.array(fields["report_ids"], dtype=object),
                   sources=np.array(fields["sources"], dtype=object),
                   years=np.array(fields["years"], dtype=np.int32),
                   doc_types=np.array(fields["doc_types"], dtype=object),
                   topics=[frozenset(tags) for tags in fields["topics"]], bm25=bm25,
                   references=np.array(fields.get("references") or [False] * len(fields["chunk_ids"]), dtype=bool))


class TermsCache:
    """The BM25 words of each report's passages, written at ingest beside the store (derived, rebuildable).

    Tokenising is the slow part of building the index (24.7 s for 36,590 passages), so it is done once per new
    passage; words made by a different tokenizer (another jieba or user dictionary) are ignored and redone.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, report_id: str, terms: dict[str, list[str]]) -> None:
        """Replace the words recorded for one report."""
        self.directory.mkdir(parents=True, exist_ok=True)
        document = {"tokenizer": tokenizer_signature(), "terms": terms}
        write_text_atomically(self.directory / f"{report_id}.json", json.dumps(document, ensure_ascii=False))

    def forget(self, report_id: str) -> None:
        """Drop the words recorded for a removed report."""
        (self.directory / f"{report_id}.json").unlink(missing_ok=True)

    def load(self) -> dict[str, list[str]]:
        """Words per chunk id from every report file made by the current tokenizer."""
        known: dict[str, list[str]] = {}
        signature = tokenizer_signature()
        for path in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a damaged cache file only costs re-tokenising
            if document.get("tokenizer") == signature:
                known.update(document["terms"])
        return known
