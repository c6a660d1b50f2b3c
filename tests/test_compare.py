"""`zongjie compare --section`: one topic across reports, each report's own points under its own column.

On the five sample reports (units side by side), on a generated series of one unit over three years, and on a
hand-written pair of years (one .txt, one .docx as offices send them) whose repeats, new and dropped points are
known; plus exports read back with the libraries a staffer's Excel and Word files are read with, and the model's
summary of the differences, guarded, against the local OpenAI-compatible server.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.compare import CompareRequest, compare_topic
from agent.compare.export import export_comparison
from agent.compare.table import FIGURES_CHANGED, VERBATIM
from agent.evals.openai_server import Fault
from agent.settings import Settings
from agent.text.figures import PLACEHOLDER
from agent.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate_corpus import generate_series, write_reports  # noqa: E402

runner = CliRunner()
EMPTY_ON_LIANZHENG = "002_0ddcf7a71d7dee43.txt"   # its 2022 report says nothing on 党风廉政


@pytest.fixture(scope="module")
def lianzheng(local_workspace):
    return compare_topic(local_workspace, CompareRequest(section="党风廉政"))


def _column(comparison, source):
    return next(column for column in comparison.columns if column.report.source == source)


def _column_text(comparison, source) -> str:
    return "".join(point.text for point in _column(comparison, source).points)


def test_each_report_keeps_its_own_points_in_its_own_column(lianzheng, local_workspace) -> None:
    assert [column.report.source for column in lianzheng.columns] == [r.source for r in local_workspace.reports()]
    assert not lianzheng.series
    for column in lianzheng.columns:
        assert all(point.chunk.source == column.report.source for point in column.points)
    assert "开展节前警示教育**次" in _column_text(lianzheng, "000_b5634a4a4b3dd6c4.txt")   # masks stay masked
    assert "开展谈话提醒*人次" in _column_text(lianzheng, "001_b1a17815476a7810.txt")
    assert "三是开展作风集中整顿" in _column_text(lianzheng, "004_3a5482bd6e48631d.txt")    # a point keeps its heading
    assert "开展节前警示教育" not in _column_text(lianzheng, "001_b1a17815476a7810.txt")
    assert _column(lianzheng, EMPTY_ON_LIANZHENG).points == []


def test_rows_are_the_topics_sub_themes_with_marks(lianzheng) -> None:
    labels = [row.label for row in lianzheng.rows]
    assert labels[:5] == ["主体责任", "纠治四风", "警示教育", "监督检查", "制度建设"]
    warning = next(row for row in lianzheng.rows if row.label == "警示教育")
    assert "开展节前警示教育**次" in lianzheng.cell(_column(lianzheng, "000_b5634a4a4b3dd6c4.txt"), "警示教育")
    assert lianzheng.cell(_column(lianzheng, EMPTY_ON_LIANZHENG), "警示教育") == ""
    assert EMPTY_ON_LIANZHENG not in warning.reports
    assert not any(row.common for row in lianzheng.rows)   # one report has nothing on the topic
    unique = [row for row in lianzheng.rows if row.unique]
    assert all(len(row.reports) == 1 for row in unique)
    assert all(lianzheng.marks(row).startswith("仅") for row in unique)


def test_every_cell_stands_word_for_word_in_the_passage_it_cites(lianzheng) -> None:
    for column in lianzheng.columns:
        for point in column.points:
            assert point.text.replace("\n", "") in point.chunk.text.replace("\n", ""), point.key
    keys = [citation["key"] for citation in lianzheng.citations()]
    assert keys == [f"S{number}" for number in range(1, len(keys) + 1)]


def test_json_follows_the_contract(lianzheng) -> None:
    document = json.loads(json.dumps(lianzheng.to_json(), ensure_ascii=False))
    assert document["topic"] == "党风廉政" and document["mode"] == "units" and document["repeated"] == []
    report = document["reports"][0]
    assert set(report) >= {"source", "title", "year", "points"}
    point = report["points"][0]
    assert set(point) >= {"text", "citation", "row"}
    assert point["citation"]["source"] == report["source"] and point["citation"]["key"].startswith("S")
    assert {row["label"] for row in document["rows"]} == {p["row"] for r in document["reports"] for p in r["points"]}
    assert all(set(row) >= {"label", "reports"} for row in document["rows"])


def test_an_unknown_report_is_named_with_a_short_list_of_the_stored_ones() -> None:
    from agent.compare.columns import CompareRequest as Request, choose_reports
    from agent.errors import UserError
    from agent.library.store import ReportRecord

    stored = [ReportRecord(f"r{n}", f"{n:02d}.txt", f"第{n}份", 2022, "总结", None, "", 1) for n in range(30)]
    with pytest.raises(UserError) as raised:
        choose_reports(stored, Request(section="党建", reports=("没有这份",)))
    message = str(raised.value)
    assert "07.txt（第7份）" in message and "08.txt" not in message and "等共 30 份" in message


def test_a_named_report_set_and_a_topic_nobody_covers(local_workspace) -> None:
    chosen = compare_topic(local_workspace, CompareRequest(section="统战", reports=("002,004",)))
    assert [column.report.source for column in chosen.columns] == ["002_0ddcf7a71d7dee43.txt",
                                                                   "004_3a5482bd6e48631d.txt"]
    assert chosen.rows == [] and all(not column.points for column in chosen.columns)
    assert chosen.warnings == ["所选报告中都没有“统战”方面的内容"]


def test_problems_are_compared_by_what_they_are_about(local_workspace) -> None:
    problems = compare_topic(local_workspace, CompareRequest(section="存在问题"))
    text = _column_text(problems, "004_3a5482bd6e48631d.txt")
    assert "一是联系基层还不够多" in text and "二是工作抓得还不够紧" in text
    assert "整改" not in "".join(point.chunk.heading_path[-1] for column in problems.columns
                                 for point in column.points)   # rectified problems are measures, not problems


# ---------------------------------------------------------------- year series

MEILIN_2022 = """梅林街道2022年工作总结
一、2022年工作总结
（一）党风廉政建设
一是压实主体责任。召开党风廉政建设工作会议2次，签订党风廉政建设责任书45份。
二是加强监督检查。开展各类监督检查12次，下发督查通报3期。
三是抓好作风建设。街道领导班子自查各类问题8条，全部整改到位。
"""
MEILIN_2023 = [
    "梅林街道2023年工作总结",
    "一、2023年工作总结",
    "（一）党风廉政建设",
    "一是压实主体责任。召开党风廉政建设工作会议3次，签订党风廉政建设责任书45份。",
    "二是加强监督检查。开展各类监督检查12次，下发督查通报3期。",
    "三是深化警示教育。组织观看警示教育片6场，开展节前警示教育4次。",
]


@pytest.fixture(scope="module")
def meilin(tmp_path_factory, local_workspace):
    """梅林街道 2022 (.txt) and 2023 (.docx, as the office saved it) in a store of their own."""
    from docx import Document

    folder = tmp_path_factory.mktemp("meilin")
    (folder / "梅林2022.txt").write_text(MEILIN_2022, encoding="gbk")
    document = Document()
    for line in MEILIN_2023:
        document.add_paragraph(line)
    document.save(folder / "梅林2023.docx")
    workspace = Workspace(Settings(store=tmp_path_factory.mktemp("meilin-store"), corpus=folder),
                          embedder=local_workspace.embedder)
    workspace.ingest([folder])
    return workspace


def test_a_units_years_are_ordered_and_repeats_new_and_dropped_are_marked(meilin) -> None:
    series = compare_topic(meilin, CompareRequest(section="党风廉政", org="梅林街道"))
    assert series.series and [column.report.year for column in series.columns] == [2022, 2023]
    kinds = {repeat.text: repeat.kind for repeat in series.repeated}
    assert kinds["开展各类监督检查12次，下发督查通报3期。"] == VERBATIM
    assert kinds["召开党风廉政建设工作会议3次，签订党风廉政建设责任书45份。"] == FIGURES_CHANGED
    assert not any("警示教育" in text for text in kinds)
    rows = {row.label: row for row in series.rows}
    assert rows["警示教育"].new_in == ["梅林2023.docx"]
    assert rows["纠治四风"].dropped_in == ["梅林2023.docx"]
    assert rows["监督检查"].common and not rows["监督检查"].new_in
    assert "2023年新增" in series.marks(rows["警示教育"]) and "2023年未再提及" in series.marks(rows["纠治四风"])
    assert series.to_json()["mode"] == "years"


def test_years_narrow_the_series(meilin) -> None:
    one = compare_topic(meilin, CompareRequest(section="党风廉政", years="2023"))
    assert [column.report.year for column in one.columns] == [2023] and one.repeated == []


def test_a_generated_three_year_series(tmp_path, local_workspace) -> None:
    folder = tmp_path / "series"
    write_reports(generate_series("东湖街道", range(2020, 2023), seed=3), folder)
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=folder), embedder=local_workspace.embedder)
    workspace.ingest([folder])
    series = compare_topic(workspace, CompareRequest(section="党风廉政"))
    assert series.series and [column.report.year for column in series.columns] == [2020, 2021, 2022]
    assert series.repeated, "a unit's reports of three years share sentences"
    texts = {path.name: path.read_text(encoding="utf-8").replace("\n", "") for path in folder.iterdir()}
    for repeat in series.repeated:
        assert repeat.text in texts[repeat.source]
        if repeat.kind == VERBATIM:
            assert repeat.text in texts[repeat.previous]
    for row in series.rows:
        for before, after in zip(series.columns, series.columns[1:]):
            assert (after.report.source in row.new_in) == (row.label in after.rows() and row.label not in before.rows())


# ---------------------------------------------------------------- exports and the command line

def test_excel_word_and_html_exports_read_back(lianzheng, tmp_path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    sheet = load_workbook(export_comparison(lianzheng, tmp_path / "对比.xlsx")).active
    header = [cell.value for cell in sheet[2]]
    assert header[0] == "方面" and header[-1] == "依据" and len(header) == len(lianzheng.columns) + 3
    assert header[3].endswith("（本报告未涉及）")
    warning_row = next(row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == "警示教育")
    assert "开展节前警示教育**次" in warning_row[1] and "[S" in warning_row[1] and "《" in warning_row[-1]
    assert sheet["B3"].alignment.wrap_text

    document = Document(export_comparison(lianzheng, tmp_path / "对比.docx"))
    assert document.sections[0].page_width > document.sections[0].page_height   # landscape
    table = document.tables[0]
    assert len(table.columns) == len(lianzheng.columns) + 2 and len(table.rows) == len(lianzheng.rows) + 1
    assert any("开展节前警示教育**次" in cell.text for row in table.rows for cell in row.cells)

    page = export_comparison(lianzheng, tmp_path / "对比.html").read_text(encoding="utf-8")
    assert '<a href="#S1">[S1]</a>' in page and '<li id="S1">' in page


def test_cli_prints_the_table_and_saves_excel(local_workspace, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = str(local_workspace.settings.store)
    result = runner.invoke(app, ["compare", "--section", "四风", "--store", store, "--out", "t.xlsx"])
    assert result.exit_code == 0, result.output
    assert "【警示教育】" in result.stdout and "开展节前警示教育**次" in result.stdout
    assert (tmp_path / "t.xlsx").is_file()
    document = json.loads(runner.invoke(app, ["compare", "-s", "党风廉政", "--store", store, "--json"]).stdout)
    assert document["topic"] == "党风廉政" and len(document["reports"]) == 5


@pytest.mark.parametrize("args, message", [
    (["--section", "不存在的栏目"], "未知的栏目"),
    (["--section", "党风廉政", "--reports", "没有这份报告"], "没有与“没有这份报告”对应的报告"),
    (["--section", "党风廉政", "--years", "去年"], "年份的写法看不懂"),
    (["--section", "党风廉政", "--years", "1999"], "没有1999年的报告"),
    (["--section", "党风廉政", "--out", "对比.pdf"], "--out 只支持"),
])
def test_user_mistakes_get_a_chinese_message_not_a_traceback(local_workspace, tmp_path, monkeypatch, args,
                                                               message) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", *args, "--store", str(local_workspace.settings.store)])
    assert result.exit_code == 1
    assert message in result.output.replace("\n", "") and "Traceback" not in result.output


# ---------------------------------------------------------------- the model's summary

def test_the_models_summary_is_cited_and_its_invented_figures_replaced(llm_workspace, openai_server) -> None:
    openai_server.script("各报告都把警示教育作为重点，如开展节前警示教育**次[S2]。"
                         "其中一份报告开展警示教育15次[S2]。"
                         "总体来看各单位都很重视。"
                         "个别报告还写了不存在的内容[S99]。")
    comparison = compare_topic(llm_workspace, CompareRequest(section="党风廉政", summary=True))
    assert comparison.summary.startswith("各报告都把警示教育作为重点，如开展节前警示教育**次[S2]。")
    assert f"开展警示教育{PLACEHOLDER}次[S2]" in comparison.summary
    assert "都很重视" not in comparison.summary and "S99" not in comparison.summary
    assert any("15次" in warning for warning in comparison.warnings)
    prompt = openai_server.chat_requests()[-1]["messages"][-1]["content"]
    assert "【警示教育】" in prompt and "开展节前警示教育**次" in prompt


def test_a_failing_endpoint_leaves_the_table(llm_workspace, openai_server) -> None:
    openai_server.state.faults.extend([Fault(status=500)] * 3)
    comparison = compare_topic(llm_workspace, CompareRequest(section="党风廉政", summary=True))
    assert comparison.summary == "" and comparison.rows
    assert any("模型未能给出差异概述" in warning for warning in comparison.warnings)


def test_offline_summary_asks_for_a_model(local_workspace) -> None:
    comparison = compare_topic(local_workspace, CompareRequest(section="党风廉政", summary=True))
    assert comparison.summary == "" and any("需要配置对话模型" in warning for warning in comparison.warnings)
