"""The 公文 structure parser: paragraphs of a report → its heading tree, title, year, document type and unit.

Reports are trees: `一、` → `（一）`/`(一)` → `1.`/`1、` → `（1）` → `一是/二是…` → run-in headings
("强化干部队伍建设。…"). Points often run on inside a paragraph ("…竣工验收工作。四是抓好项目建设…"), and a
point may open a nested series of its own (`四是…。一是…二是…`). Each heading keeps its marker as written.

Word lists nest by their list depth, not by their labels alone (`1.` under `1.`); a bulleted item is a point of
content, unless it is a short label that deeper items follow. Table rows are text: never headings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Sequence

from ..text.chinese import chinese_number, split_sentences, to_half_width
from ..text.sensitive import find_classification
from .loaders import Paragraph

CN_NUM = "[一二三四五六七八九十]{1,3}"
RANK_CHAPTER, RANK_SECTION, RANK_ITEM, RANK_SUBITEM, RANK_POINT, RANK_RUN_IN = 1, 2, 3, 4, 5, 6

# Matched against the half-width form of a paragraph; group 1 is the number, group 0 the whole marker.
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (RANK_CHAPTER, re.compile(rf"^({CN_NUM})[、,.]")),
    (RANK_SECTION, re.compile(rf"^\(({CN_NUM})\)")),
    (RANK_ITEM, re.compile(r"^(\d{1,2})(?:、|\.(?!\d))")),
    (RANK_SUBITEM, re.compile(r"^\((\d{1,2})\)")),
    (RANK_POINT, re.compile(rf"^({CN_NUM})是(?=\S)")),
)
_INLINE_POINT = re.compile(rf"(?<=[。；：！？!?;:])\s*({CN_NUM})是(?=\S)")
_SENTENCE_END = re.compile(r"[。！？!?]")
_TITLE_MAX = 40
_RUN_IN_MAX = 16
_DOC_WORDS = ("总结", "报告", "计划", "述职", "安排", "要点", "打算", "材料", "情况", "汇报", "方案", "清单", "台账",
              "小结", "概况", "汇编", "统计")
_SALUTATION = re.compile(r"^(?:尊敬的|各位|同志们)|[：:]$")
_PREAMBLE_TITLE = re.compile(r"现将(.{4,40}?)(?:报告|汇报)?如下")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_UNIT = re.compile(
    r"((?:[*＊]+|(?<![\u4e00-\u9fa50-9])[\u4e00-\u9fa5]{1,6}?)(?:街道办事处|街道办|街道|新区|镇|乡(?!村))"
    r"(?:党工委|管委会|办事处|党委|政府)?(?:[、和](?:管委会|办事处|政府))?)"
)


@dataclass
class Section:
    """One heading of a report with what sits under it, in document order (text blocks and subsections).

    `lead` is the heading as it reads in the running text ("一是强化理论武装，筑牢思想根基。"), or just the
    marker when the title is only a label cut from a long first sentence that the body keeps whole.
    """

    title: str
    rank: float
    number: int | None = None
    marker: str = ""
    lead: str = ""
    items: list["str | Section"] = field(default_factory=list)
    list_depth: int | None = field(default=None, compare=False)   # a Word list item's depth, else None

    @property
    def children(self) -> list["Section"]:
        """Subsections, in order."""
        return [item for item in self.items if isinstance(item, Section)]

    @property
    def body(self) -> list[str]:
        """Text blocks directly under this heading, in order."""
        return [item for item in self.items if isinstance(item, str)]


@dataclass
class ParsedReport:
    """A report's inferred metadata and heading tree (the root's title is the report title)."""

    title: str
    year: int | None
    doc_type: str
    unit: str | None
    root: Section
    body: list[str] = field(default_factory=list)   # the paragraphs below the title, as read


@dataclass(frozen=True)
class Heading:
    """A heading found at the start of a text: its marker, number, title, and the text after it."""

    rank: int
    number: int | None
    marker: str
    title: str
    remainder: str
    lead: str


GOVERNMENT_REPORT, POLICY_DOCUMENT = "政府工作报告", "文件"
# A higher body's policy document: "中共中央 国务院关于实施乡村振兴战略的意见", "××省人民政府办公厅关于…的通知".
_POLICY_TITLE = re.compile(r"^(?:中共中央|国务院|中共[^，。]{0,10}委|[^，。]{0,10}(?:人民政府|办公厅|委员会))"
                           r"[^，。]{0,20}关于[^，。]{2,60}的(?:指导意见|实施意见|意见|通知|决定|规定|办法)$")
_TOWNSHIP = re.compile(r"[镇乡]|街道")

_MARKING_ONLY = re.compile(r"\s*(?:\d{3,8}|特\s*急|加\s*急|平\s*急|特\s*提)\s*")


def parse_report(paragraphs: Sequence[Paragraph | str], fallback_title: str = "") -> ParsedReport:
    """Parse a report's paragraphs (loaded ones, or plain lines) into its heading tree and metadata."""
    kept = [paragraph for paragraph in map(_as_paragraph, paragraphs) if paragraph.text]
    title, body_start = _find_title(kept)
    dateline = _dateline(kept[body_start:body_start + 2])
    title = _dated_title(title, dateline)
    root = Section(title=title, rank=0)
    builder = _TreeBuilder(root)
    body = kept[body_start:]
    opening = _opening_paragraphs(body)
    for index, paragraph in enumerate(body):
        if index < opening:
            builder.add_opening(paragraph)
        else:
            builder.add(paragraph, introduces_deeper=_introduces_deeper(body, index))
    title = root.title = title or _untitled(root, fallback_title)
    full_text = "\n".join(paragraph.text for paragraph in kept)
    return ParsedReport(title=title, year=infer_year(title, full_text), doc_type=infer_doc_type(title),
                        unit=(infer_unit(title, full_text) or (dateline[1] if dateline else None)
                              or _reporting_body(kept[body_start:body_start + 4])), root=root,
                        body=[paragraph.text for paragraph in body])


def _opening_paragraphs(body: list[Paragraph]) -> int:
    """How many plain paragraphs open a report before its first chapter heading (一、…): its address and
    opening, whose first short sentence (中国共产党已走过百年奋斗历程。…) is no heading. 0 when the report has no
    chapter headings, or something other than plain text comes first."""
    for index, paragraph in enumerate(body):
        heading = match_heading(paragraph.text)
        if heading is not None and heading.rank == RANK_CHAPTER:
            return index
        if heading is not None or paragraph.heading_level is not None or paragraph.list_level is not None \
                or paragraph.table_row:
            return 0
    return 0


def _as_paragraph(paragraph: Paragraph | str) -> Paragraph:
    if isinstance(paragraph, Paragraph):
        return replace(paragraph, text=paragraph.text.strip())
    return Paragraph(paragraph.strip())


def _introduces_deeper(body: list[Paragraph], index: int) -> bool:
    """Whether a list item is followed by an item of a deeper level (so it heads them)."""
    depth = body[index].list_level
    following = body[index + 1].list_level if index + 1 < len(body) else None
    return depth is not None and following is not None and following > depth


_DATELINE = re.compile(r"^(?:[—―－-]{1,2}\s*)?((?:19|20)\d\d)年[^在]{0,12}在(\S{0,12}?)第[一二三四五六七八九十]+届(全国)?人民代表大会")


def _find_title(paragraphs: list[Paragraph]) -> tuple[str, int]:
    """The report title ("" when the report has no title line) and the index of the first body paragraph."""
    if not paragraphs:
        return "", 0
    skipped = _marking_lines(paragraphs)
    if skipped < len(paragraphs) - 1 and _reads_as_title(paragraphs, skipped):
        return paragraphs[skipped].text, skipped + 1
    lines = _title_lines(paragraphs, skipped)
    if lines:
        return " ".join(lines), skipped + len(lines)
    match = _PREAMBLE_TITLE.search(paragraphs[0].text)
    if match:
        return match.group(1).strip("：:，, "), 0
    return "", 0


_ADDRESS = re.compile(r"^(?:同志们|各位代表|各位委员)[：:]$")   # a speech to a congress begins here
MAX_TITLE_LINES, MAX_LINES_BEFORE_ADDRESS = 4, 4


def _title_lines(paragraphs: list[Paragraph], start: int) -> list[str]:
    """A title set over several lines, as a congress report's is (高举中国特色社会主义伟大旗帜 / 为全面建设社会主义
    现代化国家而团结奋斗 / ——在中国共产党第二十次全国代表大会上的报告 / … / 同志们：): two to four short lines
    that the speech's address follows within a few lines; [] for anything else."""
    lines: list[str] = []
    for paragraph in paragraphs[start:start + MAX_TITLE_LINES]:
        if not _title_shaped(paragraph.text) or paragraph.text.startswith(("—", "－", "(", "（")):
            break
        lines.append(paragraph.text.strip())
    after = paragraphs[start + len(lines):start + len(lines) + MAX_LINES_BEFORE_ADDRESS]
    if len(lines) >= 2 and any(_ADDRESS.match(paragraph.text.strip()) for paragraph in after):
        return lines
    return []


def _dateline(following: list[Paragraph]) -> tuple[str, str] | None:
    """Year and body of the dateline under a 政府工作报告's title (——2026年1月27日在青海省第十四届人民代表大会…上 →
    2026, 青海省; …全国人民代表大会… → 国务院), if there is one."""
    for paragraph in following:
        match = _DATELINE.match(to_half_width(paragraph.text))
        if match:
            return match.group(1), "国务院" if match.group(3) else match.group(2).strip()
    return None


# who reports (现在，我代表国务院，向大会报告政府工作): a national report names no dateline body in some editions
_ON_BEHALF = re.compile(r"我代表(国务院|[\u4e00-\u9fa5]{2,8}?(?:省|市|自治区|自治州|县|区)人民政府)")


def _reporting_body(following: list[Paragraph]) -> str | None:
    """The body a 政府工作报告 is given on behalf of, as its opening says it (我代表国务院 → 国务院)."""
    for paragraph in following:
        match = _ON_BEHALF.search(paragraph.text)
        if match:
            return match.group(1).removesuffix("人民政府")
    return None


def _dated_title(title: str, dateline: tuple[str, str] | None) -> str:
    """A bare "政府工作报告" named by its dateline (2026年青海省政府工作报告), so twenty of them in one library are
    told apart."""
    if title != GOVERNMENT_REPORT or dateline is None:
        return title
    year, unit = dateline
    return f"{year}年{unit}{title}"


def _untitled(root: Section, file_title: str) -> str:
    """A name for a report with no title line: the file's name when it names a document (2023年工作总结), else
    the first heading without its number (一、2022年工作总结 → 2022年工作总结), else the file's name."""
    names_document = any(word in file_title for word in _DOC_WORDS) or bool(_YEAR.search(file_title))
    first = root.children[0] if root.children else None
    heading = first.title[len(first.marker):].strip("：:。 ") if first else ""
    if names_document or not heading:
        return file_title
    return heading


_STORE_PREFIX = re.compile(r"^\d{1,4}_[0-9a-fA-F]{8,}(?:$|[ _.\-]+)")


def title_from_file_name(name: str) -> str:
    """A file's name as a reader would call it: no folder, extension or `NNN_hash` prefix
    ("005_b1a17815476a7810_梅林街道总结.docx" → "梅林街道总结"; a bare "005_b1a17815476a7810.txt" → "")."""
    stem = Path(name.replace("\\", "/").rsplit("/", 1)[-1]).stem
    return _STORE_PREFIX.sub("", stem).strip(" _.-")


def _reads_as_title(paragraphs: list[Paragraph], index: int) -> bool:
    """A first line that names the document: a 公文 title line (工作总结, 工作材料, 2023年…情况, …关于…的意见),
    or the only top-level Word heading above the body."""
    first = paragraphs[index]
    if first.table_row or first.list_level is not None or not _title_shaped(first.text):
        return False
    if first.heading_level is not None and not any(p.heading_level == first.heading_level
                                                   for p in paragraphs[index + 1:]):
        return True
    return (any(word in first.text for word in _DOC_WORDS) or bool(_YEAR.search(first.text))
            or bool(_POLICY_TITLE.match(first.text)))


def _title_shaped(text: str) -> bool:
    """Short, no sentence punctuation or comma, no numbering marker, no salutation (尊敬的各位领导：)."""
    return (len(text) <= 60 and not _SENTENCE_END.search(text) and "，" not in text and "；" not in text
            and match_heading(text) is None and not _SALUTATION.search(text))


def _marking_lines(paragraphs: list[Paragraph]) -> int:
    """How many of the first lines are the 公文 marking block above a title: 份号, 密级 (机密★1年), 紧急程度."""
    count = 0
    for paragraph in paragraphs[:3]:
        if not (_MARKING_ONLY.fullmatch(paragraph.text) or find_classification(paragraph.text)):
            break
        count += 1
    return count


def match_heading(text: str) -> Heading | None:
    """The numbered heading (一、 （一） 1. （1） 一是) that opens `text`, if any."""
    half = to_half_width(text)
    for rank, pattern in _MARKERS:
        match = pattern.match(half)
        if match:
            marker = text[: match.end()]
            number = _marker_number(match.group(1))
            rest = text[match.end():]
            title, remainder = split_heading_title(rest)
            lead = rest[: len(rest) - len(remainder)].strip() if remainder != rest.strip() else ""
            return Heading(rank=rank, number=number, marker=marker, title=marker + title,
                           remainder=remainder, lead=marker + lead)
    return None


def _marker_form(marker: str) -> str:
    """A marker with its number taken out: 1、 → #、, （1） → （#）, １． → #． (full width kept apart)."""
    return re.sub(r"[0-9０-９]+|[一二三四五六七八九十]+", "#", marker.strip())


def _marker_number(digits: str) -> int | None:
    """The value of a marker's number, Arabic or Chinese."""
    return int(digits) if digits.isdigit() else chinese_number(digits)


def split_heading_title(text: str) -> tuple[str, str]:
    """Split text after a marker into (heading title, body). A long first sentence keeps its body whole."""
    end = _SENTENCE_END.search(text)
    sentence = text[: end.start()] if end else text
    if len(sentence) <= _TITLE_MAX:
        return sentence.rstrip("：: "), (text[end.end():] if end else "").strip()
    clause = _shorten_quotes(_first_clause(sentence))
    label = clause if len(clause) <= _TITLE_MAX else clause[:_TITLE_MAX - 1] + "…"
    return label, text.strip()


def _shorten_quotes(clause: str) -> str:
    """Elide long quotations in a heading label: 针对“不实不细的现象依然存在，…”的问题 → 针对“不实不细的现象依然存在…”的问题."""
    def shorten(match: re.Match[str]) -> str:
        quoted = match.group(1)
        return "“" + (_first_clause(quoted)[:16] + "…" if len(quoted) > 16 else quoted) + "”"

    return re.sub(r"“([^”]*)”", shorten, clause)


def _first_clause(sentence: str) -> str:
    """The sentence up to its first comma outside quotation marks."""
    depth = 0
    for index, char in enumerate(sentence):
        if char in "“‘「《（(":
            depth += 1
        elif char in "”’」》）)":
            depth = max(0, depth - 1)
        elif char in "，,；" and depth == 0:
            return sentence[:index]
    return sentence


def is_run_in_heading(sentence: str) -> bool:
    """A short, comma-free, figure-free sentence that reads as a heading ("强化干部队伍建设。")."""
    return _heading_sentence(sentence, _NOT_IN_RUN_IN)


_NOT_IN_RUN_IN = re.compile(r"[，,、：:；;*＊0-9０-９]")
_NOT_IN_DASH_ITEM = re.compile(r"[，,：:；;*＊0-9０-９]")   # a dash item's heading may pair two things with 、


def _heading_sentence(sentence: str, not_in_heading: re.Pattern[str]) -> bool:
    """A sentence of 4 to _RUN_IN_MAX characters ending in 。 with none of `not_in_heading` (commas, figures…)."""
    core = sentence.strip().rstrip("。")
    return sentence.strip().endswith("。") and 4 <= len(core) <= _RUN_IN_MAX and not not_in_heading.search(core)


class _TreeBuilder:
    """Places headings and text into the tree with a stack of open sections."""

    def __init__(self, root: Section) -> None:
        self.stack: list[Section] = [root]

    def add(self, paragraph: Paragraph, introduces_deeper: bool = False) -> None:
        """Add one paragraph: a table row as text; a Word list item at its depth; anything else by its form."""
        self._close_run_ins()
        if paragraph.table_row:
            self.stack[-1].items.append(paragraph.text)
        elif paragraph.list_level is not None:
            self._add_list_item(paragraph, introduces_deeper)
        else:
            self.add_paragraph(paragraph.text, paragraph.heading_level)

    def add_opening(self, paragraph: Paragraph) -> None:
        """A paragraph of the report's opening, before its first chapter: text of the report itself."""
        self.stack[-1].items.append(paragraph.text)

    def add_paragraph(self, text: str, style_level: int | None) -> None:
        """Add one paragraph: its heading (numbered or styled), run-in headings, inline points, text."""
        heading = match_heading(text)
        if heading is not None:
            self._open(Section(heading.title, heading.rank, heading.number, heading.marker, heading.lead))
            remainder = heading.remainder
        elif style_level is not None:
            self._open(Section(text, min(style_level, RANK_POINT), lead=text))
            remainder = ""
        else:
            remainder = text
        self._add_text(remainder, after_heading=remainder is not text)

    def _add_text(self, text: str, after_heading: bool) -> None:
        """A paragraph's text and the headings inside it. A list of points running on inside one paragraph
        (十个突出亮点：一是…；二是…；…十是…。) ends with it: the paragraphs after it are not its last point's."""
        point_depths = []   # how deep the stack was where each inline point opened
        for kind, value in _segments(text, after_heading=after_heading):
            if kind == "text":
                self.stack[-1].items.append(value)
                continue
            if value.rank == RANK_POINT:
                point_depths.append(len(self.stack))
            self._open(value)
        if len(point_depths) >= 2:
            del self.stack[max(1, min(point_depths)):]
        self._close_run_ins()

    def _add_list_item(self, paragraph: Paragraph, introduces_deeper: bool) -> None:
        """A Word list item: it closes the open items of its depth or deeper, then heads what follows (a
        numbered item, or a bulleted label that deeper items follow) or is a point of text."""
        depth = paragraph.list_level
        heading = match_heading(paragraph.text)
        if heading is not None:
            section = Section(heading.title, heading.rank, heading.number, heading.marker, heading.lead)
        elif introduces_deeper and _title_shaped(paragraph.text) and len(paragraph.text) <= _RUN_IN_MAX:
            section = Section(paragraph.text, RANK_POINT, lead=paragraph.text)
        else:  # a bulleted point: it belongs to a label item of its own depth (4.下步打算 • 计划…), else beside it
            self._close_list_items(depth, keep_label=True)
            self._add_text(paragraph.text, after_heading=False)
            return
        self._close_list_items(depth, keep_label=False)
        section.list_depth = depth
        while len(self.stack) > 1 and self.stack[-1].list_depth is None and self.stack[-1].rank >= section.rank:
            self.stack.pop()
        self.stack[-1].items.append(section)
        self.stack.append(section)
        self._add_text(heading.remainder if heading else "", after_heading=True)

    def _close_list_items(self, depth: int, keep_label: bool) -> None:
        """Close the open list items at `depth` or deeper (with `keep_label`, a label item at `depth` stays open)."""
        while len(self.stack) > 1 and self.stack[-1].list_depth is not None and self.stack[-1].list_depth >= depth:
            top = self.stack[-1]
            if keep_label and top.list_depth == depth and not _SENTENCE_END.search(top.lead or top.title):
                break
            self.stack.pop()

    def _open(self, section: Section) -> None:
        """Attach a new heading under the nearest open heading of higher rank; a series that starts at 1 in
        another marker form right under a heading of the same rank (3、… then １．…) nests under it."""
        if section.rank == RANK_POINT:
            section.rank = self._point_rank(section.number)
        elif self._starts_other_series(section):
            section.rank = self.stack[-1].rank + 0.1
        else:
            section.rank = self._series_rank(section)
        while self.stack[-1].rank >= section.rank and len(self.stack) > 1:
            self.stack.pop()
        self.stack[-1].items.append(section)
        self.stack.append(section)

    def _series_rank(self, section: Section) -> float:
        """The rank of the open series this heading continues (２． after a nested １．), else its own."""
        for open_section in reversed(self.stack[1:]):
            if (int(open_section.rank) == section.rank and open_section.number is not None
                    and open_section.number + 1 == section.number
                    and _marker_form(open_section.marker) == _marker_form(section.marker)):
                return open_section.rank
        return section.rank

    def _starts_other_series(self, section: Section) -> bool:
        top = self.stack[-1]
        return (section.number == 1 and len(self.stack) > 1 and int(top.rank) == section.rank
                and top.list_depth is None and _marker_form(top.marker) != _marker_form(section.marker))

    def _point_rank(self, number: int | None) -> float:
        """Rank of a 一是/二是 point: continue the series it fits, or nest a new series under an open point."""
        open_points = [section for section in self.stack if RANK_POINT <= section.rank < RANK_RUN_IN]
        for section in reversed(open_points):
            if number is not None and section.number is not None and section.number + 1 == number:
                return section.rank
        if open_points and number == 1:
            return open_points[-1].rank + 0.1
        return open_points[-1].rank if open_points else RANK_POINT

    def _close_run_ins(self) -> None:
        """A run-in heading's scope ends with its paragraph."""
        while self.stack[-1].rank == RANK_RUN_IN:
            self.stack.pop()


def _segments(text: str, after_heading: bool) -> Iterator[tuple[str, "str | Section"]]:
    """Split a paragraph's text into ("text", str) and ("heading", Section) pieces, in order.

    A bare paragraph may open with a single run-in heading (产业结构布局持续优化。…); after a numbered heading a
    run-in series needs two, so one short sentence after a point title is not mistaken for a heading.
    """
    for piece_kind, piece in _split_inline_points(text):
        if piece_kind == "heading":
            yield "heading", piece
        elif _DASH_LED.match(piece):
            yield from _dash_item(piece)
        else:
            yield from _split_run_ins(piece, min_run_ins=2 if after_heading else 1)


_DASH_LED = re.compile(r"^\s*(?:——|－－|--)")


def _dash_item(text: str) -> Iterator[tuple[str, "str | Section"]]:
    """A dash-led paragraph (——就业增长超出预期。全年城镇新增就业1314万人。高校毕业生…) is one item of a list:
    its opening sentence heads it when it reads as a heading (a 、 allowed: ——经济运行缓中趋稳、稳中向好。), and the
    short sentences after it are its text, not headings of their own."""
    sentences = split_sentences(text)
    opening = sentences[0].strip() if sentences else ""
    if len(sentences) >= 2 and _heading_sentence(_DASH_LED.sub("", opening), _NOT_IN_DASH_ITEM):
        yield "heading", Section(opening.rstrip("。"), RANK_RUN_IN, lead=opening)
        text = "".join(sentences[1:]).strip()
    if text:
        yield "text", text


def _split_inline_points(text: str) -> Iterator[tuple[str, "str | Section"]]:
    """Pieces of text around 一是/二是 points that run on inside a paragraph."""
    position = 0
    for match in _INLINE_POINT.finditer(text):
        if match.start() < position:
            continue
        before = text[position: match.start()].strip()
        if before:
            yield "text", before
        heading = match_heading(text[match.start(1):])
        assert heading is not None  # the inline pattern is a point marker
        yield "heading", Section(heading.title, RANK_POINT, heading.number, heading.marker, heading.lead)
        if not heading.remainder:
            position = len(text)
            break
        position = len(text) - len(heading.remainder)
    rest = text[position:].strip()
    if rest:
        yield "text", rest


def _split_run_ins(text: str, min_run_ins: int) -> Iterator[tuple[str, "str | Section"]]:
    """Pieces around run-in headings, when the text opens with one and has at least `min_run_ins` of them."""
    sentences = split_sentences(text)
    run_ins = sum(1 for sentence in sentences if is_run_in_heading(sentence))
    if len(sentences) < 2 or not is_run_in_heading(sentences[0]) or run_ins < min_run_ins:
        if text:
            yield "text", text
        return
    buffer: list[str] = []
    for sentence in sentences:
        if is_run_in_heading(sentence):
            if buffer:
                yield "text", "".join(buffer).strip()
                buffer = []
            yield "heading", Section(sentence.strip().rstrip("。"), RANK_RUN_IN, lead=sentence.strip())
        else:
            buffer.append(sentence)
    if buffer:
        yield "text", "".join(buffer).strip()


def infer_year(title: str, text: str) -> int | None:
    """The year a report covers: the first year in its title, else the most mentioned year."""
    match = _YEAR.search(title)
    if match:
        return int(match.group(1))
    years = Counter(int(year) for year in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else None


def infer_doc_type(title: str) -> str:
    """总结, 述职 or 计划 from the title's wording; 政府工作报告, or 文件 for a higher body's policy document."""
    if "政府工作报告" in title:
        return GOVERNMENT_REPORT
    if _POLICY_TITLE.search(title):
        return POLICY_DOCUMENT
    if "述职" in title:
        return "述职"
    if "总结" not in title and any(word in title for word in ("计划", "要点", "打算", "安排")):
        return "计划"
    return "总结"


def is_reference_type(doc_type: str, title: str) -> bool:
    """Reference material by kind: a policy document, or a 政府工作报告 of a level above the 乡镇 (a 镇's own
    政府工作报告 is its record)."""
    return doc_type == POLICY_DOCUMENT or (doc_type == GOVERNMENT_REPORT and not _TOWNSHIP.search(title))


# 新增城镇就业, 各乡镇, 全镇: the words, not a place's name
_NOT_A_UNIT = re.compile(r"^[各全本该每我此]?(?:乡|镇|街道)|(?:城镇|乡镇|城乡)$")


def infer_unit(title: str, text: str) -> str | None:
    """The unit (街道, 乡镇, 新区…) as written in the opening lines, masks kept (a masked name is preferred)."""
    opening = text[:400]
    masked = [match.group(1) for match in _UNIT.finditer(opening) if match.group(1).startswith(("*", "＊"))]
    if masked:
        return masked[0]
    named = (match.group(1) for source in (title, opening) for match in _UNIT.finditer(source))
    return next((unit for unit in named if not _NOT_A_UNIT.search(unit)), None)


def iter_sections(section: Section, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Section]]:
    """Every section below `section` with its heading path (titles from the top level down)."""
    for child in section.children:
        child_path = path + (child.title,)
        yield child_path, child
        yield from iter_sections(child, child_path)


def render_outline(section: Section, indent: str = "  ") -> str:
    """The heading tree as indented lines, one heading a line."""
    lines = [f"{indent * (len(path) - 1)}{child.title}" for path, child in iter_sections(section)]
    return "\n".join(lines)


# Headings that frame what stands under them as a 总结 does: the plans (四、2023年工作打算, 下一步工作思路, 今后五年,
# 2026年重点工作, ……时期主要目标任务) and the problems (三、存在问题, （二）未完成目标任务的主客观分析). A heading that
# also reports work done (…完成情况及未完成…分析, 反馈问题整改落实情况) frames no problem.
PLAN_FRAME, PROBLEM_FRAME = "plan", "problem"
_PLAN_HEADING = re.compile(r"打算|工作安排|工作计划|工作思路|下一步|今后"
                           r"|(?:19|20)\d\d年(?:的)?(?:工作)?(?:重点|要点|目标任务|主要任务(?!完成|落实))"
                           r"|(?:时期|十[一二三四五]五”?)(?:的)?[\u4e00-\u9fff]{0,6}?(?:主要|重点)(?:目标|任务)|工作总体部署"
                           r"|发展总体要求|工作的建议")
_PROBLEM_HEADING = re.compile(r"存在的?(?:主要)?问题|问题(?:和|与|及)?不足|不足之处|(?<!补)短板|差距|薄弱|未完成")   # 补短板 is work
_NOT_PROBLEM_HEADING = re.compile(r"完成情况|整改|落实情况")


def heading_frame(title: str) -> str | None:
    """PLAN_FRAME or PROBLEM_FRAME when a heading frames what is under it as plans or problems, else None
    (full-width digits read as digits: 二、２０１０年主要任务)."""
    title = to_half_width(title)
    if _PLAN_HEADING.search(title):
        return PLAN_FRAME
    if _PROBLEM_HEADING.search(title) and not _NOT_PROBLEM_HEADING.search(title):
        return PROBLEM_FRAME
    return None
