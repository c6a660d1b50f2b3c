"""Sensitive material never leaves the machine (issue 8), checked end to end on synthetic reports: classified
documents refused at ingest, admitted only for local models and never sent elsewhere; personal data replaced
before any text reaches a non-local endpoint (the local OpenAI-compatible test server stands in for one, with
egress = strict); every outbound request recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.answer.ask import answer_question
from agent.answer.engines import make_engine
from agent.cli import app
from agent.errors import ZongjieError
from agent.model.config_check import egress_lines
from agent.model.egress import SensitiveIndex
from agent.settings import Settings
from agent.workspace import Workspace

VALID_ID = "110101199003071233"          # GB 11643 check digit right
WRONG_ID = "110101199003071234"          # the same with a wrong check digit: a number, not an ID
MOBILE = "13912345678"
CARD = "6222021234567890128"            # Luhn-valid
PERSONAL = (f"2023年某社区民生工作总结\n一、困难群众帮扶\n为低保户王建国（身份证号{VALID_ID}）办理临时救助，"
            f"联系人：李秀英 {MOBILE}，救助金发放至银行卡{CARD}。档案编号{WRONG_ID}已归档。\n"
            "二、下一步打算\n继续做好困难群众帮扶工作。\n")
MARKS = ["机密★1年", "秘密★", "绝密★长期", "涉密", "内部资料 注意保密"]


def _report(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _classified(folder: Path, mark: str = "机密★1年") -> Path:
    text = (f"{mark}\n2023年某街道安全稳定工作总结\n一、重点人员稳控\n对辖区重点人员落实“一人一档”稳控措施，"
            "全年开展矛盾纠纷专项排查化解行动共计十二轮次。\n")
    return _report(folder, "稳定工作.txt", text)


@pytest.fixture
def offline(local_workspace, tmp_path: Path) -> Workspace:
    return Workspace(Settings(store=tmp_path / "store"), embedder=local_workspace.embedder)


def _remote(workspace: Workspace, server, **settings) -> Workspace:
    """The same store answered by the test server, treated as a public endpoint."""
    remote = Settings(store=workspace.settings.store, provider="openai", base_url=server.base_url, api_key="sk-t",
                      model="test-model", timeout=5.0, max_retries=1, retry_wait=0.01, egress="strict", **settings)
    return Workspace(remote, embedder=workspace.embedder)


@pytest.mark.parametrize("mark", MARKS)
def test_a_document_with_a_classification_mark_is_refused_naming_the_mark_and_nothing_is_stored(offline, tmp_path,
                                                                                                mark) -> None:
    result = offline.ingest([_classified(tmp_path / "in", mark)])
    assert result.added == 0 and len(result.failed) == 1
    error = result.failed[0]["error"]
    assert "稳定工作.txt" in error and mark.split()[0] in error and "--allow-classified" in error
    assert offline.store.get_report("稳定工作.txt") is None and offline.store.count_chunks() == 0


def test_allow_classified_admits_it_only_while_every_endpoint_is_local(offline, tmp_path) -> None:
    document = _classified(tmp_path / "in")
    to_office = Workspace(Settings(store=offline.settings.store, provider="openai", base_url="http://10.0.0.8/v1",
                                   model="m"), embedder=offline.embedder)
    refused = to_office.ingest([document], allow_classified=True)
    assert refused.added == 0 and "http://10.0.0.8/v1（内网）" in refused.failed[0]["error"]
    admitted = offline.ingest([document], allow_classified=True)
    assert admitted.added == 1
    assert offline.store.get_report("稳定工作.txt").classified == "机密"
    assert "稳定工作.txt" in SensitiveIndex.load(offline.settings.store).classified


def test_a_request_carrying_classified_text_to_a_non_local_endpoint_is_refused_before_a_byte_is_sent(
        offline, tmp_path, openai_server) -> None:
    offline.ingest([_classified(tmp_path / "in")], allow_classified=True)
    remote = _remote(offline, openai_server)
    with pytest.raises(ZongjieError, match="带密级标志的报告（稳定工作.txt），不能发往非本机接口"):
        answer_question("重点人员稳控措施有哪些？", make_engine(remote))
    assert openai_server.chat_requests() == []
    refused = remote.run_log.egress()
    assert refused and refused[0]["refused"] == "密级" and refused[0]["bytes"] == 0
    local = answer_question("重点人员稳控措施有哪些？", make_engine(offline))   # offline, it is still answered
    assert local.grounded and local.citations[0]["source"] == "稳定工作.txt"


def test_personal_data_never_reaches_a_non_local_endpoint_and_a_wrong_checksum_id_is_left_alone(
        offline, tmp_path, openai_server) -> None:
    offline.ingest([_report(tmp_path / "in", "民生.txt", PERSONAL)])
    record = offline.store.get_report("民生.txt")
    assert record.personal and "身份证号1" in record.personal and VALID_ID not in record.personal
    remote = _remote(offline, openai_server)
    openai_server.script("为低保户办理临时救助[S1]。")
    answer_question("困难群众帮扶做了什么？", make_engine(remote))
    sent = json.dumps(openai_server.chat_requests(), ensure_ascii=False)
    assert "办理临时救助" in sent                                   # the evidence went out…
    for value in (VALID_ID, MOBILE, CARD, "王建国", "李秀英"):
        assert value not in sent                                   # …but no personal data
    assert "〔身份证号〕" in sent and "〔手机号〕" in sent and "〔银行卡号〕" in sent and "〔姓名〕" in sent
    assert WRONG_ID in sent
    entry = remote.run_log.egress()[0]
    assert entry["reach"] == "public" and entry["sources"] == ["民生.txt"] and entry["bytes"] > 0
    assert entry["redactions"]["身份证号"] == 1 and entry["redactions"]["手机号"] == 1
    assert VALID_ID not in json.dumps(remote.run_log.egress(), ensure_ascii=False)


def test_embeddings_sent_to_a_non_local_embedder_are_redacted_and_recorded(tmp_path, openai_server) -> None:
    settings = Settings(store=tmp_path / "store", embedder="openai:test-embed", base_url=openai_server.base_url,
                        api_key="sk-t", egress="strict")
    workspace = Workspace(settings)
    assert workspace.ingest([_report(tmp_path / "in", "民生.txt", PERSONAL)]).added == 1
    bodies = [request["body"] for request in openai_server.state.requests if request["path"].endswith("/embeddings")]
    sent = json.dumps(bodies, ensure_ascii=False)
    assert bodies and VALID_ID not in sent and MOBILE not in sent and "〔身份证号〕" in sent
    entry = workspace.run_log.egress()[0]
    assert entry["kind"] == "embeddings" and entry["sources"] == ["民生.txt"]


def test_to_a_local_endpoint_nothing_is_redacted_but_the_request_is_still_recorded(offline, tmp_path,
                                                                                   openai_server) -> None:
    offline.ingest([_report(tmp_path / "in", "民生.txt", PERSONAL)])
    local = _remote(offline, openai_server)
    local = Workspace(Settings(**{**local.settings.__dict__, "egress": "auto"}), embedder=offline.embedder)
    openai_server.script("为低保户办理临时救助[S1]。")
    answer_question("困难群众帮扶做了什么？", make_engine(local))
    assert VALID_ID in json.dumps(openai_server.chat_requests(), ensure_ascii=False)
    assert local.run_log.egress()[0]["reach"] == "local"


def test_the_sample_reports_raise_no_alarm(local_workspace) -> None:
    assert all(record.classified == "" and record.personal == "" for record in local_workspace.reports())


def test_config_check_says_where_text_goes_and_what_is_redacted(tmp_path, openai_server) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    offline = json.loads(runner.invoke(app, ["config", "check", "--json", "--store", str(tmp_path)]).stdout)
    assert offline["egress"]["chat"] == {"url": "", "reach": "local", "redacted": [], "classified_allowed": True}
    args = ["config", "check", "--provider", "openai", "--base-url", openai_server.base_url, "--model", "test-model",
            "--store", str(tmp_path)]
    loopback = runner.invoke(app, args)
    assert f"数据去向（对话）：{openai_server.base_url}（本机）；数据不出本机" in loopback.stdout
    strict = runner.invoke(app, args, env={"COLUMNS": "200", "ZONGJIE_EGRESS": "strict"})
    assert f"{openai_server.base_url}（公网）；发送前把身份证号、手机号、银行卡号、姓名替换为〔身份证号〕" in strict.stdout
    for url, reach in (("http://10.0.0.8:9/v1", "内网"), ("https://api.deepseek.com/v1", "公网"),
                       ("http://localhost:11434/v1", "本机")):
        lines = egress_lines(Settings(provider="openai", base_url=url, model="m"))
        assert lines[0].startswith(f"数据去向（对话）：{url}（{reach}）")


def test_logs_egress_lists_each_request(offline, tmp_path, openai_server) -> None:
    offline.ingest([_report(tmp_path / "in", "民生.txt", PERSONAL)])
    remote = _remote(offline, openai_server)
    openai_server.script("为低保户办理临时救助[S1]。")
    answer_question("困难群众帮扶做了什么？", make_engine(remote))
    shown = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["logs", "--egress", "--store", str(offline.settings.store)])
    assert shown.exit_code == 0 and "（公网）" in shown.stdout and "民生.txt" in shown.stdout
    assert "身份证号1" in shown.stdout and VALID_ID not in shown.stdout
    listed = json.loads(CliRunner().invoke(app, ["logs", "--egress", "--json", "--store",
                                                 str(offline.settings.store)]).stdout)["egress"]
    assert listed[0]["kind"] == "chat" and listed[0]["redactions"]["手机号"] == 1
