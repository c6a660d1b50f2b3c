"""Taking a report out of the 资料库 (`zongjie remove`, the page's 删除): afterwards no search, answer, BM25 word or
egress check finds anything of it, and the uploaded file is gone."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from agent.cli import app as cli
from agent.model.egress import SensitiveIndex
from agent.settings import Settings
from agent.web.app import create_app
from agent.workspace import Workspace

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# A report uploaded by mistake: another unit's, with words no sample uses.
MISTAKE = ("2023年青松社区工作总结\n一、党建工作\n全年开展“银杏议事厅”协商活动12次，"
           "建成青松社区老年食堂一处。\n二、存在问题\n一是议事成果转化不够。\n")


@pytest.fixture
def workspace(local_workspace, tmp_path: Path) -> Workspace:
    """Two sample reports in a store of its own (sharing the session's embedder)."""
    own = Workspace(Settings(store=tmp_path / "store", corpus=CORPUS), embedder=local_workspace.embedder)
    own.ingest([CORPUS / "000_b5634a4a4b3dd6c4.txt", CORPUS / "004_3a5482bd6e48631d.txt"])
    return own


def _upload_the_mistake(client: TestClient) -> str:
    sent = client.post("/api/upload", files={"file": ("青松社区.txt", io.BytesIO(MISTAKE.encode("gbk")))})
    assert sent.status_code == 200, sent.text
    return sent.json()["source"]


def test_a_report_uploaded_by_mistake_is_deleted_from_the_page_and_found_nowhere_afterwards(workspace) -> None:
    from agent.answer.ask import answer_question
    from agent.answer.engines import make_engine

    client = TestClient(create_app(workspace))
    source = _upload_the_mistake(client)
    assert any(hit.source == source for hit in workspace.search("银杏议事厅", k=3))
    assert source in SensitiveIndex.load(workspace.settings.store).titles.values()

    removed = client.delete(f"/api/reports/{source}")
    assert removed.status_code == 200, removed.text
    assert removed.json() == {"removed": source, "title": "2023年青松社区工作总结", "passages": removed.json()["passages"],
                              "upload_deleted": True, "reports": 2}
    assert removed.json()["passages"] >= 1

    listed = [report["source"] for report in client.get("/api/reports").json()["reports"]]
    assert source not in listed and len(listed) == 2
    assert all(hit.source != source for hit in workspace.search("银杏议事厅 老年食堂", k=8))
    assert not workspace.retriever.lexical_index().scores(["银杏"]).any()            # no BM25 word is left
    answer = answer_question("哪份报告提到了“银杏议事厅”？", make_engine(workspace))
    assert answer.text == "资料中未找到相关内容。" and not answer.citations
    index = SensitiveIndex.load(workspace.settings.store)
    assert source not in index.titles.values() and source not in index.classified
    assert not (workspace.uploads / source).exists()

    again = client.delete(f"/api/reports/{source}")
    assert again.status_code == 400 and "可能已经删除" in again.json()["error"]


def test_cli_remove_asks_first_takes_a_title_word_and_leaves_the_original_file_alone(workspace, tmp_path) -> None:
    runner = CliRunner()
    store = ["--store", str(workspace.settings.store)]
    kept = runner.invoke(cli, ["remove", "述职报告", *store], input="n\n")
    assert kept.exit_code == 1 and len(workspace.reports()) == 2                    # answered no: nothing removed

    unconfirmed = runner.invoke(cli, ["remove", "述职报告", *store, "--json"])
    assert unconfirmed.exit_code != 0 and "--yes" in unconfirmed.output and len(workspace.reports()) == 2

    done = runner.invoke(cli, ["remove", "述职报告", *store, "--yes", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["removed"] == "004_3a5482bd6e48631d.txt" and result["reports"] == 1 and not result["upload_deleted"]
    assert [report.source for report in workspace.reports()] == ["000_b5634a4a4b3dd6c4.txt"]
    assert (CORPUS / "004_3a5482bd6e48631d.txt").is_file()                           # the user's own file stays
    assert all(hit.source == "000_b5634a4a4b3dd6c4.txt" for hit in workspace.search("支部建在楼上", k=5))

    unknown = runner.invoke(cli, ["remove", "不存在的报告", *store, "--yes"])
    assert unknown.exit_code != 0 and "找不到报告" in unknown.output and "Traceback" not in unknown.output
