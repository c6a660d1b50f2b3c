"""`zongjie serve`'s API through FastAPI's test client: streamed answers, the token, uploads (limits, names that try
to leave the store, encodings), draft and brief downloads, the whole report drafted from uploaded materials, a
written draft proofread against uploaded materials (as JSON and as a commented Word file), one topic compared
across the reports (as JSON and as Excel and Word files), and report text that carries markup."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from agent.cli import app as cli
from agent.settings import Settings
from agent.web.app import STATIC, create_app
from agent.workspace import Workspace
from tests.conftest import SAMPLE_SOURCES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MATERIALS = Path(__file__).resolve().parent.parent / "examples" / "materials"
CHECK_DRAFTS = Path(__file__).resolve().parent.parent / "evals" / "check" / "dev"


@pytest.fixture(scope="module")
def client(local_workspace) -> TestClient:
    return TestClient(create_app(local_workspace))


@pytest.fixture
def own_workspace(local_workspace, tmp_path: Path) -> Workspace:
    """A store of its own (uploads add reports), sharing the session's embedder."""
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=CORPUS), embedder=local_workspace.embedder)
    workspace.ingest([CORPUS / "004_3a5482bd6e48631d.txt"])
    return workspace


def _events(response) -> list[tuple[str, dict]]:
    """The server-sent events of a response, in order."""
    events = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_the_page_and_its_files_come_from_the_package_with_nothing_from_outside(client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for name in ("app.js", "app.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path.name


def test_status_topics_reports_and_a_heading_tree(client) -> None:
    assert client.get("/api/status").json() == {"engine": "extractive", "model": None, "reports": 5,
                                                "max_upload_mb": 20.0, "draft_year": 2023, "newest_year": 2022}
    names = [topic["name"] for topic in client.get("/api/topics").json()["topics"]]
    assert "党风廉政" in names
    sources = [report["source"] for report in client.get("/api/reports").json()["reports"]]
    assert "004_3a5482bd6e48631d.txt" in sources
    tree = client.get("/api/reports/004_3a5482bd6e48631d.txt/outline").json()
    assert [child["heading"] for child in tree["children"]][:2] == ["一、2021年度反馈问题整改落实情况",
                                                                   "二、2022年履职尽责情况"]
    missing = client.get("/api/reports/no-such-report/outline")
    assert missing.status_code == 400 and "找不到" in missing.json()["error"]


def test_a_heading_tree_carries_the_text_under_each_heading_once(client) -> None:
    tree = client.get("/api/reports/000_b5634a4a4b3dd6c4.txt/outline").json()
    chapter = next(node for node in tree["children"] if node["heading"].startswith("三、党风廉政建设"))
    assert chapter["passages"] == []                         # only sub-sections under it: their text is theirs
    integrity, centralism = chapter["children"]
    assert integrity["heading"] == "（一）党风廉政建设方面"
    assert integrity["passages"][0].startswith("（一）党风廉政建设方面。认真履行党风廉政主体责任")
    assert "认真执行三重一大" in centralism["passages"][0]
    assert tree["passages"][0].startswith("根据全市考核工作安排")   # the opening, before the first heading

    def passages(node: dict) -> int:
        return len(node["passages"]) + sum(passages(child) for child in node["children"])

    listed = {report["source"]: report for report in client.get("/api/reports").json()["reports"]}
    assert passages(tree) == listed["000_b5634a4a4b3dd6c4.txt"]["chunks"]   # the whole report, each passage once


def test_an_answer_streams_as_events_then_comes_whole_with_its_passages_and_follow_ups_continue(client) -> None:
    response = client.post("/api/chat", json={"session": "s-1", "question": "组织干部观看了哪些廉政纪律片？"})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response)
    texts = [data["text"] for kind, data in events if kind == "text"]
    kind, done = events[-1]
    assert kind == "done" and texts and "".join(texts).strip() == done["answer"]
    assert "《永远在路上》" in done["answer"] and not done["refused"] and done["grounded"]
    first = done["citations"][0]
    assert first["key"] == "S1" and first["quote"] in first["passage"] and first["report_title"]
    follow_up = _events(client.post("/api/chat", json={"session": "s-1", "question": "那2023年呢？"}))
    assert follow_up[-1][0] == "done"
    refused = _events(client.post("/api/chat", json={"session": "s-2", "question": "街道开展了几次无偿献血活动？"}))
    assert refused[-1][1]["refused"] and refused[-1][1]["citations"] == []
    assert client.post("/api/chat/reset", json={"session": "s-1"}).json() == {"ok": True}
    empty = client.post("/api/chat", json={"session": "s-3", "question": "   "})
    assert empty.status_code == 400 and empty.json()["error"] == "请输入问题"


def test_a_model_answer_streams_piece_by_piece(llm_workspace, openai_server) -> None:
    openai_server.chunk_size = 4
    openai_server.script("组织观看《永远在路上》《零容忍》等廉政纪律片[S1]。另开展节前警示教育**次[S1]。")
    client = TestClient(create_app(llm_workspace))
    events = _events(client.post("/api/chat", json={"session": "m", "question": "组织干部观看了哪些廉政纪律片？"}))
    assert [kind for kind, _ in events].count("text") >= 2 and events[-1][0] == "done"
    assert events[-1][1]["answer"].startswith("组织观看《永远在路上》")


def test_off_loopback_every_request_needs_the_token(local_workspace) -> None:
    client = TestClient(create_app(local_workspace, token="s3cret-token"))
    assert client.get("/api/status").status_code == 401
    assert client.get("/api/status", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/chat", json={"session": "x", "question": "党建"}).status_code == 401
    page = client.get("/")
    assert page.status_code == 401 and "访问令牌" in page.text
    assert client.get("/api/status", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    link = client.get("/?token=s3cret-token", follow_redirects=False)
    assert link.status_code == 303 and "httponly" in link.headers["set-cookie"].lower()
    assert client.get("/api/status").status_code == 200          # the cookie the link set


def test_serving_on_the_network_without_a_token_is_refused(local_workspace) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--store", str(local_workspace.settings.store)])
    assert result.exit_code == 1 and "访问令牌" in result.stderr and "Traceback" not in result.output


def test_an_upload_is_ingested_and_a_gbk_report_reads_cleanly(own_workspace) -> None:
    client = TestClient(create_app(own_workspace))
    text = "2023年某社区工作总结\n一、党建工作\n全年开展主题党日活动12次。\n"
    sent = client.post("/api/upload", files={"file": ("社区总结.txt", io.BytesIO(text.encode("gbk")), "text/plain")})
    assert sent.status_code == 200, sent.text
    assert sent.json()["outcome"] == "added" and sent.json()["title"] == "2023年某社区工作总结"
    again = client.post("/api/upload", files={"file": ("社区总结.txt", io.BytesIO(text.encode("gbk")))})
    assert again.json()["outcome"] == "unchanged"
    brief = client.post("/api/brief", json={"report": "社区总结.txt"}).json()
    assert "12次" in brief["text"]


def test_an_upload_marked_reference_is_listed_as_reference_and_ranks_behind_the_units_own(own_workspace) -> None:
    client = TestClient(create_app(own_workspace))
    policy = "某区2023年工作要点\n一、基层治理\n推行网格化管理，每个网格配备专职网格员。\n"
    sent = client.post("/api/upload", files={"file": ("区工作要点.txt", io.BytesIO(policy.encode("utf-8")))},
                       data={"reference": "1"})
    assert sent.status_code == 200 and sent.json()["reference"] is True
    own = client.post("/api/upload", files={"file": ("社区总结.txt", io.BytesIO("2023年某社区工作总结\n一、党建工作\n"
                                                                         "全年开展主题党日活动12次。\n".encode()))})
    assert own.json()["reference"] is False      # no mark asked: by its kind, a unit's own 总结
    listed = {report["source"]: report["reference"] for report in client.get("/api/reports").json()["reports"]}
    assert listed["区工作要点.txt"] is True and listed["社区总结.txt"] is False
    unmarked = client.post("/api/upload", files={"file": ("区工作要点.txt", io.BytesIO(policy.encode("utf-8")))},
                           data={"reference": "0"})
    assert unmarked.json() == {"source": "区工作要点.txt", "title": "某区2023年工作要点", "outcome": "updated",
                               "reference": False}


def test_an_uploaded_list_keeps_its_items_and_a_file_that_is_no_report_is_refused_with_its_reason(
        own_workspace) -> None:
    client = TestClient(create_app(own_workspace))
    material = "青石街道纪工委2023年工作材料\n1.签订党风廉政建设责任书22份。\n2.开展节前警示教育5次。\n"
    sent = client.post("/api/upload", files={"file": ("纪工委.txt", io.BytesIO(material.encode("gbk")))})
    assert sent.status_code == 200 and sent.json()["title"] == "青石街道纪工委2023年工作材料"
    assert any("开展节前警示教育5次" in hit.text for hit in own_workspace.search("节前警示教育", k=3))
    dump = base64.b64encode(bytes(range(256)) * 40)
    refused = client.post("/api/upload", files={"file": ("dump.txt", io.BytesIO(dump))})
    assert refused.status_code == 400 and "不像中文报告" in refused.json()["error"]
    assert not (own_workspace.settings.store / "uploads" / "dump.txt").exists()


def test_uploads_cannot_leave_the_store_and_wrong_or_huge_files_are_refused(own_workspace, tmp_path) -> None:
    client = TestClient(create_app(own_workspace, max_upload_mb=0.01))
    store = own_workspace.settings.store
    sneaky = client.post("/api/upload", files={"file": ("../../evil.txt", io.BytesIO("一、总结\n内容。".encode()))})
    assert sneaky.status_code == 200 and sneaky.json()["source"] == "evil.txt"
    assert (store / "uploads" / "evil.txt").is_file() and not (store.parent / "evil.txt").exists()
    assert not list(tmp_path.glob("evil*"))
    hidden = client.post("/api/upload", files={"file": ("..", io.BytesIO(b"x"))})
    assert hidden.status_code == 400 and "文件名无效" in hidden.json()["error"]
    exe = client.post("/api/upload", files={"file": ("setup.exe", io.BytesIO(b"MZ\x90\x00"))})
    assert exe.status_code == 415 and "不支持的文件类型" in exe.json()["error"]
    huge = client.post("/api/upload", files={"file": ("大文件.txt", io.BytesIO("党建。".encode() * 5000))})
    assert huge.status_code == 413 and "上限" in huge.json()["error"]
    assert not (store / "uploads" / "大文件.txt").exists()
    garbled = client.post("/api/upload", files={"file": ("坏的.docx", io.BytesIO(b"PK\x03\x04 not a zip"))})
    assert garbled.status_code == 400 and not (store / "uploads" / "坏的.docx").exists()


def test_report_text_with_markup_comes_back_as_text_and_the_page_never_writes_it_as_html(own_workspace) -> None:
    client = TestClient(create_app(own_workspace))
    payload = "2023年某社区工作总结\n一、党建工作\n开展<script>alert(1)</script>主题党日活动，<img src=x onerror=alert(2)>。\n"
    client.post("/api/upload", files={"file": ("xss.txt", io.BytesIO(payload.encode("utf-8")))})
    brief = client.post("/api/brief", json={"report": "xss.txt"})
    assert "<script>alert(1)</script>" in brief.json()["text"]            # JSON carries text; the page escapes
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert ".innerHTML" not in script.replace('.innerHTML = ""', "") and "insertAdjacentHTML" not in script


def test_draft_and_brief_come_as_json_and_as_word_files(client) -> None:
    draft = client.post("/api/draft", json={"section": "党风廉政", "facts": "开展警示教育: 12次\n"}).json()
    assert draft["title"] == "2023年党风廉政建设工作情况" and "开展警示教育12次[F1]" in draft["text"]
    assert draft["placeholders"] == draft["text"].count("〔待补〕") and "附：依据表" in draft["markdown"]
    word = client.post("/api/draft/docx", json={"section": "党风廉政"})
    assert word.status_code == 200 and "filename*=UTF-8''" in word.headers["content-disposition"]
    assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == "2023年党风廉政建设工作情况"
    unknown = client.post("/api/draft", json={"section": "扶贫"})
    assert unknown.status_code == 400 and "未知的栏目" in unknown.json()["error"]
    assert all(c["key"].startswith("F") or c["quote"] in c["passage"] for c in draft["citations"])
    brief = client.post("/api/brief", json={"report": "004_3a5482bd6e48631d.txt"}).json()
    assert brief["citations"][0]["report_title"] == "2022年某街道办党工委书记抓基层党建工作述职报告"
    assert brief["text"].startswith("# 2022年某街道办党工委书记抓基层党建工作述职报告")
    brief_word = client.post("/api/brief/docx", json={"report": "004_3a5482bd6e48631d.txt"})
    assert "一、主要成效" in "".join(p.text for p in docx.Document(io.BytesIO(brief_word.content)).paragraphs)


def _saved_as(response) -> str:
    """The file name a browser saves a download under (the RFC 5987 UTF-8 name)."""
    from urllib.parse import unquote

    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="' in disposition   # with an ASCII fallback
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def _docx_text(content: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs)


def test_word_files_are_named_after_the_report_and_the_section(client) -> None:
    brief = client.post("/api/brief/docx", json={"report": "001_b1a17815476a7810.txt"})
    assert _saved_as(brief) == "街道党工委2022年工作总结和2023年工作安排摘要.docx"
    words = _docx_text(brief.content)
    assert words.startswith("街道党工委2022年工作总结和2023年工作安排") and "[S" not in words and "--" not in words
    masked = client.post("/api/brief/docx", json={"report": "000_b5634a4a4b3dd6c4.txt"})
    assert _saved_as(masked) == "街道办领导班子2022年工作总结摘要.docx"            # masks (***) dropped
    draft = client.post("/api/draft/docx", json={"section": "党风廉政"})
    assert _saved_as(draft) == "2023年党风廉政建设工作情况.docx"
    odd_unit = client.post("/api/draft/docx", json={"section": "党建", "org": "梅林/街道:"})
    assert _saved_as(odd_unit) == "梅林街道2023年基层党建工作情况.docx"               # no / or : for Windows


def test_a_drafted_word_file_speaks_plainly_and_lists_its_basis_by_number(client) -> None:
    import re

    word = client.post("/api/draft/docx", json={"section": "党风廉政"})
    text = _docx_text(word.content)
    assert "[S" not in text and "[F" not in text and "--" not in text and "离线抽取" not in text
    assert "未提供今年的数字，文中〔待补〕处请按实际填写" in text
    body, basis = text.split("\n依据\n", 1)                              # a heading 依据, then the list
    cited = {int(number) for group in re.findall(r"〔([\d、]+)〕", body) for number in group.split("、")}
    entries = re.findall(r"^〔(\d+)〕《([^》]+)》，所在标题：([^\n]+?)，原文：(.+)$", basis, re.MULTILINE)
    numbers = list(range(1, len(entries) + 1))
    assert [int(entry[0]) for entry in entries] == numbers and cited == set(numbers)   # each number has its entry
    assert all(title and where and quote for _, title, where, quote in entries)
    page = client.post("/api/draft", json={"section": "党风廉政"}).json()
    assert "离线抽取" not in page["markdown"] and "--" not in page["markdown"].replace("|---", "")
    assert "[S#]" not in page["markdown"]


def test_a_report_without_a_title_line_is_listed_by_its_first_heading(own_workspace) -> None:
    client = TestClient(create_app(own_workspace))
    body = (CORPUS / "001_b1a17815476a7810.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    sent = client.post("/api/upload", files={"file": ("005_0123456789abcdef.txt", io.BytesIO(body.encode()))})
    assert sent.status_code == 200 and sent.json()["title"] == "2022年工作总结"
    listed = {report["source"]: report for report in client.get("/api/reports").json()["reports"]}
    assert listed["005_0123456789abcdef.txt"]["title"] == "2022年工作总结"
    assert listed["005_0123456789abcdef.txt"]["year"] == 2022
    word = client.post("/api/brief/docx", json={"report": "005_0123456789abcdef.txt"})
    assert _saved_as(word) == "2022年工作总结摘要.docx"


# ---------------------------------------------------------------- 起草全文 from uploaded materials

def _materials(*names: str) -> list[tuple[str, tuple[str, bytes]]]:
    """The sample materials (all of them, or those named) as a form's files."""
    paths = [MATERIALS / name for name in names] if names else sorted(MATERIALS.iterdir())
    return [("files", (path.name, path.read_bytes())) for path in paths]


def test_uploaded_materials_become_a_whole_report_that_cites_each_file_and_line(client) -> None:
    from agent.text.encoding import decode_text

    sent = client.post("/api/draft/report", files=_materials(), data={"org": "梅林街道", "year": "2023"})
    assert sent.status_code == 200, sent.text
    report = sent.json()
    assert report["title"] == "梅林街道2023年工作总结" and report["year"] == 2023 and report["run_dir"] is None
    assert report["note"].startswith("【初稿】") and "用了 5 份材料" in report["note"]
    headings = [line for line in report["text"].splitlines() if line.startswith("#")]
    assert headings[0] == "## 一、2023年工作总结" and "### （一）统筹推进基层党建工作" in headings
    assert "## 二、存在问题" in headings
    assert report["placeholders"] == report["text"].count("〔待补〕") >= 1
    cited = [c for c in report["citations"] if c["key"].startswith("M")]
    assert len(cited) > 50 and {c["file"] for c in cited} == {path.name for path in MATERIALS.iterdir()}
    for citation in cited:                          # each sentence stands on the line it is cited to
        if citation["file"].endswith(".txt") and "〔待补〕" not in citation["quote"]:
            lines = decode_text((MATERIALS / citation["file"]).read_bytes())[0].splitlines()
            assert citation["quote"].rstrip("。；") in lines[citation["line"] - 1], citation
    assert all(c["quote"] in c["passage"] for c in report["citations"] if c["key"].startswith("S"))

    conflict, = report["conflicts"]                 # 纪工委 says 10场 of 警示教育, 党政办 8场: reported, not averaged
    assert conflict["item"] == "警示教育" and [v["value"] for v in conflict["values"]] == ["10场", "8场"]
    unused = {(fact["file"], fact["line"]): fact for fact in report["facts_unused"]}
    dropped = unused[("党政办2023年工作情况汇报.docx", 8)]
    assert dropped["text"].startswith("配合纪工委组织开展警示教育8场") and dropped["reason"].startswith("数字冲突")
    assert all(fact["reason"] for fact in report["facts_unused"])
    assert "zongjie-web-" not in sent.text and "materials-" not in sent.text   # no server folder is shown


def test_the_whole_report_downloads_as_the_word_file_of_the_draft_shown(client) -> None:
    form = {"org": "梅林街道"}
    shown = client.post("/api/draft/report", files=_materials(), data=form).json()
    word = client.post("/api/draft/report/docx", files=_materials(), data=form)
    assert word.status_code == 200 and word.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert _saved_as(word) == "梅林街道2023年工作总结.docx"
    text = _docx_text(word.content)
    assert text.startswith("梅林街道2023年工作总结\n") and "\n依据\n" in text
    assert "[M" not in text and "[S" not in text and "〔1〕" in text
    assert "存在问题" in text and "全年发展党员21名" in text and "全年发展党员21名" in shown["text"]


def test_materials_of_a_wrong_kind_size_or_name_are_refused_in_chinese(local_workspace, tmp_path) -> None:
    client = TestClient(create_app(local_workspace, max_upload_mb=0.01))
    small = _materials("纪工委2023年工作材料.txt")
    wrong = client.post("/api/draft/report", files=small + [("files", ("名单.xlsx", b"PK\x03\x04"))])
    assert wrong.status_code == 415 and wrong.json()["error"] == "不支持的文件类型：名单.xlsx（可上传 .txt .md .docx .pdf）"
    big = client.post("/api/draft/report", files=_materials("党建办2023年工作材料.docx"))
    assert big.status_code == 413 and "超过 0.01 MB 的上限：党建办2023年工作材料.docx" in big.json()["error"]
    none = client.post("/api/draft/report", data={"org": "梅林街道"})
    assert none.status_code == 400 and "请先选择今年各科室的材料文件" in none.json()["error"]
    twice = client.post("/api/draft/report", files=small + small)
    assert twice.status_code == 400 and "有两个文件都叫 纪工委2023年工作材料.txt" in twice.json()["error"]
    year = client.post("/api/draft/report", files=small, data={"year": "明年"})
    assert year.status_code == 400 and "年度应填写四位数字" in year.json()["error"]
    garbled = client.post("/api/draft/report", files=[("files", ("坏的.docx", b"PK\x03\x04 not a zip"))])
    assert garbled.status_code == 400 and "读不出来" in garbled.json()["error"]
    for response in (wrong, big, none, twice, year, garbled):
        assert "Traceback" not in response.text
    word = client.post("/api/draft/report/docx", files=[("files", ("名单.xlsx", b"PK\x03\x04"))])
    assert word.status_code == 415 and "不支持的文件类型" in word.json()["error"]


def test_materials_stay_in_their_request_and_leave_nothing_in_the_store(own_workspace, tmp_path, monkeypatch
                                                                         ) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))   # where the app keeps its scratch folders
    (tmp_path / "tmp").mkdir()
    client = TestClient(create_app(own_workspace))
    store = own_workspace.settings.store
    before = ({r.source for r in own_workspace.reports()}, own_workspace.store.fingerprint())
    text = "青石街道纪工委2023年工作材料\n一、强化监督执纪\n1.全年开展节前警示教育5次，覆盖党员干部300人次。\n"
    sneaky = [("files", ("../../escape.txt", text.encode("gbk"))), *_materials("社会事务办2023年工作总结.txt")]
    sent = client.post("/api/draft/report", files=sneaky, data={"year": "2023"})
    assert sent.status_code == 200, sent.text
    files = {fact["file"] for fact in sent.json()["facts_used"] + sent.json()["facts_unused"]}
    assert files == {"escape.txt", "社会事务办2023年工作总结.txt"}          # the name, never the path it tried
    assert not list(tmp_path.rglob("escape.txt")) and not (store.parent / "escape.txt").exists()
    assert not list((tmp_path / "tmp").rglob("materials-*"))               # the request's folder is gone
    assert ({r.source for r in own_workspace.reports()}, own_workspace.store.fingerprint()) == before
    assert own_workspace.store.materials_of(2023) == []                     # nor are its sentences kept
    assert not (store / "uploads").exists() and not (store / "drafts").exists()


# ---------------------------------------------------------------- 校对 of a draft a person wrote

def _draft(name: str) -> list[tuple[str, tuple[str, bytes]]]:
    path = CHECK_DRAFTS / name
    return [("draft", (path.name, path.read_bytes()))]


def _check_materials() -> list[tuple[str, tuple[str, bytes]]]:
    return [("materials", (path.name, path.read_bytes())) for path in sorted(MATERIALS.iterdir())]


def _finding(result: dict, kind: str, line: int) -> dict:
    return next(finding for finding in result["findings"] if finding["kind"] == kind and finding["line"] == line)


def test_an_uploaded_draft_is_checked_against_the_materials_and_comes_with_its_lines(client, local_workspace
                                                                                    ) -> None:
    before = local_workspace.store.fingerprint()
    sent = client.post("/api/check", files=_draft("draft-01.txt") + _check_materials(), data={"year": "2023"})
    assert sent.status_code == 200, sent.text
    result = sent.json()
    assert result["file"] == "draft-01.txt" and result["year"] == 2023
    assert result["sources"] == ["5 份材料"] and result["notes"] == []
    errors = [finding for finding in result["findings"] if finding["severity"] == "error"]
    assert result["counts"]["error"] == len(errors) >= 5
    lines = {line["number"]: line["text"] for line in result["lines"]}
    assert lines[2] == "梅林街道2023年工作总结" and 3 not in lines          # a blank line keeps its number
    mismatch = _finding(result, "fact_mismatch", 7)                          # 16次 where the 党建办 wrote another
    assert mismatch["span"] == "16次" and "集中学习16次" in lines[7]
    assert mismatch["evidence"]["where"].startswith("党建办2023年工作材料.docx 第")
    assert _finding(result, "stale_year", 4)["span"] == "2022年"
    assert _finding(result, "placeholder", 12)["span"] == "〔待补〕"
    assert all(finding["span"] in lines[finding["line"]] for finding in result["findings"])
    assert result["labels"]["kinds"]["fact_mismatch"] == "数字与材料不符"
    assert result["labels"]["severities"] == {"error": "错误", "warning": "提醒", "hint": "提示"}
    assert "zongjie-web-" not in sent.text                                   # no server folder is shown
    assert local_workspace.store.fingerprint() == before                     # the store is only read


def test_pasted_text_is_checked_line_by_line_and_says_what_it_could_not_check(client) -> None:
    text = (CHECK_DRAFTS / "draft-01.txt").read_text(encoding="utf-8")
    result = client.post("/api/check", data={"text": text, "year": "2023"}).json()
    assert result["file"] == "粘贴的文稿.txt" and result["sources"] == []
    assert result["notes"] == ["没有上传今年的科室材料：数字只查了占位和用法，没有核对是否属实"]
    kinds = {finding["kind"] for finding in result["findings"]}
    assert "placeholder" in kinds and "stale_year" in kinds
    assert not kinds & {"fact_mismatch", "unsourced_figure"}                  # nothing to hold the figures to
    assert [line["text"] for line in result["lines"]] == [row.strip() for row in text.splitlines() if row.strip()]
    assert _finding(result, "placeholder", 12)


def test_the_commented_word_file_has_a_comment_on_every_finding(client) -> None:
    form = _draft("draft-01.txt") + _check_materials()
    shown = client.post("/api/check", files=form).json()
    word = client.post("/api/check/docx", files=form)
    assert word.status_code == 200 and word.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert _saved_as(word) == "draft-01（校对批注）.docx"
    document = docx.Document(io.BytesIO(word.content))
    comments = list(document.comments)
    assert len(comments) == len(shown["findings"]) > 0
    assert any("与材料不一致" in comment.text for comment in comments)
    assert "集中学习16次" in _docx_text(word.content)                          # the draft's own text, commented

    clean = client.post("/api/check/docx", files=_draft("draft-05.docx") + _check_materials())
    assert _saved_as(clean) == "draft-05（校对批注）.docx"
    assert list(docx.Document(io.BytesIO(clean.content)).comments) == []
    pasted = client.post("/api/check/docx", data={"text": "2022年，街道开展工作。"})
    assert _saved_as(pasted) == "粘贴的文稿（校对批注）.docx"
    assert len(list(docx.Document(io.BytesIO(pasted.content)).comments)) == 1


def test_a_clean_word_draft_has_no_findings_and_its_paragraphs_are_its_lines(client) -> None:
    result = client.post("/api/check", files=_draft("draft-05.docx") + _check_materials()).json()
    assert result["findings"] == [] and result["counts"] == {"error": 0, "warning": 0, "hint": 0}
    assert result["lines"][0]["number"] == 1 and len(result["lines"]) > 10


def test_a_check_with_a_wrong_missing_or_huge_draft_is_refused_in_chinese(local_workspace) -> None:
    client = TestClient(create_app(local_workspace, max_upload_mb=0.01))
    small = [("draft", ("初稿.txt", "一、党建工作\n开展活动12次。".encode()))]
    pdf = client.post("/api/check", files=[("draft", ("初稿.pdf", b"%PDF-1.4"))])
    assert pdf.status_code == 415 and pdf.json()["error"] == "不支持的文件类型：初稿.pdf（可上传 .docx .txt .md）"
    material = client.post("/api/check", files=small + [("materials", ("名单.xlsx", b"PK\x03\x04"))])
    assert material.status_code == 415 and "不支持的文件类型：名单.xlsx" in material.json()["error"]
    big = client.post("/api/check", files=_draft("draft-05.docx"))
    assert big.status_code == 413 and big.json()["error"] == "文件超过 0.01 MB 的上限：draft-05.docx"
    long_text = client.post("/api/check", data={"text": "党建。" * 5000})
    assert long_text.status_code == 413 and "上限" in long_text.json()["error"]
    beyond_the_form = TestClient(create_app(local_workspace)).post("/api/check", data={"text": "党建。" * 200_000})
    assert beyond_the_form.status_code == 413 and "粘贴的文字太长" in beyond_the_form.json()["error"]
    nothing = client.post("/api/check", data={"text": "  \n ", "year": "2023"})
    assert nothing.status_code == 400 and nothing.json()["error"].startswith("请先选择要校对的稿子")
    both = client.post("/api/check", files=small, data={"text": "开展活动12次。"})
    assert both.status_code == 400 and "请只给一份稿子" in both.json()["error"]
    year = client.post("/api/check", files=small, data={"year": "明年"})
    assert year.status_code == 400 and "年度应填写四位数字" in year.json()["error"]
    garbled = client.post("/api/check", files=[("draft", ("坏的.docx", b"PK\x03\x04 not a zip"))])
    assert garbled.status_code == 400 and garbled.json()["error"].startswith("读不出要校对的文件")
    word = client.post("/api/check/docx", files=[("draft", ("初稿.pdf", b"%PDF-1.4"))])
    assert word.status_code == 415 and "不支持的文件类型" in word.json()["error"]
    for response in (pdf, material, big, long_text, beyond_the_form, nothing, both, year, garbled, word):
        assert "Traceback" not in response.text and "zongjie-web-" not in response.text


def test_a_checked_draft_and_its_materials_leave_nothing_behind(own_workspace, tmp_path, monkeypatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))   # where the app keeps its scratch folders
    (tmp_path / "tmp").mkdir()
    client = TestClient(create_app(own_workspace))
    before = ({r.source for r in own_workspace.reports()}, own_workspace.store.fingerprint())
    sneaky = [("draft", ("../../escape.txt", (CHECK_DRAFTS / "draft-01.txt").read_bytes())), *_check_materials()]
    for path in ("/api/check", "/api/check/docx"):
        assert client.post(path, files=sneaky).status_code == 200
    assert client.post("/api/check", files=sneaky).json()["file"] == "escape.txt"
    assert not list(tmp_path.rglob("escape.txt")) and not list((tmp_path / "tmp").rglob("check-*"))
    assert ({r.source for r in own_workspace.reports()}, own_workspace.store.fingerprint()) == before
    assert own_workspace.store.materials_of(2023) == []                     # nor the materials' sentences
    assert not (own_workspace.settings.store / "uploads").exists()


# ---------------------------------------------------------------- 对比 of one topic across the reports

def test_a_comparison_sets_each_reports_own_points_side_by_side(client) -> None:
    sent = client.post("/api/compare", json={"section": "党风廉政"})
    assert sent.status_code == 200, sent.text
    comparison = sent.json()
    assert comparison["topic"] == "党风廉政" and comparison["mode"] == "units" and comparison["warnings"] == []
    columns = {column["source"]: column for column in comparison["reports"]}
    assert sorted(columns) == SAMPLE_SOURCES
    passages = {citation["key"]: citation["text"] for citation in comparison["citations"]}
    for source, column in columns.items():
        for point in column["points"]:                       # a report's column holds its own sentences only
            assert point["citation"]["source"] == source and point["text"] in passages[point["citation"]["key"]]
    assert columns["002_0ddcf7a71d7dee43.txt"]["points"] == []   # no 党风廉政 in it: an empty column
    assert sum(bool(column["points"]) for column in columns.values()) == 4
    for row in comparison["rows"]:
        assert row["reports"] == [source for source, column in columns.items()
                                  if any(point["row"] == row["label"] for point in column["points"])]
        assert "各报告都有" not in row["marks"]                 # one report is silent on the whole topic


def test_a_comparison_of_two_ticked_reports_marks_what_both_have_and_what_only_one_has(client) -> None:
    both = ["000_b5634a4a4b3dd6c4.txt", "003_f350a27f9ad2a090.txt"]
    comparison = client.post("/api/compare", json={"section": "党风廉政", "reports": both}).json()
    assert [column["source"] for column in comparison["reports"]] == both
    marks = {row["label"]: row["marks"] for row in comparison["rows"]}
    assert marks["主体责任"] == ["各报告都有"] and marks["警示教育"] == ["各报告都有"]
    assert marks["监督检查"] == ["仅领导班子2022年工作总结"]      # only 003 has it, named by its title


def test_a_comparison_the_page_cannot_make_is_refused_in_chinese(client) -> None:
    unknown = client.post("/api/compare", json={"section": "扶贫"})
    assert unknown.status_code == 400 and unknown.json()["error"].startswith("未知的栏目“扶贫”")
    gone = client.post("/api/compare", json={"section": "党风廉政", "reports": ["已删除.txt"]})
    assert gone.status_code == 400 and "资料库中没有这份报告（已删除.txt）" in gone.json()["error"]
    years = client.post("/api/compare", json={"section": "党风廉政", "years": "前年"})
    assert years.status_code == 400 and years.json()["error"].startswith("年份的写法看不懂：“前年”")   # no --years
    none = client.post("/api/compare", json={"section": "党风廉政", "years": "2019"})
    assert none.status_code == 400 and none.json()["error"].startswith("没有") and "2019" in none.json()["error"]
    pdf = client.post("/api/compare/export?format=pdf", json={"section": "党风廉政"})
    assert pdf.status_code == 400 and "xlsx、docx、html" in pdf.json()["error"]
    word = client.post("/api/compare/export?format=docx", json={"section": "扶贫"})
    assert word.status_code == 400 and "未知的栏目" in word.json()["error"]
    for response in (unknown, gone, years, none, pdf, word):
        assert "Traceback" not in response.text


def test_a_ticked_report_is_the_one_of_that_file_name_even_with_a_space_in_it(own_workspace) -> None:
    client = TestClient(create_app(own_workspace))
    text = "梅林街道2023年工作总结\n一、党风廉政建设\n开展节前警示教育5次，签订党风廉政建设责任书22份。\n"
    client.post("/api/upload", files={"file": ("梅林街道 2023年总结.txt", io.BytesIO(text.encode()))})
    ticked = ["梅林街道 2023年总结.txt", "004_3a5482bd6e48631d.txt"]
    sent = client.post("/api/compare", json={"section": "党风廉政", "reports": ticked})
    assert sent.status_code == 200, sent.text
    assert [column["source"] for column in sent.json()["reports"]] == ticked


def test_a_comparison_downloads_as_excel_word_and_a_web_page(client) -> None:
    import openpyxl

    shown = client.post("/api/compare", json={"section": "党风廉政"}).json()
    point = shown["reports"][0]["points"][0]["text"]
    sheet = client.post("/api/compare/export?format=xlsx", json={"section": "党风廉政"})
    assert sheet.status_code == 200 and sheet.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert _saved_as(sheet) == "“党风廉政”各报告对比.xlsx"
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "方面" and len(rows[1]) == len(SAMPLE_SOURCES) + 3     # 方面, a column a report, 说明, 依据
    assert any(point in str(cell) for row in rows for cell in row if cell)
    assert [row[0] for row in rows[2:]] == [row["label"] for row in shown["rows"]]
    word = client.post("/api/compare/export?format=docx", json={"section": "党风廉政"})
    assert _saved_as(word) == "“党风廉政”各报告对比.docx"
    cells = [cell.text for row in docx.Document(io.BytesIO(word.content)).tables[0].rows for cell in row.cells]
    assert "（本报告未涉及）" in " ".join(cells) and any(point in cell for cell in cells)
    page = client.post("/api/compare/export?format=html", json={"section": "党风廉政"})
    assert page.headers["content-type"].startswith("text/html") and _saved_as(page).endswith("各报告对比.html")
