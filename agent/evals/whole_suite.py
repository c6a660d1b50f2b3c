"""The whole-report suite (`draft --all --materials`): one case per materials folder, checked as the writer
would check the draft before sending it up.

- structure: the parts in order (this year's work, 存在问题, next year's plans) and a section, written from the
  materials, for every topic the case says the materials cover;
- figures only from the materials: every figure of the text is in a material file as read (or is the year);
  none is a past report's figure the materials do not give (stale), no past year or honour either;
- use: the share of the case's key figures ("开展警示教育10场") the draft keeps, and of all material facts
  (less repeats and conflicts) it uses;
- the conflict the materials hold is reported with both values, the item that fits no section is listed unused;
- 存在问题 / 下一步打算 come from the materials when (and only when) the materials state them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..draft import ReportRequest, draft_report, make_writer
from ..draft.report_outline import PLANS, PROBLEMS, WORK
from ..library.loaders import load_document
from ..library.topics import resolve_section
from ..materials.read import read_materials
from ..text.citations import strip_citations
from ..text.figures import counts_in, known_values
from . import checks
from .cases import Case
from .checks import Check
from .suites import CaseResult, SuiteContext, _check_citations, _stale_facts


def run_whole(case: Case, context: SuiteContext) -> CaseResult:
    """Draft the whole report from the case's materials and check it."""
    folder = _materials_folder(case, context)
    workspace = context.workspace
    request = ReportRequest(year=case.input.get("year"), org=case.input.get("org", ""), materials_dir=folder,
                            runs_dir=context.scratch / "whole")
    draft = draft_report(workspace, request, make_writer(workspace))
    result = CaseResult(case, "", output=draft.to_markdown(), citations=draft.citations)
    sources = _material_texts(folder)
    body = strip_citations(draft.text.replace("**", ""))
    result.add(_structure(case, draft), "structure_ok")
    result.metrics["sections_recall"] = _sections_recall(case, draft)
    _figures(result, body, sources, draft.year, context)
    result.metrics["key_figures_kept"] = _kept_share(case.get("must_use", []), body)
    result.add(Check("key_figures", "材料要点数字写入", result.metrics["key_figures_kept"] >= 0.8,
                     "未写入：" + "、".join(_missing(case.get("must_use", []), body)), blocking=False))
    placeable = len(draft.facts_used) + sum(1 for fact in draft.facts_unused if not _held_back(fact))
    result.metrics["facts_used_share"] = len(draft.facts_used) / placeable if placeable else 1.0
    result.add(_conflicts_reported(case, draft), "conflicts_reported")
    result.add(_unused_listed(case, draft), "unused_listed")
    result.add(_frames_from_materials(case, draft), "frames_ok")
    facts_text = "\n".join(fact["text"] for fact in [*draft.facts_used, *draft.facts_unused])
    _check_citations(result, draft.text, context, facts_text=facts_text + "\n" + "\n".join(sources))
    result.metrics["length_chars"] = float(len(body))
    return result


def _materials_folder(case: Case, context: SuiteContext) -> Path:
    folder = Path(case.input["materials"])
    return folder if folder.is_absolute() else context.root / folder


def _material_texts(folder: Path) -> list[str]:
    """The materials as the report loader reads them (table rows included), and as sentences."""
    files, _ = read_materials(folder)
    raw = [load_document(folder / material.name if (folder / material.name).exists()
                         else next(folder.rglob(material.name))).text for material in files]
    return raw + [sentence.text for material in files for sentence in material.sentences]


def _structure(case: Case, draft: Any) -> Check:
    kinds = [section.kind for section in draft.sections if section.level == 2]
    in_order = kinds[:1] == [WORK] and PROBLEMS in kinds and PLANS in kinds \
        and kinds.index(PROBLEMS) < kinds.index(PLANS)
    missing = _missing_sections(case, draft)
    detail = "；".join(part for part in (f"部分：{kinds}" if not in_order else "",
                                         f"缺少栏目：{'、'.join(missing)}" if missing else "") if part)
    return Check("structure", "今年工作/存在问题/打算齐全，材料涉及的栏目都有", in_order and not missing, detail)


def _missing_sections(case: Case, draft: Any) -> list[str]:
    written = {section.topic for section in draft.sections if section.basis == "materials"}
    return [name for name in case.get("sections", []) if resolve_section(name).id not in written]


def _sections_recall(case: Case, draft: Any) -> float:
    wanted = case.get("sections", [])
    return 1 - len(_missing_sections(case, draft)) / len(wanted) if wanted else 1.0


def _figures(result: CaseResult, body: str, sources: list[str], year: int, context: SuiteContext) -> None:
    """No figure without a material (years aside: they are checked as stale facts), none from past reports."""
    invented = checks.ungrounded_figures(" ".join(f.text for f in counts_in(body)), sources)
    result.metrics["ungrounded_figures"] = float(len(invented))
    result.add(Check("number_grounding", "数字都出自材料", not invented, "无据数字：" + "、".join(invented)))
    material_values = known_values(sources)
    past = known_values(text for text in _past_texts(context))
    stale = [figure.text for figure in counts_in(body)
             if figure.values and all(value in past and value not in material_values for value in figure.values)]
    stale += _stale_facts(body, year, [*sources, f"{year + 1}年"])   # next year is the plans' year
    result.metrics["stale_facts"] = float(len(stale))
    result.add(Check("stale_facts", "无往年数字、年份与荣誉", not stale, "出现了：" + "、".join(stale)))


def _past_texts(context: SuiteContext) -> list[str]:
    return [chunk.text for chunk in context.workspace.store.iter_chunks()]


def _kept_share(spans: list[str], body: str) -> float:
    return 1 - len(_missing(spans, body)) / len(spans) if spans else 1.0


def _missing(spans: list[str], body: str) -> list[str]:
    flat = checks.squash(body)
    return [span for span in spans if checks.squash(span) not in flat]


def _held_back(fact: dict[str, Any]) -> bool:
    return fact["reason"].startswith(("重复", "数字冲突"))


def _conflicts_reported(case: Case, draft: Any) -> Check:
    """Each expected conflict is one the draft reports: every value the case gives ("10场", or the span
    "开展警示教育10场") holds a value the draft reports for one item."""
    reported = [[entry["value"] for entry in conflict["values"]] for conflict in draft.conflicts]
    missing = [conflict["values"] for conflict in case.get("conflicts", [])
               if not any(all(any(value in wanted for value in found) for wanted in conflict["values"])
                          for found in reported)]
    return Check("conflicts", "材料间数字冲突已列出", not missing, f"未列出：{missing}" if missing else "")


def _unused_listed(case: Case, draft: Any) -> Check:
    unused = checks.squash(" ".join(fact["text"] for fact in draft.facts_unused))
    missing = [span for span in case.get("unused", []) if checks.squash(span) not in unused]
    return Check("unused", "对不上栏目的内容列为未用", not missing, f"未列出：{missing}" if missing else "")


def _frames_from_materials(case: Case, draft: Any) -> Check:
    wrong = []
    for kind, said in ((PROBLEMS, case.get("problems_in_materials")), (PLANS, case.get("plans_in_materials"))):
        part = next((section for section in draft.sections if section.kind == kind), None)
        if said is None or part is None:
            continue
        if (part.basis == "materials") != bool(said):
            wrong.append(f"{part.title}（{'应' if said else '不应'}取自材料）")
    return Check("frames", "存在问题/打算按材料写", not wrong, "；".join(wrong))
