"""`zongjie eval` on the sample corpus: the metrics, the goldens workflow, replay and record, the CI gate, and that
breaking the number guard, the citation check or the retrieval fusion makes the eval fail."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agent.cli import app
from agent.evals.cases import load_cases
from agent.evals.goldens import Goldens
from agent.evals.openai_server import grounded_echo
from agent.evals.rouge import char_tokens, rouge_l_char, rouge_l_word, word_tokens
from agent.evals.runner import EvalOptions, approve, run_eval
from agent.library.topics import TOPICS, resolve_section
from agent.settings import Settings
from agent.text.figures import GuardResult

ROOT = Path(__file__).resolve().parent.parent
EVALS = ROOT / "evals"


@pytest.fixture(scope="module")
def eval_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding exactly the sample corpus (the session's store gains other tests' files; the replies in
    evals/replay/ cite the evidence keys of this corpus alone)."""
    from agent.workspace import Workspace

    store = tmp_path_factory.mktemp("eval-store")
    Workspace(Settings(store=store, corpus=ROOT / "corpus")).ingest([ROOT / "corpus"])
    return store


@pytest.fixture
def options(eval_store: Path) -> EvalOptions:
    """The repository's evals over the sample corpus, reusing one ingested store."""
    return EvalOptions(evals_dir=EVALS, corpus=ROOT / "corpus", prompts_dir=ROOT / "prompts", store=eval_store)


@pytest.fixture
def evals_copy(tmp_path: Path) -> Path:
    """A scratch copy of evals/ that a test may change (goldens, cassettes, baseline)."""
    target = tmp_path / "evals"
    shutil.copytree(EVALS, target, ignore=shutil.ignore_patterns("out"))
    return target


def _case(run, case_id: str):
    return next(result for result in run.results if result.case.id == case_id)


# ---------------------------------------------------------------- cases and ROUGE

def test_there_are_over_a_hundred_cases_covering_every_suite_topic_and_sample() -> None:
    cases = load_cases(EVALS / "cases")
    by_suite = {suite: [case for case in cases if case.suite == suite] for suite in ("retrieval", "ask", "draft",
                                                                                     "brief")}
    assert len(cases) >= 100 and all(by_suite.values())
    kinds = {case.get("kind") for case in by_suite["ask"]}
    assert {"answerable", "unanswerable", "masked", "cross"} <= kinds
    assert {resolve_section(case.input["section"]).id for case in by_suite["draft"]} == {t.id for t in TOPICS}
    long_reports = {p.name for p in (ROOT / "evals" / "briefs").glob("*.txt")}
    assert {case.input["report"] for case in by_suite["brief"]} == {p.name for p in (ROOT / "corpus").glob("*.txt")
                                                                     } | long_reports
    assert {case.split for case in by_suite["brief"] if case.input["report"] in long_reports} == {"dev", "test"}


def test_rouge_l_scores_chinese_text_by_character_and_by_jieba_word() -> None:
    # Libraries that tokenize on ASCII see no tokens in Chinese; ours sees every character.
    assert char_tokens("开展警示教育[S1]。") == list("开展警示教育")
    assert rouge_l_char("开展警示教育", "开展警示教育") == 1.0
    assert rouge_l_char("开展警示教育", "统筹疫情防控") == 0.0
    assert rouge_l_char("开展警示教育", "开展廉政教育") == pytest.approx(4 / 6)   # 开展…教育 in common
    assert word_tokens("组织观看廉政纪律片") == ["组织", "观看", "廉政", "纪律", "片"]
    assert rouge_l_word("组织观看廉政纪律片", "组织观看廉政纪律片") == 1.0
    words = rouge_l_word("组织党员观看廉政纪律片", "组织观看廉政纪律片")
    assert 0.8 < words < 1.0 and words != rouge_l_char("组织党员观看廉政纪律片", "组织观看廉政纪律片")


# ---------------------------------------------------------------- the suites pass on the samples

@pytest.mark.slow
@pytest.mark.timeout(900)   # every suite in two modes, and a store of 15 long reports ingested: 2–5 minutes
def test_every_suite_passes_offline_and_in_replay_with_the_metrics_the_readme_states(options) -> None:
    run = run_eval(options)
    assert run.passed, run.regressions + [r.case.id for r in run.results if r.golden and r.golden.status == "differs"]
    metrics = {s.key: {name: item["value"] for name, item in s.metrics.items()} for s in run.summaries}
    for key in ("ask/offline", "draft/offline", "brief/offline", "ask/replay", "draft/replay", "brief/replay"):
        assert metrics[key]["ungrounded_figures"] == 0 and metrics[key]["filled_masks"] == 0
        assert metrics[key]["citation_validity"] == 1.0
    assert metrics["retrieval/offline"]["recall_at_5"] >= 0.9
    assert metrics["draft/offline"]["golden_match"] == metrics["brief/offline"]["golden_match"] == 1.0
    assert metrics["draft/offline"]["stale_facts"] == 0 and metrics["brief/offline"]["page_fit"] == 1.0
    assert metrics["brief/offline/test"]["page_fit"] == 1.0 and 0 < metrics["brief/offline/test"]["key_point_recall"]
    assert run.duration_s < 300


# ---------------------------------------------------------------- breaking a component fails the eval

def _no_number_guard(text, allowed, placeholder="〔待补〕", fill_masked=False):
    return GuardResult(text, [], [])


def test_an_eval_fails_when_the_number_guard_is_broken(options, monkeypatch) -> None:
    chosen = replace(options, modes=("replay",), suites=("ask",), case_ids=("a004", "m001"))
    assert run_eval(chosen).passed                      # the guard turns 15兆瓦 and a filled-in 8次 into 〔待补〕
    monkeypatch.setattr("agent.answer.guard.guard_figures", _no_number_guard)
    broken = run_eval(chosen)
    assert not broken.passed
    assert any("无据数字" in line for line in broken.regressions)
    assert any("补写打码数字" in line for line in broken.regressions)
    assert "15兆瓦" in _case(broken, "a004").output


def test_an_eval_fails_when_the_citation_check_is_broken(options, monkeypatch) -> None:
    from agent.text import citations

    chosen = replace(options, modes=("replay",), suites=("ask",), case_ids=("a002",))
    assert run_eval(chosen).passed                      # the model's [S11] was never offered: it is dropped
    # The citation check is two tests: keys must be offered ones, and the cited passage must hold the sentence.
    monkeypatch.setattr("agent.answer.guard.check_citations",
                        lambda text, valid: citations.check_citations(text, set(valid) | {f"S{n}" for n in range(99)}))
    monkeypatch.setattr("agent.answer.guard.UNSUPPORTED_SHARE", -1.0)
    broken = run_eval(chosen)
    assert not broken.passed and any("引用有效率" in line for line in broken.regressions)
    failing = {check.name for check in _case(broken, "a002").failing()}
    assert "citation_validity" in failing


def test_an_eval_fails_when_the_retrieval_fusion_is_broken(options, monkeypatch) -> None:
    from agent.library.retrieve import Retriever

    chosen = replace(options, modes=("offline",), suites=("retrieval",))
    original = Retriever._fused_scores

    def vector_only(self, *args):
        self.config = replace(self.config, lexical_weight=0.0, expansion_weight=0.0)
        return original(self, *args)

    monkeypatch.setattr(Retriever, "_fused_scores", vector_only)
    broken = run_eval(chosen)
    assert not broken.passed
    assert any("召回率@5" in line for line in broken.regressions)


# ---------------------------------------------------------------- goldens

def test_a_changed_output_fails_until_approved_and_a_new_corpus_makes_it_stale(options, evals_copy) -> None:
    chosen = replace(options, evals_dir=evals_copy, modes=("offline",), suites=("brief",), case_ids=("brief-004",))
    golden = evals_copy / "goldens" / "brief" / "brief-004.md"
    reviewed = golden.read_text(encoding="utf-8")
    golden.write_text(reviewed.replace("联系基层还不够多", "联系群众还不够多"), encoding="utf-8")
    changed = run_eval(chosen)
    result = _case(changed, "brief-004")
    assert not changed.passed and result.status == "fail" and result.golden.status == "differs"
    assert "-联系群众还不够多" in result.golden.diff.replace("；", "\n-") or "联系群众" in result.golden.diff
    assert approve(chosen, ("brief-004",)) == ["brief-004"]
    assert golden.read_text(encoding="utf-8") == reviewed
    assert run_eval(chosen).passed
    manifest = Goldens(evals_copy / "goldens").manifest
    manifest["brief-004"]["corpus"] = "made-under-another-corpus"
    (evals_copy / "goldens" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    golden.write_text(reviewed.replace("联系基层还不够多", "联系群众还不够多"), encoding="utf-8")
    stale = run_eval(chosen)
    assert stale.passed and _case(stale, "brief-004").status == "stale"


# ---------------------------------------------------------------- replay and record

def test_a_cassette_that_no_longer_fits_the_calls_is_stale_not_a_failure(options, evals_copy) -> None:
    path = evals_copy / "replay" / "draft.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["cases"]["draft-pingan"]["replies"] = document["cases"]["draft-pingan"]["replies"][:1]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    run = run_eval(replace(options, evals_dir=evals_copy, modes=("replay",), suites=("draft",),
                           case_ids=("draft-pingan",)))
    result = _case(run, "draft-pingan")
    assert result.status == "stale" and "1 条回复，实际请求了 2 次" in result.stale_reason
    assert run.passed


def test_live_record_saves_the_endpoints_replies_and_replay_serves_them(options, evals_copy, openai_server) -> None:
    openai_server.responder = grounded_echo
    live = Settings(store=options.store, provider="openai", base_url=openai_server.base_url, api_key="sk-test",
                    model="test-model", timeout=5.0, max_retries=0, retry_wait=0.0)
    chosen = replace(options, evals_dir=evals_copy, suites=("ask",), case_ids=("a003", "a004"))
    recorded = run_eval(replace(chosen, modes=("live",), live_settings=live, record=True))
    cassettes = yaml.safe_load((evals_copy / "replay" / "ask.yaml").read_text(encoding="utf-8"))["cases"]
    assert cassettes["a003"]["flaw"] == "recorded" and "test-model" in cassettes["a003"]["note"]
    assert cassettes["a003"]["replies"] == [_case(recorded, "a003").output.split("[S1]")[0] + "[S1]。"]
    assert cassettes["a004"]["flaw"] == "invented_figure"          # a hand-written flaw is kept
    served_before = len(openai_server.chat_requests())
    replayed = run_eval(replace(chosen, modes=("replay",), case_ids=("a003",)))
    assert _case(replayed, "a003").output == _case(recorded, "a003").output
    assert len(openai_server.chat_requests()) == served_before      # the replay used its own server


# ---------------------------------------------------------------- the command

def test_cli_prints_the_summary_writes_both_reports_and_fails_on_a_regression(evals_copy, tmp_path,
                                                                               monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report"
    args = ["eval", "--suite", "brief", "--mode", "offline", "--evals", str(evals_copy), "--out", str(out)]
    passed = CliRunner().invoke(app, args)
    assert passed.exit_code == 0, passed.output
    assert "brief/offline" in passed.stdout and "一页纸内" in passed.stdout and "通过" in passed.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    brief_cases = load_cases(evals_copy / "cases", ("brief",))
    assert report["passed"] and len(report["cases"]) == len(brief_cases) == 25   # 12 dev, 5 + 5 + 3 held out
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "brief-004" in page and "联系基层还不够多" in page and "http" not in page.split("<body", 1)[1]
    baseline = json.loads((evals_copy / "baseline.json").read_text(encoding="utf-8"))
    for numbers in baseline["brief/offline"]["cases"].values():
        numbers["section_coverage"] = 1.5                              # better than it can be: a regression now
    (evals_copy / "baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 1 and "退步" in failed.stdout and "章节覆盖率" in failed.stdout
    unknown = CliRunner().invoke(app, ["eval", "--suite", "qa", "--evals", str(evals_copy)])
    assert unknown.exit_code == 1 and "未知的评测套件" in unknown.stderr and "Traceback" not in unknown.output
