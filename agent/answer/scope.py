"""Which passages a question is answered from, chosen by what it asks (question.py): the whole section it asks
about, every passage that mentions a term, the sections of the reports it compares, or the best passages of a
search — within the reports it names. Both engines answer from the same scope: the extractive one composes the
reports' own sentences, a model gets the same passages in its context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..library.lexical import LexicalIndex, tokenize, words
from ..library.retrieve import Hit, SearchFilters, expansion_terms
from ..library.store import ReportRecord
from ..library.structure import RANK_CHAPTER, heading_frame, match_heading
from ..library.thesaurus import normalize
from ..library.topics import TOPICS, get_topic, topics_in_query
from .question import COMPARE, MENTION, OPEN, SECTION, Question, analyse, read_question

MIN_SECTION_COVERAGE = 0.5   # a heading is the question's section when it names this share of its subject
SEARCH_REPORTS = 5           # without a named report, the sections of the best hits' reports are considered
MAX_MENTIONS = 60            # passages listed for a mention question (the count of reports stays exact)
SEARCHED_PASSAGES = 4
WIDEN_SHARE = 0.6            # a one-point heading widens to its section when this share of it is on the topic        # a compared report with no section on the subject: its best passages on it


class Library(Protocol):
    """What choosing the scope needs of the 资料库 (the workspace provides it)."""

    def search(self, query: str, k: int = 8, filters: SearchFilters | None = None) -> list[Hit]: ...

    def reports(self) -> list[ReportRecord]: ...

    def report_passages(self, source: str) -> list[Hit]: ...

    def passages(self, chunk_ids: list[str]) -> list[Hit]: ...

    def lexical(self) -> LexicalIndex: ...


@dataclass
class Section:
    """A part of one report: the passages under a heading path, in document order (the whole report when the
    path is empty)."""

    source: str
    report_title: str
    path: tuple[str, ...]
    passages: list[Hit]

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else self.report_title


@dataclass
class Scope:
    """The passages a question is answered from."""

    question: Question
    sections: list[Section] = field(default_factory=list)   # section and compare questions
    mentions: list[Hit] = field(default_factory=list)       # mention questions, by report in document order
    variants: dict[str, str] = field(default_factory=dict)  # chunk id → the related term it holds (not the term)

    @property
    def passages(self) -> list[Hit]:
        """Every passage in scope, in the order an answer would use them."""
        return self.mentions or [hit for section in self.sections for hit in section.passages]


def _asked_section(question: Question, subject: "Subject", library: Library) -> "Section | None":
    """第三部分 of the named report; the whole named report when nothing narrower is asked (分几部分，分别讲什么);
    else the heading that names the subject."""
    if question.part and question.reports:
        return part_of(question.part, question.reports[0], library)
    if question.reports:   # words of the named report's own title (党建 in a 抓基层党建述职) tell none of its parts apart
        subject = subject.without(question.titles[0])
    if not subject.weights and question.reports:
        passages = library.report_passages(question.reports[0])
        if not passages:
            return None
        dated = _chapters_of_the_year(passages, subject.years)   # 2022年工作总结分了哪几块: the part of that year
        return dated or Section(question.reports[0], passages[0].report_title, (), passages)
    return find_section(subject, library, question.reports)


def _chapters_of_the_year(passages: list[Hit], years: tuple[str, ...]) -> Section | None:
    """The one top-level part whose heading names the year asked about (一、2022年工作总结), if just one does."""
    chapters = list(dict.fromkeys(tuple(hit.heading_path[:1]) for hit in passages if hit.heading_path))
    dated = [path for path in chapters if years and any(year in path[0] for year in years)]
    if len(dated) != 1:
        return None
    inside = [hit for hit in passages if tuple(hit.heading_path[:1]) == dated[0]]
    return Section(inside[0].source, inside[0].report_title, dated[0], inside)


def plan_scope(text: str, library: Library, filters: SearchFilters | None = None) -> Scope:
    """Read the question and choose its scope (an explicit filter, such as --report, makes it a plain search)."""
    if filters is not None and filters != SearchFilters():
        return Scope(Question(text, OPEN))
    question = read_question(text, library.reports(), lambda phrase: reports_holding(phrase, library))
    query = analyse(question.subject_text, library.lexical())
    return choose_scope(question, library, read_subject(query.weights, query.years, question.subject_text))


def choose_scope(question: Question, library: Library, subject: "Subject") -> Scope:
    """The section, mentions or compared sections the question asks for; an empty scope when it asks for none
    of these (or none is found): then the answer comes from a search."""
    scope = Scope(question)
    if question.kind == MENTION:
        scope.mentions, scope.variants = find_mentions(question.term, library)
    elif question.kind == SECTION:
        scope.sections = [found] if (found := _asked_section(question, subject, library)) else []
    elif question.kind == COMPARE and len(question.reports) >= 2:
        work_only = not _asks_for_a_frame(question, subject, library)   # 做法 are what was done
        scope.sections = [section for source in question.reports
                          if (section := find_section(subject, library, (source,), whole_if_none=True,
                                                      work_only=work_only))]
    return scope


@dataclass(frozen=True)
class Subject:
    """What a question is about, as weighted words (rarer weighs more), each with the words that stand for it:
    thesaurus synonyms, and the other names of its taxonomy topic (工作计划 ~ 工作安排 ~ 打算)."""

    weights: dict[str, float]
    synonyms: dict[str, tuple[str, ...]]
    topic_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[str, ...] = ()
    topics: frozenset[str] = frozenset()   # the names of the taxonomy topics its words belong to

    def coverage(self, text: str, topic_names: bool = True, synonyms: bool = True) -> float:
        """The share of the subject's weight that `text` names (a word, a synonym or — unless left out — another
        name of its topic)."""
        total = sum(self.weights.values())
        if not total:
            return 0.0
        plain = _unquoted(normalize(text))
        named = sum(weight for word, weight in self.weights.items()
                    if any(_affirmed(term, plain) for term in self._terms(word, topic_names, synonyms)))
        return named / total

    def without(self, title: str) -> "Subject":
        """The subject less the words `title` holds, unless that leaves none (a report's title words say what all
        of it is about)."""
        plain = normalize(title)
        kept = {word: weight for word, weight in self.weights.items() if word not in plain}
        if not kept or len(kept) == len(self.weights):
            return self
        return replace(self, weights=kept)

    def _terms(self, word: str, topic_names: bool, synonyms: bool) -> tuple[str, ...]:
        return (word, *(self.synonyms.get(word, ()) if synonyms else ()),
                *(self.topic_names.get(word, ()) if topic_names else ()))


_NEGATION = ("未", "没", "不", "无", "非")
_QUOTE_MARKS = re.compile(r"[“”\"'‘’「」『』]")
_QUOTED_PHRASE = re.compile(r"[“\"「『]([^”\"」』]{2,24})[”\"」』]")


def _unquoted(text: str) -> str:
    return _QUOTE_MARKS.sub("", text)


def _affirmed(term: str, text: str) -> bool:
    """The term stands in the text, not only negated (完成 in 完成情况, not in 未完成目标任务)."""
    start = text.find(term)
    while start >= 0:
        if term.startswith(_NEGATION) or not text[max(0, start - 1):start].endswith(_NEGATION):
            return True
        start = text.find(term, start + 1)
    return False


def read_subject(words: dict[str, float], years: tuple[str, ...] = (), text: str = "") -> Subject:
    """A subject from weighted words: each with its thesaurus synonyms and, when the word is itself a name of a
    taxonomy topic (工作计划 of 下一步打算), the topic's other names (工作安排, 打算); a topic's keywords are not
    names (选人用人 is a 党建 keyword, and a 党建 heading does not name it). A topic's name written in the text
    stands for the words it is made of (工作计划, not 计划)."""
    words = _with_quoted_phrases(_with_topic_names(dict(words), normalize(text)), text)
    words = {normalize(word): weight for word, weight in words.items()}
    synonyms, topic_names, topics = {}, {}, set()
    for word in words:
        synonyms[word] = tuple(dict.fromkeys(normalize(term) for term in expansion_terms(word, [word])
                                             if normalize(term) != word and len(term) >= 2))
        names: list[str] = []
        for topic_id in topics_in_query(word):
            topic = get_topic(topic_id)
            topics.add(topic.name)   # as passages carry them
            own = [normalize(term) for term in (topic.name, *topic.synonyms)]
            if word in own:
                names += own
        topic_names[word] = tuple(dict.fromkeys(name for name in names if name != word and len(name) >= 2))
    return Subject(words, synonyms, topic_names, years, frozenset(topics))


def _with_quoted_phrases(words: dict[str, float], text: str) -> dict[str, float]:
    """A phrase the question quotes (“普惠民生新愿景”) is one word, matched as written (quotes aside), in place of
    the pieces a tokenizer cut it into."""
    for phrase in _QUOTED_PHRASE.findall(text):
        plain = _unquoted(normalize(phrase))
        inside = [word for word in words if normalize(word) in plain]
        weight = max((words.pop(word) for word in inside), default=max(words.values(), default=1.0))
        words[plain] = weight
    return words


def _with_topic_names(words: dict[str, float], text: str) -> dict[str, float]:
    """Replace the words inside a topic name that the text writes out by that name, carrying their weight."""
    names = sorted({normalize(term) for topic in TOPICS for term in (topic.name, *topic.synonyms)}, key=len,
                   reverse=True)
    for name in names:
        if name in text:
            inside = [word for word in words if normalize(word) in name]
            if inside:
                words[name] = max(words.pop(word) for word in inside)
            text = text.replace(name, " ")
    return words


# Words asking for the reports' plans or problems (2023年的安排, 明年, 存在问题, 不足), not for what they did
_FRAME_WORDS = re.compile(r"打算|安排|计划|思路|下一步|明年|来年|今后|问题|不足|短板|差距|重点工作|工作要点")


def _asks_for_a_frame(question: Question, subject: Subject, library: Library) -> bool:
    """True when a comparison asks for plans or problems: in so many words, or by a year after the reports' own
    (2023年 of two 2022 reports is what they planned)."""
    if _FRAME_WORDS.search(question.text):
        return True
    years = {record.source: record.year for record in library.reports()}
    return any(years.get(source) and int(year) > years[source] for source in question.reports for year in subject.years)


def find_section(subject: Subject, library: Library, reports: tuple[str, ...],
                 whole_if_none: bool = False, work_only: bool = False) -> Section | None:
    """The heading that best names the subject, in the named reports (else in the reports of the best search
    hits), with every passage under it. A heading with its parents must name at least half the subject; more
    is better, then in the question's own words, then a year the question asks about, then more passages on the
    subject's topic under it (the section rather than one of its points), then the broader heading. With
    `work_only`, a section under a heading of plans or problems (2023年工作打算, 存在问题) is passed over:
    comparing two reports' 基层党建做法 compares what they did, not what one plans for next year."""
    sources = list(reports) or _searched_reports(subject, library)
    best: tuple[tuple[float, ...], Section] | None = None
    for rank, source in enumerate(sources):
        passages = library.report_passages(source)
        for path in _heading_paths(passages):
            coverage = subject.coverage(" ".join(path))
            if coverage < MIN_SECTION_COVERAGE or other_year(path, subject.years):
                continue
            inside = [hit for hit in passages if tuple(hit.heading_path[: len(path)]) == path]
            if work_only and any(heading_frame(title) for title in path):
                continue
            year = float(any(year in " ".join(path) for year in subject.years))
            topical = sum(1 for hit in inside if subject.topics & set(hit.topics))
            literal = subject.coverage(" ".join(path), topic_names=False)
            exact = subject.coverage(" ".join(path), topic_names=False, synonyms=False)  # 工作打算 over 工作安排
            key = (round(coverage, 6), round(literal, 6), round(exact, 6), year, topical, -len(path), -rank)
            if best is None or key > best[0]:
                best = (key, Section(source, inside[0].report_title, path, inside))
    if best is not None:
        return _narrowed(_widened(best[1], subject, library), subject)
    if whole_if_none and len(sources) == 1:   # no heading names it: the report's passages that speak of it
        found = {hit.chunk_id for hit in library.search(" ".join(subject.weights), k=SEARCHED_PASSAGES,
                                                           filters=SearchFilters(report=sources[0]))}
        hits = [hit for hit in library.report_passages(sources[0]) if hit.chunk_id in found]   # document order
        if work_only:
            hits = [hit for hit in hits if not any(heading_frame(title) for title in hit.heading_path)] or hits
        return Section(sources[0], hits[0].report_title, (), hits) if hits else None
    return None


def _widened(section: Section, subject: Subject, library: Library) -> Section:
    """A heading that is one point of a larger section (a run-in 深化党建引领治理创新 under （四）…唱响百年建党
    “最强音”) gives way to that section when most of the section's passages are on the subject's topic: a
    question about a subject area wants the part of the report on it, not the one point that names it."""
    if len(section.path) < 2 or len(section.passages) > 1 or not subject.topics:
        return section
    parent = section.path[:-1]
    inside = [hit for hit in library.report_passages(section.source) if tuple(hit.heading_path[: len(parent)]) == parent]
    on_topic = sum(1 for hit in inside if subject.topics & set(hit.topics))
    if len(inside) < 2 or on_topic < WIDEN_SHARE * len(inside):
        return section
    return Section(section.source, section.report_title, parent, inside)


def _narrowed(section: Section, subject: Subject) -> Section:
    """A heading that bundles several subjects (一、目标任务完成情况及未完成目标任务的主客观分析; 二、领导班子建设、
    抓党建和意识形态工作情况) gives way to the sub-heading whose own title names the subject best, when one names
    it better than all the others and in as many words as the heading itself (统战工作 is named by （四）稳步推动
    统战各项工作, not by its point 做好宗教工作, which belongs to 统战 only as one of the topic's names)."""
    depth = len(section.path)
    children = list(dict.fromkeys(tuple(hit.heading_path[: depth + 1]) for hit in section.passages
                                  if len(hit.heading_path) > depth))
    if len(children) < 2:
        return section
    own = subject.coverage(section.path[-1], topic_names=False) if section.path else 0.0
    coverages = {path: subject.coverage(path[-1]) for path in children}
    best = max(coverages.values())
    tied = [path for path in children if coverages[path] == best]
    if best < MIN_SECTION_COVERAGE or not _one_of(tied, best, subject):
        return section
    # sub-headings that name the subject in the same words: the one most nearly the subject itself (目标任务完成情况
    # over 未完成目标任务的主客观分析)
    path = min(tied, key=lambda path: len(path[-1]))
    if subject.coverage(path[-1], topic_names=False) < own:
        return section
    inside = [hit for hit in section.passages if tuple(hit.heading_path[: len(path)]) == path]
    return _narrowed(Section(section.source, section.report_title, path, inside), subject)


def _one_of(tied: list[tuple[str, ...]], best: float, subject: Subject) -> bool:
    """True when one sub-heading names the subject best (`best`), or several name all of it in the question's very
    words (选人用人导向 and 选拔任用程序 name 选人用人 alike only through the thesaurus: the section is about it)."""
    return len(tied) == 1 or all(subject.coverage(path[-1], topic_names=False, synonyms=False) == best
                                 for path in tied)


def other_year(path: tuple[str, ...], years: tuple[str, ...]) -> bool:
    """A heading that names a year, none of them the one asked about (2023年工作打算 for 2024年的打算)."""
    named = re.findall(r"(?:19|20)\d{2}", " ".join(path))
    return bool(years and named and not set(named) & set(years))


def _searched_reports(subject: Subject, library: Library) -> list[str]:
    """The reports of the best hits for the subject's words, best first."""
    hits = library.search(" ".join(subject.weights), k=12)
    return list(dict.fromkeys(hit.source for hit in hits))[:SEARCH_REPORTS]


def _heading_paths(passages: list[Hit]) -> list[tuple[str, ...]]:
    """Every heading path (each prefix of each passage's breadcrumb) once, in document order."""
    paths: dict[tuple[str, ...], None] = {}
    for hit in passages:
        for depth in range(1, len(hit.heading_path) + 1):
            paths.setdefault(tuple(hit.heading_path[:depth]), None)
    return list(paths)


def find_mentions(term: str, library: Library) -> tuple[list[Hit], dict[str, str]]:
    """Every passage whose text or headings use the term — as written, or with a few words between its words
    within one sentence (专精特新企业 in “专精特新”中小企业; 巩固党史学习教育成果 in 巩固深化党史学习教育成果) —
    or, when none does, a thesaurus synonym of it (四风 ~ 形式主义、官僚主义…); grouped by report in document
    order, with the passages that hold only a synonym."""
    pattern = term_pattern(term)
    related = [normalize(word) for word in expansion_terms(term, [term]) if normalize(word) != normalize(term)]
    candidates = _passages_with_tokens([term, *related], library)
    texts = {hit.chunk_id: normalize(" ".join([*hit.heading_path, hit.text])) for hit in candidates}
    found = _once_per_heading([hit for hit in candidates if pattern.search(texts[hit.chunk_id])], pattern)
    variants: dict[str, str] = {}
    if not found:   # no report writes the term itself: the ones that write a synonym of it, marked as such
        for hit in candidates:
            variant = next((word for word in related if word in texts[hit.chunk_id]), None)
            if variant:
                found.append(hit)
                variants[hit.chunk_id] = variant
    order = {report.source: index for index, report in enumerate(library.reports())}
    found.sort(key=lambda hit: (order.get(hit.source, len(order)), hit.rank))
    return found[:MAX_MENTIONS], variants


_FILLER = frozenset("这事 这个 这块 那个 那块 的事 事情 问题 工作 情况 方面 内容".split())
_BETWEEN = r"[^。！？；!?;\n]{0,8}?"


def term_pattern(term: str) -> re.Pattern[str]:
    """A pattern for a term in normalised text: its words in order, a few characters apart at most, within one
    sentence (a one-word term as written)."""
    plain = normalize(term).strip("“”\"'「」《》")
    parts = [word for word in words(plain) if len(word) >= 2 and word not in _FILLER]
    if len(parts) < 2:
        return re.compile(re.escape(plain))
    return re.compile(_BETWEEN.join(re.escape(part) for part in parts))


def _once_per_heading(hits: list[Hit], pattern: re.Pattern[str]) -> list[Hit]:
    """Mentions, counting a heading that uses the term once (not once for every passage under it): a passage
    whose text does not use the term stands for its heading only if it is the first under that heading."""
    kept, headings = [], set()
    for hit in hits:
        titles = {normalize(title) for title in hit.heading_path}
        body = "\n".join(line for line in map(normalize, hit.text.splitlines()) if line not in titles)
        if pattern.search(body):
            kept.append(hit)
            continue
        depth = next((depth for depth, title in enumerate(hit.heading_path) if pattern.search(normalize(title))),
                     None)
        if depth is None:   # in a heading line of the text that the breadcrumb shortened
            kept.append(hit)
            continue
        heading = (hit.source, tuple(hit.heading_path[: depth + 1]))
        if heading not in headings:
            headings.add(heading)
            kept.append(hit)
    return kept


def part_of(number: int, source: str, library: Library) -> Section | None:
    """The report's top-level part with that number (第三部分 → 三、存在问题)."""
    passages = library.report_passages(source)
    for hit in passages:
        heading = match_heading(hit.heading_path[0]) if hit.heading_path else None
        if heading is not None and heading.number == number and heading.rank == RANK_CHAPTER:
            path = (hit.heading_path[0],)
            inside = [other for other in passages if tuple(other.heading_path[:1]) == path]
            return Section(source, hit.report_title, path, inside)
    return None


def reports_holding(phrase: str, library: Library) -> set[str]:
    """The sources of the reports whose text or headings use the phrase as written."""
    wanted = normalize(phrase)
    return {hit.source for hit in _passages_with_tokens([phrase], library)
            if wanted in normalize(" ".join([*hit.heading_path, hit.text]))}


def _mentioned(pattern: re.Pattern[str], hit: Hit) -> bool:
    return bool(pattern.search(normalize(" ".join([*hit.heading_path, hit.text]))))


def _passages_with_tokens(terms: list[str], library: Library) -> list[Hit]:
    """Passages the lexical index finds for any search word of the terms (a superset, checked by the caller),
    each with its ordinal in its report as its rank."""
    index = library.lexical()
    tokens = list(dict.fromkeys(token for term in terms for token in tokenize(term)))
    scores = index.scores(tokens)
    chunk_ids = [index.chunk_ids[row] for row in scores.nonzero()[0]]
    return library.passages(chunk_ids)
