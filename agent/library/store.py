"""The store seam: Chroma (embedded PersistentClient, or a Chroma server via HttpClient) is the store of record.

Two collections: `zongjie_chunks` (one record per passage: text, breadcrumb, topics, report metadata) and
`zongjie_reports` (one record per report: title, year, type, unit, the file's sha256). Vectors always come from
our own embedder; Chroma's default embedding function downloads a model and is never used.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import urlparse

import numpy as np

from ..errors import UserError
from ..text.sensitive import find_personal, summary
from .chunking import Chunk, embedding_text

CHUNKS = "zongjie_chunks"
REPORTS = "zongjie_reports"
MATERIALS = "zongjie_materials"  # this year's department materials: never searched with the past reports
META = "zongjie_meta"  # one record whose `revision` changes with every write: the cheap key of derived indexes
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}
_PAGE = 5000
FINGERPRINT_SECONDS = 1.0


@dataclass(frozen=True)
class ReportRecord:
    """What the store knows of one ingested report."""

    report_id: str
    source: str
    title: str
    year: int | None
    doc_type: str
    unit: str | None
    sha256: str
    chunks: int
    format: str = "txt"
    classified: str = ""   # the classification marks found (kinds), when admitted with --allow-classified
    personal: str = ""     # personal data found, as kinds and counts ("手机号2、身份证号1"), never the values
    reference: bool = False   # background (a 政府工作报告, a policy document), not the unit's own record
    reader: str = ""       # fingerprint of the code that read it into passages (`ingest.reader_version`)

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata (no None values: Chroma rejects them)."""
        return {"report_id": self.report_id, "source": self.source, "title": self.title, "year": self.year or 0,
                "doc_type": self.doc_type, "unit": self.unit or "", "sha256": self.sha256,
                "chunks": self.chunks, "format": self.format, "classified": self.classified,
                "personal": self.personal, "reference": self.reference, "reader": self.reader}

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> "ReportRecord":
        """Rebuild from Chroma metadata."""
        return cls(report_id=meta["report_id"], source=meta["source"], title=meta["title"],
                   year=meta.get("year") or None, doc_type=meta.get("doc_type", "总结"),
                   unit=meta.get("unit") or None, sha256=meta["sha256"], chunks=int(meta.get("chunks", 0)),
                   format=meta.get("format", "txt"), classified=meta.get("classified", ""),
                   personal=meta.get("personal", ""), reference=bool(meta.get("reference", False)),
                   reader=meta.get("reader", ""))


def matching_reports(reports: Sequence[ReportRecord], wanted: str) -> list[ReportRecord]:
    """The reports a user's words name, best kind of match only: the id or file name (with or without its
    suffix), else a file-name prefix, else words of the title."""
    wanted = wanted.strip()
    tests = (lambda r: wanted in (r.report_id, r.source, r.source.rsplit(".", 1)[0]),
             lambda r: r.source.startswith(wanted),
             lambda r: wanted in r.title)
    for matches in ([r for r in reports if test(r)] for test in tests):
        if matches:
            return matches
    return []


@dataclass(frozen=True)
class StoredChunk:
    """A passage as read back from the store, with its report's metadata."""

    chunk_id: str
    text: str
    report_id: str
    source: str
    report_title: str
    year: int | None
    doc_type: str
    ordinal: int
    heading_path: tuple[str, ...]
    topics: tuple[str, ...]
    reference: bool = False   # from a reference document, not the unit's own report

    def embedding_text(self) -> str:
        """The same breadcrumb + passage text that was embedded at ingest."""
        return embedding_text(self.heading_path, self.text)

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "StoredChunk":
        """Rebuild from a Chroma record."""
        topics = tuple(topic for topic in meta.get("topics", "").split(",") if topic)
        return cls(chunk_id=chunk_id, text=text, report_id=meta["report_id"], source=meta["source"],
                   report_title=meta.get("report_title", ""), year=meta.get("year") or None,
                   doc_type=meta.get("doc_type", ""), ordinal=int(meta.get("ordinal", 0)),
                   heading_path=tuple(json.loads(meta.get("heading_path", "[]"))), topics=topics,
                   reference=bool(meta.get("reference", False)))


def counted(found: Sequence[Any]) -> str:
    """Kinds and counts of findings or marks, as stored ("手机号2、身份证号1"); "" for none."""
    return "、".join(f"{kind}{count}" for kind, count in summary(found).items())


def chunk_metadata(chunk: Chunk, report: ReportRecord) -> dict[str, Any]:
    """Chroma metadata for a chunk: scalar fields, the breadcrumb as JSON, one boolean key per topic for filters."""
    meta: dict[str, Any] = {
        "report_id": report.report_id, "source": report.source, "report_title": report.title,
        "year": report.year or 0, "doc_type": report.doc_type, "ordinal": chunk.ordinal,
        "heading_path": json.dumps(list(chunk.heading_path), ensure_ascii=False),
        "topics": ",".join(chunk.topics), "tokens": chunk.tokens, "personal": counted(find_personal(chunk.text)),
        "classified": bool(report.classified), "reference": report.reference,
    }
    meta.update({f"t_{topic}": True for topic in chunk.topics})
    return meta


class ReportStore:
    """Chunks and reports in Chroma, embedded or on a server, bound to one embedder."""

    def __init__(self, client: Any, embedder_name: str, location: str) -> None:
        self.client = client
        self.embedder_name = embedder_name
        self.location = location
        self.chunks = self._collection(CHUNKS)
        self.reports = self._collection(REPORTS)
        self.meta = self._collection(META)
        self._fingerprint: tuple[float, str] | None = None   # (when read, value)

    @classmethod
    def open(cls, path: Path, embedder_name: str, url: str | None = None) -> "ReportStore":
        """Open (creating if needed) the store at `path`, or on the Chroma server at `url`."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            parsed = urlparse(url if "://" in url else f"http://{url}")
            client = _connect(chromadb, parsed, chroma_settings)
            return cls(client, embedder_name, location=url)
        path.mkdir(parents=True, exist_ok=True)
        # Chroma caches clients by path string: a relative path would reuse another folder's store.
        client = chromadb.PersistentClient(path=str((path / "chroma").resolve()), settings=chroma_settings)
        return cls(client, embedder_name, location=str(path))

    def _collection(self, name: str) -> Any:
        """Get or create a collection, refusing one built with a different embedder (vectors would not compare)."""
        collection = self.client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": HNSW},
            metadata={"embedder": self.embedder_name, "schema": 1})
        built_with = (collection.metadata or {}).get("embedder")
        if built_with and built_with != self.embedder_name:
            raise UserError(f"资料库 {self.location} 是用嵌入模型 {built_with} 建立的，当前设置为 "
                            f"{self.embedder_name}；请换一个 --store 目录，或改回原来的嵌入模型")
        return collection

    # --- reports -------------------------------------------------------------------------------------------
    def get_report(self, source: str) -> ReportRecord | None:
        """The record of the report ingested from file name `source`, if any."""
        found = self.reports.get(where={"source": source}, include=["metadatas"])
        return ReportRecord.from_metadata(found["metadatas"][0]) if found["ids"] else None

    def list_reports(self) -> list[ReportRecord]:
        """Every ingested report, ordered by source file name."""
        found = self.reports.get(include=["metadatas"])
        return sorted((ReportRecord.from_metadata(meta) for meta in found["metadatas"]), key=lambda r: r.source)

    def save_report(self, record: ReportRecord, title_vector: np.ndarray) -> None:
        """Write the report record; done last, so an interrupted ingest is redone next time."""
        self.save_reports([record], title_vector.reshape(1, -1))

    def save_reports(self, records: Sequence[ReportRecord], title_vectors: np.ndarray) -> None:
        """Write several report records at once (each after its chunks), with one change of the revision."""
        if not records:
            return
        self.reports.upsert(ids=[record.report_id for record in records], embeddings=title_vectors,
                            documents=[record.title for record in records],
                            metadatas=[record.metadata() for record in records])
        self._bump_revision()

    def remove_report(self, record: ReportRecord) -> int:
        """Delete a report's passages and its record; the number of passages removed."""
        chunk_ids = self.chunk_ids_of(record.report_id)
        self.delete_chunks(sorted(chunk_ids))
        self.reports.delete(ids=[record.report_id])
        self._bump_revision()
        return len(chunk_ids)

    # --- chunks --------------------------------------------------------------------------------------------
    def chunk_ids_of(self, report_id: str) -> set[str]:
        """Ids of the chunks stored for one report."""
        return set(self.chunks.get(where={"report_id": report_id}, include=[])["ids"])

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray, report: ReportRecord) -> None:
        """Upsert one report's chunks with their vectors and metadata."""
        self.add_chunk_rows([(chunk, report) for chunk in chunks], vectors)

    def add_chunk_rows(self, rows: Sequence[tuple[Chunk, ReportRecord]], vectors: np.ndarray) -> None:
        """Upsert chunks of any reports (each with its report) and their vectors, a page per write."""
        self._fingerprint = None
        for start in range(0, len(rows), _PAGE):
            batch = rows[start: start + _PAGE]
            self.chunks.upsert(ids=[chunk.chunk_id for chunk, _ in batch],
                               embeddings=vectors[start: start + _PAGE],
                               documents=[chunk.text for chunk, _ in batch],
                               metadatas=[chunk_metadata(chunk, report) for chunk, report in batch])

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        self._fingerprint = None
        ids = list(chunk_ids)
        for start in range(0, len(ids), _PAGE):
            self.chunks.delete(ids=ids[start: start + _PAGE])

    def count_chunks(self) -> int:
        """Number of stored chunks."""
        return self.chunks.count()

    def iter_chunks(self) -> Iterator[StoredChunk]:
        """Every stored chunk, page by page (for building derived indexes)."""
        total = self.chunks.count()
        for offset in range(0, total, _PAGE):
            page = self.chunks.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                yield StoredChunk.from_record(chunk_id, text, meta)

    def iter_vectors(self) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every stored chunk's vector, page by page as (ids, vectors) (for the derived vector matrix)."""
        total = self.chunks.count()
        for offset in range(0, total, _PAGE):
            page = self.chunks.get(include=["embeddings"], limit=_PAGE, offset=offset)
            yield page["ids"], np.asarray(page["embeddings"], dtype=np.float32)

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, StoredChunk]:
        """Chunks by id (missing ids are left out)."""
        if not chunk_ids:
            return {}
        found = self.chunks.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        return {chunk_id: StoredChunk.from_record(chunk_id, text, meta)
                for chunk_id, text, meta in zip(found["ids"], found["documents"], found["metadatas"])}

    def chunks_with_topic(self, topic_id: str, reference: bool = False) -> list[StoredChunk]:
        """Every chunk tagged with a topic, in report and document order: of the unit's own reports (what drafts,
        comparisons and checks draw on), or with `reference` of every report, reference documents included."""
        where: dict[str, Any] = {f"t_{topic_id}": True}
        if not reference:
            where = {"$and": [where, {"reference": {"$ne": True}}]}
        found = self.chunks.get(where=where, include=["documents", "metadatas"])
        chunks = [StoredChunk.from_record(chunk_id, text, meta)
                  for chunk_id, text, meta in zip(found["ids"], found["documents"], found["metadatas"])]
        return sorted(chunks, key=lambda chunk: (chunk.source, chunk.ordinal))

    def mark_reference(self, record: ReportRecord, reference: bool) -> ReportRecord:
        """Mark a stored report (and its passages) as reference material or as the unit's own, without
        re-reading or re-embedding it."""
        ids = sorted(self.chunk_ids_of(record.report_id))
        for start in range(0, len(ids), _PAGE):
            found = self.chunks.get(ids=ids[start: start + _PAGE], include=["metadatas"])
            self.chunks.update(ids=found["ids"], metadatas=[meta | {"reference": reference}
                                                            for meta in found["metadatas"]])
        marked = replace(record, reference=reference)
        self.reports.update(ids=[record.report_id], metadatas=[marked.metadata()])
        self._bump_revision()
        return marked

    def vector_search(self, vector: np.ndarray, limit: int, where: dict | None) -> list[tuple[str, float]]:
        """Nearest chunks to `vector` as (chunk id, cosine similarity), best first (fewer if the store is small)."""
        found = self.chunks.query(query_embeddings=vector.reshape(1, -1), n_results=limit, where=where,
                                  include=["distances"])
        return [(chunk_id, 1.0 - distance) for chunk_id, distance in zip(found["ids"][0], found["distances"][0])]

    # --- this year's materials -----------------------------------------------------------------------------
    def replace_materials(self, year: int, folder: str, records: Sequence[dict[str, Any]], vectors: np.ndarray) -> None:
        """Store one folder's material sentences for `year` (id, text and metadata per record), replacing what the
        same folder gave for that year before; kept in a collection of their own, apart from the past reports."""
        self.forget_materials(year, folder)
        materials = self._collection(MATERIALS)
        for start in range(0, len(records), _PAGE):
            batch = records[start: start + _PAGE]
            materials.upsert(ids=[record["id"] for record in batch], embeddings=vectors[start: start + _PAGE],
                             documents=[record["text"] for record in batch],
                             metadatas=[record["metadata"] | {"year": year, "folder": folder} for record in batch])

    def forget_materials(self, year: int, folder: str) -> None:
        """Remove what one folder's materials gave for `year`."""
        self._collection(MATERIALS).delete(where={"$and": [{"year": year}, {"folder": folder}]})

    def materials_of(self, year: int) -> list[dict[str, Any]]:
        """The stored material sentences of `year` (text and metadata), in file and line order."""
        found = self._collection(MATERIALS).get(where={"year": year}, include=["documents", "metadatas"])
        rows = [meta | {"text": text} for text, meta in zip(found["documents"], found["metadatas"])]
        return sorted(rows, key=lambda row: (row.get("file", ""), row.get("line", 0)))

    def fingerprint(self) -> str:
        """Changes whenever the stored chunks change: keys derived indexes (BM25, the vector matrix). Costs two
        small reads at any store size, and is kept for FINGERPRINT_SECONDS in this process (a burst of searches
        reads it once; this process's own writes forget it at once, another process's are seen within that
        time). The revision is stamped with each report record, written last; a write cut off before it still
        changes the chunk count."""
        now = time.monotonic()
        if self._fingerprint is not None and now - self._fingerprint[0] < FINGERPRINT_SECONDS:
            return self._fingerprint[1]
        found = self.meta.get(ids=["state"], include=["metadatas"])
        revision = found["metadatas"][0]["revision"] if found["ids"] else ""
        fingerprint = f"{revision}-{self.chunks.count()}"
        self._fingerprint = (now, fingerprint)
        return fingerprint

    def _bump_revision(self) -> None:
        """Record that the chunks changed (a new random revision, so any writer in any process is seen)."""
        self.meta.upsert(ids=["state"], embeddings=[[1.0]], metadatas=[{"revision": uuid.uuid4().hex}])
        self._fingerprint = None


def _connect(chromadb: Any, parsed: Any, chroma_settings: Any) -> Any:
    """An HttpClient for a Chroma server, with a clear error when nothing answers there."""
    try:
        client = chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                     ssl=parsed.scheme == "https", settings=chroma_settings)
        client.heartbeat()
        return client
    except Exception as error:  # connection errors come in many types from the HTTP stack
        raise UserError(f"连接不上 Chroma 服务 {parsed.geturl()}：{type(error).__name__}。"
                        "请确认已运行 `chroma run --path 目录 --port 端口`") from None
