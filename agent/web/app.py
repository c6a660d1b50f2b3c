"""`zongjie serve`: the FastAPI app. Every route calls the library function the CLI calls and returns its JSON
(see the page in static/ for how it is shown); user mistakes come back as `{"error": "…"}` with a 4xx status."""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..brief import Budget, brief_report, make_condenser
from ..brief.export import brief_file_name, write_brief
from ..check import CheckRequest, CheckResult, check_draft
from ..check.annotate import write_commented
from ..check.findings import KIND_LABELS, SEVERITY_LABELS
from ..compare import CompareRequest, Comparison, compare_topic
from ..compare.export import export_comparison, title_of
from ..draft import (DraftRequest, ReportRequest, default_draft_year, draft_report, draft_section, export_draft,
                     make_writer)
from ..draft.export import draft_file_name
from ..draft.pipeline import draft_year
from ..draft.report_result import ReportDraft
from ..errors import UserError, ZongjieError
from ..files import readable_file_name
from ..library.store import ReportRecord
from ..library.topics import TOPICS
from ..workspace import OutlineNode, Workspace
from .auth import token_guard
from .chat_stream import ChatHub
from .uploads import UnsupportedUpload, UploadTooLarge, save_upload, save_uploads

STATIC = Path(__file__).parent / "static"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPARISON_FORMATS = {"xlsx": XLSX, "docx": DOCX, "html": "text/html; charset=utf-8"}   # a download's media type
KEPT_REPORTS = 8   # whole drafts kept for their Word download (a model's second run would read differently)
CHECKED_SUFFIXES = (".docx", ".txt", ".md")   # a draft to proofread: what a writer writes in
PASTED_NAME = "粘贴的文稿.txt"
# The check's notes speak to the command line; the page's user uploads files rather than passing flags.
PAGE_NOTES = {"没有提供 --facts 或 --materials": "没有上传今年的科室材料"}


class ChatRequest(BaseModel):
    session: str
    question: str


class SessionRequest(BaseModel):
    session: str


class DraftForm(BaseModel):
    section: str
    year: int | None = None
    org: str = ""
    facts: str = ""


class BriefForm(BaseModel):
    report: str


class CompareForm(BaseModel):
    section: str
    reports: list[str] = []   # file names, as /api/reports lists them; none: every report
    years: str = ""
    org: str = ""
    summary: bool = False


def create_app(workspace: Workspace, token: str | None = None, max_upload_mb: float | None = None) -> FastAPI:
    """The app over one workspace; with `token`, every request must carry it."""
    app = FastAPI(title="zongjie", docs_url=None, redoc_url=None, openapi_url=None)
    if token:
        app.middleware("http")(token_guard(token))
    web = _Web(workspace, max_upload_mb)
    _routes(app, web)

    @app.exception_handler(ZongjieError)
    async def user_error(request: Request, error: ZongjieError) -> JSONResponse:
        status = 413 if isinstance(error, UploadTooLarge) else 415 if isinstance(error, UnsupportedUpload) else 400
        return JSONResponse({"error": str(error)}, status_code=status)

    @app.exception_handler(HTTPException)
    async def form_too_large(request: Request, error: HTTPException) -> Response:
        # The form parser's own limit on a text field (1 MB) comes before ours, in English.
        if error.status_code == 400 and "exceeded maximum size" in str(error.detail):
            return JSONResponse({"error": "粘贴的文字太长，请把稿子存成文件后上传"}, status_code=413)
        return await http_exception_handler(request, error)

    return app


class _Web:
    """What the routes share: the workspace, the conversations, the last whole drafts, and one lock for writes to
    the store."""

    def __init__(self, workspace: Workspace, max_upload_mb: float | None) -> None:
        self.workspace = workspace
        self.max_bytes = int((max_upload_mb or workspace.settings.max_file_mb) * 1024 * 1024)
        self.writing = threading.Lock()
        self.chat = ChatHub(workspace, self.with_passages)
        self.scratch = Path(tempfile.mkdtemp(prefix="zongjie-web-"))
        self.reports: dict[str, ReportDraft] = {}   # upload digest → the whole draft made from it
        workspace.search("党建", k=1)   # build the search indexes now, not inside the first 20 requests at once

    def with_passages(self, citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Citations with the whole passage and its report's title, for the panel a [S1] opens (the user's
        facts, which have no passage, are left as they are)."""
        ids = [citation["chunk_id"] for citation in citations if citation.get("chunk_id")]
        chunks = self.workspace.store.get_chunks(ids) if ids else {}
        enriched = []
        for citation in citations:
            chunk = chunks.get(citation.get("chunk_id") or "")
            extra = {"passage": chunk.text, "report_title": chunk.report_title} if chunk else {}
            enriched.append(extra | citation)
        return enriched

    def draft(self, form: DraftForm) -> Any:
        facts_path = None
        if form.facts.strip():
            facts_path = self.scratch / f"facts-{hashlib.sha256(form.facts.encode()).hexdigest()[:12]}.yaml"
            facts_path.write_text(form.facts, encoding="utf-8")
        request = DraftRequest(section=form.section, year=form.year, org=form.org.strip(), facts_path=facts_path)
        return draft_section(self.workspace, request, make_writer(self.workspace))

    def report(self, files: list[UploadFile], year: str, org: str) -> tuple[str, ReportDraft]:
        """The whole report from this year's materials, with the digest of what was sent. The files go into a
        folder of this request's own, gone afterwards and never stored; the same files
        sent again (for the Word file) get the draft already shown rather than a second, different one."""
        if not files:
            raise UserError("请先选择今年各科室的材料文件（.docx .txt .md .pdf，可多选）")
        with tempfile.TemporaryDirectory(prefix="materials-", dir=self.scratch) as work:
            folder = Path(work) / "materials"
            paths = save_uploads([(file.file, file.filename or "") for file in files], folder, self.max_bytes)
            request = ReportRequest(year=draft_year(_form_year(year), self.workspace), org=org.strip(),
                                    materials_dir=folder, runs_dir=Path(work) / "runs", keep_materials=False)
            digest = _report_digest(paths, request, self.workspace.store.fingerprint())
            with self.writing:   # one draft at a time per upload, and the kept drafts are shared
                if digest not in self.reports:
                    self._keep(digest, draft_report(self.workspace, request, make_writer(self.workspace)))
                return digest, self.reports[digest]

    def _keep(self, digest: str, result: ReportDraft) -> None:
        while len(self.reports) >= KEPT_REPORTS:
            self.reports.pop(next(iter(self.reports)))   # the oldest first
        self.reports[digest] = result

    @contextmanager
    def checked(self, draft: UploadFile | None, text: str, materials: list[UploadFile], year: str
                ) -> Iterator[tuple[CheckResult, Path]]:
        """The check of a draft uploaded or pasted, against the materials sent with it; yields the result and a
        folder of this request's own, where the draft and materials are kept until the request is answered.
        Only reads the store."""
        wanted_year = _form_year(year)
        with tempfile.TemporaryDirectory(prefix="check-", dir=self.scratch) as work:
            path = self._draft_to_check(draft, text, Path(work) / "draft")
            materials_dir = Path(work) / "materials" if materials else None
            if materials_dir is not None:
                save_uploads([(file.file, file.filename or "") for file in materials], materials_dir, self.max_bytes)
            request = CheckRequest(path, materials_dir=materials_dir, year=wanted_year)
            yield check_draft(self.workspace, request), Path(work)

    def _draft_to_check(self, draft: UploadFile | None, text: str, folder: Path) -> Path:
        """The uploaded draft, or the pasted text as a .txt file, saved in `folder`."""
        if draft is not None and text.strip():
            raise UserError("请只给一份稿子：选了文件就不要再粘贴文字（或移除文件后再粘贴）")
        if draft is not None:
            return save_upload(draft.file, draft.filename or "", folder, self.max_bytes, CHECKED_SUFFIXES)
        if text.strip():
            return save_upload(io.BytesIO(text.encode("utf-8")), PASTED_NAME, folder, self.max_bytes)
        raise UserError("请先选择要校对的稿子（.docx .txt .md），或把稿子的文字粘贴进来")

    def brief(self, form: BriefForm) -> Any:
        record = self.workspace.find_report(form.report)
        condenser = make_condenser(self.workspace)()
        return brief_report(record, self.workspace.passages_of(record), condenser, Budget(None))

    def compare(self, form: CompareForm) -> Comparison:
        request = CompareRequest(section=form.section, reports=self._report_ids(form.reports), years=form.years,
                                 org=form.org.strip(), summary=form.summary)
        return compare_topic(self.workspace, request)

    def _report_ids(self, sources: list[str]) -> tuple[str, ...]:
        """The ids of the reports the page ticked: a page names reports by their exact file names, never by words
        to match (a report deleted meanwhile must not be replaced by another whose title holds the same words)."""
        return tuple(self.stored(source).report_id for source in sources)

    def stored(self, source: str) -> ReportRecord:
        """The report stored from file `source`; a clear error when it is gone."""
        record = self.workspace.store.get_report(source)
        if record is None:
            raise UserError(f"资料库中没有这份报告（{source}），可能已经删除；请刷新页面")
        return record

def _routes(app: FastAPI, web: _Web) -> None:
    workspace = web.workspace

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    files = {path.name: path for path in STATIC.iterdir() if path.is_file()}

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        if name not in files:
            return JSONResponse({"error": "没有这个文件"}, status_code=404)
        return FileResponse(files[name])

    @app.get("/api/status")
    def status() -> dict[str, Any]:
        settings = workspace.settings
        reports = workspace.reports()
        years = [report.year for report in reports if report.year]
        return {"engine": "extractive" if settings.is_offline else "llm",
                "model": None if settings.is_offline else settings.chat_model, "reports": len(reports),
                "max_upload_mb": round(web.max_bytes / (1024 * 1024), 2),
                "draft_year": default_draft_year(years), "newest_year": max(years, default=None)}

    @app.get("/api/topics")
    def topics() -> dict[str, Any]:
        return {"topics": [{"id": topic.id, "name": topic.name} for topic in TOPICS]}

    @app.get("/api/reports")
    def reports() -> dict[str, Any]:
        return {"reports": [{"source": r.source, "title": r.title, "year": r.year, "doc_type": r.doc_type,
                             "unit": r.unit, "chunks": r.chunks, "reference": r.reference}
                            for r in workspace.reports()]}

    @app.get("/api/reports/{source}/outline")
    def outline(source: str) -> dict[str, Any]:
        record = workspace.find_report(source)
        return {"source": record.source, "title": record.title} | _tree(workspace.outline(record))

    @app.delete("/api/reports/{source}")
    def remove(source: str) -> dict[str, Any]:
        with web.writing:
            removed = workspace.remove(web.stored(source))   # by file name only: a page never removes by guess
        return removed.to_json(remaining=len(workspace.reports()))

    @app.post("/api/upload")
    def upload(file: UploadFile = File(...), reference: str = Form("")) -> dict[str, Any]:
        """Ingest one file; `reference` "1" marks it background material (a 政府工作报告, a higher body's
        document, another unit's report), "0" the unit's own, "" leaves it to its kind, as `ingest` does."""
        with web.writing:
            path = save_upload(file.file, file.filename or "", workspace.uploads, web.max_bytes)
            result = workspace.ingest([path], reference={"1": True, "0": False}.get(reference))
        if result.failed:
            path.unlink(missing_ok=True)
            raise UserError(result.failed[0].get("error") or "无法导入这个文件")
        record = workspace.store.get_report(path.name)
        outcome = next(o for o in ("added", "updated", "unchanged") if getattr(result, o))
        return {"source": record.source, "title": record.title, "outcome": outcome, "reference": record.reference}

    @app.post("/api/chat")
    def chat(request: ChatRequest) -> StreamingResponse:
        if not request.question.strip():
            raise UserError("请输入问题")
        return StreamingResponse(web.chat.stream(request.session, request.question.strip()),
                                 media_type="text/event-stream", headers={"Cache-Control": "no-cache",
                                                                          "X-Accel-Buffering": "no"})

    @app.post("/api/chat/reset")
    def reset(request: SessionRequest) -> dict[str, bool]:
        web.chat.reset(request.session)
        return {"ok": True}

    @app.post("/api/draft")
    def draft(form: DraftForm) -> dict[str, Any]:
        result = web.draft(form)
        return result.to_json() | {"markdown": result.to_markdown(), "run_dir": None,
                                   "citations": web.with_passages(result.citations)}

    @app.post("/api/draft/docx")
    def draft_docx(form: DraftForm) -> Response:
        result = web.draft(form)
        path = export_draft(result, web.scratch / f"{hashlib.sha256(result.text.encode()).hexdigest()[:16]}.docx")
        return _download(path, draft_file_name(result, ".docx"), "draft.docx")

    @app.post("/api/draft/report")
    def report(files: list[UploadFile] | None = File(None), year: str = Form(""), org: str = Form("")
               ) -> dict[str, Any]:
        _, result = web.report(files or [], year, org)
        return result.to_json() | {"note": result.note, "run_dir": None,
                                   "citations": web.with_passages(result.citations)}

    @app.post("/api/draft/report/docx")
    def report_docx(files: list[UploadFile] | None = File(None), year: str = Form(""), org: str = Form("")
                    ) -> Response:
        digest, result = web.report(files or [], year, org)
        path = export_draft(result, web.scratch / f"{digest[:16]}.report.docx")
        name = readable_file_name(result.title, ".docx", fallback=f"{result.year}年工作总结")
        return _download(path, name, "report.docx")

    @app.post("/api/check")
    def check(draft: UploadFile | None = File(None), text: str = Form(""),
              materials: list[UploadFile] | None = File(None), year: str = Form("")) -> dict[str, Any]:
        with web.checked(draft, text, materials or [], year) as (result, _):
            return _check_json(result)

    @app.post("/api/check/docx")
    def check_docx(draft: UploadFile | None = File(None), text: str = Form(""),
                   materials: list[UploadFile] | None = File(None), year: str = Form("")) -> Response:
        with web.checked(draft, text, materials or [], year) as (result, work):
            path = work / "commented.docx"
            write_commented(result, path)
            name = readable_file_name(f"{result.path.stem}（校对批注）", ".docx", fallback="校对批注")
            return _download(path, name, "checked.docx")

    @app.post("/api/brief")
    def brief(form: BriefForm) -> dict[str, Any]:
        document = web.brief(form).to_json()
        return document | {"citations": web.with_passages(document["citations"])}

    @app.post("/api/brief/docx")
    def brief_docx(form: BriefForm) -> Response:
        result = web.brief(form)
        path = web.scratch / f"{hashlib.sha256(result.source.encode()).hexdigest()[:16]}.brief.docx"
        write_brief(result, path)
        return _download(path, brief_file_name(result.title, result.source, "docx"), "brief.docx")

    @app.post("/api/compare")
    def compare(form: CompareForm) -> dict[str, Any]:
        return web.compare(form).to_json()

    @app.post("/api/compare/export")
    def compare_export(form: CompareForm, file_format: str = Query("xlsx", alias="format")) -> Response:
        if file_format not in COMPARISON_FORMATS:
            raise UserError(f"对比表只能下载为 {'、'.join(COMPARISON_FORMATS)} 文件（现为“{file_format}”）")
        comparison = web.compare(form)
        with tempfile.TemporaryDirectory(prefix="compare-", dir=web.scratch) as work:
            path = export_comparison(comparison, Path(work) / f"compare.{file_format}")
            name = readable_file_name(title_of(comparison), path.suffix, fallback="对比表")
            return _download(path, name, path.name, COMPARISON_FORMATS[file_format])


def _form_year(text: str) -> int | None:
    """The year a form field gives ("" when left empty)."""
    text = text.strip()
    if not text:
        return None
    if not text.isdecimal():
        raise UserError(f"年度应填写四位数字，如 2023（现为“{text}”）")
    return int(text)


def _check_json(result: CheckResult) -> dict[str, Any]:
    """A check for the page: the draft's own name (never the server's folder), notes in the page's words, the
    Chinese names of kinds and severities, and the draft's lines, to show each finding where it stands."""
    notes = [next((note.replace(cli, page) for cli, page in PAGE_NOTES.items() if cli in note), note)
             for note in result.notes]
    lines = [{"number": line.number, "text": line.text} for line in result.lines]
    return result.to_json() | {"file": result.path.name, "notes": notes, "lines": lines,
                               "labels": {"kinds": KIND_LABELS, "severities": SEVERITY_LABELS}}


def _report_digest(paths: list[Path], request: ReportRequest, store_fingerprint: str) -> str:
    """What a whole draft depends on: the materials' names and bytes, the year, the unit and the store."""
    digest = hashlib.sha256(f"{request.year}\0{request.org}\0{store_fingerprint}".encode())
    for path in sorted(paths, key=lambda path: path.name):
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _tree(node: OutlineNode) -> dict[str, Any]:
    """A heading tree as nested JSON, each heading with the text of the passages directly under it (the page
    shows a section's text when its heading is clicked; the whole report is sent once, not once per level)."""
    return {"heading": node.title, "passages": list(node.texts),
            "children": [_tree(child) for child in node.children]}


def _download(path: Path, name: str, ascii_name: str, media_type: str = DOCX) -> Response:
    """A file the browser saves under `name` (RFC 5987 UTF-8; `ascii_name` for clients that cannot read it)."""
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(path.read_bytes(), media_type=media_type, headers={"Content-Disposition": disposition})
