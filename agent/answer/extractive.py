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

from ..library.lexical import LexicalIndex
from ..library.retrieve import Hit, SearchFilters
from ..library.structure import PLAN_FRAME, heading_frame
from ..library.thesaurus import normalize
from ..text.chinese import split_sentences, to_half_width
from ..text.citations import insert_key
from ..text.figures import find_figures
from . import compose
from .evidence import Evidence, Passage, char_bigrams
from .measures import states_measure, states_rate
from .question import COMPARE, MENTION, OPEN, REPORTS, SECTION, Query, Question, analyse
from .scope import Library, Scope, other_year, plan_scope


@dataclass(frozen=True)
class ExtractiveConfig:
    """Tuning of sentence selection (set on the labelled ask cases in evals/)."""

    passages: int = 8              # retrieved passages to read
    min_coverage: float = 0.6      # answer when a sentence covers this share of the question's weight …
    min_similarity: float = 0.37   # … or is this close in meaning (USE cosine); else refuse
    min_similarity_coverage: float = 0.15  # … while naming at least this share of the question's words
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
    """A long compound whose halves both appear (廉洁自律教育 ~ 廉洁…教育), or a two-character verb and object with
    a word between them (开票 ~ 开税票, 办证 ~ 办好证), counts for half."""
    if len(word) == 2:
        return re.search(f"{re.escape(word[0])}[\u4e00-\u9fff]{re.escape(word[1])}", text) is not None
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
                 config: ExtractiveConfig | None = None, library: Library | None = None) -> None:
        self.search = search
        self.lexical = lexical
        self.embed = embed
        self.sections = sections
        self.config = config or ExtractiveConfig()
        self.library = library
        self._chosen: list[tuple[Passage, str]] = []
        self._lines: list[tuple[Passage | None, str]] = []
        self._query: Query | None = None
        self._section: tuple[str, ...] = ()

    def prepare(self, question: str, filters: Any = None) -> Evidence:
        """Read what the question asks for; list a section, the mentions of a term or two reports side by side
        when it asks for one of these, else retrieve and choose the answering sentences. Only the passages the
        answer quotes are keyed (S1, S2 … in the order it cites them)."""
        self._lines, self._chosen, self._section = [], [], ()
        scope = plan_scope(question, self.library, filters) if self.library else Scope(Question(question, OPEN))
        read = scope.question
        listing = self._listing(scope)
        if listing:
            return self._keyed(listing, read)
        if read.kind == MENTION:   # no report uses the term, nor a synonym of it
            self._query = analyse(question, self.lexical())
            return Evidence()
        if read.reports and read.kind not in (REPORTS, COMPARE):
            filters = SearchFilters(report=read.reports[0])  # the report the question names: the words naming
            return self._sentences(question, filters, False, read.subject_text)  # it are no part of the answer
        return self._sentences(question, filters, across=read.kind in (REPORTS, COMPARE))

    def _listing(self, scope: Scope) -> list[compose.Line]:
        """The answer's lines when the question asks for a whole section, every mention, or a comparison of two
        named reports — and the scope holds one; else none."""
        kind = scope.question.kind
        if kind == MENTION and scope.mentions:
            return compose.mention_lines(scope)
        if kind == SECTION and scope.sections:
            return compose.section_lines(scope.sections[0])
        if kind == COMPARE and len(scope.sections) >= 2:
            return compose.comparison_lines(scope.sections[0], scope.sections[1], self.embed)
        return []

    def _keyed(self, lines: list[compose.Line], read: Question) -> Evidence:
        """Evidence keyed in the order the lines cite it. The framing lines (report titles, headings, counts of
        reports and mentions) are derived from it, so their figures are the evidence's too."""
        evidence = Evidence()
        self._lines = [(evidence.add(line.hit) if line.hit else None, line.text) for line in lines]
        evidence.derived += [line.text for line in lines if line.hit is None]
        return evidence

    def _sentences(self, question: str, filters: Any, across: bool, subject: str = "") -> Evidence:
        """Retrieve, choose the answering sentences (a heading leads into what stands under it); their words are
        weighed against the question's subject (the question less the words naming its report)."""
        self._query = query = analyse(subject or question, self.lexical())
        if across and not query.across_reports:
            self._query = query = replace(query, across_reports=True)
        wanted = self.config.passages * (2 if query.across_reports else 1)  # reach past one report's passages
        hits = self.search(question, wanted, filters)
        candidates = [candidate for candidate in self._candidates(question, query, hits)
                      if _of_the_years(candidate, query.years) and (not query.next_year or _of_its_next_year(candidate))
                      and (not query.measures or states_measure(candidate.text, query.measures))
                      and states_rate(candidate.text, query.rates)]
        if self.misses_the_subject(query, candidates):
            candidates = []
        heading = None if query.across_reports else self.asked_section(query, candidates)
        points = self.section_points(heading) if heading is not None else []
        self._section = heading.section if points else ()
        chosen = points or _without_repeats([self._with_content(candidate, candidates)
                                             for candidate in self.choose(query, candidates)])
        evidence = Evidence()
        self._chosen = [(evidence.add(candidate.hit), candidate.text) for candidate in chosen]
        return evidence

    def _with_content(self, chosen: Candidate, candidates: list[Candidate]) -> Candidate:
        """A heading is never an answer on its own: it leads into the best sentence under it among the
        candidates, else into the first things said under it in the report."""
        if chosen.heading_depth is None or self.library is None:
            return chosen
        led = _with_its_content(chosen, candidates)
        if led is not chosen:
            return led
        section = chosen.section
        under = [hit for hit in self.library.report_passages(chosen.hit.source)
                 if tuple(hit.heading_path[: len(section)]) == section]
        for hit in under:
            said = compose.specifics(hit)
            if said:
                return replace(chosen, hit=hit, text=f"{chosen.text.rstrip('。；;.')}：{said}", heading_depth=None)
        return chosen

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
                  and self._supports(candidate) and names_every_word(query, list(candidate.section))
                  and not other_year(candidate.section, query.years)]
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
                or (candidate.similarity >= self.config.min_similarity
                    and candidate.coverage >= self.config.min_similarity_coverage))

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
        """The answer text: a listing's lines, or the chosen sentences quoted with their keys, grouped under their
        reports (and under the section's heading when the answer lists a section's points)."""
        if self._lines:
            for passage, text in self._lines:
                yield text if passage is None else compose.cited(text, passage.key) + "\n"
            return
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


def _without_repeats(chosen: list[Candidate]) -> list[Candidate]:
    """The chosen sentences less any that another one already says in full (a heading led into its first
    sentence, 三是…：切实发挥…, holds that sentence when it was chosen on its own too)."""
    def said(candidate: Candidate) -> str:
        return candidate.text.rstrip("。；;，,.")

    return [candidate for index, candidate in enumerate(chosen)
            if not any(other is not candidate and said(candidate) in said(other)
                       and (len(said(other)) > len(said(candidate)) or position < index)
                       for position, other in enumerate(chosen))]


def _of_the_years(candidate: Candidate, years: tuple[str, ...]) -> bool:
    """A question about a year is answered from what that year's report says, or from text that names the year
    (2023年工作安排 in a 2022 report); nothing of another year answers it (2024年的打算 has no answer here)."""
    if not years:
        return True
    hit = candidate.hit
    return str(hit.year) in years or any(year in " ".join([*hit.heading_path, candidate.text]) for year in years)


def _of_its_next_year(candidate: Candidate) -> bool:
    """A question about 明年 is answered from what a report plans for the year after its own (its 2023年工作打算,
    text naming 2023), never from what it says was done."""
    hit = candidate.hit
    if hit.year is None:
        return True
    said = " ".join([*hit.heading_path, candidate.text])
    return str(hit.year + 1) in said or any(heading_frame(title) == PLAN_FRAME for title in hit.heading_path)


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
