"""`zongjie draft --all --materials`: the whole report from this year's department materials, offline.

The materials are examples/materials/: five 科室 files as offices send them (a docx with Word numbering, a docx
with a table, a GBK txt, a UTF-8 txt), with one figure two 科室 disagree on (警示教育 10场 / 8场) and three
items that fit no report section (机关食堂, 档案, 办公用房).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.draft import ReportRequest, draft_report, make_writer
from agent.draft.repeats import drop_repeated_clauses
from agent.library.loaders import load_document
from agent.materials import collect_facts, read_materials
from agent.text.citations import keys_in, strip_citations
from agent.text.figures import counts_in, known_values

from .rendering import page_count, render_pdf, require_render_tools

MATERIALS = Path(__file__).resolve().parents[1] / "examples" / "materials"
runner = CliRunner()


@pytest.fixture(scope="module")
def report(local_workspace, tmp_path_factory):
    runs = tmp_path_factory.mktemp("whole-runs")
    request = ReportRequest(year=2023, org="梅林街道", materials_dir=MATERIALS, runs_dir=runs)
    return draft_report(local_workspace, request, make_writer(local_workspace))


def _material_text() -> str:
    return "\n".join(load_document(path).text for path in sorted(MATERIALS.iterdir()))


def test_every_figure_of_the_report_is_in_the_materials(report) -> None:
    allowed = known_values([_material_text()])
    body = strip_citations(report.text.replace("**", ""))
    figures = counts_in(body)
    assert len(figures) > 150
    assert [f.text for f in figures if f.values and not all(v in allowed for v in f.values)] == []
    assert "开展警示教育10场" not in body and "开展警示教育8场" not in body   # the conflict: neither value


def test_the_report_follows_the_units_outline_with_a_section_per_topic_the_materials_cover(report) -> None:
    parts = [section.title for section in report.sections if section.level == 2]
    assert parts == ["一、2023年工作总结", "二、存在问题", "三、2024年工作安排"]   # as the past reports call them
    sections = {section.topic: section for section in report.sections if section.level == 3}
    assert {"dangjian", "lianzheng", "pingan", "minsheng"} <= set(sections)
    assert all(section.basis == "materials" for section in sections.values())
    assert sections["dangjian"].title == "（一）统筹推进基层党建工作"   # a past report's own section title
    problems = next(section for section in report.sections if section.kind == "wenti")
    assert problems.basis == "materials" and "专职纪检干部仅3名" in problems.text


def test_each_point_cites_the_material_file_and_line_it_comes_from(report) -> None:
    citations = {citation["key"]: citation for citation in report.citations}
    assert set(keys_in(report.text)) == set(citations)        # one 依据 list, every key in it
    drill = next(key for key in citations if "防汛综合应急演练" in citations[key]["quote"])
    assert citations[drill]["file"] == "平安办2023年工作情况.docx"
    gbk = next(citation for citation in citations.values() if "低保对象312户528人" in citation["quote"])
    assert gbk["file"] == "社会事务办2023年工作总结.txt" and gbk["line"] == 7   # the GBK file, its real line
    lines = (MATERIALS / "社会事务办2023年工作总结.txt").read_bytes().decode("gbk").splitlines()
    assert "低保对象312户528人" in lines[gbk["line"] - 1]
    assert "全年组织开展应急演练16次，参与群众2300余人次" in report.text


def test_the_conflict_is_reported_with_both_values_and_the_odd_items_are_listed_unused(report) -> None:
    conflict = next(c for c in report.conflicts if "警示教育" in c["item"])
    assert sorted(entry["value"] for entry in conflict["values"]) == ["10场", "8场"]
    assert "开展警示教育〔待补〕" in report.text       # the 纪工委's sentence kept, the figure left to the writer
    unused = {fact["text"]: fact["reason"] for fact in report.facts_unused}
    canteen = next(text for text in unused if "机关食堂改造" in text)
    assert unused[canteen] == "没有对应的栏目"
    assert any("数字冲突" in reason and "8场" in text for text, reason in unused.items())
    assert len(report.facts_used) + len(report.facts_unused) == len(json.loads(
        (report.run_dir / "materials.json").read_text(encoding="utf-8")))   # every fact accounted for
    assert "机关食堂改造" in report.unused_report()


def test_the_json_has_the_contracts_fields(report) -> None:
    data = report.to_json()
    assert {"text", "sections", "citations", "facts_used", "facts_unused", "conflicts", "placeholders"} <= set(data)
    assert data["placeholders"] == report.text.count("〔待补〕") >= 1
    assert all({"title", "text"} <= set(section) for section in data["sections"])
    assert {citation["key"][0] for citation in data["citations"]} >= {"M"}


def test_the_word_file_has_the_whole_report_and_its_basis(report, tmp_path) -> None:
    require_render_tools()
    from agent.draft import export_draft

    docx = export_draft(report, tmp_path / "总结.docx")
    pdf = render_pdf(docx, tmp_path)
    assert page_count(pdf) >= 5
    from docx import Document

    texts = [paragraph.text for paragraph in Document(str(docx)).paragraphs]
    assert texts[0] == "梅林街道2023年工作总结"
    assert "一、2023年工作总结" in texts and "依据" in texts
    assert any(re.search(r"〔\d+〕今年的科室材料 《.+》（.+ 第\d+行）", text) for text in texts)
    assert not any("[M" in text for text in texts)


def test_materials_live_apart_from_past_reports(local_workspace, report) -> None:
    stored = local_workspace.store.materials_of(2023)
    assert any("梅好邻里" in row["text"] for row in stored)
    hits = local_workspace.search("梅好邻里红色物业书记项目", k=8)
    assert not any("梅好邻里" in hit.text for hit in hits)


def test_a_bad_file_among_the_materials_is_named_and_the_rest_are_used(tmp_path) -> None:
    folder = tmp_path / "材料"
    folder.mkdir()
    (folder / "纪工委材料.txt").write_text("纪工委2023年工作材料\n一、警示教育\n全年开展警示教育12场，覆盖党员干部300人次。\n",
                                        encoding="gb18030")
    (folder / "坏文件.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "空文件.docx").write_bytes(b"")
    files, unreadable = read_materials(folder)
    assert [material.name for material in files] == ["纪工委材料.txt"]
    assert len(unreadable) == 2 and any("坏文件.txt" in line for line in unreadable)
    facts = collect_facts(files, folder, 2023).facts
    assert facts[0].label == "全年开展警示教育12场，覆盖党员干部300人次。" and facts[0].topic == "lianzheng"
    assert facts[0].line == 3


def test_duplicate_figures_across_materials_are_used_once(tmp_path) -> None:
    folder = tmp_path / "材料"
    folder.mkdir()
    (folder / "a平安办.txt").write_text("平安办工作情况\n全年组织开展应急演练16次，参与群众2300余人次。\n", encoding="utf-8")
    (folder / "b党政办.txt").write_text("党政办工作情况\n配合组织开展应急演练16次。\n", encoding="utf-8")
    materials = collect_facts(read_materials(folder)[0], folder, 2023)
    assert materials.conflicts == []
    assert list(materials.held_back.values())[0].startswith("重复")


def test_a_clause_said_twice_is_said_once() -> None:
    paragraphs = ["**一是强化政治引领。**增强“四个意识”、坚定“四个自信”，开展学习12次[S1]。",
                  "**二是加强学习。**组织集中学习，增强“四个意识”、坚定“四个自信”[S2]。全年开展学习12次[S3]。"]
    kept = drop_repeated_clauses(paragraphs)
    assert kept[0] == paragraphs[0]
    assert kept[1] == "**二是加强学习。**组织集中学习。全年开展学习12次[S3]。"   # a figure clause may repeat


def test_cli_drafts_the_whole_report_and_prints_what_was_left_out(local_workspace, tmp_path) -> None:
    out = tmp_path / "总结.docx"
    result = runner.invoke(app, ["draft", "--all", "--materials", str(MATERIALS), "--org", "梅林街道", "--year", "2023",
                                 "--out", str(out), "--store", str(local_workspace.settings.store), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == "梅林街道2023年工作总结" and out.is_file()
    assert any("机关食堂" in fact["text"] for fact in data["facts_unused"])
    plain = runner.invoke(app, ["draft", "--all", "--materials", str(MATERIALS), "--year", "2023",
                                "--store", str(local_workspace.settings.store)])
    assert plain.exit_code == 0 and "## 二、存在问题" in plain.stdout
    assert "没有写入初稿" in plain.stderr and "办公用房" in plain.stderr


def test_cli_explains_what_to_ask_for(local_workspace, tmp_path) -> None:
    store = ["--store", str(local_workspace.settings.store)]
    neither = runner.invoke(app, ["draft", *store])
    assert neither.exit_code == 2 and "--all" in neither.output and "Traceback" not in neither.output
    missing = runner.invoke(app, ["draft", "--all", "--materials", str(tmp_path / "没有这个目录"), *store])
    assert missing.exit_code != 0 and "找不到材料目录" in missing.output and "Traceback" not in missing.output


def test_an_edited_outline_decides_the_sections(local_workspace, tmp_path) -> None:
    runs = tmp_path / "runs"
    request = ReportRequest(year=2023, org="梅林街道", materials_dir=MATERIALS, runs_dir=runs, outline_only=True)
    planned = draft_report(local_workspace, request, make_writer(local_workspace))
    assert planned.sections == [] and "〔党风廉政〕" in planned.outline.render()
    edited = "\n".join(line for line in planned.outline.render().splitlines() if "〔民生保障〕" not in line)
    edited = edited.replace("切实加强党风廉政建设", "全面从严治党")
    outline = tmp_path / "提纲.md"
    outline.write_text(edited, encoding="utf-8")
    drafted = draft_report(local_workspace, ReportRequest(year=2023, org="梅林街道", materials_dir=MATERIALS,
                                                          runs_dir=runs, outline_path=outline),
                           make_writer(local_workspace))
    titles = [section.title for section in drafted.sections]
    assert "（四）全面从严治党" in titles or "（三）全面从严治党" in titles
    assert not any(section.topic == "minsheng" for section in drafted.sections)
    reasons = {fact["reason"] for fact in drafted.facts_unused if "低保" in fact["text"]}
    assert reasons == {"提纲中没有“民生保障”栏目"}


def test_one_section_from_the_materials(local_workspace, tmp_path) -> None:
    result = runner.invoke(app, ["draft", "--section", "党风廉政", "--materials", str(MATERIALS), "--year", "2023",
                                 "--store", str(local_workspace.settings.store), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [section["topic"] for section in data["sections"] if section["level"] == 3] == ["lianzheng"]
    assert "明察暗访14次" in data["text"]


def test_a_materials_folder_under_a_hidden_directory_is_read(tmp_path) -> None:
    folder = tmp_path / ".cache" / "材料"
    folder.mkdir(parents=True)
    (folder / "纪工委材料.txt").write_text("纪工委工作材料\n全年开展警示教育12场，覆盖党员干部300人次。\n", encoding="utf-8")
    (folder / ".~lock.纪工委材料.txt#").write_text("lock", encoding="utf-8")   # an editor's lock file stays out
    files, unreadable = read_materials(folder)
    assert [material.name for material in files] == ["纪工委材料.txt"] and unreadable == []
