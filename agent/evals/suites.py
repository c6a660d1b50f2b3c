"""Running one case of each suite and checking its output: retrieval, ask, draft and brief.

Each runner calls the same library function the CLI does, with whatever engine the workspace is configured for
(extractive offline; the replay server or a live endpoint otherwise), and returns a `CaseResult` holding the
output, its citations, the checks and the per-case numbers the suite metrics are made of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..answer.ask import answer_question
from ..answer.engines import make_engine
from ..answer.guard import REFUSAL
from ..brief import Budget, brief_report, make_condenser
from ..brief.result import OVERVIEW_LEAD, TERMS_LEAD
from ..draft import DraftRequest, draft_section, make_writer
from ..draft.numbering import marker
from ..draft.stale import find_honours, find_years
from ..library.store import matching_reports
from ..library.topics import resolve_section
from ..text.citations import strip_citations
from ..text.facts import load_facts
from ..text.figures import PLACEHOLDER
from . import checks
from .cases import Case
from .checks import Check
from .goldens import STALE, GoldenCheck
from .retrieval import Expected, RetrievalCase, RetrievedPassage, first_answer_rank

FAIL, STALE_STATUS, PASS = "fail", "stale", "pass"
STATUS_ORDER = (FAIL, STALE_STATUS, PASS)          # failures first, in every report
STATUS_LABELS = {FAIL: "未通过", STALE_STATUS: "过期", PASS: "通过"}
_POINTER = re.compile(r"〔见[^〕]+〕")


@dataclass
class CaseResult:
    """One case run in one mode, with everything the report shows."""

    case: Case
    mode: str
    output: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    golden: GoldenCheck | None = None
    stale_reason: str = ""
    error: str = ""
    replay: dict[str, str] | None = None      # the cassette's flaw and note, in replay mode
    judge: dict[str, Any] | None = None       # the judge's verdicts, in live mode

    @property
    def status(self) -> str:
        """fail, stale or pass. A replay whose replies no longer fit the calls made says nothing of quality: stale
        first. A golden made under another corpus is stale only when nothing else failed."""
        if self.stale_reason:
            return STALE_STATUS
        if self.error or any(not check.passed and check.blocking for check in self.checks):
            return FAIL
        if self.golden and self.golden.status == STALE:
            return STALE_STATUS
        return PASS

    def failing(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    def add(self, check: Check, metric: str | None = None) -> None:
        """Record a check (and, under `metric`, 1.0/0.0 for it)."""
        self.checks.append(check)
        if metric:
            self.metrics[metric] = float(check.passed)


@dataclass
class SuiteContext:
    """What the runners share: the workspace, where scratch files go, and how to read a stored passage."""

    workspace: Any
    scratch: Path
    chunk_text: Callable[[str], "str | None"]
    # the context of the long public reports of evals/briefs/ (a store of their own, made on first use)
    other_reports: "Callable[[], SuiteContext] | None" = None
    root: Path = Path(".")   # what case paths (a materials folder) are relative to: the repository


# ---------------------------------------------------------------- retrieval

def run_retrieval(case: Case, context: SuiteContext, depth: int = 10, k: int = 5) -> CaseResult:
    """Search the query; the case holds when an expected passage is among the first `k`."""
    result = CaseResult(case, "offline")
    labelled = RetrievalCase(id=case.id, query=case.input["query"], style=case.get("style", ""),
                             expect=tuple(Expected(item["source"], item["quote"]) for item in case.get("expect")))
    hits = context.workspace.search(labelled.query, k=depth)
    rank = first_answer_rank([RetrievedPassage(hit.source, hit.text) for hit in hits], labelled)
    result.output = "\n".join(f"{hit.rank}. {hit.source} › {' › '.join(hit.heading_path)}：{hit.text[:80]}"
                              for hit in hits)
    wanted = "；".join(f"{item.source}“{item.quote}”" for item in labelled.expect)
    result.add(Check("hit_at_k", f"前{k}条命中", rank is not None and rank <= k,
                     f"期望 {wanted}，{'排在第' + str(rank) + '位' if rank else f'前{depth}条中没有'}"), "hit_at_5")
    result.metrics["reciprocal_rank"] = 1.0 / rank if rank else 0.0
    return result


# ---------------------------------------------------------------- ask

def run_ask(case: Case, context: SuiteContext) -> CaseResult:
    """Ask the question; check the cited source, the refusal, figures, masks and citations."""
    answer = answer_question(case.input["question"], make_engine(context.workspace))
    result = CaseResult(case, "", output=answer.text, citations=answer.citations)
    kind = case.get("kind", "answerable")
    if kind == "unanswerable":
        refused = answer.text.strip() == REFUSAL and not answer.citations
        result.add(Check("refusal", "应答“资料中未找到”", refused, "" if refused else "资料中没有答案，却作答了"),
                   "refused_right")
    else:
        right = _answers_its_kind(case, kind, answer.citations, context, result)
        result.add(right, "answered_right")
        result.metrics[f"answered_{kind}"] = float(right.passed)
        if kind == "masked":
            kept = "*" in answer.text or PLACEHOLDER in answer.text
            result.add(Check("mask_kept", "打码数字保持未知", kept, "" if kept else "回答中没有保留打码（**）"))
    cited = _cited_texts(answer.citations, context)
    # lines the engine derived from the evidence (counts of the reports it cites) may state their figures
    _check_grounding(result, answer.text, cited + [case.input["question"], *answer.evidence.derived], cited,
                     by_key=_cited_by_key(answer.citations, context))
    _check_citations(result, answer.text, context, coverage=answer.text.strip() != REFUSAL)
    _check_strings(result, case)
    return result


SECTION_POINTS = 0.6   # a section answer holds at least this share of the section's points


def _answers_its_kind(case: Case, kind: str, citations: list[dict[str, Any]], context: SuiteContext,
                      result: CaseResult) -> Check:
    """Whether the answer is the kind of answer asked for: the passage holding the fact; most points of the
    section; every report that mentions the term and no other; each report compared and no other."""
    if kind == "section":
        return _covers_points(case, citations, context, result)
    if kind in ("mention", "comparison"):
        return _cites_exactly(case, citations)
    return _cites_expected(case, citations, context)


def _covers_points(case: Case, citations: list[dict[str, Any]], context: SuiteContext,
                   result: CaseResult) -> Check:
    """The section's report is cited and the cited passages hold most of its points."""
    passages = [context.chunk_text(c.get("chunk_id") or "") or c["quote"] for c in citations
                if c["source"] == case.get("source")]
    held = [point for point in case.get("points") if any(checks.squash(point) in checks.squash(text)
                                                         for text in passages)]
    share = len(held) / len(case.get("points"))
    result.metrics["section_points"] = share
    missing = [point for point in case.get("points") if point not in held]
    passed = bool(passages) and share >= SECTION_POINTS
    detail = "" if passed else (f"没有引用 {case.get('source')}" if not passages else "缺少要点：" + "；".join(missing))
    return Check("section_points", f"列出该节要点（≥{SECTION_POINTS:.0%}）", passed, detail)


def _cites_exactly(case: Case, citations: list[dict[str, Any]]) -> Check:
    """Every listed report is cited, and no report that is not listed."""
    wanted = {item["source"] for item in case.get("sources")}
    cited = {citation["source"] for citation in citations}
    missing, extra = sorted(wanted - cited), sorted(cited - wanted)
    detail = "；".join(part for part in (f"没有引用：{'、'.join(missing)}" if missing else "",
                                         f"多引用了：{'、'.join(extra)}" if extra else "") if part)
    return Check("cites_reports", "引用的报告正好是应有的", not missing and not extra, detail)


def _cites_expected(case: Case, citations: list[dict[str, Any]], context: SuiteContext) -> Check:
    """Every expected source is cited, by a citation of the passage holding the expected words."""
    wanted = case.get("sources") or [{"source": case.get("source"), "quote": case.get("quote", "")}]

    def holds(citation: dict[str, Any], quote: str) -> bool:
        passage = context.chunk_text(citation.get("chunk_id") or "") or citation["quote"]
        return checks.squash(quote) in checks.squash(passage)

    missing = [f"{item['source']}“{item.get('quote', '')}”" for item in wanted
               if not any(c["source"] == item["source"] and holds(c, item.get("quote", "")) for c in citations)]
    return Check("cites_source", "引用了应有的原文", not missing, "没有引用：" + "；".join(missing) if missing else "")


def ask_golden_text(result: CaseResult) -> str:
    """The answer as its golden stores it: the text, then each citation's key, source, heading and quote."""
    lines = [result.output.rstrip(), ""]
    lines += [f"[{c['key']}] {c['source']} › {' › '.join(c.get('heading_path') or [])}：{c['quote']}"
              for c in result.citations]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- draft

def run_draft(case: Case, context: SuiteContext) -> CaseResult:
    """Draft the section; check numbering, reports cited, figures only from facts, no stale years or honours."""
    facts_path = None
    if case.input.get("facts"):
        facts_path = context.scratch / f"{case.id}.facts.yaml"
        facts_path.write_text(case.input["facts"], encoding="utf-8")
    workspace = context.workspace
    request = DraftRequest(section=case.input["section"], facts_path=facts_path, year=case.input.get("year"),
                           org=case.input.get("org", ""), runs_dir=context.scratch / "drafts")
    draft = draft_section(workspace, request, make_writer(workspace))
    result = CaseResult(case, "", output=draft.to_markdown(), citations=draft.citations)
    result.add(_numbering(draft), "structure_ok")
    result.add(_reports_cited(case, draft, workspace), "section_coverage")
    facts = [item.wording for item in load_facts(facts_path).items] if facts_path else []
    body = draft.text.replace("**", "")   # bold leads are the only asterisks a draft writes
    _check_grounding(result, body, facts + [f"{draft.year}年"], _cited_texts(draft.citations, context), facts)
    stale = _stale_facts(draft.text, draft.year, facts)
    result.metrics["stale_facts"] = float(len(stale))
    result.add(Check("stale_facts", "无往年年份与荣誉", not stale, "出现了：" + "、".join(stale) if stale else ""))
    _check_citations(result, draft.text, context, facts_text="\n".join(facts))
    result.metrics["length_chars"] = float(len(strip_citations(draft.text)))
    _check_strings(result, case)
    return result


def _numbering(draft: Any) -> Check:
    """3–6 points, each marked in order (一是, 二是… or （一）（二）…) in the text."""
    count = len(draft.outline.points)
    markers = [marker(draft.outline.style, index) for index in range(count)]
    positions = [draft.text.find(item) for item in markers]
    in_order = all(position >= 0 for position in positions) and positions == sorted(positions)
    passed = 3 <= count <= 6 and in_order
    return Check("structure", "提纲3–6点、编号连续", passed, "" if passed else f"{count}个要点，编号：{markers}")


def _reports_cited(case: Case, draft: Any, workspace: Any) -> Check:
    """The draft draws on at least `min_reports` reports (where that many have the topic)."""
    topic = resolve_section(case.input["section"])
    having = {chunk.source for chunk in workspace.store.chunks_with_topic(topic.id)}
    wanted = min(case.get("min_reports", 2), len(having))
    cited = {c["source"] for c in draft.citations if c.get("chunk_id")}
    return Check("reports_cited", f"引用至少{wanted}份报告", len(cited) >= wanted, f"只引用了{len(cited)}份")


def _stale_facts(text: str, year: int, facts: list[str]) -> list[str]:
    """Years other than the draft year, and honours, that the user's facts do not state."""
    stated = "\n".join(facts)
    years = [f"{found}年" for found in find_years(text) if found != year and str(found) not in stated]
    honours = [honour for honour in find_honours(text) if honour not in stated]
    return sorted(set(years + honours))


# ---------------------------------------------------------------- brief

def run_brief(case: Case, context: SuiteContext) -> CaseResult:
    """Brief the report; check page fit, points, frames, figures verbatim and masks kept, and how many of a
    reader's key points it carries."""
    context = _context_holding(case.input["report"], context)
    workspace = context.workspace
    record = workspace.find_report(case.input["report"])
    passages = workspace.passages_of(record)
    budget = Budget(case.input.get("max_chars"))
    brief = brief_report(record, passages, make_condenser(workspace)(), budget)
    markdown = brief.to_markdown()
    result = CaseResult(case, "", output=markdown, citations=brief.citations())
    fits = budget.fits(markdown)
    result.add(Check("page_fit", "一页纸内", fits, "" if fits else f"{brief.lines}行，超出一页"), "page_fit")
    result.metrics["section_coverage"] = len(brief.covered_sections()) / max(1, brief.sections_total)
    if "points" in case.expect:
        count = len(brief.achievements)
        result.add(Check("points", f"主要成效{case.get('points')}点", count == case.get("points"), f"实际{count}点"))
    if "frames" in case.expect:
        frames = [name for name, part in (("存在问题", brief.problems), ("下一步打算", brief.plans)) if part]
        result.add(Check("frames", "问题/打算部分", frames == case.get("frames"), f"实际：{frames}"))
    sources = [brief.title, *(chunk.text + "\n" + "\n".join(chunk.heading_path) for chunk in passages)]
    _check_grounding(result, _without_pointers(markdown), sources, [chunk.text for chunk in passages])
    _check_citations(result, markdown, context, keyed=False)
    pointed = _pointer_share(markdown)
    result.metrics["citation_coverage"] = pointed
    result.metrics["length_chars"] = float(brief.chars)
    if case.get("key_points"):
        result.metrics["key_point_recall"] = key_point_recall(markdown, case.get("key_points"))
    _check_strings(result, case)
    return result


def _context_holding(report: str, context: SuiteContext) -> SuiteContext:
    """The context whose store holds the report: the corpus's, else that of the long public reports."""
    if context.other_reports is None or matching_reports(context.workspace.reports(), report):
        return context
    return context.other_reports()


def key_point_recall(markdown: str, key_points: list[dict[str, str]]) -> float:
    """Share of a reader's key points (each the term they would look for) that the brief carries verbatim."""
    return sum(point["term"] in markdown for point in key_points) / len(key_points)


def _without_pointers(markdown: str) -> str:
    """The brief without its own markup that reads like figures: 〔见二（三）〕 pointers and the 出处 column."""
    lines = [line.rsplit("|", 2)[0] + "|" if line.startswith("|") else line for line in markdown.splitlines()]
    return _POINTER.sub("", "\n".join(lines))


def _pointer_share(markdown: str) -> float:
    """Share of the brief's points and parts that say where in the report they come from (the whole-report lines,
    总体情况 and 主要提法, are cited in the JSON, each sentence or name to its passage)."""
    blocks = [block for block in markdown.split("\n\n")
              if block and not block.startswith(("#", "|", OVERVIEW_LEAD, TERMS_LEAD))]
    return sum(bool(_POINTER.search(block)) for block in blocks) / len(blocks) if blocks else 1.0


# ---------------------------------------------------------------- shared checks

def _cited_texts(citations: list[dict[str, Any]], context: SuiteContext) -> list[str]:
    """The full passages cited (headings included) with their report titles: what a figure may come from."""
    texts = []
    for citation in citations:
        text = context.chunk_text(citation.get("chunk_id") or "")
        if text is not None:
            texts.append(f"{text}\n{citation.get('report_title', '')}")
    return texts


def _cited_by_key(citations: list[dict[str, Any]], context: SuiteContext) -> dict[str, str]:
    """Each citation key's full passage (as `_cited_texts` reads it)."""
    return {citation["key"]: text for citation in citations
            for text in _cited_texts([citation], context)}


def _check_grounding(result: CaseResult, text: str, allowed: list[str], cited: list[str],
                     facts: list[str] = (), by_key: dict[str, str] | None = None) -> None:
    """No figure without a source, no masked figure stated as a number (unless the user's facts give it)."""
    invented = checks.ungrounded_figures(text, allowed)
    result.metrics["ungrounded_figures"] = float(len(invented))
    result.add(Check("number_grounding", "数字有据", not invented,
                     "无据数字：" + "、".join(invented) if invented else ""))
    filled = (checks.filled_masks_cited(text, by_key, facts) if by_key is not None
              else checks.filled_masks(text, cited, facts))
    result.metrics["filled_masks"] = float(len(filled))
    result.add(Check("masked_figures", "打码数字未被补写", not filled, "补写了：" + "、".join(filled) if filled else ""))


def _check_citations(result: CaseResult, text: str, context: SuiteContext, facts_text: str = "",
                     keyed: bool = True, coverage: bool = True) -> None:
    """Citation validity (and, for keyed texts but refusals, the share of sentences cited)."""
    check, valid = checks.citation_validity(text if keyed else "", result.citations, context.chunk_text, facts_text)
    for citation, ok in zip(result.citations, valid):
        citation["valid"] = ok
    result.add(check)
    result.metrics["citations"] = float(len(valid))
    result.metrics["citations_valid"] = float(sum(valid))
    if keyed and coverage:
        result.metrics["citation_coverage"] = checks.citation_coverage(text)


def _check_strings(result: CaseResult, case: Case) -> None:
    """The case's must-contain and must-not-contain strings (and, for the suite metric, whether all held)."""
    found = []
    if case.get("must_contain"):
        found.append(checks.must_contain(result.output, case.get("must_contain")))
    if case.get("must_not_contain"):
        found.append(checks.must_not_contain(result.output, case.get("must_not_contain")))
    for check in found:
        result.add(check)
    if found:
        result.metrics["strings_ok"] = float(all(check.passed for check in found))


RUNNERS: dict[str, Callable[[Case, SuiteContext], CaseResult]] = {
    "retrieval": run_retrieval, "ask": run_ask, "draft": run_draft, "brief": run_brief}
