"""The cases of evals/cases/ask.yaml with the offline engine: every answerable and masked case holds; unanswerable
ones are refused at the rate the README states (the eval harness reports each miss)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from agent.ask import answer_question
from agent.engines import make_engine
from agent.guard import REFUSAL

CASES = yaml.safe_load((Path(__file__).parents[1] / "evals" / "cases" / "ask.yaml").read_text(encoding="utf-8"))
ANSWERED = [case for case in CASES if case["kind"] != "unanswerable"]
UNANSWERABLE = [case for case in CASES if case["kind"] == "unanswerable"]


@pytest.mark.parametrize("case", ANSWERED, ids=[case["id"] for case in ANSWERED])
def test_answerable_case_is_cited_from_the_right_passage(local_workspace, case: dict) -> None:
    answer = answer_question(case["question"], make_engine(local_workspace))
    assert answer.grounded
    assert any(c["source"] == case["source"] and case["quote"] in c["quote"] for c in answer.citations), \
        answer.citations
    if case["kind"] == "masked":
        quoted = "".join(c["quote"] + c["report_title"] + "".join(c["heading_path"]) for c in answer.citations)
        invented = {number for number in re.findall(r"\d+(?:\.\d+)?", answer.text)
                    if number not in quoted and not re.fullmatch(r"[1-9]", number)}  # list numbers 1. 2. are ours
        assert "*" in answer.text and not invented


def test_unanswerable_cases_are_refused(local_workspace) -> None:
    answered = [case["id"] for case in UNANSWERABLE
                if answer_question(case["question"], make_engine(local_workspace)).text != REFUSAL]
    assert len(answered) <= 1, f"answered instead of refusing: {answered}"  # u018 (冬奥会志愿服务) is the known miss
