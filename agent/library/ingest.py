"""Ingest: load → parse the 公文 tree → chunk → tag topics → embed → store.

Re-ingesting an unchanged file does no work (its sha256 is in the report record), unless it was read by other
reading code (`reader_version`: an upgrade's better heading tree reaches the reports already stored; passages
that come out the same keep their vectors); a changed file's new chunks
are written before its stale ones are removed and its record is updated last, so an interrupted ingest loses
nothing and is simply redone; unchanged passages of a changed file keep their vectors. Passages of many files
are embedded together (a few hundred per call) and written together (about a thousand per write: Chroma's
cost is per write as much as per passage), each file's record after them.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import LoadError, UserError
from ..model.egress import carrying
from ..model.embedders import Embedder
from ..text import chinese
from ..text.sensitive import find_classification, find_personal, summary
from . import chunking, loaders, structure, topics
from .chunking import Chunk, chunk_report, report_id_for
from .coverage import cjk_only, coverage
from .lexical import TermsCache, tokenize
from .loaders import SUPPORTED_SUFFIXES, LoadedDocument, load_document
from .manifest import MANIFEST, read_manifest
from .store import ReportRecord, ReportStore, counted
from .structure import ParsedReport, is_reference_type, parse_report, title_from_file_name
from .topics import tag_topics


@dataclass
class IngestResult:
    """Counts per outcome, the files that failed and why, and where the time went."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    reports: int = 0
    chunks: int = 0
    partial: list[dict[str, Any]] = field(default_factory=list)   # files stored with less than all their text
    reread: int = 0   # of `updated`: files unchanged but stored by older reading code, read again
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def to_json(self) -> dict[str, Any]:
        """The contract's ingest object, with `coverage` listing any file whose text was not all stored."""
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "failed": self.failed, "reports": self.reports, "chunks": self.chunks, "coverage": self.partial}


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: folders are searched recursively for supported types; named files are taken as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(candidate for candidate in path.rglob("*") if _is_report_file(candidate, path)))
        elif path.exists():
            found.append(path)
        else:
            raise UserError(f"找不到文件或目录：{path}")
    return found


def _is_report_file(path: Path, folder: Path) -> bool:
    """A supported file inside a folder being ingested, hidden by no dot-name below that folder (the folder
    itself may sit under ~/.cache)."""
    return (path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
            and not any(part.startswith(".") for part in path.relative_to(folder).parts))


WRITE_BATCH_PASSAGES = 1000   # passages per Chroma write, across files
MAX_WAIT_SECONDS = 3.0        # …or sooner: the progress bar counts files as they are stored, so it moves this often
MIN_CJK_SHARE = 0.1     # of a file's non-space characters: a Chinese report, even one full of tables, is far above
MAX_PASSAGES = 10_000   # the longest 政府工作报告 makes a few hundred


@dataclass
class Screening:
    """What ingest lets in: no classified document, no file that is no Chinese report, and personal data recorded
    (agent/text/sensitive.py finds marks and personal data).

    A document with a classification mark is refused, naming the mark, unless `allow_classified`; and even then
    only into a store whose chat endpoint and embedder are on this machine (`local_only` says why not, when they
    are not). What was found is recorded by kind and count; `on_report` hears of every report stored.
    """

    allow_classified: bool = False
    not_local: str = ""   # why the configured endpoints rule classified material out ("" when both are local)
    on_report: Callable[[ReportRecord, list[Chunk]], None] | None = None
    force: bool = False   # take files that do not look like a Chinese report (see check_shape)

    def check_shape(self, source: str, text: str) -> None:
        """Refuse a file with almost no Chinese (a binary dump, base64, an English file): LoadError with the
        reason, unless `force`."""
        characters = sum(1 for char in text if not char.isspace())
        share = len(cjk_only(text)) / characters if characters else 0.0
        if share < MIN_CJK_SHARE and not self.force:
            raise LoadError(f"不像中文报告（汉字只占 {share:.0%}），未导入：{source}。确需导入请加 --force")

    def check_size(self, source: str, passages: int) -> None:
        """Refuse a file that would make tens of thousands of passages, unless `force`."""
        if passages > MAX_PASSAGES and not self.force:
            raise LoadError(f"段落过多（{passages} 段，上限 {MAX_PASSAGES}），不像一份报告，未导入：{source}。"
                            "确需导入请加 --force")

    def check(self, source: str, text: str) -> str:
        """The kinds of the marks found ("" for none); LoadError when the document may not come in."""
        marks = find_classification(text)
        if not marks:
            return ""
        shown = f"“{marks[0].text}”（第{marks[0].line}行）"
        if not self.allow_classified:
            raise LoadError(f"{source} 带有密级标志{shown}，已拒绝导入，未保存任何内容。确需导入，请在对话接口和"
                            "向量模型都在本机时使用 --allow-classified")
        if self.not_local:
            raise LoadError(f"{source} 带有密级标志{shown}，只能导入到只用本机模型的资料库：{self.not_local}")
        return "、".join(summary(marks))


def ingest_paths(store: ReportStore, embedder: Embedder, paths: Iterable[Path], max_bytes: int,
                 on_file: Callable[[Path, str], None] | None = None,
                 terms: TermsCache | None = None, screening: Screening | None = None,
                 reference: bool | None = None) -> IngestResult:
    """Ingest every file under `paths`; a bad file is recorded in `failed` and the rest still ingest. A file's
    outcome is told (`on_file`) when it is settled: stored, unchanged, or failed.

    `reference` marks every file as background material (True) or the unit's own (False); None leaves it to the
    folder's manifest (`reference: true`), else to the kind of document (a higher body's 政府工作报告 or policy
    document is reference). An unchanged file whose mark changes is re-marked, not re-read."""
    result = IngestResult()
    manifests = _ManifestCache()
    screening = screening or Screening()
    tell = on_file or (lambda path, outcome: None)
    pending = PendingWrites(store, result, tell, screening.on_report)
    unembedded = EmbeddingQueue(embedder, pending, result)
    try:
        for path in discover_files(paths):
            if unembedded.holds(path.name) or pending.holds(path.name):
                # the same file name in another folder: the first must be stored before it is looked up
                unembedded.embed()
                pending.flush()
            try:
                outcome = _read_file(store, path, max_bytes, manifests.entry(path), result, terms, screening,
                                     reference)
            except LoadError as error:
                result.failed.append({"path": str(path), "error": str(error)})
                tell(path, "failed")
            else:
                if isinstance(outcome, _ReadFile):
                    unembedded.add(outcome)
                else:
                    setattr(result, outcome, getattr(result, outcome) + 1)
                    tell(path, outcome)
        unembedded.embed()
    except BaseException:   # an endpoint that fails, Ctrl-C: the files already embedded are still stored
        with contextlib.suppress(Exception):
            pending.flush()
        raise
    pending.flush()
    result.reports = len(store.list_reports())
    result.chunks = store.count_chunks()
    return result


EMBED_BATCH_PASSAGES = 256   # passages per embedding call, across files


class EmbeddingQueue:
    """Files read, waiting to be embedded together. A 街道's report is a few dozen passages: embedded one file
    at a time, the local model's workers idle at each file's last batch (12% slower on 37-passage files), and an
    endpoint gets a request per file. Once about EMBED_BATCH_PASSAGES wait they go in one call, and on to the
    writes; if the call fails they are simply not stored, and the next run reads them again."""

    def __init__(self, embedder: Embedder, pending: "PendingWrites", result: IngestResult) -> None:
        self.embedder, self.pending, self.result = embedder, pending, result
        self.items: list[_ReadFile] = []
        self.waiting = 0   # passages and titles the queued files will embed

    def holds(self, source: str) -> bool:
        return any(item.record.source == source for item in self.items)

    def add(self, item: "_ReadFile") -> None:
        self.items.append(item)
        self.waiting += len(item.texts_to_embed)
        if self.waiting >= EMBED_BATCH_PASSAGES:
            self.embed()

    def embed(self) -> None:
        """Embed every waiting file's new passages and title in one call, and queue the files' writes."""
        if not self.items:
            return
        started = time.perf_counter()
        texts = [text for item in self.items for text in item.texts_to_embed]
        with carrying(*(item.record.source for item in self.items)):   # the egress record names the reports
            vectors = self.embedder.embed(texts)
        self.result.timings["embed"] += time.perf_counter() - started
        start = 0
        for item in self.items:
            end = start + len(item.new_chunks)
            self.pending.add(_Pending(item, vectors[start:end], vectors[end:end + 1]))
            start = end + 1
        self.items, self.waiting = [], 0


@dataclass
class _Pending:
    """A report read and embedded, waiting for its write."""

    read: "_ReadFile"
    vectors: np.ndarray         # of its `new_chunks`
    title_vector: np.ndarray


class PendingWrites:
    """Reports embedded but not yet written. Chroma pays per write, so passages of many files go in one write of
    about WRITE_BATCH_PASSAGES (or what a few seconds gave, so progress keeps moving); each report's record is
    written after its passages and stale ones are gone, so a run killed before then leaves no record and the
    file is simply redone."""

    def __init__(self, store: ReportStore, result: IngestResult, tell: Callable[[Path, str], None],
                 on_report: Callable[[ReportRecord, list[Chunk]], None] | None) -> None:
        self.store, self.result, self.tell, self.on_report = store, result, tell, on_report
        self.items: list[_Pending] = []
        self.waiting = 0   # passages the queued reports will write
        self.since = 0.0   # when the oldest waiting report was queued

    def holds(self, source: str) -> bool:
        return any(item.read.record.source == source for item in self.items)

    def add(self, item: _Pending) -> None:
        if not self.items:
            self.since = time.monotonic()
        self.items.append(item)
        self.waiting += len(item.read.new_chunks)
        if self.waiting >= WRITE_BATCH_PASSAGES or time.monotonic() - self.since >= MAX_WAIT_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write the waiting passages, drop stale ones, then the records; tell each file's outcome."""
        if not self.items:
            return
        started = time.perf_counter()
        reads = [item.read for item in self.items]
        rows = [(chunk, read.record) for read in reads for chunk in read.new_chunks]
        if rows:
            self.store.add_chunk_rows(rows, np.vstack([item.vectors for item in self.items if item.read.new_chunks]))
        self.store.delete_chunks(sorted(chunk_id for read in reads for chunk_id in read.stale))
        self.store.save_reports([read.record for read in reads], np.vstack([item.title_vector for item in self.items]))
        self.result.timings["store"] += time.perf_counter() - started
        for read in reads:
            setattr(self.result, read.outcome, getattr(self.result, read.outcome) + 1)
            if self.on_report:
                self.on_report(read.record, read.chunks)
            self.tell(read.path, read.outcome)
        self.items, self.waiting = [], 0


@dataclass
class ReadReport:
    """A file read, parsed and cut into passages, before anything is stored."""

    document: LoadedDocument
    parsed: ParsedReport
    chunks: list[Chunk]
    coverage: float     # the share of its body's text that its passages and heading paths hold


def read_report(path: Path, max_bytes: int, manifest: dict[str, Any] | None = None,
                screening: Screening | None = None) -> ReadReport:
    """Load, screen, parse and chunk one file; LoadError for anything that may not come in."""
    screening = screening or Screening()
    source = path.name
    document = load_document(path, max_bytes=max_bytes)
    screening.check_shape(source, document.text)
    file_title = title_from_file_name(source) or path.stem
    parsed = _apply_manifest(parse_report(document.paragraphs, fallback_title=file_title), manifest or {})
    chunks = [replace(chunk, topics=tuple(tag_topics(chunk.heading_path, chunk.text)))
              for chunk in chunk_report(parsed.root, source)]
    if not chunks:
        raise LoadError(f"没有可入库的正文内容：{source}")
    screening.check_size(source, len(chunks))
    headings = {heading for chunk in chunks for heading in chunk.heading_path}
    kept = coverage(parsed.body, [parsed.title, *headings, *(chunk.text for chunk in chunks)])
    return ReadReport(document, parsed, chunks, kept)


@dataclass
class _ReadFile:
    """A new or changed file read and screened, waiting for its passages to be embedded."""

    path: Path
    outcome: str                # "added" or "updated"
    record: ReportRecord
    chunks: list[Chunk]
    new_chunks: list[Chunk]     # the ones the store lacks
    stale: list[str]            # ids of passages the file no longer has
    texts_to_embed: list[str]   # its new passages as embedded (breadcrumb and text), then its title


def _read_file(store: ReportStore, path: Path, max_bytes: int, manifest: dict[str, Any], result: IngestResult,
               terms: TermsCache | None, screening: Screening, reference: bool | None) -> _ReadFile | str:
    """Read one file up to its embedding: "unchanged", "updated" (only its reference mark changed), or the file
    read (a file stored with less than all of its text is also listed in `result.partial`)."""
    started = time.perf_counter()
    source = path.name
    digest = _file_sha256(path, max_bytes)
    existing = store.get_report(source)
    asked = reference if reference is not None else manifest.get("reference")
    if existing is not None and existing.sha256 == digest and existing.reader == reader_version():
        if asked is None or bool(asked) == existing.reference:
            return "unchanged"
        store.mark_reference(existing, bool(asked))
        return "updated"
    read = read_report(path, max_bytes, manifest, screening)
    if existing is not None and existing.sha256 == digest:
        result.reread += 1
    whole, parsed, chunks = read.document.text, read.parsed, read.chunks
    classified = screening.check(source, whole)
    if read.coverage < 1.0:
        result.partial.append({"path": str(path), "coverage": round(read.coverage, 4)})
    record = ReportRecord(report_id=report_id_for(source), source=source, title=parsed.title, year=parsed.year,
                          doc_type=parsed.doc_type, unit=parsed.unit, sha256=digest, chunks=len(chunks),
                          format=read.document.format, classified=classified,
                          personal=counted(find_personal(whole)),
                          reference=_is_reference(asked, existing, parsed), reader=reader_version())
    embedded = {chunk.chunk_id: chunk.embedding_text() for chunk in chunks}   # breadcrumb and text
    if terms is not None:
        terms.save(record.report_id, {chunk_id: tokenize(text) for chunk_id, text in embedded.items()})
    old_ids = store.chunk_ids_of(record.report_id)
    new_chunks = [chunk for chunk in chunks if chunk.chunk_id not in old_ids]
    result.timings["parse"] += time.perf_counter() - started
    return _ReadFile(path, "added" if existing is None else "updated", record, chunks, new_chunks,
                     sorted(old_ids - set(embedded)),
                     [embedded[chunk.chunk_id] for chunk in new_chunks] + [record.title])


def _is_reference(asked: bool | None, existing: ReportRecord | None, parsed: ParsedReport) -> bool:
    """The mark asked for; else the one the report already has (an edited file keeps its --reference); else by
    its kind (a higher body's 政府工作报告 or policy document)."""
    if asked is not None:
        return bool(asked)
    return existing.reference if existing is not None else is_reference_type(parsed.doc_type, parsed.title)


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A fingerprint of the code and data that read a file into passages (loading, the heading tree, chunking,
    topic tags). A report stored by other reading code is read again at the next ingest."""
    digest = hashlib.sha256()
    for path in (*(Path(module.__file__) for module in (loaders, structure, chunking, topics, chinese)),
                 topics.TOPICS_PATH):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _file_sha256(path: Path, max_bytes: int) -> str:
    """Content hash of a file (files over the size limit are left for the loader to refuse)."""
    try:
        if path.stat().st_size > max_bytes:
            return ""
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _apply_manifest(parsed: ParsedReport, entry: dict[str, Any]) -> ParsedReport:
    """Metadata written in the folder's manifest.yaml wins over what was inferred."""
    if not entry:
        return parsed
    return replace(parsed, title=entry.get("title", parsed.title), year=entry.get("year", parsed.year),
                   doc_type=entry.get("doc_type", parsed.doc_type), unit=entry.get("unit", parsed.unit))


class _ManifestCache:
    """manifest.yaml entries per folder, read once."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, dict[str, dict[str, Any]]] = {}

    def entry(self, path: Path) -> dict[str, Any]:
        """The manifest entry for a file, or {}."""
        folder = path.parent
        if folder not in self._by_folder:
            self._by_folder[folder] = read_manifest(folder / MANIFEST)
        return self._by_folder[folder].get(path.name, {})
