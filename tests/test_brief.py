"""`zongjie brief` offline: one-page briefs of the real sample reports, their docx render, folders and the CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agent.brief import Budget, BriefRequest, ExtractiveCondenser, brief_report, run_briefs
from agent.brief.layout import PAGE_LINES, measure
from agent.brief.outline import build_outline
from agent.brief.pipeline import docx_markdown
from agent.cli import app
from agent.text.figures import find_figures, known_values
from tests.conftest import CORPUS, ROOT, SAMPLE_SOURCES

# the sample reports' cases (the long public reports of evals/briefs/ are the eval's, with their own store)
CASES = [case for case in yaml.safe_load((ROOT / "evals" / "cases" / "brief.yaml").read_text(encoding="utf-8"))["cases"]
         if "points" in case]
_POINTER = re.compile(r"〔见[^〕]*〕")


def _brief(workspace, source: str, max_chars: int | None = None):
    record = workspace.find_report(source)
    return brief_report(record, workspace.passages_of(record), ExtractiveCondenser(), Budget(max_chars))


def _report_text(workspace, source: str) -> str:
    record = workspace.find_report(source)
    passages = workspace.passages_of(record)
    return "\n".join([record.title, *(p.text for p in passages), *("\n".join(p.heading_path) for p in passages)])


def _content(markdown: str) -> str:
    """The brief without its pointers and the table's 出处 column (the report's own numbering, no figures)."""
    lines = [re.sub(r"\|[^|]*\|\s*$", "|", line) if line.startswith("|") else line for line in markdown.split("\n")]
    return _POINTER.sub("", "\n".join(lines))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_each_sample_report_briefs_to_one_page_covering_every_section_with_its_own_figures(case,
                                                                                         local_workspace) -> None:
    brief = _brief(local_workspace, case["report"])
    markdown = brief.to_markdown()
    use = measure(docx_markdown(markdown))
    assert use.lines <= PAGE_LINES and brief.lines == use.lines
    outline = build_outline(brief.title, None, local_workspace.passages_of(local_workspace.find_report(case["report"])))
    assert brief.covered_sections() == set(outline.top_sections)
    assert len(brief.achievements) == case["points"]
    assert [heading for heading in ("存在问题", "下一步打算") if f"、{heading}\n" in markdown] == case["frames"]
    for text in case["must_contain"]:
        assert text in markdown
    report = _report_text(local_workspace, case["report"])
    allowed = known_values([report])
    for figure in find_figures(_content(markdown)):
        if figure.masked:
            assert figure.text in report, f"masked {figure.text} is not as the report writes it"
        else:
            assert all(value in allowed for value in figure.values), f"{figure.text} is not in the report"
    assert "〔待补〕" not in markdown and not brief.warnings or all("数字" not in w for w in brief.warnings)
    assert markdown.startswith(f"# {brief.title}\n\n总体情况：") and "\n## 一、主要成效\n" in markdown
    assert "| 关键数据 | 所指 | 出处 |" in markdown


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_a_brief_fills_its_page_with_the_reports_own_account_of_its_year(local_workspace, source: str) -> None:
    brief = _brief(local_workspace, source)
    report = _report_text(local_workspace, source)
    assert brief.chars >= 800 and brief.lines <= PAGE_LINES        # the page is used, not a third left empty
    overview = "".join(unit.text for unit in brief.overview)
    assert overview and not re.search(r"报告从|方面总结了|分析了存在问题", overview)   # never about the report
    assert all(unit.quote in report for unit in brief.overview)
    for unit in brief.units:                                      # never cut inside a quoted name or title
        assert unit.text.count("“") == unit.text.count("”") and unit.text.count("《") == unit.text.count("》")
        assert not re.search(r"[、，]等", unit.text)                # 等 only after a complete item


def test_a_point_says_what_was_done_not_its_heading_again(local_workspace) -> None:
    brief = _brief(local_workspace, "000_b5634a4a4b3dd6c4.txt")
    first = brief.achievements[0].text
    assert "“书记项目”" in first and "市级“最强党支部”" in first   # the programme and the honour, in its words
    assert "加强作风建设，提升服务能力" not in first              # 二是's heading is no achievement
    for part in brief.achievements:
        assert not part.text.startswith(part.group.label)


def test_a_point_is_what_the_unit_did_not_the_documents_it_studied_or_carried_out(local_workspace) -> None:
    # 000's （四）: "加强全体干部职工对《…实战手册》《…操作指南》等内容学习" names documents every unit studies;
    # the vaccinations it organised are what it did
    brief = _brief(local_workspace, "000_b5634a4a4b3dd6c4.txt")
    fourth = brief.achievements[3].text
    assert "疫苗接种" in fourth and "实战手册" not in fourth


def test_a_long_government_report_is_briefed_in_runs_of_its_own_chapters(tmp_path, local_workspace) -> None:
    from agent.brief.outline import MAX_CHAPTER_POINTS, short_label
    workspace, record = _long_report(tmp_path, local_workspace, "b06_state_council_gov_report_2016.txt")
    passages = workspace.passages_of(record)
    outline = build_outline(record.title, record.year, passages)
    brief = brief_report(record, passages, ExtractiveCondenser(), Budget())
    markdown = brief.to_markdown()
    chapters = [member for group in outline.achievements for member in group.members]
    assert len(outline.achievements) == MAX_CHAPTER_POINTS   # every chapter in a run, the runs in report order
    ordinals = [member.passages[0].ordinal for member in chapters]
    assert ordinals == sorted(ordinals)
    for group in outline.achievements:   # each point named by its own chapters, as the report names them
        assert group.label.split("、")[0] in short_label(group.members[0].heading_path[-1], 10)
    assert not any(part.text.strip() == "" for part in brief.achievements)   # no point left with its name alone
    drawn = {unit.chunk.chunk_id for unit in brief.units}
    covered = [chapter for chapter in chapters if short_label(chapter.heading_path[-1]) in markdown
               or any(passage.chunk_id in drawn for passage in chapter.passages)]
    assert len(chapters) >= 8 and len(covered) >= 0.8 * len(chapters)
    assert "67.7万亿元" in markdown and "下一步打算" in markdown and Budget().fits(docx_markdown(markdown))
    assert not markdown.split("总体情况：")[1].startswith(("各位代表", "现在"))   # no salutation for an overview


def test_every_sentence_of_a_brief_is_cited_to_the_passage_it_quotes(local_workspace) -> None:
    brief = _brief(local_workspace, "004_3a5482bd6e48631d.txt")
    citations = brief.citations()
    passages = {p.chunk_id: p for p in local_workspace.passages_of(local_workspace.find_report("004"))}
    assert [c["key"] for c in citations] == [f"S{i}" for i in range(1, len(citations) + 1)]
    for citation in citations:
        passage = passages[citation["chunk_id"]]
        assert citation["heading_path"] == list(passage.heading_path)
        assert citation["source"] == "004_3a5482bd6e48631d.txt"
    for part in brief.parts:
        for unit in part.units:
            assert unit.chunk.heading_path[: len(part.group.heading_path)] == part.group.heading_path
            assert unit.quote in unit.chunk.text or unit.quote in unit.chunk.heading_path


def test_masked_figures_stay_masked_and_lists_keep_their_figures(local_workspace) -> None:
    brief = _brief(local_workspace, "000_b5634a4a4b3dd6c4.txt")
    for unit in brief.units:
        masked_in_quote = [f.text for f in find_figures(unit.quote) if f.masked]
        for figure in find_figures(unit.text):
            if figure.masked:
                assert figure.text in masked_in_quote
    point = brief.achievements[1].text
    assert "组织召开党建专题部署会*次" in point and "党支部集中学习**次" in point


@pytest.mark.parametrize("max_chars", [250, 400, 900])
def test_max_chars_builds_the_brief_to_that_length(local_workspace, max_chars: int) -> None:
    brief = _brief(local_workspace, "003_f350a27f9ad2a090.txt", max_chars)
    assert measure(docx_markdown(brief.to_markdown())).chars <= max_chars == max_chars
    assert brief.chars <= max_chars and len(brief.achievements) == 4
    if max_chars >= 400:
        assert brief.covered_sections() == set(build_outline(brief.title, None, local_workspace.passages_of(
            local_workspace.find_report("003"))).top_sections)


def test_a_bigger_budget_keeps_more_of_the_report(local_workspace) -> None:
    sizes = [_brief(local_workspace, "002", max_chars).chars for max_chars in (300, 600, 1200)]
    assert sizes[0] < sizes[1] < sizes[2]


def test_a_long_report_made_of_all_samples_briefs_within_the_page(local_workspace, tmp_path) -> None:
    from agent.settings import Settings
    from agent.workspace import Workspace

    long_report = tmp_path / "合订本.txt"
    long_report.write_text("历年工作总结合订本\n\n" + "\n".join(
        (CORPUS / source).read_text(encoding="utf-8") for source in SAMPLE_SOURCES), encoding="utf-8")
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=tmp_path), embedder=local_workspace.embedder)
    workspace.ingest([long_report])
    brief = _brief(workspace, "合订本.txt")
    assert len("".join(p.text for p in workspace.passages_of(workspace.find_report("合订本")))) > 15000
    assert Budget().fits(docx_markdown(brief.to_markdown()))
    assert len(brief.covered_sections()) >= 4


def test_a_folder_with_a_corrupt_file_briefs_the_rest_and_a_rerun_does_no_work(local_workspace, tmp_path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for source in SAMPLE_SOURCES[:3]:
        (folder / source).write_bytes((CORPUS / source).read_bytes())
    (folder / "损坏的报告.docx").write_bytes(b"PK\x03\x04 not really a zip" + os.urandom(64))
    out = tmp_path / "briefs"
    arguments = ["brief", "--all", str(folder), "--out", str(out), "--store", str(tmp_path / "store"), "--json"]
    first = CliRunner().invoke(app, arguments)
    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    assert [entry["source"] for entry in document["briefs"]] == SAMPLE_SOURCES[:3]
    assert [Path(failure["path"]).name for failure in document["failed"]] == ["损坏的报告.docx"]
    assert "损坏的报告.docx" in document["failed"][0]["error"] and "Traceback" not in first.output
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in index["briefs"]] == [   # named after the report, masks dropped
        "街道办领导班子2022年工作总结摘要.md", "街道党工委2022年工作总结和2023年工作安排摘要.md",
        "街道办2022年总结和2023年工作计划摘要.md"]
    assert "| 摘要文件 |" in (out / "index.md").read_text(encoding="utf-8")
    written = {path.name: path.stat().st_mtime_ns for path in out.glob("*摘要.md")}
    assert len(written) == 3
    second = CliRunner().invoke(app, arguments[:-1])
    assert second.exit_code == 0 and "其中 3 份未变、沿用已有摘要" in second.stderr
    assert {path.name: path.stat().st_mtime_ns for path in out.glob("*摘要.md")} == written


def test_run_briefs_reports_a_report_that_fails_and_goes_on(local_workspace, tmp_path) -> None:
    class Failing(ExtractiveCondenser):
        def condense(self, group, max_chars):
            from agent.errors import ModelError
            if "统筹推进基层党建工作" in group.label:
                raise ModelError("接口返回 500")
            return super().condense(group, max_chars)

    records = [local_workspace.find_report(source) for source in ("001", "002")]
    result = run_briefs(local_workspace, records, Failing, BriefRequest(targets=("x",)))
    assert [entry["source"] for entry in result.briefs] == ["002_0ddcf7a71d7dee43.txt"]
    assert result.failed == [{"path": "001_b1a17815476a7810.txt", "error": "接口返回 500"}]


def test_cli_prints_a_brief_and_refuses_bad_requests_clearly(local_workspace, tmp_path) -> None:
    store = str(local_workspace.settings.store)
    runner = CliRunner()
    shown = runner.invoke(app, ["brief", str(CORPUS / "004_3a5482bd6e48631d.txt"), "--store", store])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("# 2022年某街道办党工委书记抓基层党建工作述职报告\n\n总体情况：")
    by_title = runner.invoke(app, ["brief", "述职报告", "--store", store, "--json"])
    document = json.loads(by_title.stdout)
    assert set(document) == {"briefs", "failed"} and document["failed"] == []
    entry = document["briefs"][0]
    assert set(entry) >= {"source", "title", "text", "chars", "citations", "warnings"}
    assert entry["text"] == shown.stdout and entry["sections"] == {"total": 4, "covered": 4}
    problems = [runner.invoke(app, ["brief", "004", "--format", "docx", "--store", store]),
                runner.invoke(app, ["brief", "没有这份报告", "--store", store]),
                runner.invoke(app, ["brief", "004", "--max-chars", "50", "--store", store]),
                runner.invoke(app, ["brief", "--store", store])]
    assert [result.exit_code for result in problems] == [1, 1, 1, 1]
    assert "--format docx 需要用 --out" in problems[0].stderr and "找不到报告“没有这份报告”" in problems[1].stderr
    assert "太小" in problems[2].stderr and "--all" in problems[3].stderr
    assert "Traceback" not in "".join(result.output for result in problems)


@pytest.mark.slow
def test_all_five_docx_briefs_render_to_exactly_one_page(local_workspace, tmp_path) -> None:
    from tests import rendering

    out = tmp_path / "briefs"
    result = CliRunner().invoke(app, ["brief", "--all", str(CORPUS), "--out", str(out), "--format", "docx",
                                      "--store", str(local_workspace.settings.store)])
    assert result.exit_code == 0, result.output
    named = {entry["source"]: entry["file"] for entry in json.loads((out / "index.json").read_text("utf-8"))["briefs"]}
    files = [out / named[source] for source in SAMPLE_SOURCES]
    assert files[1].name == "街道党工委2022年工作总结和2023年工作安排摘要.docx"
    assert all(path.is_file() for path in files)
    assert (out / "index.md").is_file()
    rendering.require_render_tools()
    pdfs = rendering.render_pdfs(files, tmp_path / "pdf")
    assert [rendering.page_count(pdf) for pdf in pdfs] == [1] * len(SAMPLE_SOURCES)
    page = " ".join(line.text for line in rendering.text_lines(pdfs[4], 1))
    assert "一、主要成效" in page and "关键数据" in page and "〔见三〕" in page
    rendering.render_png(pdfs[4], Path(__file__).parent / "artifacts")


def test_points_past_fifteen_still_get_their_numerals() -> None:
    from agent.draft.numbering import BRACKET_STYLE, POINT_STYLE, marker

    assert [marker(BRACKET_STYLE, index) for index in (0, 9, 10, 19, 48)] == [
        "（一）", "（十）", "（十一）", "（二十）", "（四十九）"]
    assert marker(POINT_STYLE, 20) == "二十一是"


def test_a_lead_in_or_a_thank_you_is_never_a_point_of_the_brief(tmp_path, local_workspace) -> None:
    """我们也清醒认识到，…困难和问题： cut to fit reads 我们也清醒认识到。 — a fragment a leader would stop at."""
    workspace, record = _long_report(tmp_path, local_workspace, "d12_henan_gov_report_2026.txt")
    brief = brief_report(record, workspace.passages_of(record), ExtractiveCondenser(), Budget())
    markdown = brief.to_markdown()
    assert "清醒认识到。" not in markdown and "感谢" not in markdown and "敬意" not in markdown
    assert "6.66万亿元" in markdown


def test_a_government_report_s_plans_start_with_its_targets_and_take_every_chapter_after_the_turn(
        tmp_path, local_workspace) -> None:
    """河北 2026: its problems are the review's paragraph that owns up to them; 二、“十五五”时期的主要目标任务 turns
    the report to plans, so 三、2026年主要工作 is a plan too, and
    the brief's 下一步打算 opens with the year's targets as the report states them; figures come whole (2000万千瓦)."""
    workspace, record = _long_report(tmp_path, local_workspace, "b04_hebei_gov_report_2026.txt")
    passages = workspace.passages_of(record)
    outline = build_outline(record.title, record.year, passages)
    assert {passage.heading_path[0] for passage in outline.plans.passages} == {
        "二、“十五五”时期的主要目标任务", "三、2026年主要工作"}
    assert all(passage.heading_path[0].startswith("一、") for group in outline.achievements
               for passage in group.passages)
    brief = brief_report(record, passages, ExtractiveCondenser(), Budget())
    plans = brief.to_markdown().split("下一步打算", 1)[1]
    assert "主要预期目标是：地区生产总值增长5%以上" in plans
    # its problems sit in a paragraph of the review (同时，…还面临一些困难和挑战，主要是：…), under no heading
    problems = brief.to_markdown().split("存在问题", 1)[1].split("下一步打算", 1)[0]
    assert "产业转型任务依然紧迫" in problems and "困难和挑战" not in problems
    assert Budget().fits(docx_markdown(brief.to_markdown()))


def test_the_plan_heading_rule_reads_periods_and_deployments_as_plans() -> None:
    from agent.library.structure import PLAN_FRAME, heading_frame

    for title in ("二、“十五五”时期主要任务", "二、2017年工作总体部署", "二、“十三五”时期主要目标任务和重大举措",
                  "二、“十五五”主要目标任务", "二、2018年经济社会发展总体要求和政策取向", "三、对2018年政府工作的建议",
                  "二、２０１０年主要任务"):   # full-width digits, as 2010 国务院 writes them
        assert heading_frame(title) == PLAN_FRAME, title
    for title in ("一、“十四五”时期经济社会发展回顾", "一、2022年工作总结", "（二）完成重点任务情况", "一、２００９年工作回顾",
                  "（一）2022年主要任务完成情况",
                  "突出重点加大补短板力度"):   # 补短板 is work done, not a shortcoming
        assert heading_frame(title) is None, title


def test_figures_with_a_unit_that_starts_with_a_multiplier_character_are_read_whole() -> None:
    from agent.text.figures import find_figures

    assert [figure.text for figure in find_figures("外送电能力突破2000万千瓦，粮食产量1350.97亿斤")] == [
        "2000万千瓦", "1350.97亿斤"]
    assert [figure.values for figure in find_figures("装机1.1亿千瓦")] == [(1.1e8,)]


def _long_report(tmp_path, local_workspace, name: str):
    """A store of its own holding one long public report of evals/briefs/, and that report's record."""
    from agent.settings import Settings
    from agent.workspace import Workspace

    workspace = Workspace(Settings(store=tmp_path / "store", corpus=tmp_path), embedder=local_workspace.embedder)
    workspace.ingest([ROOT / "evals" / "briefs" / name])
    return workspace, workspace.find_report(name)


def test_a_problems_paragraph_is_briefed_by_the_shortcomings_it_names(tmp_path, local_workspace) -> None:
    """2016 国务院: 我们也清醒看到，…还存在不少困难和问题。 leads into the problems; the brief names them, not the lead."""
    workspace, record = _long_report(tmp_path, local_workspace, "b06_state_council_gov_report_2016.txt")
    brief = brief_report(record, workspace.passages_of(record), ExtractiveCondenser(), Budget())
    problems = brief.to_markdown().split("存在问题", 1)[1].split("下一步打算", 1)[0]
    assert "还存在不少困难和问题" not in problems and "清醒看到" not in problems
    assert re.search(r"困难|风险|不够|不足|压力", problems)


def _dash_led_review(tmp_path, local_workspace, count: int, padded: bool, owning_up: str = ""):
    """A 国务院-style review whose results are `count` "——…。" paragraphs (each one run-in heading), briefed."""
    from agent.settings import Settings
    from agent.workspace import Workspace

    fields = ["农业", "工业", "交通", "能源", "通信", "教育", "科技", "卫生", "文化", "体育"]
    aspects = ["投资", "建设", "改革", "服务", "管理"]
    padding = ("我们坚持统筹兼顾、突出重点，加强组织领导，完善工作机制，各部门密切配合，各乡镇认真落实，"
               "一批长期想办而没有办成的事情得到解决，为全县经济社会持续健康发展作出了积极贡献。") if padded else ""
    items = [f"——{fields[i % 10]}{aspects[i // 10]}成效明显。全年完成投资{i + 3}亿元，比上年增长{i % 9 + 2}%，"
             f"新建{fields[i % 10]}设施{i + 12}处，惠及群众{i + 5}万人，群众满意度明显提高，"
             f"这项工作为今后{fields[(i + 3) % 10]}发展打下了良好基础。{padding}" for i in range(count)]
    report = tmp_path / "某县五年回顾.txt"
    report.write_text("某县2003年政府工作报告\n\n一、过去五年政府工作的回顾\n五年来，全县经济保持良好发展势头。\n"
                      + "\n".join(items) + owning_up + "\n二、对今年政府工作的建议\n今年要抓好农业、工业和民生三件大事，"
                      "确保全县经济增长8%左右。\n", encoding="utf-8")
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=tmp_path), embedder=local_workspace.embedder)
    workspace.ingest([report])
    return workspace


def test_a_long_review_of_fifty_dash_led_results_briefs_to_one_page_in_runs(tmp_path, local_workspace) -> None:
    """Fifty results in 8,000+ characters: six runs, each named by three of its results at most, each pointing
    into the report briefly enough for a tight budget."""
    workspace = _dash_led_review(tmp_path, local_workspace, 50, padded=True)
    brief = _brief(workspace, "某县五年回顾.txt")
    markdown = brief.to_markdown()
    assert Budget().fits(docx_markdown(markdown)) and "下一步打算" in markdown and "8%左右" in markdown
    assert len(brief.achievements) == 6 and all(part.text.strip() for part in brief.achievements)
    assert all(part.group.label.count("、") <= 2 for part in brief.achievements)
    tight = _brief(workspace, "某县五年回顾.txt", max_chars=400)
    assert tight.chars <= 400 and not any("超出预算" in warning for warning in tight.warnings)
    assert all(part.where.count("“") <= 2 for part in tight.achievements)


def test_a_short_review_of_many_results_names_a_few_of_the_rest_not_all(tmp_path, local_workspace) -> None:
    """Forty short results: six points, and the last (其他方面) names eight of the rest and 等, not forty."""
    workspace = _dash_led_review(tmp_path, local_workspace, 40, padded=False)
    brief = _brief(workspace, "某县五年回顾.txt")
    last = brief.achievements[-1]
    assert Budget().fits(docx_markdown(brief.to_markdown())) and last.group.names_only
    assert last.text.count("、") <= 7 and last.text.endswith("等工作。")


def _chunk(text: str, ordinal: int, heading_path: tuple[str, ...] = ("一、主要工作",)):
    from agent.library.store import StoredChunk

    return StoredChunk(chunk_id=f"c{ordinal}", text=text, report_id="r", source="某街道.txt", report_title="某街道总结",
                       year=2022, doc_type="工作总结", ordinal=ordinal, heading_path=heading_path, topics=())


def test_a_reports_own_terms_are_the_names_it_coins_not_words_it_quotes_in_passing() -> None:
    from agent.brief.terms import own_terms

    passages = [
        _chunk("我们深化“红色物业”工作机制，推行“街巷长制”。全年啃下“硬骨头”3块。", 0),
        _chunk("推进“红色物业”进小区，落实“三张清单”，完成“十四五”规划中期评估，开展“七一”表彰。", 1),
        _chunk("“红色物业”覆盖全部小区，“街巷长制”实现全覆盖。", 2, ("一、主要工作", "（二）“街巷长制”见实效")),
    ]
    terms = own_terms(passages)
    names = [unit.text for unit in terms]
    assert names[0] == "“红色物业”工作机制"                       # said three times, with its head noun
    assert "“街巷长制”" in names and "“三张清单”" in names          # repeated and in a heading; an enumerated formula
    assert not any(word in name for name in names for word in ("硬骨头", "十四五", "七一"))
    first = terms[0]
    assert first.chunk.chunk_id == "c0" and "红色物业" in first.quote and first.quote in first.chunk.text


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_the_terms_line_names_what_the_points_do_not_each_cited_within_the_page(local_workspace, source) -> None:
    brief = _brief(local_workspace, source)
    markdown = brief.to_markdown()
    assert Budget().fits(docx_markdown(markdown))
    if not brief.terms:
        return
    line = next(line for line in markdown.splitlines() if line.startswith("主要提法："))
    rest = markdown.replace(line, "")
    quotes = {citation["quote"] for citation in brief.citations()}
    for unit in brief.terms:
        name = unit.text.split("”")[0].lstrip("“")
        assert name not in rest and unit.text in line
        assert any(name in quote for quote in quotes)


def test_a_brief_with_a_terms_line_names_the_reports_own_programmes(local_workspace) -> None:
    brief = _brief(local_workspace, "002_0ddcf7a71d7dee43.txt")
    line = next(line for line in brief.to_markdown().splitlines() if line.startswith("主要提法："))
    assert "“365”恒温服务" in line and len(brief.terms) >= 4
    assert not _brief(local_workspace, "002_0ddcf7a71d7dee43.txt", max_chars=400).terms   # a short brief: no line


def test_problems_listed_under_a_lead_that_owns_up_to_them_are_the_reports_problems() -> None:
    """2007 国务院 style: 我们也清醒地看到…还存在不少矛盾和问题。 then 一是…二是… below it: all problems, and the
    section's next own paragraph is not."""
    section = ("一、2006年工作回顾", "（七）加强民主法制建设")
    passages = [
        _chunk("政府立法工作进一步加强，全年制定行政法规25件。", 0, section),
        _chunk("我们也清醒地看到，经济社会发展中仍然存在不少矛盾和问题。", 1, section),
        _chunk("一是经济结构矛盾突出。投资消费关系不协调。", 2, (*section, "一是经济结构矛盾突出")),
        _chunk("二是经济增长方式粗放。能源消耗高、环境污染重。", 3, (*section, "二是经济增长方式粗放")),
        _chunk("二、2007年工作总体部署。今年经济增长8%左右。", 4, ("二、2007年工作总体部署",)),
    ]
    outline = build_outline("某报告", 2007, passages)
    assert [p.chunk_id for p in outline.problems.passages] == ["c1", "c2", "c3"]
    assert [p.chunk_id for group in outline.achievements for p in group.passages] == ["c0"]


def test_a_problems_lead_with_nothing_after_it_costs_the_page_one_line_at_most(tmp_path, local_workspace) -> None:
    """A lead into problems that names none leaves 存在问题 a heading; the part is lent one line for it, once, not
    a line at every refit of the page taken from the rest of the brief."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = _brief(_dash_led_review(tmp_path / "a", local_workspace, 50, padded=True), "某县五年回顾.txt")
    lead = "\n同时，我们也清醒地看到，工作中还存在不少困难和问题。"
    owned = _brief(_dash_led_review(tmp_path / "b", local_workspace, 50, padded=True, owning_up=lead),
                   "某县五年回顾.txt")
    assert owned.problems is not None and owned.lines <= plain.lines + 3   # its heading, its pointer, one line
    assert owned.chars >= plain.chars - 3 * 34   # its heading and the line lent it, not the page drained


def test_a_label_cut_short_never_ends_inside_a_quoted_name() -> None:
    from agent.brief.outline import short_label

    assert short_label("五是倾力推进“八项民生工程”，群众生活水平实现新提升", 10) == "倾力推进“八项民生工程”"
    assert short_label("七是全国首条“沙戈荒”新能源外送通道“宁电入湘”工程建成投运", 10) == "全国首条“沙戈荒”"
    for title in ("一是坚定守护“一河三山”基准线美丽宁夏建设交出新答卷", "着力推进“数字政府”“智慧城市”建设全面提速"):
        label = short_label(title, 8)
        assert label.count("“") == label.count("”")
