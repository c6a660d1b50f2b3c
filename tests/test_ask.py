"""`zongjie ask` offline (extractive engine) over the five sample reports: cited, refusing, never inventing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.ask import answer_question
from agent.cli import app
from agent.engines import make_engine
from agent.guard import REFUSAL

# One question per sample report, asked as a staff member would, with the source and words the cited quote
# must contain.
PER_REPORT = [
    ("组织干部观看了哪些廉政纪律片？", "000_b5634a4a4b3dd6c4.txt", "《永远在路上》"),
    ("哪份报告提到了红色驿站？", "001_b1a17815476a7810.txt", "红色驿站"),
    ("重点楼宇招商是怎么做的？", "002_0ddcf7a71d7dee43.txt", "楼长制"),
    ("屋顶光伏项目进展如何？", "003_f350a27f9ad2a090.txt", "光伏"),
    ("居民点单、党员接单是怎么回事？", "004_3a5482bd6e48631d.txt", "党员接单"),
]
UNANSWERABLE = ["街道有多少架无人机用于巡逻？", "2022年街道举办了几场马拉松比赛？", "区里的地铁票价是多少？",
                "街道食堂的菜单有哪些菜？"]


def _ask(workspace, question: str):
    pieces: list[str] = []
    answer = answer_question(question, make_engine(workspace), on_text=pieces.append)
    return answer, "".join(pieces)


@pytest.mark.parametrize(("question", "source", "quoted"), PER_REPORT)
def test_each_report_answers_a_question_with_a_correct_citation(local_workspace, question: str, source: str,
                                                                quoted: str) -> None:
    answer, streamed = _ask(local_workspace, question)
    assert answer.grounded and answer.engine == "extractive" and answer.model is None
    assert streamed.strip() == answer.text  # what was shown is what is returned
    matching = [c for c in answer.citations if c["source"] == source and quoted in c["quote"]]
    assert matching, answer.citations
    citation = matching[0]
    assert f"[{citation['key']}]" in answer.text and citation["heading_path"]
    assert citation["quote"] in answer.text.replace(f"[{citation['key']}]", "")  # quoted verbatim


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_are_refused_without_citations(local_workspace, question: str) -> None:
    answer, _ = _ask(local_workspace, question)
    assert answer.text == REFUSAL and not answer.grounded and answer.citations == []


def test_a_masked_figure_is_not_invented_and_the_answer_says_the_source_hides_it(local_workspace) -> None:
    answer, _ = _ask(local_workspace, "2022年开展了几次节前警示教育？")
    assert "节前警示教育**次" in answer.text
    assert "资料未给出具体数值" in answer.text
    digits = set(re.findall(r"\d+", answer.text)) - {"2022"} - set(re.findall(r"\d+", "".join(
        c["report_title"] + "".join(c["heading_path"]) for c in answer.citations)))
    assert digits == {"1", "2"} & digits and not {d for d in digits if len(d) > 1}  # only list numbers / keys


def test_which_report_questions_list_each_report_once(local_workspace) -> None:
    answer, _ = _ask(local_workspace, "哪几份报告提到了2023年工作安排？")
    sources = [c["source"] for c in answer.citations]
    assert len(sources) == len(set(sources)) >= 2
    assert answer.text.startswith("以下报告提到了相关内容")


def test_cli_ask_json_answers_red_station_with_a_citation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          corpus_dir: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").symlink_to(corpus_dir)
    result = CliRunner().invoke(app, ["ask", "哪份报告提到了红色驿站？", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"question", "answer", "citations", "grounded", "engine", "model", "warnings"}
    assert document["grounded"] and document["engine"] == "extractive"
    assert any("红色驿站" in c["quote"] for c in document["citations"])
    assert set(document["citations"][0]) >= {"key", "chunk_id", "source", "heading_path", "quote"}
    assert "资料库为空" in result.stderr  # auto-ingest said so on stderr, stdout stayed one JSON document


def test_cli_ask_streams_text_then_lists_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 corpus_dir: Path, local_workspace) -> None:
    result = CliRunner().invoke(app, ["ask", "居民点单、党员接单是怎么回事？",
                                      "--store", str(local_workspace.settings.store)])
    assert result.exit_code == 0, result.output
    body, _, sources = result.stdout.partition("来源：")
    assert "[S1]" in body and "党员接单" in body
    assert re.search(r"\[S1\] 《2022年某街道办党工委书记抓基层党建工作述职报告》 › ", sources)
