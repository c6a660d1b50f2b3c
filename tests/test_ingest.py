"""Ingest into a real embedded Chroma store: counts, idempotence, changed files, bad files, interrupted runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.errors import ModelError
from agent.model.embedders import FakeEmbedder
from agent.settings import Settings
from agent.workspace import Workspace

from .conftest import CORPUS, SAMPLE_SOURCES


class CountingEmbedder(FakeEmbedder):
    """The test fake, counting how many texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.name = "fake-256"
        self.texts: list[str] = []

    def embed(self, texts):
        self.texts.extend(texts)
        return super().embed(texts)


class FailingAfter(CountingEmbedder):
    """Fails like an endpoint going away after `calls` successful calls."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls_left = calls

    def embed(self, texts):
        if self.calls_left == 0:
            raise ModelError("嵌入接口调用失败（测试）：connection reset")
        self.calls_left -= 1
        return super().embed(texts)


def _workspace(store: Path, embedder=None) -> Workspace:
    return Workspace(Settings(store=store, corpus=CORPUS), embedder=embedder or CountingEmbedder())


def _copy_corpus(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for source in SAMPLE_SOURCES + ["manifest.yaml"]:
        shutil.copy(CORPUS / source, target / source)
    return target


def test_ingesting_the_sample_corpus_stores_every_report_with_its_metadata(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path / "store")
    result = workspace.ingest([CORPUS])
    assert (result.added, result.updated, result.unchanged, result.failed) == (5, 0, 0, [])
    assert result.reports == 5 and result.chunks == workspace.store.count_chunks() > 100
    report = workspace.find_report("述职")
    assert (report.source, report.year, report.doc_type, report.unit) == (
        "004_3a5482bd6e48631d.txt", 2022, "述职", "**街道")


def test_reingesting_an_unchanged_corpus_embeds_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    workspace = _workspace(tmp_path / "store", embedder)
    first = workspace.ingest([CORPUS])
    embedded = len(embedder.texts)
    again = workspace.ingest([CORPUS])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert len(embedder.texts) == embedded
    assert again.chunks == first.chunks


def test_a_changed_file_replaces_its_old_chunks_and_reembeds_only_what_changed(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path / "corpus")
    embedder = CountingEmbedder()
    workspace = _workspace(tmp_path / "store", embedder)
    workspace.ingest([corpus])
    path = corpus / "001_b1a17815476a7810.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("抓廉政建设。", "抓廉洁建设。"), encoding="utf-8")
    embedder.texts.clear()
    result = workspace.ingest([corpus])
    assert (result.added, result.updated, result.unchanged) == (0, 1, 4)
    assert len(embedder.texts) == 2  # the one changed passage and the report title
    texts = [chunk.text for chunk in workspace.store.iter_chunks()]
    assert any("抓廉洁建设" in text for text in texts)
    assert not any("抓廉政建设。" in text for text in texts)
    assert len(texts) == len(set(chunk.chunk_id for chunk in workspace.store.iter_chunks()))


def test_reports_read_by_older_reading_code_are_read_again_keeping_their_vectors_and_marks(tmp_path: Path) -> None:
    # an upgrade that parses better must reach the reports already stored, not only new files
    from dataclasses import replace

    from agent.library.ingest import reader_version

    embedder = CountingEmbedder()
    workspace = _workspace(tmp_path / "store", embedder)
    workspace.ingest([CORPUS])
    store = workspace.store
    older = [store.get_report(source) for source in ("000_b5634a4a4b3dd6c4.txt", "003_f350a27f9ad2a090.txt")]
    store.mark_reference(older[1], True)   # marked by hand (ingest --reference) before the upgrade
    older = [replace(store.get_report(record.source), reader="") for record in older]   # as stored before
    store.save_reports(older, embedder.embed([record.title for record in older]))
    embedder.texts.clear()
    again = workspace.ingest([CORPUS])
    assert (again.added, again.updated, again.unchanged, again.reread) == (0, 2, 3, 2)
    assert sorted(embedder.texts) == sorted(record.title for record in older)   # passages kept their vectors
    renewed = [store.get_report(record.source) for record in older]
    assert all(record.reader == reader_version() for record in renewed)
    assert renewed[1].reference and not renewed[0].reference
    assert workspace.ingest([CORPUS]).unchanged == 5


def test_bad_files_are_listed_in_failed_and_the_rest_of_the_folder_still_ingests(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    original = (CORPUS / "001_b1a17815476a7810.txt").read_text(encoding="utf-8")
    (folder / "gbk报告.txt").write_bytes(original.encode("gbk"))
    (folder / "utf16报告.txt").write_bytes(original.replace("街道党工委2022年", "街道党工委2021年").encode("utf-16"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    result = _workspace(tmp_path / "store").ingest([folder])
    assert result.added == 2
    errors = {Path(item["path"]).name: item["error"] for item in result.failed}
    assert set(errors) == {"empty.txt", "image.txt"}
    assert "文件为空" in errors["empty.txt"] and "\n" not in errors["image.txt"]


def test_gbk_report_ingests_with_the_same_passages_as_the_utf8_original(tmp_path: Path) -> None:
    folder = tmp_path / "gbk"
    folder.mkdir()
    text = (CORPUS / "004_3a5482bd6e48631d.txt").read_text(encoding="utf-8")
    (folder / "述职报告.txt").write_bytes(text.encode("gb18030"))
    workspace = _workspace(tmp_path / "store")
    workspace.ingest([folder])
    record = workspace.find_report("述职报告")
    assert record.title == "2022年某街道办党工委书记抓基层党建工作述职报告"
    assert any("三会一课" in chunk.text for chunk in workspace.store.iter_chunks())


def test_a_report_without_a_title_line_is_named_by_its_first_heading_or_its_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "untitled"
    folder.mkdir()
    body = (CORPUS / "001_b1a17815476a7810.txt").read_text(encoding="utf-8").split("\n", 1)[1]  # title line cut
    (folder / "005_0123456789abcdef.txt").write_text(body, encoding="utf-8")
    (folder / "006_fedcba9876543210_梅林街道2023年工作总结.txt").write_text(body, encoding="utf-8")
    workspace = _workspace(tmp_path / "store")
    assert workspace.ingest([folder]).failed == []
    titles = {record.source: record.title for record in workspace.reports()}
    assert titles["005_0123456789abcdef.txt"] == "2022年工作总结"   # 一、2022年工作总结, without its number
    assert titles["006_fedcba9876543210_梅林街道2023年工作总结.txt"] == "梅林街道2023年工作总结"
    assert workspace.find_report("005_0123456789abcdef.txt").year == 2022


def test_an_ingest_cut_off_midway_keeps_what_was_done_and_the_rerun_completes_it(tmp_path: Path) -> None:
    folder = tmp_path / "reports"   # three years of the five samples: files are embedded a few hundred passages
    folder.mkdir()                  # at a time, so the endpoint answers the first call and fails the second
    for year in (2020, 2021, 2022):
        for source in SAMPLE_SOURCES:
            text = (CORPUS / source).read_text(encoding="utf-8").replace("2022年", f"{year}年")
            (folder / f"{year}_{source}").write_text(text, encoding="utf-8")
    store, failing = tmp_path / "store", FailingAfter(calls=1)
    with pytest.raises(ModelError):
        _workspace(store, failing).ingest([folder])
    survivor = _workspace(store)
    kept = survivor.reports()
    assert 0 < len(kept) < 15
    assert sum(report.chunks + 1 for report in kept) == len(failing.texts)   # all that was embedded was stored
    result = survivor.ingest([folder])
    assert (result.added, result.unchanged, result.reports) == (15 - len(kept), len(kept), 15)
    ids = [chunk.chunk_id for chunk in survivor.store.iter_chunks()]
    assert len(ids) == len(set(ids)) == result.chunks


def test_a_store_built_with_one_embedder_refuses_another(tmp_path: Path) -> None:
    from agent.errors import UserError

    _workspace(tmp_path / "store").ingest([CORPUS / SAMPLE_SOURCES[0]])
    other = Workspace(Settings(store=tmp_path / "store"), embedder=FakeEmbedder(dimension=64))
    with pytest.raises(UserError, match="fake-256"):
        other.reports()


def test_every_chunk_carries_its_breadcrumb_topics_and_a_stable_id(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path / "store")
    workspace.ingest([CORPUS])
    chunks = {chunk.chunk_id: chunk for chunk in workspace.store.iter_chunks()}
    lianzheng = [c for c in chunks.values() if c.heading_path[-1:] == ("（一）党风廉政建设方面",)]
    assert len(lianzheng) == 1
    assert lianzheng[0].heading_path == ("三、党风廉政建设和执行民主集中制情况", "（一）党风廉政建设方面")
    assert "lianzheng" in lianzheng[0].topics
    assert lianzheng[0].chunk_id.startswith("000_b5634a4a4b3dd6c4:")
    rebuilt = _workspace(tmp_path / "store2")
    rebuilt.ingest([CORPUS])
    assert set(chunk.chunk_id for chunk in rebuilt.store.iter_chunks()) == set(chunks)


def _outline_titles(node, depth=0) -> list[str]:
    lines = []
    for child in node.children:
        lines.append("  " * depth + child.title)
        lines.extend(_outline_titles(child, depth + 1))
    return lines


def test_a_real_report_as_docx_and_as_pdf_ingests_to_the_same_tree_as_the_text(tmp_path: Path) -> None:
    import docx

    from .test_loaders import _wrap, _write_pdf

    text = (CORPUS / "004_3a5482bd6e48631d.txt").read_text(encoding="utf-8")
    paragraphs = [line for line in text.splitlines() if line.strip()]
    folder = tmp_path / "formats"
    folder.mkdir()
    document = docx.Document()
    document.add_heading(paragraphs[0], level=0)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    document.save(folder / "述职.docx")
    lines = [line for paragraph in paragraphs for line in _wrap(paragraph)]
    _write_pdf(folder / "述职.pdf", [lines[start: start + 38] for start in range(0, len(lines), 38)])
    shutil.copy(CORPUS / "004_3a5482bd6e48631d.txt", folder / "述职.txt")

    workspace = _workspace(tmp_path / "store")
    result = workspace.ingest([folder])
    assert (result.added, result.failed) == (3, [])
    trees = {name: _outline_titles(workspace.outline(workspace.find_report(name)))
             for name in ("述职.txt", "述职.docx", "述职.pdf")}
    assert trees["述职.docx"] == trees["述职.txt"]
    assert trees["述职.pdf"] == trees["述职.txt"]
    assert "    五是不断夯实社会治理" in trees["述职.pdf"]


def test_an_ingest_killed_with_sigkill_loses_nothing_and_the_rerun_finishes_cleanly(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "many"
    folder.mkdir()
    texts = [(CORPUS / source).read_text(encoding="utf-8") for source in SAMPLE_SOURCES]
    for number in range(150):
        (folder / f"r{number:03d}.txt").write_text(texts[number % 5].replace("2022年", f"{1900 + number}年"),
                                                   encoding="utf-8")
    command = [sys.executable, "-m", "agent", "ingest", str(folder), "--store", str(tmp_path / "store"),
               "--embedder", "fake", "--json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stored = 0
    while stored < 3:  # stderr is not a terminal, so the CLI logs one line per file
        line = process.stderr.readline()
        assert line, "ingest ended before it could be killed"
        stored += line.startswith("新增：")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    import json

    summary = json.loads(rerun.stdout)
    assert summary["reports"] == 150 and summary["failed"] == []
    assert summary["added"] + summary["updated"] + summary["unchanged"] == 150
    assert 0 < summary["added"] < 150  # the killed run had stored some reports, and they were kept
    workspace = Workspace(Settings(store=tmp_path / "store"), embedder=FakeEmbedder())
    ids = [chunk.chunk_id for chunk in workspace.store.iter_chunks()]
    assert len(ids) == len(set(ids)) == summary["chunks"] == sum(r.chunks for r in workspace.reports())


def test_search_words_are_recorded_at_ingest_and_ignored_if_another_tokenizer_made_them(tmp_path: Path) -> None:
    import json

    from agent.library.lexical import TermsCache, tokenize

    workspace = _workspace(tmp_path / "store")
    workspace.ingest([CORPUS / SAMPLE_SOURCES[1]])
    cache = TermsCache(workspace.settings.cache_dir / "terms")
    known = cache.load()
    chunks = list(workspace.store.iter_chunks())
    assert set(known) == {chunk.chunk_id for chunk in chunks}
    assert all(known[chunk.chunk_id] == tokenize(chunk.embedding_text()) for chunk in chunks)
    path = next(cache.directory.glob("*.json"))
    document = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**document, "tokenizer": "jieba-older-dictionary"}), encoding="utf-8")
    assert cache.load() == {}


def test_search_sees_a_changed_file_right_after_it_is_reingested(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path / "corpus")
    workspace = _workspace(tmp_path / "store")
    workspace.ingest([corpus])
    assert not any("廉洁文化长廊" in hit.text for hit in workspace.search("廉洁文化长廊", k=3))
    path = corpus / "001_b1a17815476a7810.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("抓作风建设。", "抓作风建设。建成廉洁文化长廊。"),
                    encoding="utf-8")
    workspace.ingest([corpus])
    assert "廉洁文化长廊" in workspace.search("廉洁文化长廊", k=3)[0].text
