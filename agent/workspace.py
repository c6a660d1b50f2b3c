"""The library entry points the CLI calls: open a store with its embedder, ingest, search, list and show reports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import UserError
from .library.ingest import IngestResult, Screening, discover_files, ingest_paths
from .library.lexical import LexicalIndex, TermsCache
from .library.retrieve import Hit, Retriever, SearchFilters, hit_from_chunk
from .library.rewrite import QueryRewriter
from .library.store import ReportRecord, ReportStore, StoredChunk, matching_reports
from .library.thesaurus import normalize
from .model.egress import EgressPolicy, SensitiveIndex
from .model.embedders import Embedder, make_embedder
from .model.endpoints import chat_endpoint, embedding_endpoint
from .model.llm import OpenAICompatibleModel
from .model.runlog import RunLog
from .settings import Settings
from .text.chinese import split_sentences

Notify = Callable[[str], None]


@dataclass
class OutlineNode:
    """A heading of an ingested report, rebuilt from its passages' breadcrumbs."""

    title: str
    children: list["OutlineNode"]
    passages: int = 0
    texts: list[str] = field(default_factory=list)   # the passages directly under this heading, in order


@dataclass(frozen=True)
class RemovedReport:
    """What `Workspace.remove` took out."""

    record: ReportRecord
    passages: int
    upload_deleted: bool

    def to_json(self, remaining: int) -> dict[str, Any]:
        return {"removed": self.record.source, "title": self.record.title, "passages": self.passages,
                "upload_deleted": self.upload_deleted, "reports": remaining}


class Workspace:
    """A store, the embedder it was built with, and a retriever over it, as the settings describe."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder, settings.base_url, settings.api_key,
                                                  egress=self._embedding_egress)

    def _embedding_egress(self) -> EgressPolicy:
        """The egress rules for a remote embedder (asked for only when one is configured)."""
        return EgressPolicy(embedding_endpoint(self.settings), lambda: SensitiveIndex.load(self.settings.store),
                            self.run_log.record_egress)

    @cached_property
    def store(self) -> ReportStore:
        """The Chroma store (opened on first use)."""
        return ReportStore.open(self.settings.store, self.embedder.name, url=self.settings.store_url)

    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retrieval over the store, with its BM25 cache beside the store."""
        cache = self.settings.cache_dir
        if self.settings.store_url:
            cache = cache / hashlib.sha1(self.settings.store_url.encode()).hexdigest()[:12]
        rewriter = None
        if self.settings.query_rewrite == "on" and not self.settings.is_offline:
            rewriter = QueryRewriter(self.chat_model(), cache)
        return Retriever(self.store, self.embedder, cache_dir=cache, rewriter=rewriter)

    @cached_property
    def run_log(self) -> RunLog:
        """The SQLite log of answers and model calls, beside the store (the API key scrubbed from errors)."""
        return RunLog(self.settings.run_log, secrets=(self.settings.api_key or "",))

    def chat_model(self, notify: Notify | None = None) -> OpenAICompatibleModel:
        """The configured OpenAI-compatible chat model, logging to the run log."""
        if self.settings.is_offline:
            raise UserError("当前为离线模式（provider=offline），没有配置对话模型：请用 --provider 选择接口")
        return OpenAICompatibleModel(self.settings, self.run_log, notify)

    def ingest(self, paths: Iterable[Path], on_file: Callable[[Path, str], None] | None = None,
               allow_classified: bool = False, force: bool = False, reference: bool | None = None) -> IngestResult:
        """Ingest files and folders into the store; documents with a classification mark only with
        `allow_classified`, and then only while every model endpoint is on this machine; files that do not look
        like a Chinese report (no Chinese, tens of thousands of passages) only with `force`; `reference` marks
        them as background material (None: by manifest, else by kind)."""
        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        terms = self._terms_cache()
        index = SensitiveIndex.load(self.settings.store)
        stored: list[str] = []

        def remember(record: ReportRecord, chunks: list) -> None:
            index.remember(record.source, record.title, record.classified.split("、") if record.classified else [],
                           [sentence for chunk in chunks for sentence in split_sentences(chunk.text)])
            stored.append(record.source)
            if record.classified:   # known to egress at once, before the next file (an ingest may be killed)
                index.save(self.settings.store)

        screening = Screening(allow_classified, self.not_local_reason(), remember, force)
        try:
            return ingest_paths(self.store, self.embedder, list(paths), max_bytes, on_file, terms, screening,
                                reference)
        finally:
            if stored:
                index.save(self.settings.store)

    def _terms_cache(self) -> TermsCache | None:
        """The BM25 words written at ingest, beside the derived indexes (none without a cache folder)."""
        return TermsCache(self.retriever.cache_dir / "terms") if self.retriever.cache_dir else None

    @property
    def uploads(self) -> Path:
        """Where files uploaded through the web page are kept (ingested from there)."""
        return self.settings.store / "uploads"

    def remove(self, record: ReportRecord) -> RemovedReport:
        """Take a report out of the 资料库: its passages and record, its BM25 words, its entry in the index
        egress checks, and the uploaded file it came from; afterwards nothing of it is found."""
        passages = self.store.remove_report(record)
        index = SensitiveIndex.load(self.settings.store)
        index.forget(record.source)
        index.save(self.settings.store)
        terms = self._terms_cache()
        if terms:
            terms.forget(record.report_id)
        upload = self.uploads / record.source
        had_upload = upload.is_file()
        upload.unlink(missing_ok=True)
        return RemovedReport(record, passages, had_upload)

    def not_local_reason(self) -> str:
        """Which configured endpoint is not on this machine ("" when none is)."""
        remote = [(name, endpoint) for name, endpoint in (("对话接口", chat_endpoint(self.settings)),
                                                          ("向量模型", embedding_endpoint(self.settings)))
                  if not endpoint.is_local]
        return "；".join(f"当前{name}是 {endpoint.describe()}" for name, endpoint in remote)

    def ensure_ingested(self, notify: Notify, on_file: Callable[[Path, str], None] | None = None) -> None:
        """A command that needs reports and finds the store empty ingests ./corpus first, saying so."""
        if self.store.count_chunks():
            return
        corpus = self.settings.corpus
        if not corpus.is_dir() or not discover_files([corpus]):
            raise UserError(f"资料库是空的，且没有找到 {corpus}/ 目录。请先运行 `zongjie ingest 报告目录`")
        notify(f"资料库为空，先导入 {corpus}/ 中的报告……")
        result = self.ingest([corpus], on_file)
        notify(f"已导入 {result.added} 份报告，共 {result.chunks} 段。")

    def search(self, query: str, k: int = 8, filters: SearchFilters | None = None) -> list[Hit]:
        """Hybrid search over the store."""
        if k < 1:
            raise UserError("-k 应为正整数")
        return self.retriever.search(query, k=k, filters=filters)

    def reports(self) -> list[ReportRecord]:
        """Every ingested report."""
        return self.store.list_reports()

    def own_reports(self) -> list[ReportRecord]:
        """The unit's own reports: what drafts learn from and comparisons set side by side (reference documents,
        such as a 政府工作报告, left out)."""
        return [report for report in self.reports() if not report.reference]

    def find_report(self, wanted: str) -> ReportRecord:
        """One report by id, file name, or words of its title; a clear error when none or several match."""
        reports = self.reports()
        matches = matching_reports(reports, wanted)
        if len(matches) == 1:
            return matches[0]
        listing = "；".join(f"{r.source}（{r.title}）" for r in (matches or reports)[:8]) or "（资料库为空）"
        problem = f"有 {len(matches)} 份报告符合“{wanted}”" if matches else f"找不到报告“{wanted}”"
        raise UserError(f"{problem}，请用文件名指定。{listing}")

    def outline(self, report: ReportRecord) -> OutlineNode:
        """The heading tree of an ingested report, from its passages in document order."""
        return build_outline(report.title, self.passages_of(report))

    def passages_of(self, report: ReportRecord) -> list[StoredChunk]:
        """Every passage of a report, in document order."""
        ids = sorted(self.store.chunk_ids_of(report.report_id))
        return sorted(self.store.get_chunks(ids).values(), key=lambda chunk: chunk.ordinal)

    def report_passages(self, source: str) -> list[Hit]:
        """Every passage of the report ingested from `source`, in document order, as hits (rank = position)."""
        record = self.store.get_report(source)
        return [hit_from_chunk(chunk.ordinal + 1, 1.0, chunk) for chunk in self.passages_of(record)] if record else []

    def passages(self, chunk_ids: list[str]) -> list[Hit]:
        """Passages by id, as hits in report and document order (rank = position in the report)."""
        chunks = sorted(self.store.get_chunks(chunk_ids).values(), key=lambda chunk: (chunk.source, chunk.ordinal))
        return [hit_from_chunk(chunk.ordinal + 1, 1.0, chunk) for chunk in chunks]

    def lexical(self) -> LexicalIndex:
        """The BM25 index over every stored passage (built or loaded once)."""
        return self.retriever.lexical_index()

    def section_passages(self, report: ReportRecord, heading: str) -> list[Hit]:
        """The passages under the first heading of `report` that contains `heading` (width and spaces ignored),
        in document order."""
        wanted = normalize(heading)
        chunks = self.passages_of(report)
        for chunk in chunks:
            for depth, title in enumerate(chunk.heading_path):
                if wanted and wanted in normalize(title):
                    prefix = chunk.heading_path[: depth + 1]
                    inside = [c for c in chunks if c.heading_path[: depth + 1] == prefix]
                    return [hit_from_chunk(rank, 1.0, c) for rank, c in enumerate(inside, 1)]
        return []


def build_outline(title: str, chunks: Iterable[StoredChunk]) -> OutlineNode:
    """Nest heading paths into a tree, counting the passages under each heading."""
    root = OutlineNode(title=title, children=[])
    for chunk in chunks:
        node = root
        for heading in chunk.heading_path:
            if not node.children or node.children[-1].title != heading:
                node.children.append(OutlineNode(title=heading, children=[]))
            node = node.children[-1]
        node.passages += 1
        node.texts.append(chunk.text)
    return root
