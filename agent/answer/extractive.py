"""The offline answering engine: no model, only the reports' own sentences, chosen and ordered to answer.

Every sentence of the retrieved passages is scored by how much of the question it covers (jieba words weighted
by rarity across the store, the passage's heading counting at half weight, thesaurus synonyms at half weight),
with a small lift from the passage's search rank and, for "how many" questions, for sentences that carry a
figure. Meaning counts too: the bundled sentence encoder's cosine between question and sentence is added, because staff
ask in plain words what reports say in official ones. The best sentences, without near-repeats, are quoted
verbatim with their citation keys, grouped by report. When no sentence covers enough of the question's words and
none is close enough in meaning, the answer is 资料中未找到相关内容 — an honest refusal beats a confident quote
about something else. Thresholds were set on evals/cases (see README: answering and refusing).

Headings are candidates too. A question about a whole section (a heading, with its parents, names every word of
the question: 2023年工作打算有哪几条？) is answered with that section's points — its sub-headings, or the lead
sentence of each of its passages — in document order, each cited to its own passage. A question across reports
(哪几份…, 各报告…, 比较…) gets one sentence per report that has the subject; a heading chosen for a report leads
into the best sentence under it. A question mainly about something no report mentions (冬奥会…) is refused even
when the rest of it (志愿服务) is close in meaning to some sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

import numpy as np

from ..library.lexical import LexicalIndex, tokenize
from ..library.retrieve import Hit, expansion_terms
from ..library.thesaurus import normalize
from ..text.chinese import split_sentences, to_half_width
from ..text.citations import insert_key
from ..text.figures import find_figures
from .evidence import Evidence, Passage, char_bigrams

# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS = frozenset(
    "哪份 哪些 哪个 哪几份 哪一份 几份 报告 总结 述职 提到 提及 写到 讲到 说到 多少 几 几次 几个 什么 是否 有没有 "
    "如何 怎么 怎样 做法 举措 措施 内容 情况 主要 具体 哪方面 方面 里面 其中 分别 有何 有哪 资料 文件 介绍 一下 "
    "关于 什么样 请问 谈谈 说说 列举 包括 哪里 怎么样 开展 了 吗 呢 哪几 哪几个 几条 几项 几点 各 各份 各个 比较 "
    "对比".split())
_REPORTS = r"(报告|总结|材料|单位|街道)"
# Questions over several reports: which of them say something, or what each of them says.
_ACROSS_REPORTS = re.compile(rf"哪(份|几份|一份|些|个)?{_REPORTS}|几份报告|各(份|个)?{_REPORTS}|^(比较|对比)")
# "How many": a figure is wanted. "有哪几条" asks for a list, not a count.
_QUANTITY = re.compile(r"多少|(?<!哪)几[次个项人家场名户批处条所]?|数量|比例|比重|规模|金额|增长")
_YEAR = re.compile(r"(20\d{2})\s*年?")


@dataclass(frozen=True)
class ExtractiveConfig:
    """Tuning of sentence selection (set on the labelled ask cases in evals/)."""

    passages: int = 8              # retrieved passages to read
    min_coverage: float = 0.6      # answer when a sentence covers this share of the question's weight …
    min_similarity: float = 0.37   # … or is this close in meaning (USE cosine); else refuse
    unseen_similarity: float = 0.15  # a main subject no report uses needs a sentence this close to it in meaning
    similarity_weight: float = 1.0
    keep_ratio: float = 0.75       # keep sentences scoring at least this share of the best
    max_sentences: int = 4
    max_reports: int = 5           # for questions across reports: one sentence per report
    max_points: int = 6            # a section's points listed (sub-headings are short; a list should be whole)
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
    heading_depth: int | None = None   # the text is this heading of the passage's breadcrumb
    in_text: bool = True               # False for a heading that is only in the breadcrumb, not in the text

    @property
    def section(self) -> tuple[str, ...]:
        """The breadcrumb of the section this heading opens (empty for a plain sentence)."""
        depth = self.heading_depth
        return () if depth is None else tuple(self.hit.heading_path[: depth + 1])


@dataclass(frozen=True)
class Query:
    """What the question asks about (weighted words) and what kind of answer it wants."""

    weights: dict[str, float]
    synonyms: dict[str, list[str]]
    across_reports: bool
    quantity: bool
    years: tuple[str, ...]
    unseen: tuple[str, ...] = ()   # words no passage uses, nor their parts or synonyms (冬奥会)

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
    words = _outermost(tokens, index)
    weights = {word: index.idf(word) for word in words}
    synonyms = {word: [to_half_width(term).lower() for term in expansion_terms(word, [word]) if term != word]
                for word in words}
    return Query(weights=weights, synonyms=synonyms, across_reports=bool(_ACROSS_REPORTS.search(question)),
                 quantity=bool(_QUANTITY.search(_ACROSS_REPORTS.sub("", question))),
                 years=tuple(_YEAR.findall(question)),
                 unseen=tuple(word for word in words if _unseen(word, synonyms[word], index)))


def _used(token: str, index: LexicalIndex) -> bool:
    """True when some passage uses the token (one no passage uses has the largest idf there is)."""
    return index.idf(token) < index.idf("\0")


def _unseen(word: str, synonyms: list[str], index: LexicalIndex) -> bool:
    """True when no passage uses the word, any of its parts (统战 of 统战工作) or any of its synonyms."""
    tokens = [token for term in [word, *synonyms] for token in tokenize(term) if len(token) > 1]
    return not any(_used(token, index) for token in tokens or [word])


def _outermost(tokens: list[str], index: LexicalIndex) -> list[str]:
    """Drop sub-words whose compound is also a token (jieba's search mode yields 党风 / 廉政 / 党风廉政建设),
    so one idea is not counted three times — unless no passage uses the compound while every part of it is
    used (统战工作 / 统战): then the parts carry the meaning and the compound goes."""
    used = {token for token in tokens if _used(token, index)}

    def stands(compound: str) -> bool:
        parts = [part for part in tokens if part != compound and part in compound]
        return compound in used or not parts or not all(part in used for part in parts)

    return [token for token in tokens if stands(token)
            and not any(token != other and token in other and stands(other) for other in tokens)]


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


def names_every_word(query: Query, breadcrumb: list[str]) -> bool:
    """True when a heading with its parents holds every word of the question, as written or as a synonym
    (转变纪律作风 in 四、突出担当有为，深入转变纪律作风; 经济 + 工作打算 in 二、2023年工作安排 › （二）抓发展，兴经济)."""
    text = to_half_width(" ".join(breadcrumb)).lower()
    return bool(query.weights) and all(word in text or any(synonym in text for synonym in query.synonyms[word])
                                       for word in query.weights)


Sections = Callable[[str, str], list[Hit]]  # (report source, heading) → the passages under it, in document order


class ExtractiveEngine:
    """Answers from the reports' own sentences; needs no model and no network."""

    kind = "extractive"
    model = None
    chat_model = None
    gathers_evidence = False
    reads_history = False

    def __init__(self, search: Callable[[str, int, Any], list[Hit]], lexical: Callable[[], LexicalIndex],
                 embed: Callable[[list[str]], np.ndarray], sections: Sections | None = None,
                 config: ExtractiveConfig | None = None) -> None:
        self.search = search
        self.lexical = lexical
        self.embed = embed
        self.sections = sections
        self.config = config or ExtractiveConfig()
        self._chosen: list[tuple[Passage, str]] = []
        self._query: Query | None = None
        self._section: tuple[str, ...] = ()

    def prepare(self, question: str, filters: Any = None) -> Evidence:
        """Retrieve, choose the answering sentences, and key only the passages they come from (S1, S2 … in the
        order the answer cites them)."""
        self._query = query = analyse(question, self.lexical())
        wanted = self.config.passages * (2 if query.across_reports else 1)  # reach past one report's passages
        hits = self.search(question, wanted, filters)
        candidates = self._candidates(question, query, hits)
        if self.misses_the_subject(query, candidates):
            candidates = []
        heading = None if query.across_reports else self.asked_section(query, candidates)
        points = self.section_points(heading) if heading is not None else []
        self._section = heading.section if points else ()
        chosen = points or self.choose(query, candidates)
        evidence = Evidence()
        self._chosen = [(evidence.add(candidate.hit), candidate.text) for candidate in chosen]
        return evidence

    def choose(self, query: Query, candidates: list[Candidate]) -> list[Candidate]:
        """The answering sentences, best first, without near-repeats; none when nothing answers well enough.
        Headings found only in breadcrumbs are quoted only across reports (哪几份报告有…: the heading is the
        answer); a question about one report gets sentences."""
        config = self.config
        if not query.across_reports:
            candidates = [candidate for candidate in candidates if candidate.in_text]
        if not any(self._supports(candidate) for candidate in candidates):
            return []
        ranked = sorted(candidates, key=lambda candidate: -candidate.score)
        floor = ranked[0].score * config.keep_ratio
        # Across reports the answer wants every report that mentions the thing, however briefly: one sentence
        # per report that covers at least half of what the best one covers.
        enough_words = 0.5 * max(candidate.coverage for candidate in ranked)
        chosen: list[Candidate] = []
        limit = config.max_reports if query.across_reports else config.max_sentences
        for candidate in ranked:
            if len(chosen) >= limit:
                break
            if query.across_reports:
                # two reports saying the same (二、2023年工作安排 / 四、2023年工作打算) are both the answer
                if candidate.coverage < enough_words or any(c.hit.source == candidate.hit.source for c in chosen):
                    continue
            elif candidate.score < floor:
                break
            elif any(_overlap(candidate.text, other.text) > config.redundancy for other in chosen):
                continue
            chosen.append(candidate)
        if query.across_reports:
            chosen = [_with_its_content(candidate, candidates) for candidate in chosen]
        return _in_reading_order(chosen)

    def asked_section(self, query: Query, candidates: list[Candidate]) -> Candidate | None:
        """The heading the question asks about as a whole: the best-scoring heading that, with its parents,
        names every word of the question (and answers well enough at all). A heading that only resembles the
        question, or names part of it (四、2023年工作打算 for 2023年经济工作打算), is not the question's section."""
        naming = [candidate for candidate in candidates if candidate.heading_depth is not None
                  and self._supports(candidate) and names_every_word(query, list(candidate.section))]
        return max(naming, key=lambda candidate: candidate.score, default=None)

    def section_points(self, heading: Candidate) -> list[Candidate]:
        """The points of the section `heading` opens, in document order, each on its own passage; none when the
        section is a single point (then its sentences answer better than its outline)."""
        if self.sections is None:
            return []
        section = heading.section
        passages = [passage for passage in self.sections(heading.hit.source, section[-1])
                    if tuple(passage.heading_path[: len(section)]) == section]  # the right one of equal titles
        points = outline_points(passages, len(section))[: self.config.max_points]
        if len(points) < 2:
            return []
        return [Candidate(hit=passage, position=position, text=text, score=heading.score)
                for position, (passage, text) in enumerate(points)]

    def misses_the_subject(self, query: Query, candidates: list[Candidate]) -> bool:
        """True when the question is mainly about something no report mentions (冬奥会 in 冬奥会志愿服务…): its
        other words can never cover enough, and no sentence found is close to that subject in meaning, so any
        answer would be about the rest of the question only."""
        subject = next((word for word in query.unseen
                        if query.weights[word] / query.total >= self.config.min_coverage), None)
        if subject is None or not candidates:
            return False
        closest = max(_cosines(self.embed([subject, *(candidate.text for candidate in candidates)])))
        return closest < self.config.unseen_similarity

    def _supports(self, candidate: Candidate) -> bool:
        """The candidate covers enough of the question's words, or is close enough in meaning, to answer."""
        return (candidate.coverage >= self.config.min_coverage
                or candidate.similarity >= self.config.min_similarity)

    def _candidates(self, question: str, query: Query, hits: list[Hit]) -> list[Candidate]:
        """Every sentence and heading of every hit, scored by word coverage, meaning, search rank and what the
        question wants."""
        config = self.config
        found = sentences_and_headings(hits)
        if not found:
            return []
        similarities = _cosines(self.embed([question, *(item.text for item in found)]))
        candidates = []
        for item, similarity in zip(found, similarities):
            hit, sentence = item.hit, item.text
            context = hit.heading_path if item.in_text else hit.heading_path[: item.heading_depth]
            coverage = score_sentence(query, sentence, " ".join(context), config)
            score = coverage + config.similarity_weight * similarity + config.rank_weight / hit.rank
            if query.quantity and find_figures(sentence):
                score += config.figure_bonus
            if query.years and any(year in sentence for year in query.years):
                score += config.year_bonus
            candidates.append(Candidate(hit=hit, position=item.position, text=sentence, score=score,
                                        coverage=coverage, similarity=similarity,
                                        heading_depth=item.heading_depth, in_text=item.in_text))
        return candidates

    def generate(self, question: str, evidence: Evidence) -> Iterator[str]:
        """The answer text: the chosen sentences quoted with their keys, grouped under their reports (and under
        the section's heading when the answer lists a section's points)."""
        query = self._query
        by_report: dict[str, list[tuple[Passage, str]]] = {}
        for passage, sentence in self._chosen:
            by_report.setdefault(passage.report_title, []).append((passage, sentence))
        if query is not None and query.across_reports:
            yield "以下报告提到了相关内容：\n"
        for title, quoted in by_report.items():
            yield f"《{title}》：\n"
            if self._section:  # on a line of its own, so its marker (四、) reads as a marker, not a figure
                yield f"{self._section[-1]}：\n"
            for number, (passage, sentence) in enumerate(quoted, 1):
                yield f"{number}. {insert_key(_ended(sentence), passage.key)}\n"
        if query is not None and query.quantity and self._only_masked_figures():
            yield "注：原文中相关数字已用“*”隐去，资料未给出具体数值。\n"

    def _only_masked_figures(self) -> bool:
        """True when the quoted sentences carry figures and every one of them is masked."""
        figures = [figure for _, sentence in self._chosen for figure in find_figures(sentence)]
        return bool(figures) and all(figure.masked for figure in figures if not _is_year(figure.text))


def _with_its_content(chosen: Candidate, candidates: list[Candidate]) -> Candidate:
    """A heading chosen for a report, led into the best sentence under it (高质推动信访工作：高度重视……) and cited
    to that sentence's passage: the heading shows the report has the subject, the sentence what it says. Any
    other choice, or a heading with no sentence under it among the candidates, as it is."""
    section = chosen.section
    inside = [candidate for candidate in candidates if candidate.heading_depth is None and candidate.in_text
              and candidate.hit.source == chosen.hit.source
              and tuple(candidate.hit.heading_path[: len(section)]) == section]
    if not section or not inside:
        return chosen
    best = max(inside, key=lambda candidate: candidate.score)
    return replace(best, text=f"{chosen.text.rstrip('。；;.')}：{best.text}")


@dataclass(frozen=True)
class _Found:
    """A sentence of a passage, or a heading of its breadcrumb, before scoring."""

    hit: Hit
    position: int
    text: str
    heading_depth: int | None = None
    in_text: bool = True


def sentences_and_headings(hits: list[Hit]) -> list[_Found]:
    """Every sentence of every hit (a heading line or run-in heading marked with its depth), then each heading
    of the hits' breadcrumbs that no passage states as a line, once per section (on its best-ranked hit)."""
    found: list[_Found] = []
    stated: set[tuple[str, tuple[str, ...]]] = set()
    for hit in hits:
        for position, sentence in enumerate(_sentences_of(hit.text)):
            sentence = sentence.strip()
            if len(sentence) < 6:
                continue
            depth = _heading_depth(sentence, hit.heading_path)
            if depth is not None:
                stated.add((hit.source, tuple(hit.heading_path[: depth + 1])))
            found.append(_Found(hit, position, sentence, depth))
    for hit in hits:
        for depth, title in enumerate(hit.heading_path):
            section = (hit.source, tuple(hit.heading_path[: depth + 1]))
            if section not in stated and len(title) >= 4:  # 一是 alone names nothing
                stated.add(section)
                found.append(_Found(hit, -1, title, depth, in_text=False))
    return found


def outline_points(passages: list[Hit], level: int) -> list[tuple[Hit, str]]:
    """A section's points in document order (`level`: where its sub-headings sit in the breadcrumb): each
    sub-heading once, on its first passage (that passage's lead sentence when the breadcrumb shortened the
    heading with …, which the report never wrote), and the lead sentence of each passage directly under the
    section heading."""
    points: list[tuple[Hit, str]] = []
    seen: set[str] = set()
    for passage in passages:
        if len(passage.heading_path) > level:
            title = passage.heading_path[level]
            if title in seen:
                continue
            seen.add(title)
            text = _lead_sentence(passage) if "…" in title else title
        else:
            text = _lead_sentence(passage)
        if text:
            points.append((passage, text))
    return points


def _lead_sentence(passage: Hit) -> str:
    """The first sentence of a passage that is not one of its headings."""
    for sentence in _sentences_of(passage.text):
        sentence = sentence.strip()
        if len(sentence) >= 6 and _heading_depth(sentence, passage.heading_path) is None:
            return sentence
    return ""


def _heading_depth(sentence: str, heading_path: list[str]) -> int | None:
    """The depth of the breadcrumb heading this sentence states (a heading line, a run-in heading), if any."""
    text = normalize(sentence).rstrip("。；;.！!？?")
    depths = [depth for depth, title in enumerate(heading_path) if normalize(title) == text]
    return depths[-1] if depths else None


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
