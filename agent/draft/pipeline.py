"""`zongjie draft`: evidence → outline → section text → guards → export, each stage saved in a run folder.

The run folder (`<store>/drafts/<栏目>-<年>-<hash>/`) is named by everything the draft depends on (topic, year,
unit, facts, engine and model, the store's contents), so a re-run with the same inputs finds its earlier stages:
a model's outline and text are reused rather than paid for twice, and a run cut off by a failing endpoint
resumes after the last stage it finished. Every stage's file can be read (and the outline edited) by hand.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from ..errors import UserError
from ..files import write_text_atomically
from ..library.topics import Topic, resolve_section
from ..text.facts import Facts, load_facts
from ..text.figures import PLACEHOLDER
from .compose import SentenceContext, Written, unit_kind_of
from .evidence import DraftEvidence, gather_evidence, section_title
from .from_materials import MaterialPoint
from .guard import DraftGuard
from .outline import Outline, parse_outline
from .repeats import drop_repeated_clauses
from .result import Draft, collect_citations

Notify = Callable[[str], None]
OnText = Callable[[str], None]
MIN_YEAR, MAX_YEAR = 1950, 2100


class DraftWriter(Protocol):
    """What the pipeline needs of an engine: an outline and a text over the evidence."""

    kind: str
    model: str | None
    warnings: list[str]

    def outline(self, evidence: DraftEvidence, title: str, year: int) -> Outline:
        """3–6 points for the section."""

    def write(self, outline: Outline, evidence: DraftEvidence, context: SentenceContext,
              on_text: OnText | None = None) -> Written:
        """The section's paragraphs, citing evidence and facts keys."""

    def write_materials(self, outline: Outline, points: list[MaterialPoint], evidence: DraftEvidence,
                        context: SentenceContext, on_text: OnText | None = None) -> Written:
        """A section of the whole report from this year's material facts, in the past reports' style."""


@dataclass(frozen=True)
class DraftRequest:
    """What the user asked for."""

    section: str
    year: int | None = None
    org: str = ""
    facts_path: Path | None = None
    outline_path: Path | None = None
    outline_only: bool = False
    runs_dir: Path | None = None  # where run folders go (default: drafts/ in the store)


class RunFolder:
    """One draft run's stage files (written atomically, so a killed run leaves no half file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)

    def read(self, name: str) -> str | None:
        """A stage file's text, or None when that stage has not been done."""
        file = self.path / name
        return file.read_text(encoding="utf-8") if file.is_file() else None

    def write(self, name: str, text: str) -> None:
        """Save a stage file."""
        write_text_atomically(self.path / name, text)

    def write_json(self, name: str, data: Any) -> None:
        self.write(name, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def draft_section(workspace: Any, request: DraftRequest, writer: DraftWriter, notify: Notify | None = None,
                  on_text: OnText | None = None) -> Draft:
    """Run the draft stages for `request` with `writer`; stage progress goes to `notify`."""
    notify = notify or (lambda message: None)
    topic = resolve_section(request.section)
    facts = load_facts(request.facts_path)
    edited_outline = read_outline_file(request.outline_path)
    workspace.ensure_ingested(notify)
    year = draft_year(request.year, workspace)
    evidence = gather_evidence(topic, workspace.store.chunks_with_topic(topic.id))
    if not evidence.passages:
        raise UserError(f"资料库的往年报告中没有“{topic.name}”方面的内容，无法起草；请先导入包含这一部分的报告")
    runs_dir = request.runs_dir or workspace.settings.store / "drafts"
    run = RunFolder(runs_dir / _run_name(workspace, topic, year, request.org, facts, writer))
    run.write_json("evidence.json", evidence.to_json())
    title = f"{request.org}{year}年{section_title(topic)}"
    outline = _outline_stage(run, writer, evidence, title, year, edited_outline, notify)
    draft = Draft(section=topic.name, year=year, title=title, outline=outline, engine=writer.kind,
                  model=writer.model, run_dir=run.path)
    if request.outline_only:
        return draft
    context = SentenceContext(year=year, org=request.org, facts=facts,
                              unit_kind=unit_kind_of(request.org, [report.title for report in workspace.own_reports()]))
    written = _text_stage(run, writer, outline, evidence, context, notify, on_text)
    _guard_stage(draft, written, evidence, facts, context, writer)
    run.write("draft.md", draft.to_markdown())
    run.write_json("result.json", draft.to_json())
    return draft


def _outline_stage(run: RunFolder, writer: DraftWriter, evidence: DraftEvidence, title: str, year: int,
                   edited: str | None, notify: Notify) -> Outline:
    """The user's edited outline, else a model outline this run already paid for, else a new one."""
    saved = run.read("outline.json") if writer.kind != "extractive" else None
    if edited is not None:
        outline = parse_outline(edited, evidence, title)
    elif saved:
        notify(f"沿用本次运行已生成的提纲：{run.path / 'outline.md'}")
        outline = Outline.from_json(json.loads(saved))
    else:
        notify(f"根据 {len(evidence.passages)} 段往年资料拟定提纲……")
        outline = writer.outline(evidence, title, year)
    run.write("outline.md", outline.render())
    run.write_json("outline.json", outline.to_json())
    return outline


def _text_stage(run: RunFolder, writer: DraftWriter, outline: Outline, evidence: DraftEvidence,
                context: SentenceContext, notify: Notify, on_text: OnText | None) -> Written:
    """The unguarded text: reused when a model already wrote it for this very outline, else written now."""
    name = f"text.{hashlib.sha256(outline.render().encode()).hexdigest()[:10]}.json"
    saved = run.read(name)
    if saved and writer.kind != "extractive":
        notify("沿用本次运行已生成的正文（提纲未变）")
        return Written(**json.loads(saved))
    notify("撰写正文……")
    written = writer.write(outline, evidence, context, on_text)
    run.write_json(name, {"paragraphs": written.paragraphs, "quotes": written.quotes,
                          "shown_keys": written.shown_keys})
    return written


def _guard_stage(draft: Draft, written: Written, evidence: DraftEvidence, facts: Facts,
                 context: SentenceContext, writer: DraftWriter) -> None:
    """Run the guards over each paragraph and fill the draft's text, citations, warnings and note."""
    guard = DraftGuard(evidence, facts, context.year, plan=evidence.topic.id == "dasuan", shown=written.shown_keys)
    draft.paragraphs = drop_repeated_clauses([guard.check(paragraph) for paragraph in written.paragraphs])
    draft.citations = collect_citations(draft.text, evidence, facts, written.quotes)
    draft.warnings = [*writer.warnings, *context_warnings(context), *guard.report.warnings()]
    unused = [fact.wording for fact in facts.items if f"[{fact.key}]" not in draft.text]
    if unused:
        draft.warnings.append("以下事实没有写进正文，请手工补入：" + "；".join(unused))
    draft.note = _note(draft, evidence, facts)


def context_warnings(context: SentenceContext) -> list[str]:
    """What adapting past sentences changed, for the user to check."""
    lines = []
    if context.year_changes:
        changes = "、".join(dict.fromkeys(f"{old}→{new}" for old, new in context.year_changes))
        lines.append(f"沿用的往年语句中的年份已按{context.year}年改写（{changes}），请核对")
    if context.honours_skipped:
        lines.append("往年报告中的荣誉未写入今年的初稿：" + "、".join(dict.fromkeys(context.honours_skipped)))
    return lines


def _note(draft: Draft, evidence: DraftEvidence, facts: Facts) -> str:
    """The first-draft label shown above the text, in words for whoever reads the draft (no flags, no keys)."""
    reports = len({citation["source"] for citation in draft.citations if citation["chunk_id"]})
    how = "由往年报告原句整理" if draft.engine == "extractive" else f"由模型 {draft.model} 参照往年报告起草"
    if not facts:
        numbers = f"未提供今年的数字，文中{PLACEHOLDER}处请按实际填写。"
    elif draft.placeholders:
        numbers = f"今年的数字取自提供的 {len(facts.items)} 项，文中 {draft.placeholders} 处{PLACEHOLDER}请按实际填写。"
    else:
        numbers = f"今年的数字取自提供的 {len(facts.items)} 项。"
    return (f"【初稿】本稿{how}（参考 {reports} 份报告的 {len(evidence.passages)} 段相关内容），"
            f"数字请按{draft.year}年实际填写。{numbers}文中编号对应文末的依据。")


def read_outline_file(path: Path | None) -> str | None:
    """An edited outline's text (checked before any work starts)."""
    if path is None:
        return None
    if not path.is_file():
        raise UserError(f"找不到提纲文件 {path}")
    return path.read_text(encoding="utf-8-sig", errors="replace")


def draft_year(requested: int | None, workspace: Any) -> int:
    """The year asked for, else the year after the newest report in the store."""
    if requested is not None:
        if not MIN_YEAR <= requested <= MAX_YEAR:
            raise UserError(f"起草年份 {requested} 不合理（应在 {MIN_YEAR}–{MAX_YEAR} 之间）")
        return requested
    return default_draft_year(report.year for report in workspace.own_reports())


def default_draft_year(years: Iterable[int | None]) -> int:
    """The year a draft is for when none is asked: the year after the newest report, else this year."""
    known = [year for year in years if year]
    return max(known) + 1 if known else datetime.date.today().year


def _run_name(workspace: Any, topic: Topic, year: int, org: str, facts: Facts, writer: DraftWriter) -> str:
    """The run folder's name for these inputs."""
    inputs = json.dumps([topic.id, year, org, facts.digest(), writer.kind, writer.model,
                         workspace.store.fingerprint()], ensure_ascii=False)
    digest = hashlib.sha256(inputs.encode()).hexdigest()[:8]
    return f"{topic.name}-{year}-{digest}"
