"""Briefs of many reports: which reports a command names, briefing them with bounded concurrency, and an output
folder that remembers what it holds.

`REPORT` is a file (ingested first when new or changed) or an ingested report's id, file name or title words;
`--all DIR` briefs every report file in DIR, `--all` alone every report in the store. A report that cannot be
read or briefed is listed in `failed` and the rest go on. The output folder keeps `index.json` (every brief with
the key of what it was made from: the report's sha256, engine, model, budget, format) and `index.md`; a re-run
skips a report whose key and file are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import UserError, ZongjieError
from ..files import write_text_atomically
from ..library.ingest import discover_files
from ..library.store import ReportRecord
from .export import brief_file_name, write_brief
from .pipeline import Budget, Condenser, brief_report

FORMATS = ("md", "docx")
INDEX_JSON, INDEX_MD = "index.json", "index.md"
BRIEF_FORMAT_VERSION = 1     # bump when a code change alters briefs, so folders brief again
OnBrief = Callable[[str, str], None]


@dataclass(frozen=True)
class BriefRequest:
    """What the user asked for."""

    targets: tuple[str, ...] = ()
    all_reports: bool = False
    max_chars: int | None = None
    format: str = "md"
    out_dir: Path | None = None
    concurrency: int = 4

    def check(self) -> None:
        """Refuse a request that cannot be carried out, before any work."""
        if self.format not in FORMATS:
            raise UserError(f"--format 只能是 md 或 docx，而不是“{self.format}”")
        if self.format == "docx" and self.out_dir is None:
            raise UserError("--format docx 需要用 --out 指定保存摘要的目录")
        if self.max_chars is not None and self.max_chars < 200:
            raise UserError(f"--max-chars {self.max_chars} 太小：一页摘要至少需要 200 字")
        if self.concurrency < 1:
            raise UserError("--concurrency 应为正整数")
        if not self.targets and not self.all_reports:
            raise UserError("请指定要摘要的报告（文件或已导入报告的文件名、标题），或用 --all 摘要全部报告")
        if self.out_dir is not None and self.out_dir.exists() and not self.out_dir.is_dir():
            raise UserError(f"--out 应是目录，而 {self.out_dir} 是一个文件")


@dataclass
class BatchResult:
    """The briefs made or reused, and the reports that failed."""

    briefs: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    reused: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"briefs": self.briefs, "failed": self.failed}


def resolve_reports(workspace: Any, request: BriefRequest, on_file: Callable[[Path, str], None] | None = None
                    ) -> tuple[list[ReportRecord], list[dict[str, str]]]:
    """The reports a request names (files ingested first) and the targets that could not be had."""
    if request.all_reports and not request.targets:
        workspace.ensure_ingested(lambda message: None, on_file)
        return workspace.reports(), []
    records: list[ReportRecord] = []
    failed: list[dict[str, str]] = []
    for target in request.targets:
        path = Path(target)
        if path.exists():
            found, problems = _ingested(workspace, path, on_file)
            records += found
            failed += problems
        elif request.all_reports:
            raise UserError(f"找不到目录 {target}")
        else:
            records.append(workspace.find_report(target))
    return list({record.report_id: record for record in records}.values()), failed


def _ingested(workspace: Any, path: Path, on_file: Callable[[Path, str], None] | None
              ) -> tuple[list[ReportRecord], list[dict[str, str]]]:
    """Ingest a file or folder (unchanged files cost nothing) and return its reports and its failures."""
    files = discover_files([path])
    if not files:
        raise UserError(f"{path} 中没有可读取的报告文件（支持 txt、md、docx、pdf）")
    result = workspace.ingest(files, on_file)
    failed_paths = {failure["path"] for failure in result.failed}
    records = [workspace.store.get_report(file.name) for file in files if str(file) not in failed_paths]
    return [record for record in records if record is not None], result.failed


def run_briefs(workspace: Any, records: list[ReportRecord], condenser: Callable[[], Condenser],
               request: BriefRequest, on_brief: OnBrief | None = None) -> BatchResult:
    """Brief every report (up to `concurrency` at once), writing files and the index when an out folder is set."""
    budget = Budget(request.max_chars)
    index = _read_index(request.out_dir)
    result = BatchResult()
    outcomes: dict[str, dict[str, Any] | dict[str, str]] = {}
    file_names = _file_names(records, request.format)

    def brief_one(record: ReportRecord) -> None:
        engine = condenser()
        key = _brief_key(record, engine, request)
        saved = index.get(record.source)
        if (saved and saved.get("key") == key and saved.get("file") == file_names[record.source]
                and request.out_dir and (request.out_dir / saved["file"]).is_file()):
            outcomes[record.source] = saved | {"reused": True}
            _tell(on_brief, record.source, "reused")
            return
        try:
            brief = brief_report(record, workspace.passages_of(record), engine, budget)
        except ZongjieError as error:
            outcomes[record.source] = {"path": record.source, "error": str(error)}
            _tell(on_brief, record.source, "failed")
            return
        entry = brief.to_json() | {"key": key}
        if request.out_dir is not None:
            entry["file"] = write_brief(brief, request.out_dir / file_names[record.source])
        outcomes[record.source] = entry
        _tell(on_brief, record.source, "done")

    # The offline condenser is pure Python: threads would only contend for the GIL.
    parallel = condenser().kind != "extractive"
    workers = max(1, min(request.concurrency if parallel else 1, len(records)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(brief_one, records))
    for record in records:
        outcome = outcomes[record.source]
        if "error" in outcome:
            result.failed.append(outcome)
        else:
            result.reused += bool(outcome.pop("reused", False))
            result.briefs.append(outcome)
    if request.out_dir is not None:
        _write_index(request.out_dir, index | {entry["source"]: entry for entry in result.briefs})
    return result


def _file_names(records: list[ReportRecord], file_format: str) -> dict[str, str]:
    """Each report's brief file, named after its title; reports sharing a title add their file's name."""
    names = {record.source: brief_file_name(record.title, record.source, file_format) for record in records}
    shared = Counter(names.values())
    return {record.source: names[record.source] if shared[names[record.source]] == 1 else
            brief_file_name(f"{record.title}（{Path(record.source).stem}）", record.source, file_format)
            for record in records}


def _tell(on_brief: OnBrief | None, source: str, outcome: str) -> None:
    if on_brief:
        on_brief(source, outcome)


def _brief_key(record: ReportRecord, engine: Condenser, request: BriefRequest) -> str:
    """What a brief was made from; an equal key means the brief on disk is still right."""
    inputs = [record.sha256, record.reader, engine.kind, engine.model, request.max_chars, request.format,
              BRIEF_FORMAT_VERSION]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:16]


def _read_index(out_dir: Path | None) -> dict[str, dict[str, Any]]:
    """The briefs an output folder already holds, by report file name."""
    if out_dir is None or not (out_dir / INDEX_JSON).is_file():
        return {}
    try:
        entries = json.loads((out_dir / INDEX_JSON).read_text(encoding="utf-8"))["briefs"]
        return {entry["source"]: entry for entry in entries}
    except (ValueError, KeyError, TypeError):
        return {}   # a damaged index only costs a re-run


def _write_index(out_dir: Path, entries: dict[str, dict[str, Any]]) -> None:
    """index.json (everything) and index.md (a table a person reads), each replaced atomically."""
    ordered = [entries[source] for source in sorted(entries)]
    write_text_atomically(out_dir / INDEX_JSON, json.dumps({"briefs": ordered}, ensure_ascii=False, indent=2) + "\n")
    rows = ["# 摘要索引", "", "| 报告 | 摘要文件 | 字数 | 覆盖一级标题 | 提示 |", "|---|---|---|---|---|"]
    for entry in ordered:
        coverage = f"{entry['sections']['covered']}/{entry['sections']['total']}"
        notes = "；".join(entry["warnings"]) or "—"
        rows.append(f"| {entry['title']}（{entry['source']}） | {entry['file']} | {entry['chars']} | {coverage} "
                    f"| {notes} |")
    write_text_atomically(out_dir / INDEX_MD, "\n".join(rows) + "\n")
