"""Ingest loses nothing, whatever shape a document comes in: numbered lists, Word's automatic numbering, tables,
lists saved as pdf, GBK files, titles that are no 总结 — and it refuses what is no report.

The documents of tests/data/shapes/ were written (by someone who had not seen the parser) the way 科室 send their
materials, with every fact listed in expected.yaml; the issue's own examples are built here.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml

from agent.library.ingest import read_report
from agent.library.loaders import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES
from agent.settings import Settings
from agent.workspace import Workspace

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "data" / "shapes"
CASES = yaml.safe_load((SHAPES / "expected.yaml").read_text(encoding="utf-8"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def shapes(local_workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Every document of tests/data/shapes/ ingested into a store of its own with the bundled embedder."""
    workspace = Workspace(Settings(store=tmp_path_factory.mktemp("shapes"), corpus=CORPUS),
                          embedder=local_workspace.embedder)
    result = workspace.ingest([SHAPES / "files"])
    assert result.failed == [] and result.added == len(CASES)
    assert result.partial == []   # every file stored whole
    return workspace


def _passages(workspace: Workspace, source: str) -> list:
    return workspace.passages_of(workspace.store.get_report(source))


@pytest.mark.parametrize("case", CASES, ids=[Path(case["file"]).stem for case in CASES])
def test_every_fact_of_a_real_shaped_document_is_a_passage_under_its_heading(shapes: Workspace, case: dict) -> None:
    source = Path(case["file"]).name
    record = shapes.store.get_report(source)
    assert record.title == (case["title"] or Path(source).stem)
    passages = _passages(shapes, source)
    for fact in case.get("facts") or []:
        holding = [passage for passage in passages if _squash(fact["text"]) in _squash(passage.text)]
        assert holding, f"{fact['text']} is in no passage of {source}"
        if fact["under"]:
            assert any(fact["under"] in heading for passage in holding for heading in passage.heading_path), (
                fact, [passage.heading_path for passage in holding])
    for row in case.get("rows") or []:
        assert any(all(_squash(cell) in _squash(passage.text) for cell in row) for passage in passages), row


def test_a_table_row_is_one_passage_of_column_name_and_value_under_the_heading_it_stands_in(shapes) -> None:
    [case] = [case for case in CASES if case.get("rows") and "项目" in case["shape"]]
    passages = _passages(shapes, Path(case["file"]).name)
    rows = [passage for passage in passages if all(cell in passage.text for cell in case["rows"][0])]
    assert len(rows) == 1 and "项目：" in rows[0].text and "数量：" in rows[0].text and rows[0].heading_path


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the issue's examples, as a user would have them, with its own store."""
    (tmp_path / "list.txt").write_text(
        "青石街道纪工委2023年工作材料\n1.签订党风廉政建设责任书22份。\n2.开展节前警示教育5次。\n3.开展谈话提醒17人次。\n",
        encoding="utf-8")
    (tmp_path / "nested.txt").write_text(
        "一、党建工作\n（一）开展主题党日活动12次。\n（二）发展党员11名，培养入党积极分子26名。\n1. 新建小区党群服务驿站4个。\n"
        "2. 举办党员冬训班3期，培训党员1260人次。\n二、纪检工作\n开展节前警示教育5次。\n", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes("一、党建工作\n（一）开展主题党日活动12次。\n".encode("gbk"))
    document = docx.Document()
    document.add_paragraph("青石街道2023年党建工作材料")
    document.add_paragraph("党建工作", style="List Number")
    document.add_paragraph("开展主题党日活动12次。", style="List Number 2")
    document.add_paragraph("发展党员11名，培养入党积极分子26名。", style="List Number 2")
    document.add_paragraph("纪检工作", style="List Number")
    document.add_paragraph("开展节前警示教育5次。", style="List Bullet 2")
    table = document.add_table(rows=3, cols=3)
    for cells, values in zip(table.rows, [("项目", "数量", "备注"), ("冬训班", "3期", "培训党员1260人次"),
                                          ("党群服务驿站", "4个", "新建")]):
        for cell, value in zip(cells.cells, values):
            cell.text = value
    document.save(str(tmp_path / "word.docx"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _zongjie(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent", *args, "--store", "store"], capture_output=True,
                          text=True, timeout=300)


def _json(*args: str) -> dict:
    done = _zongjie(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _tree(workspace: Workspace, source: str) -> list[str]:
    """The heading tree `zongjie show` prints, one indented line a heading."""
    def lines(node, depth: int) -> list[str]:
        return [line for child in node.children for line in ["  " * depth + child.title, *lines(child, depth + 1)]]
    return lines(workspace.outline(workspace.find_report(source)), 0)


def test_the_issues_examples_keep_every_fact_searchable_with_the_right_title_and_tree(office: Path) -> None:
    ingested = _json("ingest", "list.txt", "nested.txt", "gbk.txt", "word.docx")
    assert (ingested["added"], ingested["failed"], ingested["coverage"]) == (4, [], [])
    reports = {report["source"]: report for report in _json("reports")["reports"]}
    assert reports["list.txt"]["title"] == "青石街道纪工委2023年工作材料"   # its first line, not the file name
    assert reports["word.docx"]["title"] == "青石街道2023年党建工作材料"
    workspace = Workspace(Settings(store=office / "store", corpus=CORPUS))
    assert _tree(workspace, "list.txt") == ["1.签订党风廉政建设责任书22份", "2.开展节前警示教育5次", "3.开展谈话提醒17人次"]
    assert _tree(workspace, "nested.txt") == ["一、党建工作", "  （一）开展主题党日活动12次", "  （二）发展党员11名，培养入党积极分子26名",
                                   "    1. 新建小区党群服务驿站4个", "    2. 举办党员冬训班3期，培训党员1260人次", "二、纪检工作"]
    assert _tree(workspace, "gbk.txt") == ["一、党建工作", "  （一）开展主题党日活动12次"]
    # Word's own numbering: the numbers are not in the text, the levels come from the list styles
    assert _tree(workspace, "word.docx") == ["1.党建工作", "  1.开展主题党日活动12次", "  2.发展党员11名，培养入党积极分子26名",
                                  "2.纪检工作"]
    for query, expected in (("冬训班", "项目：冬训班，数量：3期，备注：培训党员1260人次"), ("谈话提醒", "开展谈话提醒17人次"),
                            ("发展党员", "发展党员11名，培养入党积极分子26名"), ("主题党日", "开展主题党日活动12次")):
        hits = workspace.search(query, k=5)
        assert any(expected in hit.text for hit in hits), (query, [hit.text for hit in hits])


def test_a_file_that_is_no_chinese_report_is_refused_with_its_reason_unless_forced(office: Path) -> None:
    (office / "dump.txt").write_text(base64.b64encode(bytes(range(256)) * 400).decode(), encoding="utf-8")
    (office / "readme.txt").write_text("This is an English note about the project.\n" * 5, encoding="utf-8")
    refused = _json("ingest", "dump.txt", "readme.txt")
    assert refused["added"] == 0 and [failure["path"] for failure in refused["failed"]] == ["dump.txt", "readme.txt"]
    assert all("不像中文报告（汉字只占 0%）" in failure["error"] and "--force" in failure["error"]
               for failure in refused["failed"])
    forced = _json("ingest", "readme.txt", "--force")
    assert forced["added"] == 1 and forced["failed"] == []


def test_a_file_that_would_make_tens_of_thousands_of_passages_is_refused_before_anything_is_embedded(
        office: Path) -> None:
    (office / "ledger.txt").write_text("".join(f"第{number}户走访记录。\n" for number in range(10_001)), encoding="utf-8")
    done = _zongjie("ingest", "ledger.txt", "--json")
    failure = json.loads(done.stdout)["failed"][0]
    assert "段落过多（10001 段，上限 10000）" in failure["error"] and "--force" in failure["error"]


def _body_files() -> list[Path]:
    folders = [CORPUS, ROOT / "tests" / "data", ROOT / "benchmarks" / "data"]
    return sorted(path for folder in folders for path in folder.rglob("*")
                  if path.suffix.lower() in SUPPORTED_SUFFIXES and path.name != "SOURCES.md")


@pytest.mark.parametrize("path", _body_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_chinese_character_of_a_documents_body_is_in_a_passage_or_its_heading_path(path: Path) -> None:
    assert read_report(path, DEFAULT_MAX_BYTES).coverage == 1.0


def test_coverage_notices_a_dropped_sentence() -> None:
    from agent.library.coverage import coverage

    body = ["一、党建工作", "开展节前警示教育5次。签订党风廉政建设责任书22份。"]
    assert coverage(body, ["一、党建工作", "开展节前警示教育5次。签订党风廉政建设责任书22份。"]) == 1.0
    dropped = coverage(body, ["一、党建工作", "开展节前警示教育5次。"])
    assert 0.5 < dropped < 0.7          # the 责任书 sentence's 11 characters are missing of 24
