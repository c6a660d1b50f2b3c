"""Citation keys: normalised, invented ones stripped and counted."""

from __future__ import annotations

from agent.text.citations import check_citations, keys_in, strip_citations


def test_model_drift_forms_are_normalised() -> None:
    text = "加强廉政教育［S1］。开展谈话【S2】；落实责任[S1, S3]。"
    assert keys_in(text) == ["S1", "S2", "S1", "S3"]
    check = check_citations(text, {"S1", "S2", "S3"})
    assert check.text == "加强廉政教育[S1]。开展谈话[S2]；落实责任[S1][S3]。"
    assert check.cited == ["S1", "S2", "S3"] and check.invented == []


def test_invented_keys_are_stripped_and_counted() -> None:
    check = check_citations("开展警示教育[S9]。落实主体责任[S1][S12]。", ["S1", "S2"])
    assert check.text == "开展警示教育。落实主体责任[S1]。"
    assert check.invented == ["S9", "S12"] and check.cited == ["S1"]


def test_brackets_that_are_not_keys_are_left_alone() -> None:
    text = "依据《条例》[2022]第3号文件，[注]见附件。"
    assert check_citations(text, ["S1"]).text == text
    assert strip_citations("落实责任[S1][S2]。") == "落实责任。"
