"""The offline answering engine: no model, only the reports' own sentences, chosen and ordered to answer.

Every sentence of the retrieved passages is scored by how much of the question it covers (jieba words weighted
by rarity across the store, the passage's heading counting at half weight, thesaurus synonyms at half weight),
with a small lift from the passage's search rank and, for "how many" questions, for sentences that carry a
figure. Meaning counts too: the bundled sentence encoder's cosine between question and sentence is added, because staff
ask in plain words what reports say in official ones. The best sentences, without near-repeats, are quoted
verbatim with their citation keys, grouped by report. When no sentence covers enough of the question's words and
none is close enough in meaning, the answer is 资料中未找到相关内容 — an honest refusal beats a confident quote
about something else. Thresholds were set on evals/cases (see README: answering and refusing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from .chinese import split_sentences, to_half_width
from .citations import insert_key
from .evidence import Evidence, Passage, char_bigrams
from .figures import find_figures
from .lexical import LexicalIndex, tokenize
from .retrieve import Hit, expansion_terms

# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS = frozenset(
    "哪份 哪些 哪个 哪几份 哪一份 几份 报告 总结 述职 提到 提及 写到 讲到 说到 多少 几 几次 几个 什么 是否 有没有 "
    "如何 怎么 怎样 做法 举措 措施 内容 情况 主要 具体 哪方面 方面 里面 其中 分别 有何 有哪 资料 文件 介绍 一下 "
    "关于 什么样 请问 谈谈 说说 列举 包括 哪里 怎么样 开展 了 吗 呢".split())
_WHICH_REPORT = re.compile(r"哪(份|几份|一份|些|个)?(报告|总结|材料|单位|街道)|几份报告")
_QUANTITY = re.compile(r"多少|几[次个项人家场名户批处条所]?|数量|比例|比重|规模|金额|增长")
_YEAR = re.compile(r"(20\d{2})\s*年?")


@dataclass(frozen=True)
class ExtractiveConfig:
    """Tuning of sentence selection (set on the labelled ask cases in evals/)."""

    passages: int = 8              # retrieved passages to read
    min_coverage: float = 0.6      # answer when a sentence covers this share of the question's weight …
    min_similarity: float = 0.37   # … or is this close in meaning (USE cosine); else refuse
    similarity_weight: float = 1.0
    keep_ratio: float = 0.75       # keep sentences scoring at least this share of the best
    max_sentences: int = 4
    max_reports: int = 5           # for "which report" questions: one sentence per report
    heading_weight: float = 0.5
    synonym_weight: float = 0.5
    rank_weight: float = 0.08
    figure_bonus: float = 0.12
    year_bonus: float = 0.08
    redundancy: float = 0.6        # bigram overlap above which a sentence repeats one already chosen


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage and how well it answers."""

    hit: Hit
    position: int
    text: str
    score: float
    coverage: float = 0.0
    similarity: float = 0.0


@dataclass(frozen=True)
class Query:
    """What the question asks about (weighted words) and what kind of answer it wants."""

    weights: dict[str, float]
    synonyms: dict[str, list[str]]
    which_report: bool
    quantity: bool
    years: tuple[str, ...]

    @property
    def total(self) -> float:
        """The weight a sentence would have to cover to answer fully."""
        return sum(self.weights.values()) or 1.0


def analyse(question: str, index: LexicalIndex) -> Query:
    """Content words of the question weighted by rarity, each with its thesaurus synonyms, and the kind of
    answer wanted."""
    tokens = [token for token in dict.fromkeys(tokenize(question)) if token not in _QUESTION_WORDS
              and not _YEAR.fullmatch(token) and not token.isdigit()]
    tokens = [token for token in tokens if len(token) > 1] or tokens  # 年, 党 … say little on their own
    words = _outermost(tokens)
    weights = {word: index.idf(word) for word in words}
    synonyms = {word: [to_half_width(term).lower() for term in expansion_terms(word, [word]) if term != word]
                for word in words}
    which_report = bool(_WHICH_REPORT.search(question))
    return Query(weights=weights, synonyms=synonyms, which_report=which_report,
                 quantity=bool(_QUANTITY.search(_WHICH_REPORT.sub("", question))),
                 years=tuple(_YEAR.findall(question)))


def _outermost(tokens: list[str]) -> list[str]:
    """Drop sub-words whose compound is also a token (jieba's search mode yields 党风 / 廉政 / 党风廉政建设),
    so one idea is not counted three times — unless the compound is rare and the parts carry the meaning."""
    return [token for token in tokens if not any(token != other and token in other for other in tokens)]


def score_sentence(query: Query, sentence: str, heading: str, config: ExtractiveConfig) -> float:
    """Share of the question's weight this sentence covers: a word in the sentence counts fully; in the heading,
    as a synonym, or as both halves of a long compound, it counts for part."""
    text, context = to_half_width(sentence).lower(), to_half_width(heading).lower()
    covered = 0.0
    for word, weight in query.weights.items():
        if word in text:
            covered += weight
        elif word in context:
            covered += weight * config.heading_weight
        elif any(synonym in text for synonym in query.synonyms.get(word, ())):
            covered += weight * config.synonym_weight
        elif _partly_in(word, text):
            covered += weight * 0.5
    return covered / query.total


def _partly_in(word: str, text: str) -> bool:
    """A long compound whose halves both appear (廉洁自律教育 ~ 廉洁…教育) counts for half."""
    return len(word) >= 4 and word[: len(word) // 2] in text and word[len(word) // 2:] in text


class ExtractiveEngine:
    """Answers from the reports' own sentences; needs no model and no network."""

    kind = "extractive"
    model = None
    chat_model = None
    gathers_evidence = False
    reads_history = False

    def __init__(self, search: Callable[[str, int, Any], list[Hit]], lexical: Callable[[], LexicalIndex],
                 embed: Callable[[list[str]], np.ndarray], config: ExtractiveConfig | None = None) -> None:
        self.search = search
        self.lexical = lexical
        self.embed = embed
        self.config = config or ExtractiveConfig()
        self._chosen: list[tuple[Passage, str]] = []
        self._query: Query | None = None

    def prepare(self, question: str, filters: Any = None) -> Evidence:
        """Retrieve, choose the answering sentences, and key only the passages they come from (S1, S2 … in the
        order the answer cites them)."""
        self._query = analyse(question, self.lexical())
        wanted = self.config.passages * (2 if self._query.which_report else 1)  # reach past one report's passages
        hits = self.search(question, wanted, filters)
        chosen = self.choose(self._query, self._candidates(question, self._query, hits))
        evidence = Evidence()
        self._chosen = [(evidence.add(candidate.hit), candidate.text) for candidate in chosen]
        return evidence

    def choose(self, query: Query, candidates: list[Candidate]) -> list[Candidate]:
        """The answering sentences, best first, without near-repeats; none when nothing answers well enough."""
        config = self.config
        supported = any(c.coverage >= config.min_coverage or c.similarity >= config.min_similarity
                        for c in candidates)
        if not supported:
            return []
        ranked = sorted(candidates, key=lambda candidate: -candidate.score)
        floor = ranked[0].score * config.keep_ratio
        # "Which reports …" wants every report that mentions the thing, however briefly: one sentence per report
        # that covers at least half of what the best one covers.
        enough_words = 0.5 * max(candidate.coverage for candidate in ranked)
        chosen: list[Candidate] = []
        limit = config.max_reports if query.which_report else config.max_sentences
        for candidate in ranked:
            if len(chosen) >= limit:
                break
            if query.which_report:
                if candidate.coverage < enough_words or any(c.hit.source == candidate.hit.source for c in chosen):
                    continue
            elif candidate.score < floor:
                break
            if any(_overlap(candidate.text, other.text) > config.redundancy for other in chosen):
                continue
            chosen.append(candidate)
        return _in_reading_order(chosen)

    def _candidates(self, question: str, query: Query, hits: list[Hit]) -> list[Candidate]:
        """Every sentence of every hit, scored by word coverage, meaning, search rank and what the question wants."""
        config = self.config
        found = [(hit, position, sentence.strip()) for hit in hits
                 for position, sentence in enumerate(_sentences_of(hit.text)) if len(sentence.strip()) >= 6]
        if not found:
            return []
        similarities = _cosines(self.embed([question, *(sentence for _, _, sentence in found)]))
        candidates = []
        for (hit, position, sentence), similarity in zip(found, similarities):
            coverage = score_sentence(query, sentence, " ".join(hit.heading_path), config)
            score = coverage + config.similarity_weight * similarity + config.rank_weight / hit.rank
            if query.quantity and find_figures(sentence):
                score += config.figure_bonus
            if query.years and any(year in sentence for year in query.years):
                score += config.year_bonus
            candidates.append(Candidate(hit=hit, position=position, text=sentence, score=score, coverage=coverage,
                                        similarity=similarity))
        return candidates

    def generate(self, question: str, evidence: Evidence) -> Iterator[str]:
        """The answer text: the chosen sentences quoted with their keys, grouped under their reports."""
        query = self._query
        by_report: dict[str, list[tuple[Passage, str]]] = {}
        for passage, sentence in self._chosen:
            by_report.setdefault(passage.report_title, []).append((passage, sentence))
        if query is not None and query.which_report:
            yield "以下报告提到了相关内容：\n"
        for title, quoted in by_report.items():
            yield f"《{title}》：\n"
            for number, (passage, sentence) in enumerate(quoted, 1):
                yield f"{number}. {insert_key(_ended(sentence), passage.key)}\n"
        if query is not None and query.quantity and self._only_masked_figures():
            yield "注：原文中相关数字已用“*”隐去，资料未给出具体数值。\n"

    def _only_masked_figures(self) -> bool:
        """True when the quoted sentences carry figures and every one of them is masked."""
        figures = [figure for _, sentence in self._chosen for figure in find_figures(sentence)]
        return bool(figures) and all(figure.masked for figure in figures if not _is_year(figure.text))


def _is_year(text: str) -> bool:
    """A year such as 2022年 (not the figure a "how many" question asks for)."""
    return bool(re.fullmatch(r"(19|20)\d{2}年?", text))


def _sentences_of(text: str) -> list[str]:
    """Sentences of a passage; a heading line ends where its line ends."""
    return [sentence for line in text.splitlines() for sentence in split_sentences(line)]


def _cosines(vectors: np.ndarray) -> list[float]:
    """Cosine of each row after the first with the first."""
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    unit = vectors / norms[:, None]
    return [float(value) for value in unit[1:] @ unit[0]]


def _in_reading_order(chosen: list[Candidate]) -> list[Candidate]:
    """Reports in order of their best sentence; within a report, sentences in document order."""
    report_rank: dict[str, int] = {}
    for candidate in chosen:
        report_rank.setdefault(candidate.hit.source, len(report_rank))
    return sorted(chosen, key=lambda c: (report_rank[c.hit.source], c.hit.rank, c.position))


def _overlap(first: str, second: str) -> float:
    """Share of the shorter sentence's character bigrams found in the other."""
    pairs = [char_bigrams(first), char_bigrams(second)]
    smaller = min(pairs, key=len)
    return len(pairs[0] & pairs[1]) / len(smaller) if smaller else 0.0


def _ended(sentence: str) -> str:
    """A quoted sentence with its full stop (a heading line has none)."""
    return sentence if re.search(r"[。！？；!?;][”’」』）)]*$", sentence) else sentence + "。"
