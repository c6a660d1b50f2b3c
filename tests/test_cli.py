"""The zongjie command line as a user runs it: JSON contract, auto-ingest, the tree, errors without tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app

from .conftest import CORPUS, SAMPLE_SOURCES

runner = CliRunner()


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the sample corpus in ./corpus, as on a fresh clone."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _zongjie(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script in the current folder."""
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, timeout=300)


def test_ingest_then_search_json_returns_cited_hits_with_heading_paths(office: Path) -> None:
    ingested = _zongjie("ingest", "corpus", "--json")
    assert ingested.returncode == 0, ingested.stderr
    summary = json.loads(ingested.stdout)
    assert summary == {"added": 5, "updated": 0, "unchanged": 0, "failed": [], "reports": 5,
                       "chunks": summary["chunks"], "coverage": []} and summary["chunks"] > 100

    searched = _zongjie("search", "廉洁自律教育", "--json")
    assert searched.returncode == 0, searched.stderr
    document = json.loads(searched.stdout)
    assert document["query"] == "廉洁自律教育" and len(document["hits"]) == 8
    first = document["hits"][0]
    assert set(first) == {"rank", "score", "chunk_id", "source", "report_title", "year", "heading_path",
                          "topics", "text"}
    answer = next(hit for hit in document["hits"][:5] if "廉政纪律片" in hit["text"])
    assert answer["heading_path"] == ["三、党风廉政建设和执行民主集中制情况", "（一）党风廉政建设方面"]
    assert answer["source"] == "000_b5634a4a4b3dd6c4.txt" and answer["year"] == 2022


def test_a_command_on_an_empty_store_ingests_the_corpus_first_and_says_so_on_stderr(office: Path) -> None:
    result = runner.invoke(app, ["search", "四风", "-k", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert "资料库为空，先导入 corpus/" in result.stderr
    assert len(json.loads(result.stdout)["hits"]) == 3


def test_reingest_reports_everything_unchanged(office: Path) -> None:
    runner.invoke(app, ["ingest", "--json"])
    result = runner.invoke(app, ["ingest", "--json"])
    assert json.loads(result.stdout)["unchanged"] == 5


def test_show_prints_the_heading_tree_of_a_report(office: Path) -> None:
    result = runner.invoke(app, ["show", "000_b5634a4a4b3dd6c4.txt"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    fourth = next(index for index, line in enumerate(lines) if "四是抓好项目建设" in line)
    nested = lines[fourth + 1]
    assert "一是主动谋划、靠前对接" in nested
    assert nested.index("一是") > lines[fourth].index("四是")  # drawn one level deeper


def test_show_json_and_reports_json(office: Path) -> None:
    shown = json.loads(runner.invoke(app, ["show", "述职", "--json"]).stdout)
    assert [node["title"] for node in shown["tree"]] == [
        "一、2021年度反馈问题整改落实情况", "二、2022年履职尽责情况", "三、存在问题", "四、2023年工作打算"]
    listed = json.loads(runner.invoke(app, ["reports", "--json"]).stdout)["reports"]
    assert sorted(report["source"] for report in listed) == SAMPLE_SOURCES
    assert {report["doc_type"] for report in listed} == {"总结", "述职"}


def test_section_filter_with_synonym_and_unknown_section_error(office: Path) -> None:
    ok = runner.invoke(app, ["search", "谈话提醒", "--section", "全面从严治党", "--json"])
    assert ok.exit_code == 0 and all("党风廉政" in hit["topics"] for hit in json.loads(ok.stdout)["hits"])
    bad = runner.invoke(app, ["search", "谈话", "--section", "外星人"])
    assert bad.exit_code == 1
    assert "党风廉政" in bad.stderr and "Traceback" not in bad.output


def test_bad_files_are_reported_in_json_and_do_not_stop_the_folder(office: Path) -> None:
    (office / "corpus" / "空文件.txt").write_bytes(b"")
    (office / "corpus" / "坏的.docx").write_bytes(b"PK\x03\x04 truncated")
    result = runner.invoke(app, ["ingest", "corpus", "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["added"] == 5
    assert sorted(Path(item["path"]).name for item in summary["failed"]) == ["坏的.docx", "空文件.txt"]


def test_user_mistakes_exit_1_usage_errors_exit_2_never_a_traceback(office: Path) -> None:
    missing = runner.invoke(app, ["ingest", "没有这个目录"])
    assert missing.exit_code == 1 and "找不到文件或目录" in missing.stderr
    unreachable = runner.invoke(app, ["reports", "--store-url", "http://127.0.0.1:9"])
    assert unreachable.exit_code == 1 and "连接不上 Chroma 服务" in unreachable.stderr
    usage = runner.invoke(app, ["search"])
    assert usage.exit_code == 2
    for result in (missing, unreachable, usage):
        assert "Traceback" not in result.output


def test_help_explains_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "search", "reports", "show"):
        assert command in result.stdout
    assert "离线" in result.stdout


def _flatten(nodes: list[dict], depth: int = 0) -> list[str]:
    lines = []
    for node in nodes:
        lines.append("  " * depth + node["title"])
        lines.extend(_flatten(node["children"], depth + 1))
    return lines


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_show_gives_the_real_tree_of_each_sample_report(office: Path, source: str) -> None:
    from .test_structure import TREES

    shown = json.loads(runner.invoke(app, ["show", source, "--json", "--embedder", "fake"]).stdout)
    expected = (TREES / source).read_text(encoding="utf-8").splitlines()
    assert [f"# {shown['title']}", *_flatten(shown["tree"])] == expected
