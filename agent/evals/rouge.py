"""ROUGE-L between an output and its golden, at character level and at jieba-word level.

Written here rather than taken from a ROUGE package: the common ones tokenize on ASCII letters and digits, so a
Chinese text scores 0 (or 1) against anything. Characters and words are compared as written; punctuation,
whitespace and citation keys are left out, since they say nothing about content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..library.lexical import words

_CITATION_KEY = re.compile(r"[\[【［][SFM]\d+(?:[,，、][SFM]?\d+)*[\]】］]")
_CONTENT_CHAR = re.compile(r"[\w〔〕*%]")   # letters, digits, CJK ideographs, placeholders, masks, percent


@dataclass(frozen=True)
class Rouge:
    """ROUGE-L precision, recall and F1 of a candidate against a reference."""

    precision: float
    recall: float
    f1: float


def char_tokens(text: str) -> list[str]:
    """The content characters of `text`, one token each."""
    return [char for char in _CITATION_KEY.sub("", text) if _CONTENT_CHAR.match(char)]


def word_tokens(text: str) -> list[str]:
    """The content words of `text` as our jieba tokenizer cuts it (the same cut the search index uses)."""
    return [word for word in words(_CITATION_KEY.sub("", text)) if _CONTENT_CHAR.match(word)]


def rouge_l(candidate: list[str], reference: list[str]) -> Rouge:
    """ROUGE-L from the longest common subsequence of two token lists."""
    if not candidate or not reference:
        same = candidate == reference
        return Rouge(float(same), float(same), float(same))
    common = _lcs_length(candidate, reference)
    precision, recall = common / len(candidate), common / len(reference)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return Rouge(precision, recall, f1)


def rouge_l_char(candidate: str, reference: str) -> float:
    """Character-level ROUGE-L F1."""
    return rouge_l(char_tokens(candidate), char_tokens(reference)).f1


def rouge_l_word(candidate: str, reference: str) -> float:
    """Word-level ROUGE-L F1 (jieba words)."""
    return rouge_l(word_tokens(candidate), word_tokens(reference)).f1


def _lcs_length(first: list[str], second: list[str]) -> int:
    """Length of the longest common subsequence, one row of the table at a time."""
    if len(second) > len(first):
        first, second = second, first
    previous = [0] * (len(second) + 1)
    for item in first:
        current = [0]
        for column, other in enumerate(second, 1):
            current.append(previous[column - 1] + 1 if item == other else max(previous[column], current[-1]))
        previous = current
    return previous[-1]
