"""The page of `zongjie serve` in a real headless Chromium, against the real app on 127.0.0.1: a cited answer
streaming in and its passage opening, a refusal that looks like one, a draft and a brief downloaded as Word
files, a whole report drafted from uploaded materials with what it left out, a written draft proofread with its
findings marked in its text, one topic compared across the reports in a table, the reports and their heading trees,
uploads with clear errors, and report text that stays text.

Every tab is also run at a phone's, a tablet's and a laptop's size (390×844, 768×1024, 1280×800): nothing runs
off the screen and every control can be reached. Screenshots of each page (1366×768, and `phone-ask`,
`tablet-draft`, `desktop-reports` … at those sizes) are saved in tests/artifacts/web/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import CORPUS, SAMPLE_SOURCES

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).parent / "artifacts" / "web"
STATIC = ROOT / "agent" / "web" / "static"
MATERIALS = ROOT / "examples" / "materials"
CHECK_DRAFTS = ROOT / "evals" / "check" / "dev"
VIEWPORT = {"width": 1366, "height": 768}
SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024},
         "desktop": {"width": 1280, "height": 800}}
DEBIAN_BROWSER = "/usr/bin/chromium-headless-shell"
SLOW = 60_000  # ms: a draft or a brief over the real store, on a slow CI machine

QUESTION = "组织干部观看了哪些廉政纪律片？"
UNANSWERABLE = "街道开展了几次无偿献血活动？"
REFUSAL = "资料中未找到相关内容。"
HOSTILE_TITLE = '梅林街道<img src=x onerror="window.__xss=1">2023年工作总结'
HOSTILE_REPORT = f"""{HOSTILE_TITLE}

2023年，梅林街道党工委坚持以习近平新时代中国特色社会主义思想为指导，全面完成各项目标任务。现将有关情况报告如下。

一、<script>window.__xss=2</script>基层党建工作
（一）夯实基层组织
街道组织开展“红色网格<img src=x onerror="window.__xss=3">”志愿服务活动，覆盖全部社区。全年发展党员*名，培训党员骨干**人次。
（二）加强党员教育
坚持“三会一课”制度，开展主题党日活动，组织党员到<b onmouseover="window.__xss=4">红色教育基地</b>参观学习。

二、民生保障工作
街道新建社区养老服务站，为辖区老年人提供助餐、助浴服务。开展就业帮扶，帮助**名困难群众实现就业。
"""

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # the API-level tests still run; the browser fixture says what is missing
    sync_playwright = None


# ---------------------------------------------------------------- the browser and the servers

def _browser_path() -> str | None:
    found = shutil.which("chromium-headless-shell")
    if found:
        return found
    return DEBIAN_BROWSER if os.access(DEBIAN_BROWSER, os.X_OK) else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright (skipped when it is not installed, unless CI requires it)."""
    executable = _browser_path()
    if sync_playwright is None or executable is None:
        reason = ("the playwright package is not installed (pip install playwright)" if sync_playwright is None
                  else "chromium-headless-shell is not installed (apt-get install chromium-headless-shell); "
                       "Playwright cannot download a browser here")
        if os.environ.get("ZONGJIE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@contextmanager
def _tab(browser: Browser, **options: Any) -> Iterator[Page]:
    """A fresh Chinese-locale tab; fails the test if the page's own script throws."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"the page's script failed: {errors}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh 1366×768 tab."""
    with _tab(browser, viewport=VIEWPORT) as tab:
        yield tab


@pytest.fixture(params=list(SIZES))
def sized_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, Page]]:
    """A fresh tab the size of a phone, a tablet (both touch screens) or a laptop; yields the size's name too."""
    touch = request.param != "desktop"
    with _tab(browser, viewport=SIZES[request.param], is_mobile=touch, has_touch=touch) as tab:
        yield request.param, tab


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def live_server(workspace: Any, **options: Any) -> Iterator[str]:
    """The real app (`create_app`) served by uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    from agent.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(workspace, **options), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="zongjie-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(local_workspace) -> Iterator[str]:
    """The app over the session's sample store (read-only use: nothing is uploaded to it)."""
    with live_server(local_workspace) as url:
        yield url


@pytest.fixture(scope="module")
def upload_site(local_workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a store of its own (the sample corpus ingested afresh), for tests that add reports;
    uploads are limited to 1 MB so the size limit can be shown."""
    from agent.settings import Settings
    from agent.workspace import Workspace

    workspace = Workspace(Settings(store=tmp_path_factory.mktemp("store-web-upload"), corpus=CORPUS),
                          embedder=local_workspace.embedder)
    workspace.ingest([CORPUS])
    with live_server(workspace, max_upload_mb=1) as url:
        yield url


def _screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _ask(page: Page, question: str) -> Any:
    """Type a question, press Enter, and wait for its answer to finish; returns the answer's locator."""
    answers = page.locator(".msg-answer")
    before = answers.count()
    page.fill("#chat-input", question)
    page.press("#chat-input", "Enter")
    answer = answers.nth(before)
    expect(answer).not_to_have_class(re.compile(r"is-streaming"), timeout=SLOW)
    return answer


# ---------------------------------------------------------------- 问答

def test_a_question_streams_a_cited_answer_whose_marker_opens_the_passage(page: Page, site: str) -> None:
    page.goto(site + "/")
    expect(page.locator("#status")).to_contain_text("5 份报告")
    expect(page.locator("#view-ask")).to_be_visible()

    with page.expect_response("**/api/chat") as reply:
        answer = _ask(page, QUESTION)
    stream = reply.value
    assert stream.headers["content-type"].startswith("text/event-stream")
    streamed = "".join(data["text"] for event, data in _events(stream.text()) if event == "text")
    assert "《永远在路上》" in streamed  # the answer arrived as text events, before the done event

    expect(answer.locator(".answer-text")).to_contain_text("《永远在路上》")
    expect(answer).to_have_class(re.compile(r"is-grounded"))
    marker = answer.locator(".answer-text button.cite-key[data-key='S1']")
    expect(marker).to_have_text("1")   # a number, as in the Word file's 〔1〕: no key syntax on the page
    expect(answer).not_to_contain_text("S1")
    marker.click()
    panel = page.locator("#cite-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#cite-key")).to_have_text("1")
    expect(panel.locator("#cite-report")).to_have_text("《***街道办领导班子2022年工作总结》")
    expect(panel.locator("#cite-path")).to_contain_text("党风廉政建设方面")
    expect(panel.locator("mark.quote")).to_contain_text("《永远在路上》")  # the quoted sentence, in its passage
    _screenshot(page, "ask")

    follow_up = _ask(page, "那2023年呢？")  # 2023年组织干部观看了哪些廉政纪律片？ No report covers 2023: refused,
    expect(follow_up).to_have_class(re.compile(r"is-refused"))  # not the 2022 films again with a confident key
    expect(follow_up.locator(".answer-text")).to_have_text(REFUSAL)

    refused = _ask(page, UNANSWERABLE)
    expect(refused).to_have_class(re.compile(r"is-refused"))
    expect(refused.locator(".answer-text")).to_have_text(REFUSAL)
    expect(refused.locator(".refusal-note")).to_have_text("未找到依据")
    assert _background(refused) != _background(answer)
    _screenshot(page, "ask-refusal")

    page.click("#chat-reset")
    expect(page.locator(".turn")).to_have_count(0)
    expect(page.locator("#chat-empty")).to_be_visible()


def _events(body: str) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a text/event-stream body."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line)
        if "data" in fields:
            events.append((fields.get("event", "message").strip(), json.loads(fields["data"])))
    return events


def _background(locator: Any) -> str:
    return locator.evaluate("node => getComputedStyle(node).backgroundColor")


def test_a_model_answer_appears_sentence_by_sentence_and_the_stop_button_ends_it(
        page: Page, llm_workspace, openai_server) -> None:
    openai_server.chunk_delay = 0.15
    openai_server.script("街道推进“六亮”行动[S1]。完成红色驿站功能升级[S1]。常态化公开社区党务[S1]。")
    with live_server(llm_workspace) as url:
        page.goto(url + "/")
        expect(page.locator("#status")).to_contain_text("test-model")
        page.fill("#chat-input", "哪份报告提到了红色驿站？")
        page.press("#chat-input", "Enter")
        streaming = page.locator(".msg-answer.is-streaming .answer-text")
        expect(streaming).to_contain_text("“六亮”行动")  # the first sentence, while the model is still writing
        assert "常态化公开社区党务" not in streaming.inner_text()
        expect(page.locator("#chat-stop")).to_be_visible()
        answer = page.locator(".msg-answer").first
        expect(answer).to_have_class(re.compile(r"is-grounded"), timeout=SLOW)
        expect(answer.locator(".answer-text")).to_contain_text("常态化公开社区党务")
        expect(page.locator("#chat-stop")).to_be_hidden()

        openai_server.script("完成红色驿站功能升级[S1]。" * 12 + "常态化公开社区党务[S1]。")
        page.fill("#chat-input", "红色驿站功能升级的情况如何？")  # a question of its own: no rewriting call
        page.press("#chat-input", "Enter")
        second = page.locator(".msg-answer").nth(1)
        expect(second.locator(".answer-text")).to_contain_text("红色驿站功能升级")
        page.click("#chat-stop")
        expect(second.locator(".answer-error")).to_have_text("已停止回答。")
        expect(page.locator("#chat-stop")).to_be_hidden()
        expect(page.locator("#chat-send")).to_be_enabled()
        shown = second.locator(".answer-text").inner_text()
        page.wait_for_timeout(800)
        assert second.locator(".answer-text").inner_text() == shown  # nothing more arrives after stopping
        assert "常态化公开社区党务" not in shown


# ---------------------------------------------------------------- 起草

def test_a_draft_shows_its_outline_and_placeholders_and_downloads_as_word(page: Page, site: str,
                                                                          tmp_path: Path) -> None:
    import docx

    page.goto(site + "/#draft")
    expect(page.locator("#draft-year-note")).to_have_text(   # the default year, and why, on the form
        "默认起草 2023 年（资料库最新报告为 2022 年），可在“年度”中改为其他年份。")
    page.select_option("#draft-section", label="党风廉政")
    page.fill("#draft-facts", "开展警示教育: 12次")
    page.click("#draft-run")
    result = page.locator("#draft-result")
    expect(result).to_be_visible(timeout=SLOW)
    outline = page.locator("#draft-outline li")
    assert outline.count() >= 3
    expect(outline.first).to_contain_text("一是")
    text = page.locator("#draft-text")
    expect(text.locator("h2.doc-title")).to_have_text("2023年党风廉政建设工作情况")
    expect(text.locator("p strong").first).to_contain_text("一是")          # the run-in lead of point 一
    expect(text.locator("mark.placeholder").first).to_have_text("〔待补〕")   # figures to fill in, highlighted
    expect(text.locator("table")).to_contain_text("用户提供")               # the evidence table names the facts
    expect(page.locator("#draft-summary")).to_contain_text("处")
    shown = page.locator("#draft-result").inner_text()
    assert "离线抽取" not in shown and "--" not in shown and "[S" not in shown and "[F" not in shown
    expect(text.locator(".doc-note")).to_contain_text("本稿由往年报告原句整理")
    _screenshot(page, "draft")
    text.locator("button.cite-key[data-key='S1']").first.click()
    expect(page.locator("#cite-panel")).to_be_visible()
    expect(page.locator("#cite-report")).to_contain_text("《")
    _screenshot(page, "draft-citation")

    with page.expect_download() as download_info:
        page.click("#draft-docx")
    download = download_info.value
    assert download.suggested_filename == "2023年党风廉政建设工作情况.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    paragraphs = [paragraph.text for paragraph in docx.Document(str(saved)).paragraphs]
    assert "2023年党风廉政建设工作情况" in paragraphs
    assert any("〔待补〕" in paragraph for paragraph in paragraphs)
    words = "\n".join(paragraphs)
    assert "[S" not in words and "[F" not in words and "--" not in words and "离线抽取" not in words
    assert "依据" in paragraphs and any(p.startswith("〔1〕《") for p in paragraphs)   # the numbered 依据 list


# ---------------------------------------------------------------- 起草全文

def _draft_report(page: Page) -> Any:
    """Switch the 起草 tab to 起草全文, upload the sample materials through the file picker, and draft; returns the
    result's locator once it is shown."""
    page.locator("#draft-mode-report").click()
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator("#draft-form")).to_be_hidden()
    page.fill("#report-org", "梅林街道")
    page.set_input_files("#report-files", [str(path) for path in sorted(MATERIALS.iterdir())])
    expect(page.locator("#report-file-list .file-item")).to_have_count(5)
    page.click("#report-run")
    result = page.locator("#report-result")
    expect(result).to_be_visible(timeout=SLOW)
    return result


def test_a_whole_report_from_uploaded_materials_cites_them_lists_what_it_left_out_and_downloads(
        page: Page, site: str, tmp_path: Path) -> None:
    import docx

    page.goto(site + "/#draft")
    expect(page.locator("#report-year-note")).to_contain_text("默认起草 2023 年")
    _draft_report(page)
    text = page.locator("#report-text")
    expect(text.locator("h2.doc-title")).to_have_text("梅林街道2023年工作总结")
    expect(text.locator(".doc-note")).to_contain_text("用了 5 份材料")
    expect(text.locator("h3").first).to_have_text("一、2023年工作总结")          # ## and ### are headings
    expect(text.locator("h4").first).to_have_text("（一）统筹推进基层党建工作")
    expect(text.locator("p strong").first).to_contain_text("一是")
    expect(text.locator("mark.placeholder").first).to_have_text("〔待补〕")
    expect(page.locator("#report-summary")).to_contain_text("初稿中有 1 处〔待补〕")
    shown = page.locator("#report-result").inner_text()
    assert "[M" not in shown and "[S" not in shown and "**" not in shown   # keys are chips, captions bold
    _screenshot(page, "draft-report")

    unused = page.locator("#report-unused")
    expect(unused.locator("h2")).to_contain_text("未写入初稿的材料内容")
    expect(unused.locator(".conflict")).to_contain_text("数字冲突")
    expect(unused.locator(".conflict")).to_contain_text("“警示教育”各材料数字不一致")
    dropped = unused.locator(".unused.is-conflict")
    expect(dropped).to_have_count(1)
    expect(dropped).to_contain_text("党政办2023年工作情况汇报.docx 第8行：配合纪工委组织开展警示教育8场")
    expect(unused.locator(".unused").first).to_contain_text(re.compile(r"第\d+行：.+（.+）"))
    assert unused.locator(".unused").count() >= 5
    page.locator("#report-summary .link-button").click()                   # the summary leads to the list
    expect(unused.locator("h2")).to_be_in_viewport()
    _screenshot(page, "draft-report-unused")

    chip = text.locator("button.cite-key[data-key='M1']").first
    expect(chip).to_have_text("材料1")
    chip.click()
    panel = page.locator("#cite-panel")
    expect(panel.locator("#cite-key")).to_have_text("材料1")
    expect(panel.locator("#cite-report")).to_have_text("《梅林街道党建办2023年工作总结（材料）》")
    expect(panel.locator("#cite-where")).to_have_text("党建办2023年工作材料.docx 第2行")
    expect(panel.locator("#cite-passage")).to_contain_text("2023年，党建办在街道党工委的坚强领导下")
    _screenshot(page, "draft-report-citation")
    page.click("#cite-close")

    with page.expect_download() as download_info:
        page.click("#report-docx")
    download = download_info.value
    assert download.suggested_filename == "梅林街道2023年工作总结.docx"
    saved = tmp_path / "report.docx"
    download.save_as(saved)
    paragraphs = [paragraph.text for paragraph in docx.Document(str(saved)).paragraphs]
    assert paragraphs[0] == "梅林街道2023年工作总结" and "依据" in paragraphs
    assert not any("[M" in paragraph for paragraph in paragraphs)

    page.locator("#draft-mode-section").click()                            # 写一节 is still there, as it was
    expect(page.locator("#draft-form")).to_be_visible()
    expect(page.locator("#report-result")).to_be_hidden()


def test_a_material_of_a_kind_zongjie_cannot_read_is_refused_before_anything_is_sent(page: Page, site: str,
                                                                                    tmp_path: Path) -> None:
    page.goto(site + "/#draft")
    page.locator("#draft-mode-report").click()
    (tmp_path / "名单.xlsx").write_bytes(b"PK\x03\x04 not a material")
    page.set_input_files("#report-files", [str(tmp_path / "名单.xlsx"), str(MATERIALS / "纪工委2023年工作材料.txt")])
    expect(page.locator("#report-error")).to_have_text("不支持的文件类型：名单.xlsx（可上传 .docx .txt .md .pdf）")
    expect(page.locator("#report-file-list .file-item")).to_have_count(1)
    page.locator("#report-file-list .file-item button").click()           # removed again: nothing to draft from
    page.click("#report-run")
    expect(page.locator("#report-error")).to_contain_text("请先选择今年各科室的材料文件")
    expect(page.locator("#report-result")).to_be_hidden()


# ---------------------------------------------------------------- 校对

def _check(page: Page, draft: Path | None = CHECK_DRAFTS / "draft-01.txt", materials: bool = True) -> dict:
    """On the 校对 tab, choose a draft and this year's materials through the file pickers and check it; returns
    the server's answer, shown on the page by then."""
    if draft is not None:
        page.set_input_files("#check-file", str(draft))
        expect(page.locator("#check-file-list .file-item")).to_contain_text(draft.name)
        expect(page.locator("#check-text")).to_be_hidden()          # a file chosen: nothing to paste
    if materials:
        page.set_input_files("#check-materials", [str(path) for path in sorted(MATERIALS.iterdir())])
        expect(page.locator("#check-materials-list .file-item")).to_have_count(5)
    with page.expect_response("**/api/check") as reply:
        page.click("#check-run")
    expect(page.locator("#check-result")).to_be_visible(timeout=SLOW)
    return reply.value.json()


def _counts_line(result: dict) -> str:
    counts = result["counts"]
    return f"错误 {counts['error']} · 提醒 {counts['warning']} · 提示 {counts['hint']}"


def test_a_checked_draft_lists_its_findings_marks_them_in_its_text_and_downloads_with_comments(
        page: Page, site: str, tmp_path: Path) -> None:
    import docx

    page.goto(site + "/#check")
    expect(page.locator("#check-year-note")).to_contain_text("默认 2023 年")
    result = _check(page)
    assert result["counts"]["error"] >= 5 and result["counts"]["warning"] >= 1
    expect(page.locator("#check-summary .check-counts")).to_have_text(_counts_line(result))
    expect(page.locator("#check-summary")).to_contain_text("数字已对照 5 份材料")
    expect(page.locator("#check-notes")).to_be_hidden()

    errors = page.locator("#check-findings .finding-group.is-error")
    expect(errors.locator(".finding-group-title")).to_have_text(f"错误（{result['counts']['error']}）")
    expect(errors.locator(".finding")).to_have_count(result["counts"]["error"])
    expect(page.locator("#check-findings .finding-group").first).to_have_class(re.compile(r"is-error"))
    mismatch = errors.locator(".finding", has_text="第7行")
    expect(mismatch.locator(".finding-kind")).to_have_text("数字与材料不符")
    expect(mismatch.locator(".finding-message")).to_contain_text("与材料不一致")
    expect(mismatch.locator(".finding-evidence")).to_contain_text("党建办2023年工作材料.docx 第")
    expect(mismatch.locator(".finding-suggestion")).to_contain_text("核对后改为材料中的数字")

    lines = page.locator("#check-lines")
    expect(lines.locator("li.check-line")).to_have_count(len(result["lines"]))
    expect(lines.locator("li[data-line='7'] .check-line-number")).to_have_text("7")
    expect(lines.locator("li[data-line='7'] mark.check-mark.is-error")).to_have_text("16次")
    expect(lines.locator("li[data-line='12'] mark.check-mark.is-error")).to_have_text("〔待补〕")
    comma = lines.locator("li[data-line='13'] mark.check-mark.is-warning")
    expect(comma).to_have_text(",")
    error_mark = lines.locator("li[data-line='7'] mark.check-mark")
    assert _background(error_mark) != _background(comma)                 # errors red, warnings amber
    expect(lines.locator("li.has-error")).to_have_count(len({f["line"] for f in result["findings"]
                                                             if f["severity"] == "error"}))
    _screenshot(page, "check")

    last = errors.locator(".finding").last                                 # the last error: far down the text
    last_line = max(f["line"] for f in result["findings"] if f["severity"] == "error")
    expect(last).to_contain_text(f"第{last_line}行")
    row = lines.locator(f"li[data-line='{last_line}']")
    expect(row).not_to_be_in_viewport()
    last.locator(".finding-jump").click()
    expect(row).to_be_in_viewport()
    expect(row).to_have_class(re.compile(r"is-flash"))
    expect(row).to_be_focused()
    _screenshot(page, "check-line")
    lines.locator("li[data-line='7'] mark.check-mark").click()             # and a mark leads back to the list
    expect(mismatch).to_be_in_viewport()
    expect(mismatch).to_have_class(re.compile(r"is-flash"))
    expect(mismatch).to_be_focused()

    with page.expect_download() as download_info:
        page.click("#check-docx")
    download = download_info.value
    assert download.suggested_filename == "draft-01（校对批注）.docx"
    saved = tmp_path / "checked.docx"
    download.save_as(saved)
    assert len(list(docx.Document(str(saved)).comments)) == len(result["findings"])


def test_pasted_text_is_checked_and_a_draft_of_the_wrong_kind_is_refused_before_it_is_sent(
        page: Page, site: str, tmp_path: Path) -> None:
    page.goto(site + "/#check")
    page.click("#check-run")
    expect(page.locator("#check-error")).to_have_text("请先选择要校对的稿子，或把稿子的文字粘贴进来。")
    (tmp_path / "初稿.pdf").write_bytes(b"%PDF-1.4 a draft")
    page.set_input_files("#check-file", str(tmp_path / "初稿.pdf"))
    expect(page.locator("#check-error")).to_have_text("不支持的文件类型：初稿.pdf（可上传 .docx .txt .md）")
    expect(page.locator("#check-text")).to_be_visible()                    # nothing was chosen
    page.set_input_files("#check-file", str(CHECK_DRAFTS / "draft-02.txt"))
    expect(page.locator("#check-text")).to_be_hidden()
    page.locator("#check-file-list .file-item button").click()             # removed: the box for pasting is back
    expect(page.locator("#check-text")).to_be_visible()

    page.fill("#check-text", "2022年，梅林街道开展主题党日活动12次,覆盖党员〔待补〕人次。")
    result = _check(page, draft=None, materials=False)
    assert {finding["kind"] for finding in result["findings"]} >= {"stale_year", "placeholder", "punctuation"}
    expect(page.locator("#check-notes")).to_contain_text("没有上传今年的科室材料：数字只查了占位和用法")
    expect(page.locator("#check-file-name")).to_have_text("粘贴的文稿.txt")
    row = page.locator("#check-lines li[data-line='1']")
    expect(row.locator("mark.check-mark.is-error").first).to_have_text("2022年")
    expect(row.locator("mark.check-mark", has_text="〔待补〕")).to_have_count(1)
    expect(row.locator(".check-line-text")).to_have_text("2022年，梅林街道开展主题党日活动12次,覆盖党员〔待补〕人次。")


# ---------------------------------------------------------------- 摘要

def test_a_brief_of_a_chosen_report_is_shown_and_downloads_as_word(page: Page, site: str, tmp_path: Path) -> None:
    import docx

    page.goto(site + "/#brief")
    report = page.locator("#brief-report")
    expect(report.locator("option")).to_have_count(len(SAMPLE_SOURCES))
    labels = report.locator("option").all_inner_texts()
    assert "街道党工委2022年工作总结和2023年工作安排（**街道党工委、办事处）" in labels   # title and unit
    assert not any(re.search(r"\d{3}_[0-9a-f]{16}", label) for label in labels)      # never a stored file name
    report.select_option(value="004_3a5482bd6e48631d.txt")
    page.click("#brief-run")
    expect(page.locator("#brief-result")).to_be_visible(timeout=SLOW)
    text = page.locator("#brief-text")
    expect(text.locator("h2.doc-title")).to_have_text("2022年某街道办党工委书记抓基层党建工作述职报告")
    expect(text.locator("h3").first).to_have_text("一、主要成效")
    expect(text).to_contain_text("总体情况：")
    expect(text.locator("table th").first).to_have_text("关键数据")
    expect(text.locator(".pointer").first).to_have_text("〔见一〕")  # where each point stands in the report
    _screenshot(page, "brief")

    with page.expect_download() as download_info:
        page.click("#brief-docx")
    download = download_info.value
    assert download.suggested_filename == "2022年某街道办党工委书记抓基层党建工作述职报告摘要.docx"
    saved = tmp_path / "brief.docx"
    download.save_as(saved)
    paragraphs = [paragraph.text for paragraph in docx.Document(str(saved)).paragraphs]
    assert "2022年某街道办党工委书记抓基层党建工作述职报告" in paragraphs


# ---------------------------------------------------------------- 对比

def _compare(page: Page, section: str = "党风廉政") -> Any:
    """On the 对比 tab, compare the reports ticked on `section`; returns the table once it is shown."""
    page.select_option("#compare-section", label=section)
    page.click("#compare-run")
    expect(page.locator("#compare-result")).to_be_visible(timeout=SLOW)
    return page.locator("#compare-table")


def test_a_comparison_sets_the_reports_side_by_side_and_a_chip_opens_the_passage(page: Page, site: str,
                                                                                 tmp_path: Path) -> None:
    import openpyxl

    page.goto(site + "/#compare")
    picks = page.locator("#compare-reports input[type=checkbox]")
    expect(picks).to_have_count(len(SAMPLE_SOURCES))
    assert all(picks.evaluate_all("boxes => boxes.map((box) => box.checked)"))   # every report, unless unticked
    expect(page.locator("#compare-picked")).to_have_text("已选 5 / 5 份")
    table = _compare(page)
    columns = table.locator("thead th.compare-col")
    expect(columns).to_have_count(len(SAMPLE_SOURCES))
    assert sorted(columns.evaluate_all("heads => heads.map((head) => head.dataset.source)")) == SAMPLE_SOURCES
    expect(table.locator("thead th.compare-label")).to_have_text("方面")
    expect(columns.first).to_contain_text("***街道办领导班子2022年工作总结")
    silent = table.locator("th.compare-col[data-source='002_0ddcf7a71d7dee43.txt']")
    expect(silent.locator(".compare-col-silent")).to_have_text("（本报告未涉及）")
    rows = table.locator("tbody tr")
    expect(table.locator("td[data-source='002_0ddcf7a71d7dee43.txt'] .compare-none")).to_have_count(rows.count())
    expect(table.locator("td[data-source='002_0ddcf7a71d7dee43.txt'] button.cite-key")).to_have_count(0)
    expect(table.locator("tbody th.compare-label").first).to_contain_text("主体责任")
    expect(page.locator("#compare-summary")).to_contain_text("“党风廉政”各报告对比：5 份报告")
    assert "[S" not in page.locator("#compare-result").inner_text()
    _screenshot(page, "compare")

    point = table.locator("td[data-source='000_b5634a4a4b3dd6c4.txt'] .compare-points li").first
    sentence = point.evaluate("item => item.firstChild.textContent")
    point.locator("button.cite-key").click()
    panel = page.locator("#cite-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#cite-report")).to_have_text("《***街道办领导班子2022年工作总结》")
    expect(panel.locator("#cite-path")).to_contain_text("党风廉政建设方面")
    expect(panel.locator("mark.quote")).to_have_text(sentence)          # the sentence, inside its whole passage
    assert len(panel.locator("#cite-passage").inner_text()) > len(sentence)
    _screenshot(page, "compare-citation")
    page.click("#cite-close")

    with page.expect_download() as download_info:
        page.click("#compare-xlsx")
    download = download_info.value
    assert download.suggested_filename == "“党风廉政”各报告对比.xlsx"
    saved = tmp_path / "compare.xlsx"
    download.save_as(saved)
    cells = [str(cell) for row in openpyxl.load_workbook(saved).active.iter_rows(values_only=True) for cell in row]
    assert any(sentence in cell for cell in cells)
    with page.expect_download() as download_info:
        page.click("#compare-docx")
    assert download_info.value.suggested_filename == "“党风廉政”各报告对比.docx"

    page.click("#compare-none")
    page.click("#compare-run")
    expect(page.locator("#compare-error")).to_have_text("请至少勾选一份报告。")
    for source in ("000_b5634a4a4b3dd6c4.txt", "003_f350a27f9ad2a090.txt"):
        page.check(f"#compare-reports input[value='{source}']")
    expect(page.locator("#compare-picked")).to_have_text("已选 2 / 5 份")
    table = _compare(page)
    expect(table.locator("thead th.compare-col")).to_have_count(2)
    duty = table.locator("tbody tr", has=page.locator("th", has_text="主体责任"))
    expect(duty.locator(".compare-mark")).to_have_text(["各报告都有"])   # a mark, shown as a badge by its row


REPEATED = "坚持每季度开展一次警示教育，组织党员干部观看警示教育片。"


def _series() -> dict[str, Any]:
    """A year series as the server sends it: one unit's reports of 2022 and 2023, one row new in 2023, one
    sentence of 2023 copied from 2022."""
    def report(year: int, points: list[tuple[str, str, str]]) -> dict[str, Any]:
        return {"source": f"{year}.txt", "title": f"梅林街道{year}年工作总结", "year": year, "unit": "梅林街道",
                "doc_type": "总结", "points": [{"text": text, "row": row, "lead": "", "citation": {
                    "key": key, "source": f"{year}.txt", "title": f"梅林街道{year}年工作总结", "year": year,
                    "chunk_id": f"{year}-{key}", "heading": "三、党风廉政建设"}} for key, row, text in points]}

    citations = [{"key": key, "source": f"{year}.txt", "title": f"梅林街道{year}年工作总结", "year": year,
                  "chunk_id": f"{year}-{key}", "heading": "三、党风廉政建设", "text": f"（一）警示教育。{text}"}
                 for key, year, text in (("S1", 2022, REPEATED), ("S2", 2023, REPEATED),
                                         ("S3", 2023, "全年开展谈话提醒12人次。"))]
    return {"topic": "党风廉政", "topic_id": "dangfeng", "mode": "years", "summary": "", "warnings": [],
            "reports": [report(2022, [("S1", "警示教育", REPEATED)]),
                        report(2023, [("S2", "警示教育", REPEATED), ("S3", "监督检查", "全年开展谈话提醒12人次。")])],
            "rows": [{"label": "警示教育", "reports": ["2022.txt", "2023.txt"], "common": True, "unique": False,
                      "new_in": [], "dropped_in": [], "marks": ["各报告都有"]},
                     {"label": "监督检查", "reports": ["2023.txt"], "common": False, "unique": True,
                      "new_in": ["2023.txt"], "dropped_in": [], "marks": ["2023年新增"]}],
            "repeated": [{"source": "2023.txt", "previous": "2022.txt", "text": REPEATED, "kind": "原句重复",
                          "key": "S2", "previous_key": "S1"}],
            "citations": citations}


def test_a_year_series_is_headed_by_its_years_and_lists_the_sentences_copied_from_the_year_before(
        page: Page, site: str) -> None:
    page.route("**/api/compare", lambda route: route.fulfill(json=_series()))
    page.goto(site + "/#compare")
    table = _compare(page)
    expect(table.locator("thead .compare-col-name")).to_have_text(["2022年", "2023年"])
    expect(table.locator("thead .compare-col-meta")).to_have_text(["梅林街道2022年工作总结", "梅林街道2023年工作总结"])
    new_row = table.locator("tbody tr").nth(1)
    expect(new_row.locator(".compare-mark")).to_have_text(["2023年新增"])
    expect(new_row.locator("td[data-source='2022.txt'] .compare-none")).to_have_text("—")
    expect(page.locator("#compare-summary")).to_contain_text("“党风廉政”历年对比：2 份报告，2 个方面")
    repeated = page.locator("#compare-repeated")
    expect(repeated.locator("h2")).to_contain_text("与上一年相同的句子")
    item = repeated.locator(".compare-repeat")
    expect(item).to_have_count(1)
    expect(item.locator(".compare-mark")).to_have_text("2023年 · 原句重复")
    expect(item).to_contain_text("（2022年见")
    item.locator(".compare-repeat-before button.cite-key").click()        # the sentence where it stood in 2022
    expect(page.locator("#cite-report")).to_have_text("《梅林街道2022年工作总结》")
    expect(page.locator("#cite-passage mark.quote")).to_have_text(REPEATED)
    _screenshot(page, "compare-series")


def test_with_a_model_a_comparison_can_come_with_a_cited_paragraph_on_the_differences(
        page: Page, llm_workspace, openai_server) -> None:
    openai_server.script("各报告都把警示教育作为重点，如开展节前警示教育**次[S2]。")
    with live_server(llm_workspace) as url:
        page.goto(url + "/#compare")
        expect(page.locator("#status")).to_contain_text("test-model")
        page.check("#compare-with-summary")                    # offered only when a model is configured
        _compare(page)
        overview = page.locator("#compare-overview")
        expect(overview).to_contain_text("各报告都把警示教育作为重点")
        overview.locator("button.cite-key").click()
        expect(page.locator("#cite-passage")).to_contain_text("开展节前警示教育**次")
        _screenshot(page, "compare-summary")


# ---------------------------------------------------------------- 报告

def test_the_reports_page_lists_the_samples_and_opens_a_heading_tree(page: Page, site: str) -> None:
    page.goto(site + "/#reports")
    items = page.locator("#reports-list li.report")
    expect(items).to_have_count(len(SAMPLE_SOURCES))
    assert sorted(items.evaluate_all("nodes => nodes.map(n => n.dataset.source)")) == SAMPLE_SOURCES
    expect(page.locator("#reports-count")).to_have_text("共 5 份")
    report = page.locator("li.report[data-source='000_b5634a4a4b3dd6c4.txt']")
    expect(report.locator(".report-title")).to_have_text("***街道办领导班子2022年工作总结")
    expect(report.locator(".report-meta")).to_contain_text("***街道办 · 2022年")
    assert not re.search(r"\d{3}_[0-9a-f]{16}", page.locator("#reports-list").inner_text())
    report.locator(".report-toggle").click()
    tree = report.locator(".report-tree")
    expect(tree).to_be_visible()
    expect(tree.locator(".tree-depth-1 > li")).to_have_count(4)
    expect(tree).to_contain_text("三、党风廉政建设和执行民主集中制情况")
    expect(tree).to_contain_text("（一）党风廉政建设方面")  # a second-level heading, shown under its parent
    _screenshot(page, "reports")
    report.locator(".report-toggle").click()
    expect(tree).to_be_hidden()


def test_the_delete_button_asks_by_title_then_removes_the_row_and_the_report_everywhere(page: Page, site: str
                                                                                         ) -> None:
    removed = "001_b1a17815476a7810.txt"
    answers = iter([(200, {"removed": removed, "title": "街道党工委2022年工作总结和2023年工作安排", "reports": 4}),
                    (409, {"error": "正在导入报告，请稍后再删除"})])

    def fulfil(route) -> None:   # the shared sample store stays whole: the server's answer is played here
        if route.request.method != "DELETE":
            return route.fallback()
        status, body = next(answers)
        route.fulfill(status=status, json=body)

    page.route("**/api/reports/*", fulfil)
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.goto(site + "/#reports")
    row = page.locator(f"li.report[data-source='{removed}']")
    row.locator(".report-delete").click()
    expect(row).to_have_count(0)
    assert "《街道党工委2022年工作总结和2023年工作安排》" in asked[0]
    expect(page.locator("#reports-count")).to_have_text("共 4 份")
    expect(page.locator("#brief-report option")).to_have_count(len(SAMPLE_SOURCES) - 1)
    assert removed not in page.locator("#brief-report option").evaluate_all("nodes => nodes.map(n => n.value)")
    other = page.locator("li.report[data-source='004_3a5482bd6e48631d.txt']")
    other.locator(".report-delete").click()
    expect(other.locator(".report-error")).to_contain_text("正在导入报告，请稍后再删除")
    expect(page.locator("#reports-list li.report")).to_have_count(len(SAMPLE_SOURCES) - 1)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.remove_listener("dialog", answer)
    other.locator(".report-delete").click()          # 取消 in the dialog: nothing is sent, the row stays
    expect(page.locator("#reports-list li.report")).to_have_count(len(SAMPLE_SOURCES) - 1)


# ---------------------------------------------------------------- phones, tablets and laptops

def test_every_tab_fits_a_phone_a_tablet_and_a_laptop(sized_page: tuple[str, Page], site: str) -> None:
    size, page = sized_page
    width = SIZES[size]["width"]
    page.goto(site + "/")
    expect(page.locator("#status")).to_contain_text("5 份报告")

    _open_tab(page, "ask", width)
    for example in page.locator(".example").all():
        _assert_inside(page, example, width)
    _screenshot(page, f"{size}-ask-examples")
    answer = _ask(page, QUESTION)
    _assert_fits(page, width)
    _screenshot(page, f"{size}-ask")
    answer.locator(".answer-text button.cite-key[data-key='S1']").click()
    expect(page.locator("#cite-panel mark.quote")).to_contain_text("《永远在路上》")
    _assert_fits(page, width)
    _screenshot(page, f"{size}-ask-citation")
    close = page.locator("#cite-close")
    box = _assert_inside(page, close, width)
    if size == "phone":   # a full-screen sheet, closed by a button a thumb can hit
        assert page.locator("#cite-panel").bounding_box()["width"] >= width - 1
        assert box["width"] >= 44 and box["height"] >= 44, box
        close.tap()
    else:
        close.click()
    expect(page.locator("#cite-panel")).to_be_hidden()

    _open_tab(page, "draft", width)
    page.select_option("#draft-section", label="党风廉政")
    page.fill("#draft-facts", "开展警示教育: 12次")
    page.click("#draft-run")
    expect(page.locator("#draft-result")).to_be_visible(timeout=SLOW)
    expect(page.locator("#draft-warnings mark.placeholder").first).to_have_text("〔待补〕")  # as in the text below
    _assert_inside(page, page.locator("#draft-docx"), width)
    _assert_fits(page, width)
    _screenshot(page, f"{size}-draft")

    _open_tab(page, "check", width)
    for control in ("#check-drop", "#check-materials-drop", "#check-run"):
        _assert_inside(page, page.locator(control), width)
    _screenshot(page, f"{size}-check-form")
    result = _check(page)
    expect(page.locator("#check-summary .check-counts")).to_have_text(_counts_line(result))
    expect(page.locator("#check-lines li[data-line='7'] mark.check-mark.is-error")).to_have_text("16次")
    _assert_inside(page, page.locator("#check-docx"), width)
    _assert_fits(page, width)
    page.locator("#check-result").evaluate("node => node.scrollIntoView({block: 'start'})")
    _screenshot(page, f"{size}-check")
    finding = page.locator("#check-findings .finding", has_text="第25行").first
    _assert_inside(page, finding.locator(".finding-jump"), width)
    finding.locator(".finding-jump").click()
    row = page.locator("#check-lines li[data-line='25']")
    expect(row).to_be_in_viewport()
    expect(row).to_have_class(re.compile(r"is-flash"))
    _assert_fits(page, width)
    _screenshot(page, f"{size}-check-line")

    _open_tab(page, "brief", width)
    page.select_option("#brief-report", value="004_3a5482bd6e48631d.txt")
    page.click("#brief-run")
    expect(page.locator("#brief-result")).to_be_visible(timeout=SLOW)
    _assert_inside(page, page.locator("#brief-docx"), width)
    _assert_fits(page, width)
    _screenshot(page, f"{size}-brief")

    _open_tab(page, "reports", width)
    report = page.locator("li.report[data-source='000_b5634a4a4b3dd6c4.txt']")
    assert report.locator(".report-title").bounding_box()["width"] > 200   # a title reads as a line, not a column
    _assert_fits(page, width)
    _screenshot(page, f"{size}-reports-list")
    report.locator(".report-toggle").click()
    report.locator(".tree-heading", has_text="（一）党风廉政建设方面").click()
    expect(report.locator(".tree-section:visible")).to_contain_text("认真履行党风廉政主体责任")
    _assert_fits(page, width)
    _screenshot(page, f"{size}-reports")


def test_a_whole_report_fits_a_phone_a_tablet_and_a_laptop(sized_page: tuple[str, Page], site: str) -> None:
    size, page = sized_page
    width = SIZES[size]["width"]
    page.goto(site + "/")
    _open_tab(page, "draft", width)
    for tab in ("#draft-mode-section", "#draft-mode-report"):
        _assert_inside(page, page.locator(tab), width)
    result = _draft_report(page)
    for control in ("#report-drop", "#report-run", "#report-docx"):
        _assert_inside(page, page.locator(control), width)
    _assert_fits(page, width)
    result.evaluate("node => node.scrollIntoView({block: 'start'})")
    _screenshot(page, f"{size}-draft-report")
    unused = page.locator("#report-unused")
    unused.scroll_into_view_if_needed()
    expect(unused.locator(".is-conflict")).to_be_visible()
    _assert_inside(page, unused.locator(".is-conflict"), width)
    _assert_fits(page, width)
    _screenshot(page, f"{size}-draft-report-unused")
    result.locator("#report-text button.cite-key[data-key='M1']").first.click()
    expect(page.locator("#cite-where")).to_have_text("党建办2023年工作材料.docx 第2行")
    _assert_fits(page, width)
    _screenshot(page, f"{size}-draft-report-citation")


def test_a_comparison_fits_a_phone_a_tablet_and_a_laptop(sized_page: tuple[str, Page], site: str) -> None:
    size, page = sized_page
    width = SIZES[size]["width"]
    page.goto(site + "/")
    _open_tab(page, "compare", width)
    for control in ("#compare-section", "#compare-years", "#compare-org", "#compare-reports", "#compare-run"):
        _assert_inside(page, page.locator(control), width)
    table = _compare(page)
    expect(table.locator("thead th.compare-col")).to_have_count(len(SAMPLE_SOURCES))
    for control in ("#compare-xlsx", "#compare-docx"):
        _assert_inside(page, page.locator(control), width)
    _assert_fits(page, width)                                # the table scrolls inside its frame, not the page
    frame = page.locator(".compare-wrap")
    label = table.locator("tbody th.compare-label").first
    name = label.locator(".compare-row-name")
    assert name.bounding_box()["height"] < 30, name.bounding_box()   # 主体责任 on one line, not a column of characters
    if size != "desktop":                                    # five reports are wider than a phone or a tablet
        assert frame.evaluate("node => node.scrollWidth > node.clientWidth")
        before = label.bounding_box()["x"]
        frame.evaluate("node => { node.scrollLeft = node.scrollWidth; }")
        assert abs(label.bounding_box()["x"] - before) < 1   # the row labels stay while the reports scroll past
    frame.evaluate("node => { node.scrollLeft = 0; }")
    table.locator("tbody").scroll_into_view_if_needed()
    _screenshot(page, f"{size}-compare")
    table.locator("td[data-source='000_b5634a4a4b3dd6c4.txt'] button.cite-key").first.click()
    expect(page.locator("#cite-passage mark.quote")).to_be_visible()
    _assert_fits(page, width)
    _screenshot(page, f"{size}-compare-citation")


def _open_tab(page: Page, view: str, width: int) -> None:
    """Go to a tab the way a user does: by its menu entry, which must be on screen."""
    entry = page.locator(f".nav-item[data-view='{view}']")
    expect(entry).to_be_visible()
    _assert_inside(page, entry, width)
    entry.click()
    expect(page.locator(f"#view-{view}")).to_be_visible()


def _assert_inside(page: Page, locator: Any, width: int) -> dict[str, float]:
    """The element is wholly on screen (left to right, and top to bottom once scrolled to); returns its box."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (locator, box)
    assert box["y"] >= -1 and box["y"] + box["height"] <= height + 1, (locator, box)
    return box


def _assert_fits(page: Page, width: int) -> None:
    """Nothing runs off the right edge: the page does not scroll sideways, no scrolling box inside it does, and no
    shown element reaches past the screen (wide tables excepted: they scroll inside their own frame)."""
    overflowing = page.evaluate("""(width) => {
        const name = (node) => node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
            + (node.className && typeof node.className === "string" ? "." + node.className.split(" ").join(".") : "");
        const found = [];
        if (document.documentElement.scrollWidth > width + 1) found.push("page " + document.documentElement.scrollWidth);
        document.querySelectorAll("main, .chat-log, .cite-panel").forEach((box) => {
            if (box.clientWidth && box.scrollWidth > box.clientWidth + 1) found.push(name(box) + " scrolls sideways");
        });
        document.querySelectorAll("body *").forEach((node) => {
            if (node.closest(".table-wrap")) return;
            const box = node.getBoundingClientRect();
            if (box.width && box.height && (box.left < -1 || box.right > width + 1))
                found.push(name(node) + " " + Math.round(box.left) + "…" + Math.round(box.right));
        });
        return found.slice(0, 8);
    }""", width)
    assert not overflowing, overflowing


# ---------------------------------------------------------------- section text, citation chips, the status line

def test_a_heading_in_a_report_tree_shows_the_text_under_it(page: Page, site: str) -> None:
    page.goto(site + "/#reports")
    report = page.locator("li.report[data-source='000_b5634a4a4b3dd6c4.txt']")
    report.locator(".report-toggle").click()
    sub_heading = report.locator(".tree-heading", has_text="（一）党风廉政建设方面")
    sub_heading.click()
    shown = report.locator(".tree-section:visible")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("认真履行党风廉政主体责任，严格落实“一岗双责”")
    expect(shown).not_to_contain_text("三重一大")           # the next sub-section's text is not part of it
    expect(sub_heading).to_have_attribute("aria-expanded", "true")

    report.locator(".tree-heading", has_text="三、党风廉政建设和执行民主集中制情况").click()
    whole = report.locator(".tree-section:visible").first   # a parent heading: both of its sub-sections
    expect(whole).to_contain_text("认真履行党风廉政主体责任")
    expect(whole).to_contain_text("认真执行三重一大、民主集中制、末位表态制度")
    _screenshot(page, "reports-section")

    sub_heading.click()
    expect(report.locator(".tree-section:visible")).to_have_count(1)   # clicked again: its text folds away


CHIP_DRAFT_CITATIONS = [{"key": "S1", "source": "a.txt", "report_title": "样例报告", "heading_path": ["一、党建"],
                         "quote": "原文句子。", "passage": "原文句子。", "chunk_id": "a-1"}]


def _chip_draft() -> dict[str, Any]:
    """A draft whose paragraphs put a [S1]。 at every position along a phone's line, so some land at a line's end."""
    paragraphs = ["开" * n + "[S1]" + "。，；"[n % 3] + "后文继续。" for n in range(1, 41)]
    return {"title": "测试", "outline": ["一是测试"], "placeholders": 0, "citations": CHIP_DRAFT_CITATIONS,
            "warnings": ["1 个数字在事实文件和资料中都找不到（疑似编造），已替换为〔待补〕：12次"],
            "markdown": "# 测试\n\n" + "\n\n".join(paragraphs)}


def test_a_citation_chip_keeps_the_punctuation_after_it_on_its_own_line(page: Page, site: str) -> None:
    page.set_viewport_size(SIZES["phone"])
    page.route("**/api/draft", lambda route: route.fulfill(json=_chip_draft()))
    page.goto(site + "/#draft")
    page.click("#draft-run")
    expect(page.locator("#draft-result")).to_be_visible()
    expect(page.locator("#draft-warnings mark.placeholder")).to_have_text("〔待补〕")   # notes mark it too
    ties = page.evaluate("""() => Array.from(document.querySelectorAll("#draft-text p .cite-tie")).map((tie) => {
        const chip = tie.querySelector(".cite-key").getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(tie.lastChild);
        const mark = range.getClientRects()[0];
        const line = tie.parentElement.getBoundingClientRect();
        return {punctuation: tie.lastChild.textContent, apart: Math.abs((chip.top + chip.bottom) / 2 -
                (mark.top + mark.bottom) / 2), startsLine: chip.left - line.left < 4};
    })""")
    assert len(ties) == 40 and {tie["punctuation"] for tie in ties} == {"。", "，", "；"}
    assert all(tie["apart"] < 12 for tie in ties), ties       # the mark sits on the chip's line
    assert any(tie["startsLine"] for tie in ties)             # ...also where the line broke just before the chip
    _screenshot(page, "phone-chip-punctuation")


def test_the_status_line_says_when_the_server_cannot_be_reached_and_recovers(page: Page, site: str) -> None:
    page.clock.install()
    page.goto(site + "/#brief")
    status = page.locator("#status")
    expect(status).to_contain_text("5 份报告")
    expect(page.locator("#brief-report option")).to_have_count(len(SAMPLE_SOURCES))

    page.route("**/api/**", lambda route: route.abort("connectionrefused"))
    page.click("#brief-run")                                  # a request that fails says so at once
    expect(status).to_contain_text(re.compile(r"无法连接服务器（上次连接正常：\d{2}:\d{2}）"))
    expect(status).to_have_class(re.compile(r"is-error"))
    assert "zongjie" not in status.inner_text()

    page.unroute("**/api/**")
    page.clock.run_for(15_000)                                # the next poll finds the server back
    expect(status).to_contain_text("5 份报告")
    expect(status).not_to_have_class(re.compile(r"is-error"))

    page.route("**/api/status", lambda route: route.abort("connectionrefused"))
    page.clock.run_for(15_000)                                # nobody clicks: the poll alone notices
    expect(status).to_contain_text("无法连接服务器")
    _screenshot(page, "status-unreachable")


def test_uploads_show_progress_and_clear_errors_for_wrong_type_and_size(page: Page, upload_site: str,
                                                                         tmp_path: Path) -> None:
    page.goto(upload_site + "/#reports")
    expect(page.locator("#reports-count")).to_have_text(re.compile(r"共 \d+ 份"))
    before = page.locator("#reports-list li.report").count()
    assert before >= len(SAMPLE_SOURCES)
    state = page.locator("#reports-upload-state")

    (tmp_path / "名单.xlsx").write_bytes(b"PK\x03\x04 not a report")
    page.set_input_files("#reports-file", str(tmp_path / "名单.xlsx"))
    expect(page.locator("#reports-file-name")).to_have_text("名单.xlsx")
    page.click("#reports-upload")
    expect(state).to_have_class(re.compile(r"is-error"))
    expect(state).to_contain_text("不支持的文件类型")

    big = tmp_path / "很长的报告.txt"
    big.write_text("一、基层党建工作\n" + "街道开展党建工作。" * 45_000, encoding="utf-8")
    page.set_input_files("#reports-file", str(big))
    page.click("#reports-upload")
    expect(state).to_have_class(re.compile(r"is-error"))
    expect(state).to_contain_text("超过 1 MB")
    _screenshot(page, "reports-upload-error")

    good = tmp_path / "新街道2023年工作总结.txt"  # padded with blank lines: big enough to watch, small to ingest
    good.write_text("新街道2023年工作总结\n\n一、基层党建工作\n街道推进红色驿站建设，开展主题党日活动。\n"
                    + "\n" * 300_000, encoding="utf-8")
    _throttle_uploads(page, bytes_per_second=200_000)
    page.set_input_files("#reports-file", str(good))
    page.click("#reports-upload")
    expect(state).to_contain_text(re.compile(r"上传中 \d+%"))
    expect(state.locator(".progress-fill")).to_be_visible()
    _screenshot(page, "reports-upload-progress")
    expect(state).to_have_class(re.compile(r"is-done"), timeout=SLOW)
    expect(state).to_contain_text("已导入：《新街道2023年工作总结》")
    expect(page.locator("#reports-list li.report[data-source='新街道2023年工作总结.txt']")).to_be_visible()
    expect(page.locator("#reports-list li.report")).to_have_count(before + 1)  # the wrong ones were not added
    background = tmp_path / "2023年某区工作要点.txt"
    background.write_text("2023年某区工作要点\n一、基层治理\n推行网格化管理。\n", encoding="utf-8")
    page.set_input_files("#reports-file", str(background))
    page.check("#reports-reference")
    page.click("#reports-upload")
    expect(state).to_contain_text("已导入：《2023年某区工作要点》（参考资料）", timeout=SLOW)
    marked = page.locator("#reports-list li.report[data-source='2023年某区工作要点.txt'] .report-meta")
    expect(marked).to_contain_text("参考资料")


def _throttle_uploads(page: Page, bytes_per_second: int) -> None:
    """Slow the tab's uploads down (Chromium's network emulation), so the progress bar can be seen."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                      "uploadThroughput": bytes_per_second})


# ---------------------------------------------------------------- report and model text stays text

def test_html_inside_a_report_is_shown_as_text_and_never_runs(page: Page, upload_site: str, tmp_path: Path) -> None:
    hostile = tmp_path / "梅林街道2023年工作总结.txt"
    hostile.write_text(HOSTILE_REPORT, encoding="utf-8")
    page.goto(upload_site + "/#brief")
    page.set_input_files("#brief-file", str(hostile))  # upload, ingest, then brief it
    expect(page.locator("#brief-upload-state")).to_have_class(re.compile(r"is-done"), timeout=SLOW)
    text = page.locator("#brief-text")
    expect(text.locator("h2.doc-title")).to_have_text(HOSTILE_TITLE, timeout=SLOW)
    expect(text).to_contain_text('“红色网格<img src=x onerror="window.__xss=3">”')
    assert text.locator("img, script, b").count() == 0
    _screenshot(page, "brief-html-as-text")

    page.goto(upload_site + "/#reports")
    report = page.locator("li.report[data-source='梅林街道2023年工作总结.txt']")
    expect(report.locator(".report-title")).to_have_text(HOSTILE_TITLE)
    report.locator(".report-toggle").click()
    expect(report.locator(".report-tree")).to_contain_text("一、<script>window.__xss=2</script>基层党建工作")
    report.locator(".tree-heading", has_text="基层党建工作").click()   # its text, shown as text too
    expect(report.locator(".tree-section:visible")).to_contain_text('“红色网格<img src=x onerror="window.__xss=3">”')
    assert report.locator(".tree-section img, .tree-section b").count() == 0

    page.goto(upload_site + "/#ask")
    answer = _ask(page, "哪份报告提到了红色网格？")
    expect(answer.locator(".answer-text")).to_contain_text("<img src=x")
    answer.locator(".answer-text button.cite-key").first.click()
    expect(page.locator("#cite-report")).to_contain_text("<img src=x")
    assert page.locator(".msg-answer b, .msg-answer img, #cite-panel img").count() == 0
    page.mouse.move(400, 300)
    page.wait_for_timeout(300)   # an onerror would have fired by now
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("main img, main script:not([src]), #cite-panel img").count() == 0


def test_the_page_never_parses_server_text_as_html() -> None:
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, f"app.js uses {sink}"
    page_html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page_html), "the page must not load anything remote"
    assert "@import" not in (STATIC / "app.css").read_text(encoding="utf-8")


# ---------------------------------------------------------------- access with a token

def test_with_a_token_the_link_sets_the_cookie_and_the_page_works(page: Page, local_workspace) -> None:
    with live_server(local_workspace, token="s3cret-token") as url:
        response = page.goto(url + "/")
        assert response is not None and response.status == 401
        expect(page.locator("body")).to_contain_text("需要访问令牌")
        page.goto(url + "/?token=s3cret-token")
        assert page.url == url + "/"
        expect(page.locator("#status")).to_contain_text("5 份报告")
        expect(page.locator("#brief-report option")).to_have_count(len(SAMPLE_SOURCES))
        answer = _ask(page, QUESTION)
        expect(answer.locator(".answer-text")).to_contain_text("《永远在路上》")
