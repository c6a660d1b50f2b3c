"""The whole report's outline, learned from the unit's past reports: its parts in order (this year's work with
a section per topic, 存在问题, next year's plans), how each is titled, and which topics the work part covers in
which order. It is saved as a small text file a writer can edit and hand back (`--outline`):

    # 梅林街道2023年工作总结
    一、2023年工作总结
    （一）统筹推进基层党建工作  〔党建〕
    （二）切实加强党风廉政建设  〔党风廉政〕
    二、存在问题  〔存在问题〕
    三、2024年工作安排  〔下一步打算〕
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any, Iterable

from ..errors import UserError
from ..library.topics import FRAME_TOPIC_IDS, TOPICS, get_topic, resolve_section, tag_topics
from ..text.chinese import ENUMERATION_MARKER, chinese_numeral
from .evidence import section_title

WORK, PROBLEMS, PLANS = "work", "wenti", "dasuan"
# A topic the past reports' work parts cover gets a section even with no material when at least this share of
# them cover it (the writer then sees the gap); a topic only the materials cover always gets one.
PAST_TOPIC_SHARE = 0.5
SECTION_TITLE_MAX_CHARS = 16
_YEAR = re.compile(r"(?:19|20)\d\d")
_PART_LINE = re.compile(r"^\s*([一二三四五六七八九十]+)[、.．]\s*(?P<title>.+?)\s*(?:〔(?P<tag>[^〔〕]+)〕)?\s*$")
_SECTION_LINE = re.compile(r"^\s*[（(]([一二三四五六七八九十\d]+)[）)]\s*(?P<title>.+?)\s*(?:〔(?P<tag>[^〔〕]+)〕)?\s*$")
_LABEL_ENDINGS = ("方面", "情况")
_NOT_A_SECTION_TITLE = re.compile(r"[\d*“”\"《》]")


@dataclass
class OutlineSection:
    """One topic section of the work part."""

    topic: str      # topic id
    title: str


@dataclass
class ReportPart:
    """A top-level part: this year's work (with its sections), the problems, or the plans."""

    kind: str
    title: str
    sections: list[OutlineSection] = field(default_factory=list)


@dataclass
class ReportOutline:
    """The whole report: its title and parts."""

    title: str
    parts: list[ReportPart]

    def render(self) -> str:
        """The editable outline file."""
        lines = [f"# {self.title}"]
        for index, part in enumerate(self.parts):
            tag = f"  〔{get_topic(part.kind).name}〕" if part.kind != WORK else ""
            lines.append(f"{chinese_numeral(index + 1)}、{part.title}{tag}")
            lines += [f"（{chinese_numeral(number + 1)}）{section.title}  〔{get_topic(section.topic).name}〕"
                      for number, section in enumerate(part.sections)]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "parts": [{"kind": part.kind, "title": part.title,
                                                "sections": [vars(section) for section in part.sections]}
                                               for part in self.parts]}

    def topics(self) -> list[str]:
        return [section.topic for part in self.parts for section in part.sections]


@dataclass
class PastReport:
    """What learning the outline needs of one past report: its title, year and top-level headings with their
    sub-headings."""

    title: str
    year: int | None
    parts: list[tuple[str, list[str]]]


def learn_outline(reports: Iterable[PastReport], year: int, org: str, material_topics: list[str]) -> ReportOutline:
    """The unit's usual outline for `year`: the work part's title and topics (past order, then the materials'
    new ones), the problem and plan parts' titles."""
    reports = list(reports)
    work_titles, problem_titles, plan_titles = Counter(), Counter(), Counter()
    positions: dict[str, list[float]] = defaultdict(list)
    section_titles: dict[str, Counter] = defaultdict(Counter)
    covering = 0
    for report in reports:
        topics_here = _read_report(report, work_titles, problem_titles, plan_titles, section_titles)
        covering += bool(topics_here)
        for index, topic in enumerate(topics_here):
            positions[topic].append(index / max(len(topics_here) - 1, 1))
    kept = [topic for topic, seen in positions.items() if len(seen) >= PAST_TOPIC_SHARE * max(covering, 1)]
    order = sorted(kept, key=lambda topic: mean(positions[topic]))
    order += [topic for topic in material_topics if topic not in order and topic not in FRAME_TOPIC_IDS]
    sections = [OutlineSection(topic, _section_title(topic, section_titles[topic])) for topic in order]
    return ReportOutline(title=f"{org}{year}年工作总结", parts=[
        ReportPart(WORK, _with_year(work_titles, year, f"{year}年主要工作"), sections),
        ReportPart(PROBLEMS, _with_year(problem_titles, year, "存在的问题和不足")),
        ReportPart(PLANS, _with_year(plan_titles, year, f"{year + 1}年工作打算")),
    ])


def only_section(outline: ReportOutline, topic_id: str) -> ReportOutline:
    """The outline cut to one topic's section (or one frame part), for drafting a single section."""
    if topic_id in FRAME_TOPIC_IDS:
        parts = [part for part in outline.parts if part.kind == topic_id]
        return ReportOutline(outline.title, parts or [ReportPart(topic_id, section_title(get_topic(topic_id)))])
    work = next((part for part in outline.parts if part.kind == WORK), ReportPart(WORK, ""))
    sections = [section for section in work.sections if section.topic == topic_id]
    sections = sections or [OutlineSection(topic_id, section_title(get_topic(topic_id)))]
    return ReportOutline(outline.title, [ReportPart(WORK, work.title, sections)])


def parse_report_outline(text: str) -> ReportOutline:
    """An outline a writer edited: `# 标题`, parts `一、…`, sections `（一）…〔栏目〕` under the work part; a part's
    kind and a section's topic come from its 〔tag〕, else from its words."""
    title, parts = "", []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            title = line.lstrip("# ").strip()
        elif (section := _SECTION_LINE.match(line)) is not None:
            if not parts or parts[-1].kind != WORK:
                raise UserError(f"提纲第 {number} 行“{line.strip()}”：栏目（（一）…）要写在今年工作这一部分下面")
            topic = _topic_of(section.group("tag") or section.group("title"), number, line)
            parts[-1].sections.append(OutlineSection(topic, section.group("title")))
        elif (part := _PART_LINE.match(line)) is not None:
            parts.append(ReportPart(_kind_of(part.group("tag") or part.group("title")), part.group("title")))
        else:
            raise UserError(f"提纲第 {number} 行看不懂：“{line.strip()}”。部分写成“一、…”，栏目写成“（一）…〔党建〕”")
    if not any(part.kind == WORK and part.sections for part in parts):
        raise UserError("提纲里没有今年工作的栏目：请在“一、…”下面至少写一行“（一）…〔栏目〕”")
    return ReportOutline(title=title or "工作总结", parts=parts)


def _read_report(report: PastReport, work: Counter, problems: Counter, plans: Counter,
                 section_titles: dict[str, Counter]) -> list[str]:
    """Count one report's part titles (years made {Y}) and return the topics its work parts cover, in order."""
    topics: list[str] = []
    for heading, children in report.parts:
        words = ENUMERATION_MARKER.sub("", heading).strip()
        kind = _frame_of(words, report.year)
        if kind == PROBLEMS:
            problems[_as_form(words, report.year)] += 1
            continue
        if kind == PLANS:
            plans[_as_form(words, report.year)] += 1
            continue
        child_topics = [(child, _subject_of(child)) for child in children]
        if sum(1 for _, topic in child_topics if topic) >= 2:
            work[_as_form(words, report.year)] += 1
            named = child_topics
        else:
            named = [(heading, _subject_of(heading))]
        for title, topic in named:
            if topic and topic not in topics:
                topics.append(topic)
                section_titles[topic][ENUMERATION_MARKER.sub("", title).strip()] += 1
    return topics


def _frame_of(words: str, year: int | None) -> str:
    """A part is a frame only when its title names it (存在问题, 工作安排): "…未完成目标任务的主客观分析" is not."""
    framed = _named_frame(words)
    if framed:
        return framed
    years = [int(found) for found in _YEAR.findall(words)]
    return PLANS if year and years and max(years) > year else WORK


def _named_frame(words: str) -> str:
    """The frame topic whose name or synonym the words contain, "" for none."""
    for frame in sorted(FRAME_TOPIC_IDS):
        topic = get_topic(frame)
        if any(term in words for term in (topic.name, *topic.synonyms)):
            return frame
    return ""


def _subject_of(heading: str) -> str:
    """The one subject topic a heading names, "" when it names none or several."""
    subjects = [topic for topic in tag_topics([ENUMERATION_MARKER.sub("", heading)], "")
                if topic not in FRAME_TOPIC_IDS]
    return subjects[0] if len(subjects) == 1 else ""


def _as_form(words: str, year: int | None) -> str:
    """A title with its years made relative ({Y} the report's year, {Y+1} the next): "2022年工作总结" → "{Y}年工作总结"."""
    if not year:
        return words if not _YEAR.search(words) else ""
    return _YEAR.sub(lambda match: {year: "{Y}", year + 1: "{Y+1}"}.get(int(match.group(0)), "{?}"), words)


def _with_year(forms: Counter, year: int, default: str) -> str:
    """The most common form usable for `year`, else `default`."""
    for form, _count in forms.most_common():
        if form and "{?}" not in form:
            return form.replace("{Y+1}", str(year + 1)).replace("{Y}", str(year))
    return default


def _section_title(topic: str, titles: Counter) -> str:
    """The past reports' own short title for a topic's section, preferring one that names the topic and says
    what was done (统筹推进基层党建工作) over a label (领导班子建设方面), else the plain title."""
    named = get_topic(topic)
    fit = [title.rstrip("。；;，,") for title in titles
           if len(title) <= SECTION_TITLE_MAX_CHARS and not _NOT_A_SECTION_TITLE.search(title)]
    if not fit:
        return section_title(named)
    return max(fit, key=lambda title: (any(term in title for term in (named.name, *named.synonyms)),
                                       not title.endswith(_LABEL_ENDINGS), titles[title]))


def _topic_of(words: str, number: int, line: str) -> str:
    try:
        return resolve_section(words.strip()).id
    except UserError:
        subject = _subject_of(words)
        if subject:
            return subject
    names = "、".join(topic.name for topic in TOPICS if topic.id not in FRAME_TOPIC_IDS)
    raise UserError(f"提纲第 {number} 行“{line.strip()}”看不出是哪个栏目：请在行末加〔栏目〕，栏目可用：{names}")


def _kind_of(words: str) -> str:
    try:
        topic = resolve_section(words.strip()).id
    except UserError:
        topic = ""
    return topic if topic in FRAME_TOPIC_IDS else (_named_frame(words) or WORK)
