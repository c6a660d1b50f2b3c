"""Reference documents in the library (a 政府工作报告, a policy document): known apart from the unit's own reports,
ranked behind them for questions about the work done, shown alone by a filter, and never drawn on by drafts,
comparisons or checks. On the real sample reports and real government texts, with the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.check.sources import past_reports
from agent.cli import app
from agent.compare import CompareRequest, compare_topic
from agent.draft.pipeline import draft_year
from agent.library.retrieve import OWN, REFERENCE, SearchFilters
from agent.settings import Settings
from agent.workspace import Workspace

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
DISTRACTORS = ROOT / "benchmarks" / "data" / "distractors"
BEIJING = "d01_beijing_gov_report_2026.txt"
POLICY = "d05_rural_revitalization_opinions_2018.txt"   # its title line is not read as a title: marked by flag
runner = CliRunner()


@pytest.fixture(scope="module")
def library(tmp_path_factory, local_workspace) -> Workspace:
    """The five samples as the unit's own; 北京 2026 by its kind; the 乡村振兴 opinions with --reference."""
    folder = tmp_path_factory.mktemp("refs")
    shutil.copy(DISTRACTORS / BEIJING, folder / BEIJING)
    workspace = Workspace(Settings(store=tmp_path_factory.mktemp("refs-store"), corpus=CORPUS),
                          embedder=local_workspace.embedder)
    workspace.ingest([CORPUS])
    workspace.ingest([folder])
    workspace.ingest([DISTRACTORS / POLICY], reference=True)
    return workspace


def test_reports_know_which_is_reference(library) -> None:
    kinds = {record.source: (record.doc_type, record.reference) for record in library.reports()}
    assert kinds[BEIJING] == ("政府工作报告", True)
    assert kinds[POLICY][1] is True
    assert not any(reference for source, (_, reference) in kinds.items() if source.startswith("00"))
    assert [record.source for record in library.own_reports()] == sorted(p.name for p in CORPUS.glob("*.txt"))


def test_a_work_question_ranks_the_units_own_passage_first(library) -> None:
    hits = library.search("持续优化营商环境", k=5)
    assert hits[0].source == "002_0ddcf7a71d7dee43.txt"
    unscoped_refs = [hit for hit in hits if hit.source in (BEIJING, POLICY)]
    assert all(hits.index(hit) > 0 for hit in unscoped_refs)


def test_a_question_about_the_policy_is_answered_by_the_policy(library) -> None:
    hits = library.search("政府工作报告怎么部署优化营商环境", k=3)
    assert hits[0].source in (BEIJING, POLICY)   # the unit's own passages are the support now


def test_scope_shows_either_kind_alone(library) -> None:
    own = library.search("乡村振兴", k=8, filters=SearchFilters(scope=OWN))
    reference = library.search("乡村振兴", k=8, filters=SearchFilters(scope=REFERENCE))
    assert own and all(hit.source.startswith("00") for hit in own)
    assert reference and all(hit.source in (BEIJING, POLICY) for hit in reference)


def test_a_narrow_filter_is_searched_exactly(library) -> None:
    """A filter few passages pass goes to the in-memory matrix: the same passages, in the same order, as an exact
    search over just those passages."""
    import numpy as np

    retriever = library.retriever
    lexical = retriever.lexical_index()
    mask = lexical.report_ids == lexical.report_ids[lexical.position[next(
        chunk.chunk_id for chunk in library.store.iter_chunks() if chunk.source == "004_3a5482bd6e48631d.txt")]]
    vector = library.embedder.embed(["开展作风集中整顿"])[0]
    found = retriever._vector_ranking(vector, {"report_id": "x"}, lexical, mask)
    rows = np.flatnonzero(mask)
    exact = [lexical.chunk_ids[row] for row in rows[np.argsort(-(retriever.vector_matrix(lexical).rows[rows] @ vector))]]
    assert found == exact[:len(found)] and len(found) == min(len(rows), retriever.config.candidates)


def test_drafts_comparisons_and_checks_leave_reference_documents_out(library) -> None:
    assert draft_year(None, library) == 2023   # not the year after the 2026 政府工作报告
    compared = compare_topic(library, CompareRequest(section="经济发展"))
    assert {column.report.source for column in compared.columns} == {r.source for r in library.own_reports()}
    assert not any(chunk.reference for chunk in library.store.chunks_with_topic("jingji"))
    assert not any("北京" in sentence.where for sentence in past_reports(library).sentences)
    named = compare_topic(library, CompareRequest(section="经济发展", reports=(BEIJING,)))
    assert named.columns[0].points   # named on purpose, a reference document can be compared


def test_the_mark_changes_without_reading_the_file_again(tmp_path, local_workspace) -> None:
    folder = tmp_path / "town"
    folder.mkdir()
    (folder / "柳林镇2023年政府工作报告.txt").write_text(
        "柳林镇2023年政府工作报告\n一、2023年工作回顾\n（一）经济发展。全镇完成固定资产投资3.2亿元，新增市场主体120户。\n",
        encoding="utf-8")
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=folder), embedder=local_workspace.embedder)
    workspace.ingest([folder])
    assert workspace.reports()[0].reference is False   # a 镇's own 政府工作报告 is its record
    before = {chunk.chunk_id for chunk in workspace.store.iter_chunks()}
    result = workspace.ingest([folder], reference=True)
    assert (result.updated, result.added, result.unchanged) == (1, 0, 0)
    assert workspace.reports()[0].reference is True
    assert {chunk.chunk_id for chunk in workspace.store.iter_chunks() if chunk.reference} == before
    assert workspace.ingest([folder]).unchanged == 1   # no flag: the mark stays as it was set


def test_a_manifest_marks_reference_material(tmp_path, local_workspace) -> None:
    folder = tmp_path / "with-manifest"
    folder.mkdir()
    shutil.copy(DISTRACTORS / POLICY, folder / POLICY)
    (folder / "manifest.yaml").write_text(f"- source: {POLICY}\n  reference: true\n", encoding="utf-8")
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=folder), embedder=local_workspace.embedder)
    workspace.ingest([folder])
    assert workspace.reports()[0].reference is True


def test_cli_ingest_reference_and_reports_listing(tmp_path, monkeypatch, local_workspace) -> None:
    monkeypatch.chdir(tmp_path)
    store = str(tmp_path / "store")
    shutil.copytree(CORPUS, tmp_path / "corpus")
    assert runner.invoke(app, ["ingest", "corpus", "--store", store, "--embedder", "fake"]).exit_code == 0
    marked = runner.invoke(app, ["ingest", str(CORPUS / "002_0ddcf7a71d7dee43.txt"), "--reference", "--store", store,
                                 "--embedder", "fake"])
    assert marked.exit_code == 0 and "更新 1 份" in marked.stdout
    listing = runner.invoke(app, ["reports", "--store", store, "--embedder", "fake"]).stdout
    assert "总结（参考）" in listing
    bad = runner.invoke(app, ["search", "党建", "--scope", "其他", "--store", store, "--embedder", "fake"])
    assert bad.exit_code != 0 and "--scope 只能是" in bad.output
