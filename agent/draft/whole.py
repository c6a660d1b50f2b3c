"""`zongjie draft --all`: the whole report in the unit's outline, from this year's department materials.

Stages, each saved in the run folder (`<store>/drafts/全文-<年>-<hash>/`): the materials read into facts
(materials.json), the outline learned from past reports or edited by the writer (outline.md), then each part
and section written and guarded, the keys of all sections joined into one 依据 list, repeated clauses removed,
and every material fact accounted for: used in which section, or left out and why (report.md, result.json).

A section of this year's work takes the material facts of its topic (`from_materials.py`); with no materials
for it, it says so (〔待补〕) rather than pass past sentences off as this year's. 存在问题 and 下一步打算 take the
materials' own problems and plans, else the past reports' forms, figures 〔待补〕. Without --materials at all,
every section is written from past reports as `draft --section` does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..library.topics import FRAME_TOPIC_IDS, get_topic, resolve_section, term_hits
from ..materials import Materials, load_materials
from ..materials.facts import SUMS_UP_YEAR, MaterialFact
from ..text.chinese import chinese_numeral
from ..text.citations import insert_key, keys_in, rename_keys
from ..text.facts import Fact, Facts, load_facts
from ..text.figures import PLACEHOLDER
from .compose import SentenceContext, Written, unit_kind_of
from .evidence import DraftEvidence, gather_evidence
from .from_materials import (material_outline, opening_facts, plan_material_points, sentence_for_report,
                             table_paragraphs)
from .guard import DraftGuard, DraftGuardReport
from .numbering import POINT_STYLE
from .pipeline import DraftWriter, Notify, OnText, RunFolder, context_warnings, draft_year, read_outline_file
from .repeats import drop_repeated_clauses
from .report_outline import (PLANS, WORK, PastReport, ReportPart, learn_outline, only_section,
                             parse_report_outline)
from .report_result import ReportDraft, ReportSection
from .result import collect_citations

NO_MATERIAL = f"{PLACEHOLDER}（今年各科室材料中没有这方面的内容，请补充或删去本节。）"
NO_SOURCE = f"{PLACEHOLDER}（材料和往年报告中都没有可用的内容，请按今年实际撰写。）"
NOT_PLACED = "没有对应的栏目"


@dataclass(frozen=True)
class ReportRequest:
    """What the user asked for with `draft --all`."""

    year: int | None = None
    org: str = ""
    materials_dir: Path | None = None
    facts_path: Path | None = None
    outline_path: Path | None = None
    outline_only: bool = False
    runs_dir: Path | None = None
    section: str | None = None   # only this section (or part) of the report: `draft --section X --materials DIR`
    keep_materials: bool = True  # store the materials' sentences (a web upload's folder is gone after the request)


@dataclass
class _Written:
    """One section's guarded paragraphs, with the evidence and facts its keys refer to."""

    paragraphs: list[str]
    evidence: DraftEvidence | None
    facts: Facts
    quotes: dict[str, str] = field(default_factory=dict)
    basis: str = ""


def draft_report(workspace: Any, request: ReportRequest, writer: DraftWriter, notify: Notify | None = None,
                 on_text: OnText | None = None) -> ReportDraft:
    """Run the whole-report stages for `request` with `writer`."""
    notify = notify or (lambda message: None)
    user_facts = load_facts(request.facts_path)
    edited = read_outline_file(request.outline_path)
    workspace.ensure_ingested(notify)
    year = draft_year(request.year, workspace)
    records = workspace.own_reports()   # read once: the outline and the unit's kind both come from them
    materials = _materials(workspace, request, year, notify)
    run = RunFolder((request.runs_dir or workspace.settings.store / "drafts")
                    / _run_name(workspace, year, request.org, user_facts, materials, writer))
    if materials is not None:
        run.write_json("materials.json", [fact.to_json() | {"held_back": materials.held_back.get(fact.key, "")}
                                          for fact in materials.facts])
    placed_facts = _place_user_facts(user_facts)
    outline = parse_report_outline(edited) if edited is not None else learn_outline(
        _past_reports(workspace, records), year, request.org,
        (materials.topics() if materials else []) + [topic for topic in placed_facts.values() if topic])
    if request.section:
        outline = only_section(outline, resolve_section(request.section).id)
    run.write("outline.md", outline.render())
    draft = ReportDraft(title=outline.title, year=year, org=request.org, outline=outline, engine=writer.kind,
                        model=writer.model, run_dir=run.path)
    if request.outline_only:
        return draft
    context = SentenceContext(year=year, org=request.org, facts=user_facts,
                              unit_kind=unit_kind_of(request.org, [record.title for record in records]))
    writing = _ReportWriter(workspace, writer, materials, user_facts, placed_facts, context, notify, on_text)
    for part in outline.parts:
        writing.add_part(draft, part)
    writing.finish(draft)
    run.write("report.md", draft.to_markdown())
    run.write_json("result.json", draft.to_json())
    return draft


def _materials(workspace: Any, request: ReportRequest, year: int, notify: Notify) -> Materials | None:
    if request.materials_dir is None:
        return None
    store = workspace.store if request.keep_materials else None
    return load_materials(request.materials_dir, year, store, workspace.embedder, notify)


def _place_user_facts(facts: Facts) -> dict[str, str]:
    """Each --facts entry's subject topic by its words ("" when they name none)."""
    placed = {}
    for fact in facts.items:
        hits = {topic: count for topic, count in term_hits(fact.label).items() if topic not in FRAME_TOPIC_IDS}
        placed[fact.key] = max(hits, key=hits.get) if hits else ""
    return placed


def _past_reports(workspace: Any, records: list[Any]) -> list[PastReport]:
    reports = []
    for record in records:
        tree = workspace.outline(record)
        reports.append(PastReport(record.title, record.year,
                                  [(node.title, [child.title for child in node.children]) for node in tree.children]))
    return reports


class _ReportWriter:
    """Writes the parts and sections of one report and keeps what joining them needs."""

    def __init__(self, workspace: Any, writer: DraftWriter, materials: Materials | None, user_facts: Facts,
                 placed: dict[str, str], context: SentenceContext, notify: Notify, on_text: OnText | None) -> None:
        self.workspace = workspace
        self.writer = writer
        self.materials = materials
        self.user_facts = user_facts
        self.placed = placed
        self.context = context
        self.notify = notify
        self.on_text = on_text
        self.used_headings: set[str] = set()
        self.seen_clauses: set[str] = set()
        self.sources: dict[str, dict[str, Any]] = {}   # global key → citation
        self.passage_keys: dict[str, str] = {}         # chunk id → global S key
        self.section_of: dict[str, str] = {}           # fact key → section title
        self.guarded = DraftGuardReport()   # what the guards changed, over all sections
        self.block_sizes: dict[tuple, int] = {}   # (file, headings) → facts under that heading of a material
        for fact in materials.facts if materials else []:
            block = (fact.file, fact.headings)
            self.block_sizes[block] = self.block_sizes.get(block, 0) + 1

    def add_part(self, draft: ReportDraft, part: ReportPart) -> None:
        number = sum(1 for section in draft.sections if section.level == 2)
        title = f"{chinese_numeral(number + 1)}、{part.title}"
        if part.kind == WORK:
            draft.sections.append(ReportSection(title, 2, WORK))
            for index, section in enumerate(part.sections):
                heading = f"（{chinese_numeral(index + 1)}）{section.title}"
                self.notify(f"撰写 {heading}……")
                written = self._work_section(section.topic, heading)
                draft.sections.append(self._joined(heading, 3, WORK, section.topic, written))
        else:
            self.notify(f"撰写 {title}……")
            written = self._frame_part(part.kind, title)
            draft.sections.append(self._joined(title, 2, part.kind, part.kind, written))

    def _work_section(self, topic_id: str, heading: str) -> _Written:
        topic = get_topic(topic_id)
        evidence = gather_evidence(topic, self.workspace.store.chunks_with_topic(topic.id))
        facts = self._facts_for(topic_id, "")
        if facts:
            return self._from_materials(topic_id, heading, facts, evidence)
        if self.materials is None and evidence.passages:
            return self._from_past(evidence, heading)
        return _Written([NO_MATERIAL if self.materials is not None else NO_SOURCE], evidence, Facts(), basis="gap")

    def _frame_part(self, kind: str, title: str) -> _Written:
        topic = get_topic(kind)
        evidence = gather_evidence(topic, self.workspace.store.chunks_with_topic(topic.id))
        facts = self._facts_for("", kind)
        if facts:
            return self._from_materials(kind, title, facts, evidence)
        if evidence.passages:
            return self._from_past(evidence, title)
        return _Written([NO_SOURCE], evidence, Facts(), basis="gap")

    def _facts_for(self, topic_id: str, frame: str) -> list[Fact]:
        """The material facts (and --facts entries) a section takes."""
        found: list[Fact] = []
        if self.materials is not None:
            found += self.materials.of_frame(frame) if frame else self.materials.of_topic(topic_id)
        if not frame:
            found += [fact for fact in self.user_facts.items if self.placed.get(fact.key) == topic_id]
        return found

    def _from_materials(self, topic_id: str, heading: str, facts: list[Fact], evidence: DraftEvidence) -> _Written:
        """An opening from the materials' own summaries, then the points."""
        topic = get_topic(topic_id)
        material = [_as_material(fact) for fact in facts]
        opening = opening_facts(topic, material)
        tables = [fact for fact in material if fact.table]
        prose = [fact for fact in material if fact not in opening and not fact.table]
        points = plan_material_points(topic, prose, evidence, self.used_headings, self.block_sizes)
        outline = material_outline(heading, POINT_STYLE, points)
        written = self.writer.write_materials(outline, points, evidence, self.context, self.on_text)
        written.paragraphs += table_paragraphs(tables)   # after the points, whoever wrote them
        if opening:
            written.paragraphs.insert(0, "".join(insert_key(sentence_for_report(fact.label, self.context.org), fact.key)
                                                 for fact in opening))
        section_facts = Facts(tuple(self.user_facts.items) + tuple(f for f in facts if isinstance(f, MaterialFact)))
        return self._guarded(written, evidence, section_facts, plan=topic_id == PLANS, basis="materials")

    def _from_past(self, evidence: DraftEvidence, heading: str) -> _Written:
        outline = self.writer.outline(evidence, heading, self.context.year)
        outline.style = POINT_STYLE   # inside a report the sections are （一）; their points run in as 一是
        written = self.writer.write(outline, evidence, self.context, self.on_text)
        return self._guarded(written, evidence, self.user_facts, plan=evidence.topic.id == PLANS, basis="past")

    def _guarded(self, written: Written, evidence: DraftEvidence, facts: Facts, plan: bool, basis: str) -> _Written:
        guard = DraftGuard(evidence, facts, self.context.year, plan=plan, shown=written.shown_keys)
        paragraphs = [guard.check(paragraph) for paragraph in written.paragraphs]
        self.guarded.merge(guard.report)
        return _Written(paragraphs, evidence, facts, written.quotes, basis)

    def _joined(self, title: str, level: int, kind: str, topic: str, written: _Written) -> ReportSection:
        """The section with its keys renamed into the document's (S keys numbered across sections), repeats of
        earlier clauses removed, and its sources added to the 依据."""
        paragraphs = drop_repeated_clauses(written.paragraphs, self.seen_clauses)
        text = "\n\n".join(paragraphs)
        names = {}
        for citation in collect_citations(text, written.evidence, written.facts, written.quotes) \
                if written.evidence else []:
            key = citation["key"]
            if citation.get("chunk_id"):
                global_key = self.passage_keys.setdefault(citation["chunk_id"], f"S{len(self.passage_keys) + 1}")
                names[key] = global_key
                citation = citation | {"key": global_key}
            self.sources.setdefault(citation["key"], citation)
        paragraphs = [rename_keys(paragraph, names) for paragraph in paragraphs]
        for key in keys_in("\n".join(paragraphs)):
            self.section_of.setdefault(key, title)
        return ReportSection(title, level, kind, topic if kind == WORK else "", paragraphs, written.basis)

    def finish(self, draft: ReportDraft) -> None:
        """The one 依据 list in order of first use, the facts' account, the conflicts and warnings, the note."""
        order = list(dict.fromkeys(keys_in(draft.text)))
        draft.citations = [self.sources[key] for key in order if key in self.sources]
        if self.materials is not None:
            self._account(draft)
        draft.warnings = [*self.writer.warnings, *context_warnings(self.context),
                          *self.guarded.warnings()]
        if self.materials is not None and self.materials.unreadable:
            draft.warnings.append("以下材料读不出来，未用：" + "；".join(self.materials.unreadable))
        draft.warnings += [f"数字冲突：{conflict['description']}" for conflict in draft.conflicts]
        unused_user = [fact.wording for fact in self.user_facts.items if fact.key not in order]
        if unused_user:
            draft.warnings.append("以下事实没有写进正文，请手工补入：" + "；".join(unused_user))
        draft.note = _note(draft, self.materials)

    def _account(self, draft: ReportDraft) -> None:
        """Which material facts went into which section, which did not and why."""
        materials = self.materials
        outline_topics = set(draft.outline.topics())
        for fact in materials.facts:
            entry = {"key": fact.key, "text": fact.label, "file": fact.file, "line": fact.line}
            if fact.key in self.section_of:
                draft.facts_used.append(entry | {"section": self.section_of[fact.key]})
                continue
            draft.facts_unused.append(entry | {"reason": _why_unused(fact, materials, outline_topics)})
        draft.conflicts = [conflict.to_json() | {"description": conflict.describe()}
                           for conflict in materials.conflicts]


def _why_unused(fact: MaterialFact, materials: Materials, outline_topics: set[str]) -> str:
    if fact.key in materials.held_back:
        return materials.held_back[fact.key]
    if not fact.topic and not fact.material_topic and not fact.headings and SUMS_UP_YEAR.match(fact.label):
        return "科室工作综述，没有对应的栏目"
    if not fact.topic and not fact.frame:
        return NOT_PLACED
    if not fact.frame and fact.topic not in outline_topics:
        return f"提纲中没有“{get_topic(fact.topic).name}”栏目"
    return "与前文重复，已删去"


def _as_material(fact: Fact) -> MaterialFact:
    """A --facts entry in the shape material facts have (its wording, no file)."""
    if isinstance(fact, MaterialFact):
        return fact
    return MaterialFact(key=fact.key, label=fact.wording, file="", line=0, title="")


def _note(draft: ReportDraft, materials: Materials | None) -> str:
    how = "由各科室材料整理" if draft.engine == "extractive" else f"由模型 {draft.model} 根据各科室材料起草"
    if materials is None:
        how = "由往年报告原句整理" if draft.engine == "extractive" else f"由模型 {draft.model} 参照往年报告起草"
        source = "未提供今年的科室材料"
    else:
        source = (f"用了 {len(materials.files)} 份材料 {len(materials.facts)} 条中的 {len(draft.facts_used)} 条，"
                  f"未用的 {len(draft.facts_unused)} 条见清单")
    blanks = f"文中 {draft.placeholders} 处{PLACEHOLDER}请按实际填写。" if draft.placeholders else ""
    return f"【初稿】本稿{how}，按往年报告的结构和写法排列（{source}）。{blanks}文中编号对应文末的依据。"


def _run_name(workspace: Any, year: int, org: str, facts: Facts, materials: Materials | None,
              writer: DraftWriter) -> str:
    material_digest = hashlib.sha256("\n".join(f"{f.file}\t{f.line}\t{f.label}" for f in materials.facts).encode()
                                     ).hexdigest()[:12] if materials else ""
    inputs = json.dumps([year, org, facts.digest(), material_digest, writer.kind, writer.model,
                         workspace.store.fingerprint()], ensure_ascii=False)
    return f"全文-{year}-{hashlib.sha256(inputs.encode()).hexdigest()[:8]}"
