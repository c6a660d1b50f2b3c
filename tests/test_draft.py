"""`zongjie draft` offline: the extractive composer on the sample reports, checked as a staffer would read it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agent.cli import app
from agent.draft import DraftRequest, ExtractiveWriter, draft_section
from agent.draft.evidence import gather_evidence
from agent.draft.guard import DraftGuard
from agent.errors import UserError
from agent.library.topics import resolve_section
from agent.text.citations import keys_in, strip_citations
from agent.text.facts import Facts, load_facts
from agent.text.figures import find_figures

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((ROOT / "evals" / "cases" / "draft.yaml").read_text(encoding="utf-8"))["cases"]
_POINT = re.compile(r"^(?:\*\*[一二三四五六七八九十]+是|### （[一二三四五六七八九十]+）)", re.MULTILINE)


def _draft(workspace, tmp_path: Path, section: str, facts_text: str | None = None, **request):
    facts_path = None
    if facts_text is not None:
        facts_path = tmp_path / "facts.yaml"
        facts_path.write_text(facts_text, encoding="utf-8")
    return draft_section(workspace, DraftRequest(section=section, facts_path=facts_path,
                                                 runs_dir=tmp_path / "drafts", **request), ExtractiveWriter())


def _reports_with_topic(workspace, section: str) -> set[str]:
    topic = resolve_section(section)
    return {chunk.source for chunk in workspace.store.chunks_with_topic(topic.id)}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_each_topic_drafts_a_cited_numbered_section_without_last_years_figures(case, local_workspace,
                                                                                 tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, case["section"], case.get("facts"))
    text = draft.text
    assert 3 <= len(draft.outline.points) <= 6
    assert len(_POINT.findall(text)) == len(draft.outline.points)
    cited_reports = {c["source"] for c in draft.citations if c["chunk_id"]}
    if len(_reports_with_topic(local_workspace, case["section"])) >= 2:
        assert len(cited_reports) >= max(2, case.get("min_reports", 2))
    assert draft.year == 2023 and "2022年" not in text and "2021年" not in text
    plain = strip_citations(text).replace("**", "")  # bold leads are the only asterisks left
    assert "*" not in plain and all(line.count("**") in (0, 2) for line in text.splitlines())
    facts_values = {value for fact in load_facts(tmp_path / "facts.yaml").items
                    for figure in find_figures(fact.wording) for value in figure.values} if case.get("facts") else set()
    for figure in find_figures(plain):
        assert figure.values and set(figure.values) <= facts_values | {2023.0}, figure.text
    for wanted in case.get("must_contain", []):
        assert wanted in text
    for key in keys_in(text):
        assert any(citation["key"] == key for citation in draft.citations)


def test_masked_figures_of_the_sources_stay_unknown(local_workspace, tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, "党风廉政")
    # 000's "开展党员谈心谈话**余人次" is drawn on: the mask becomes a placeholder shaped by its sentence.
    assert "开展党员谈心谈话〔待补〕余人次" in draft.text
    assert any("打码" in warning for warning in draft.warnings)
    assert draft.placeholders == draft.text.count("〔待补〕") > 0


def test_a_facts_value_is_used_verbatim_and_cited_as_user_provided(local_workspace, tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, "党风廉政", "开展警示教育: 12次\n")
    assert "开展警示教育12次[F1]" in draft.text
    citation = next(c for c in draft.citations if c["key"] == "F1")
    assert citation["source"] == "用户提供" and citation["quote"] == "开展警示教育12次"
    assert "| F1 | 用户提供 | 开展警示教育12次 |" in draft.to_markdown()


def test_a_fact_no_sentence_matches_still_appears_in_the_best_point(local_workspace, tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, "党风廉政", "- 开展廉政家访活动覆盖全体科级干部\n")
    assert "开展廉政家访活动覆盖全体科级干部[F1]。" in draft.text
    assert not any("没有写进正文" in warning for warning in draft.warnings)


def test_the_draft_year_defaults_to_the_year_after_the_newest_report_and_can_be_set(local_workspace,
                                                                                    tmp_path) -> None:
    default = _draft(local_workspace, tmp_path, "党建")
    assert default.year == 2023 and default.title == "2023年基层党建工作情况"
    later = _draft(local_workspace, tmp_path, "党建", year=2025, org="梅林街道")
    assert later.title == "梅林街道2025年基层党建工作情况"
    assert "2022年" not in later.text and "2023年" not in later.text


def test_a_past_plan_or_dated_document_is_not_restated_as_this_years_deed(local_workspace, tmp_path) -> None:
    """The 2022 report's 制定《2022年度基层党建工作任务清单》 was that year's: moved to 2023 it would claim a
    document nobody wrote; 《**新区机关纪委工作规则》 is another unit's."""
    party = _draft(local_workspace, tmp_path, "党建", org="梅林街道")
    assert "基层党建工作任务清单" not in party.text
    integrity = _draft(local_workspace, tmp_path, "党风廉政", org="梅林街道")
    assert "新区" not in integrity.text and "完善《梅林街道干部管理制度》" in integrity.text


def test_no_stock_phrase_is_said_twice_in_a_section(local_workspace, tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, "党建")
    body = draft.text.replace("“", "").replace("”", "")
    assert body.count("增强四个意识，坚定四个自信") <= 1


def test_org_replaces_masked_unit_names(local_workspace, tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, "党风廉政", org="梅林街道")
    assert "完善《梅林街道干部管理制度》" in draft.text and "**街道" not in draft.text


def test_outline_only_then_an_edited_outline_drives_the_text(local_workspace, tmp_path) -> None:
    first = _draft(local_workspace, tmp_path, "党风廉政", outline_only=True)
    assert first.text == "" and (first.run_dir / "outline.md").is_file()
    lines = (first.run_dir / "outline.md").read_text(encoding="utf-8").splitlines()
    edited = [lines[0], "一是层层压实全面从严治党责任  〔主体责任〕", lines[3], "三是开展廉政文化进社区活动"]
    outline_file = tmp_path / "my_outline.md"
    outline_file.write_text("\n".join(edited) + "\n", encoding="utf-8")
    draft = _draft(local_workspace, tmp_path, "党风廉政", outline_path=outline_file)
    assert draft.outline.numbered()[0] == "一是层层压实全面从严治党责任"
    assert [point.subtheme for point in draft.outline.points][:2] == ["主体责任", first.outline.points[2].subtheme]
    assert "**一是层层压实全面从严治党责任。**" in draft.text
    own_point = draft.text.split("**三是开展廉政文化进社区活动。**")[1]
    assert own_point.startswith("〔待补〕（往年资料中没有与此要点对应的内容")


def test_every_stage_is_saved_in_the_run_folder(local_workspace, tmp_path) -> None:
    draft = _draft(local_workspace, tmp_path, "平安建设")
    names = {path.name for path in draft.run_dir.iterdir()}
    assert {"evidence.json", "outline.md", "outline.json", "draft.md", "result.json"} <= names
    assert any(name.startswith("text.") for name in names) and not any(".partial" in name for name in names)
    assert json.loads((draft.run_dir / "result.json").read_text(encoding="utf-8"))["text"] == draft.text
    evidence = json.loads((draft.run_dir / "evidence.json").read_text(encoding="utf-8"))
    assert {group["name"] for group in evidence["groups"]} >= {"安全生产", "信访维稳"}


def test_党风廉政_evidence_is_grouped_into_its_sub_themes(local_workspace) -> None:
    topic = resolve_section("廉政")
    evidence = gather_evidence(topic, local_workspace.store.chunks_with_topic(topic.id))
    groups = {group.name: group for group in evidence.groups}
    assert {"主体责任", "纠治四风", "警示教育", "监督检查"} <= set(groups)
    assert any("一岗双责" in s.text for s in groups["主体责任"].sentences)
    assert any("明察暗访" in s.text for s in groups["监督检查"].sentences)
    assert len(groups["纠治四风"].sources) >= 3


def test_the_guard_catches_invented_stale_and_masked_figures_years_and_honours(local_workspace) -> None:
    topic = resolve_section("廉政")
    evidence = gather_evidence(topic, local_workspace.store.chunks_with_topic(topic.id))
    facts = load_facts(None)
    guard = DraftGuard(evidence, facts, 2023)
    text = guard.check("**一是强化监督。**开展警示教育15次，开展谈话提醒**人次，2022年荣获全市清廉机关先进单位称号[S1][S99]。")
    assert text == "**一是强化监督。**开展警示教育〔待补〕次，开展谈话提醒〔待补〕人次，〔待补〕年〔待补〕[S1]。"
    warnings = "\n".join(guard.report.warnings())
    assert "15次" in warnings and "疑似编造" in warnings and "2022年" in warnings and "S99" in warnings
    assert "清廉机关先进单位称号" in warnings
    stale = DraftGuard(evidence, Facts(), 2023)
    stale.check("全年共开展明察暗访**批次，发布督查通报5期。")
    assert stale.report.invented_figures == ["5期"]


def test_facts_files_with_mistakes_get_a_clear_message(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("开展警示教育: 12次\n  召开会议: [4\n", encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 YAML"):
        load_facts(bad)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("开展警示教育: 12次\n".encode("gbk"))
    assert load_facts(gbk).items[0].wording == "开展警示教育12次"
    with pytest.raises(UserError, match="找不到事实文件"):
        load_facts(tmp_path / "missing.yaml")


def test_cli_draft_prints_the_section_and_json_follows_the_contract(local_workspace, tmp_path) -> None:
    store = str(local_workspace.settings.store)
    runner = CliRunner()
    shown = runner.invoke(app, ["draft", "--section", "党风廉政", "--store", store])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("# 2023年党风廉政建设工作情况\n\n> 【初稿】")
    assert "**一是" in shown.stdout and "附：依据表" in shown.stdout
    as_json = runner.invoke(app, ["draft", "--section", "四风", "--store", store, "--json"])
    document = json.loads(as_json.stdout)
    assert set(document) >= {"section", "year", "title", "outline", "text", "citations", "placeholders",
                             "warnings", "engine", "model"}
    assert document["section"] == "党风廉政" and document["engine"] == "extractive" and document["model"] is None
    assert document["placeholders"] == document["text"].count("〔待补〕")


def test_cli_refuses_unknown_sections_and_bad_paths_before_any_work(local_workspace, tmp_path) -> None:
    store = str(local_workspace.settings.store)
    runner = CliRunner()
    unknown = runner.invoke(app, ["draft", "--section", "扶贫", "--store", store])
    assert unknown.exit_code == 1 and "未知的栏目“扶贫”" in unknown.stderr and "党风廉政" in unknown.stderr
    wrong_suffix = runner.invoke(app, ["draft", "--section", "党建", "--store", store, "--out", "x.pdf"])
    assert wrong_suffix.exit_code == 1 and ".md 或 .docx" in wrong_suffix.stderr
    no_outline = runner.invoke(app, ["draft", "--section", "党建", "--store", store, "--outline", "nope.md"])
    assert no_outline.exit_code == 1 and "找不到提纲文件" in no_outline.stderr
    assert "Traceback" not in unknown.output + wrong_suffix.output + no_outline.output


def test_cli_writes_markdown_out_file(local_workspace, tmp_path) -> None:
    target = tmp_path / "党风廉政.md"
    result = CliRunner().invoke(app, ["draft", "--section", "党风廉政", "--store", str(local_workspace.settings.store),
                                      "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == result.stdout


@pytest.mark.slow
def test_draft_docx_names_the_公文_fonts_and_renders_on_a4_in_cjk_faces(local_workspace, tmp_path) -> None:
    import docx
    from docx.oxml.ns import qn

    from tests import rendering

    target = tmp_path / "党风廉政.docx"
    result = CliRunner().invoke(app, ["draft", "--section", "党风廉政", "--store", str(local_workspace.settings.store),
                                      "--facts", str(_facts_file(tmp_path)), "--out", str(target)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    title = document.paragraphs[0]
    assert title.text == "2023年党风廉政建设工作情况"
    assert title.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("一是"))
    assert body.runs[0].bold and body.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    text = "\n".join(p.text for p in document.paragraphs)
    number = re.search(r"^〔(\d+)〕今年的数字（起草时提供），原文：开展警示教育12次$", text, re.MULTILINE).group(1)
    cited = re.search(r"开展警示教育12次〔([\d、]+)〕", text).group(1)   # keys become the numbers of the 依据 list
    assert number in cited.split("、")
    assert "[S" not in text and "[F" not in text and "--" not in text and "离线抽取" not in text
    rendering.require_render_tools()
    pdf = rendering.render_pdf(target, tmp_path / "pdf")
    assert rendering.page_size(pdf) == pytest.approx((595.3, 841.9), abs=1)
    assert any("CJK" in font for font in rendering.pdf_fonts(pdf))
    first_page = " ".join(line.text for line in rendering.text_lines(pdf, 1))
    assert "党风廉政建设工作情况" in first_page.replace(" ", "")
    rendering.render_png(pdf, Path(__file__).parent / "artifacts")


def _facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text("开展警示教育: 12次\n", encoding="utf-8")
    return path


def test_a_past_reports_years_are_made_relative_to_the_draft_year() -> None:
    from agent.draft.stale import rewrite_years

    rewritten = rewrite_years("2022年，街道坚持……2021年以来累计完成，2023年将继续推进", 2022, 2025)
    assert rewritten.text == "2025年，街道坚持……上年以来累计完成，明年将继续推进"
    assert ("2022年", "2025年") in rewritten.changed
