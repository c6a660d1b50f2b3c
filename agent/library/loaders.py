"""Read a report file (.txt/.md in any common Chinese encoding, .docx, .pdf) into ordered paragraphs.

Every failure a user can cause — a missing, empty, oversized, binary, corrupt, encrypted or scanned file —
surfaces as one `LoadError` line naming the file; no other exception type leaves `load_document`.

Docx tables are read where they sit in the body, one paragraph per row: a row of two cells reads `名称：值`, a
wider table joins each cell to its column name (`项目：冬训班，数量：3期`), so a figure never comes apart from its
item (cells are joined with commas, not semicolons: a row is one sentence to every later step). A one-column
table is only a frame around text: its paragraphs are read as body paragraphs.
"""

from __future__ import annotations

import errno
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import LoadError
from ..text.encoding import decode_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document; `text` carries any rendered automatic-numbering label in front.

    `list_level` is the depth (0 = outermost) of a Word list item, numbered or bulleted, whose number is not in
    the text but in the list; `table_row` marks a table row read as one line.
    """

    text: str
    heading_level: int | None = None
    list_level: int | None = None
    table_row: bool = False


@dataclass(frozen=True)
class LoadedDocument:
    """The paragraphs of one file, in document order, and how the file was read."""

    path: Path
    format: str
    encoding: str | None
    paragraphs: list[Paragraph]

    @property
    def text(self) -> str:
        """All paragraphs joined with newlines."""
        return "\n".join(paragraph.text for paragraph in self.paragraphs)


# ---------------------------------------------------------------------------------------------------
# Entry point


def load_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Read a .txt/.md/.docx/.pdf file into paragraphs; raise LoadError for any bad input."""
    path = Path(path)
    name = _display_name(path)
    format_name = _format_of(path, name)
    data = _read_bytes(path, name, max_bytes)
    if not data.strip():
        raise LoadError(f"文件为空：{name}")
    try:
        encoding, paragraphs = _FORMAT_READERS[format_name](data, name)
    except LoadError:
        raise
    except Exception as exc:  # parsers raise anything on hostile input; the user only needs one line
        raise LoadError(f"{_CORRUPT_MESSAGES[format_name]}：{name}") from exc
    if not paragraphs:
        raise LoadError(f"文件为空：{name}")
    return LoadedDocument(path=path, format=format_name, encoding=encoding, paragraphs=paragraphs)


def _display_name(path: Path) -> str:
    """The file name with control characters replaced, so an error stays on one line."""
    return "".join("?" if unicodedata.category(char) == "Cc" else char for char in path.name) or str(path)


def _format_of(path: Path, name: str) -> str:
    """The format name for a supported suffix (case-insensitive), else a LoadError."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return suffix[1:]
    supported = " ".join(SUPPORTED_SUFFIXES)
    shown = f" {path.suffix}" if path.suffix else "（无扩展名）"
    raise LoadError(f"不支持的文件类型{shown}（支持 {supported}）：{name}")


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """The file's bytes, after checking its size with stat so a huge file is never read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(f"文件过大（{_human_size(size)}，上限 {_human_size(max_bytes)}）：{name}")
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"{_os_error_reason(exc)}：{name}") from exc
    if len(data) > max_bytes:  # the file grew after stat
        raise LoadError(f"文件过大（超过上限 {_human_size(max_bytes)}）：{name}")
    return data


def _os_error_reason(exc: OSError) -> str:
    """A short Chinese reason for an OS-level read failure."""
    if exc.errno == errno.ENOENT:
        return "文件不存在"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有权限读取文件"
    if exc.errno == errno.EISDIR:
        return "这是一个文件夹，不是文件"
    return "无法读取文件"


def _human_size(size: int) -> str:
    """A byte count as "25.3 MB" / "20 MB" / "512 B", in binary units."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


# ---------------------------------------------------------------------------------------------------
# .txt and .md

_MD_HEADING = re.compile(r"^(#{1,6})[ \t\u3000]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def _read_txt(data: bytes, name: str) -> tuple[str, list[Paragraph]]:
    """Each non-empty line is a paragraph; 公文 headings are left for the parser to find."""
    text, encoding = _decode_or_fail(data, name)
    return encoding, [Paragraph(line) for line in _stripped_lines(text)]


def _read_md(data: bytes, name: str) -> tuple[str, list[Paragraph]]:
    """Like txt, with ATX headings (`## 标题`) turned into heading levels.

    Emphasis markers stay: `**` is also how the corpus masks figures (`**份`).
    """
    text, encoding = _decode_or_fail(data, name)
    paragraphs = [_markdown_paragraph(line) for line in _stripped_lines(text)]
    return encoding, [paragraph for paragraph in paragraphs if paragraph.text]


def _decode_or_fail(data: bytes, name: str) -> tuple[str, str]:
    try:
        return decode_text(data)
    except LoadError as exc:
        raise LoadError(f"{exc}：{name}") from None


def _stripped_lines(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        stripped = line.strip().lstrip("\ufeff")
        if stripped:
            yield stripped


def _markdown_paragraph(line: str) -> Paragraph:
    match = _MD_HEADING.match(line)
    if match is None:
        return Paragraph(line)
    return Paragraph(match.group(2).strip(), heading_level=len(match.group(1)))


# ---------------------------------------------------------------------------------------------------
# .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^(?:list (?:number|bullet|paragraph)|列表编号|列表项目符号|列出段落)\s*([2-9])?$",
                         re.IGNORECASE)
_BLOCK_CONTAINERS = frozenset(f"{_W}{name}" for name in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RUN_TEXT_XPATH = (
    ".//w:t[not(ancestor::w:txbxContent)] | .//w:tab[not(ancestor::w:txbxContent)]"
    " | .//w:br[not(ancestor::w:txbxContent)] | .//w:cr[not(ancestor::w:txbxContent)]"
    " | .//w:noBreakHyphen[not(ancestor::w:txbxContent)]"
)


def _read_docx(data: bytes, name: str) -> tuple[None, list[Paragraph]]:
    """Body paragraphs and table cells in order, with heading levels and rendered numbering labels."""
    import docx

    if data.startswith(_OLE_MAGIC):
        raise LoadError(f"这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后再导入：{name}")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LoadError(f"{_CORRUPT_MESSAGES['docx']}：{name}")
    document = docx.Document(io.BytesIO(data))
    reader = _DocxReader(document)
    return None, list(_docx_blocks(document.element.body, reader))


def _docx_blocks(container, reader: "_DocxReader") -> Iterator[Paragraph]:
    """Paragraphs in reading order: a table of two or more columns as one paragraph per row, anything else
    (one-column tables, cells, block content controls) descended into."""
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = reader.read(child)
            if paragraph is not None:
                yield paragraph
        elif child.tag == f"{_W}tbl" and _column_count(child) >= 2:
            yield from _table_rows(child, reader)
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _docx_blocks(child, reader)


def _rows(table) -> list:
    return table.findall(f"{_W}tr")


def _cells(row) -> list:
    return row.findall(f"{_W}tc") + row.findall(f"{_W}sdt/{_W}sdtContent/{_W}tc")


def _column_count(table) -> int:
    return max((len(_cells(row)) for row in _rows(table)), default=0)


def _table_rows(table, reader: "_DocxReader") -> Iterator[Paragraph]:
    """One paragraph per row, each cell joined to its column name when the first row names the columns."""
    grid = [_row_texts(row, reader) for row in _rows(table)]
    grid = _fill_vertical_merges(grid, table)
    header = grid[0] if len(grid) > 1 and _names_columns(grid[0]) and len(grid[0]) > 2 else None
    for index, cells in enumerate(grid):
        if header is not None and index == 0:
            continue
        text = _row_text(cells, header)
        if text:
            yield Paragraph(text, table_row=True)


def _row_texts(row, reader: "_DocxReader") -> list[str]:
    """The text of each cell of a row, its paragraphs (and any nested table) on one line."""
    texts = []
    for cell in _cells(row):
        parts = [paragraph.text for paragraph in _docx_blocks(cell, reader)]
        texts.append(_join_cell_parts(parts))
    return texts


def _join_cell_parts(parts: list[str]) -> str:
    joined = ""
    for part in parts:
        separator = "" if not joined or joined[-1] in "。！？；：，、" else "，"
        joined += separator + part
    return joined


def _fill_vertical_merges(grid: list[list[str]], table) -> list[list[str]]:
    """A cell merged down from the row above (w:vMerge continue) repeats that row's text, as a reader sees it."""
    for row_index, row in enumerate(_rows(table)):
        if row_index == 0:
            continue
        for cell_index, cell in enumerate(_cells(row)):
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            continues = merge is not None and merge.get(f"{_W}val") in (None, "continue")
            above = grid[row_index - 1]
            if continues and not grid[row_index][cell_index] and cell_index < len(above):
                grid[row_index][cell_index] = above[cell_index]
    return grid


def _names_columns(cells: list[str]) -> bool:
    """A first row of short column names with no figures (项目 | 数量 | 备注)."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 2 and all(len(cell) <= 12 and not re.search(r"\d", cell) for cell in filled)


def _row_text(cells: list[str], header: list[str] | None) -> str:
    """A row as one line: `列名：值，列名：值`, or for two cells `名称：值`, or the cells joined."""
    if header is not None:
        pairs = [f"{name}：{value}" if name and name != value else value
                 for name, value in zip(header + [""] * len(cells), cells) if value]
        return "，".join(pairs)
    filled = [cell for cell in cells if cell]
    if len(cells) == 2 and len(filled) == 2:
        return f"{filled[0].rstrip('：:')}：{filled[1]}"
    return "，".join(dict.fromkeys(filled))  # a horizontally merged cell can repeat across the row


class _DocxReader:
    """Turns w:p elements into Paragraphs, keeping the numbering counters Word keeps while rendering."""

    def __init__(self, document) -> None:
        self._styles = _docx_styles(document)
        self._numbering = _NumberingCounters(_docx_numbering_levels(document))

    def read(self, p) -> Paragraph | None:
        """The paragraph with its numbering label and list depth; None when it holds no text."""
        style_id = _child_val(p, "pPr", "pStyle")
        numbering = self._numbering_of(p, style_id)
        label = self._numbering.next_label(*numbering) if numbering else ""
        text = _paragraph_text(p).strip()
        if not text:
            return None
        heading_level = self._heading_level(p, style_id)
        # a numbered heading style is a heading at its own level; other numbered or bulleted paragraphs are list items
        list_level = numbering[1] + self._styles.list_depth(style_id) if numbering and heading_level is None else None
        return Paragraph(label + text, heading_level=heading_level, list_level=list_level)

    def _numbering_of(self, p, style_id: str | None) -> tuple[str, int] | None:
        """(numId, ilvl) of a list paragraph, set on it or through its style; None when it is no list item."""
        num_id, ilvl = _direct_num_pr(p)
        if num_id is None:
            num_id, style_ilvl = self._styles.num_pr(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0" or not self._numbering.defines(num_id, ilvl or 0):
            return None
        return num_id, ilvl or 0

    def _heading_level(self, p, style_id: str | None) -> int | None:
        outline = _child_val(p, "pPr", "outlineLvl")
        if outline is not None:
            return _outline_to_level(outline)
        return self._styles.heading_level(style_id)


def _paragraph_text(p) -> str:
    """Run text including tracked insertions, hyperlinks and smart tags; text boxes are left out."""
    parts = []
    for element in p.xpath(_RUN_TEXT_XPATH):
        tag = element.tag.removeprefix(_W)
        if tag == "t":
            parts.append(element.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag == "noBreakHyphen":
            parts.append("-")
        elif tag == "cr" or element.get(f"{_W}type") in (None, "textWrapping"):
            parts.append("\n")
    return "".join(parts)


def _child_val(element, *path: str) -> str | None:
    """The w:val of the element at `path` (w: local names) under `element`, or None."""
    for local_name in path:
        if element is None:
            return None
        element = element.find(f"{_W}{local_name}")
    return None if element is None else element.get(f"{_W}val")


def _direct_num_pr(p) -> tuple[str | None, int | None]:
    """(numId, ilvl) set directly on the paragraph."""
    return _child_val(p, "pPr", "numPr", "numId"), _to_int(_child_val(p, "pPr", "numPr", "ilvl"))


def _outline_to_level(value: str) -> int | None:
    """w:outlineLvl 0..8 is heading level 1..9; 9 means body text."""
    level = _to_int(value)
    return level + 1 if level is not None and 0 <= level <= 8 else None


def _to_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    outline: str | None
    num_id: str | None
    ilvl: int | None


class _DocxStyles:
    """Paragraph styles by id, resolved along the basedOn chain."""

    def __init__(self, styles: dict[str, _Style], default_id: str | None) -> None:
        self._styles = styles
        self._default_id = default_id

    def heading_level(self, style_id: str | None) -> int | None:
        """From a "Heading N"/"标题 N" name or a style outline level, nearest style first."""
        for style in self._chain(style_id):
            match = _HEADING_STYLE.match(style.name.strip())
            if match:
                return int(match.group(1))
            if style.outline is not None:
                return _outline_to_level(style.outline)
        return None

    def list_depth(self, style_id: str | None) -> int:
        """How far a list style sits in: "List Number 2" / "列表编号 2" are one level below "List Number"."""
        for style in self._chain(style_id):
            match = _LIST_STYLE.match(style.name.strip())
            if match:
                return int(match.group(1) or 1) - 1
        return 0

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a style attaches to its paragraphs, e.g. a numbered heading style."""
        for style in self._chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None

    def _chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        current = style_id if style_id in self._styles else self._default_id
        while current in self._styles and current not in seen:  # basedOn loops exist in the wild
            seen.add(current)
            yield self._styles[current]
            current = self._styles[current].based_on


def _docx_styles(document) -> _DocxStyles:
    styles: dict[str, _Style] = {}
    default_id = None
    for element in document.styles.element.findall(f"{_W}style"):
        if element.get(f"{_W}type") != "paragraph":
            continue
        style_id = element.get(f"{_W}styleId")
        if element.get(f"{_W}default") in ("1", "true", "on"):
            default_id = style_id
        styles[style_id] = _Style(
            name=_child_val(element, "name") or "",
            based_on=_child_val(element, "basedOn"),
            outline=_child_val(element, "pPr", "outlineLvl"),
            num_id=_child_val(element, "pPr", "numPr", "numId"),
            ilvl=_to_int(_child_val(element, "pPr", "numPr", "ilvl")),
        )
    return _DocxStyles(styles, default_id)


# --- automatic numbering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    num_format: str
    text: str
    start: int
    legal: bool = False


class _NumberingCounters:
    """Counters per numId and level; advancing a level restarts every deeper one, as Word does."""

    def __init__(self, levels_by_num: dict[str, dict[int, _Level]]) -> None:
        self._levels_by_num = levels_by_num
        self._counters: dict[str, dict[int, int]] = {}

    def defines(self, num_id: str, ilvl: int) -> bool:
        """Whether numbering.xml has the list level a paragraph points at."""
        return ilvl in self._levels_by_num.get(num_id, {})

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the label Word would show."""
        levels = self._levels_by_num.get(num_id, {})
        if ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        return _render_label(levels, counters, ilvl)


def _render_label(levels: dict[int, _Level], counters: dict[int, int], ilvl: int) -> str:
    """Fill the level's lvlText ("%1、", "（%1）", "%1.%2") with formatted counters."""
    level = levels[ilvl]
    if level.num_format == "bullet":  # bullets are layout, not enumeration; their glyph is often a Symbol PUA
        return ""

    def counter_text(match: re.Match) -> str:
        referenced = int(match.group(1)) - 1
        referenced_level = levels.get(referenced, _Level("decimal", "", 1))
        value = counters.get(referenced, referenced_level.start)
        return _format_number(value, "decimal" if level.legal else referenced_level.num_format)

    return re.sub(r"%([1-9])", counter_text, level.text)


def _docx_numbering_levels(document) -> dict[str, dict[int, _Level]]:
    """numId → {ilvl: _Level}, from numbering.xml with lvlOverride/startOverride applied."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    try:
        root = document.part.part_related_by(RELATIONSHIP_TYPE.NUMBERING).element
    except KeyError:
        return {}
    abstracts = {item.get(f"{_W}abstractNumId"): _parse_levels(item) for item in root.findall(f"{_W}abstractNum")}
    return {item.get(f"{_W}numId"): _num_levels(item, abstracts) for item in root.findall(f"{_W}num")}


def _num_levels(num, abstracts: dict[str, dict[int, _Level]]) -> dict[int, _Level]:
    levels = dict(abstracts.get(_child_val(num, "abstractNumId"), {}))
    for override in num.findall(f"{_W}lvlOverride"):
        ilvl = _to_int(override.get(f"{_W}ilvl"))
        replacement = override.find(f"{_W}lvl")
        if ilvl is None:
            continue
        if replacement is not None:
            levels[ilvl] = _parse_level(replacement)
        start = _to_int(_child_val(override, "startOverride"))
        if start is not None and ilvl in levels:
            levels[ilvl] = replace(levels[ilvl], start=start)
    return levels


def _parse_levels(abstract_num) -> dict[int, _Level]:
    levels = {}
    for element in abstract_num.findall(f"{_W}lvl"):
        ilvl = _to_int(element.get(f"{_W}ilvl"))
        if ilvl is not None:
            levels[ilvl] = _parse_level(element)
    return levels


def _parse_level(element) -> _Level:
    legal = element.find(f"{_W}isLgl")
    start = _to_int(_child_val(element, "start"))
    return _Level(
        num_format=_level_format(element),
        text=_child_val(element, "lvlText") or "",
        start=1 if start is None else start,  # the spec says 0, but no 公文 list counts from 零
        legal=legal is not None and legal.get(f"{_W}val", "1") not in ("0", "false", "off"),
    )


def _level_format(element) -> str:
    """w:numFmt, taking the plain Fallback when Word 2010+ wrapped a custom format in mc:AlternateContent."""
    num_format = element.find(f"{_W}numFmt")
    if num_format is None:
        num_format = element.find(f"{_MC}AlternateContent/{_MC}Fallback/{_W}numFmt")
    return (num_format.get(f"{_W}val") if num_format is not None else None) or "decimal"


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def _format_number(value: int, num_format: str) -> str:
    """A counter value in a WordprocessingML numFmt; unknown formats fall back to decimal."""
    formatter = _NUMBER_FORMATS.get(num_format)
    return formatter(value) if formatter else str(value)


def _chinese_number(value: int, digits: str = _CN_DIGITS, units: str = "十百千", short_ten: bool = True) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一 (legal digits: 壹拾壹)."""
    if value <= 0 or value >= 10000:
        return digits[0] if value == 0 else str(value)
    parts, zero_pending = [], False
    for power in (3, 2, 1, 0):
        digit = value // 10**power % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        parts.append((digits[0] if zero_pending else "") + digits[digit] + ("", *units)[power])
        zero_pending = False
    text = "".join(parts)
    return text[1:] if short_ten and text.startswith(digits[1] + units[0]) else text


def _letters(value: int, alphabet: str) -> str:
    """Word's letter numbering: A..Z, then AA, BB..."""
    if value <= 0:
        return str(value)
    return alphabet[(value - 1) % 26] * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    if value <= 0:
        return str(value)
    parts = []
    for amount, symbol in _ROMAN:
        count, value = divmod(value, amount)
        parts.append(symbol * count)
    return "".join(parts)


def _enclosed(value: int, first: str, last: int = 20) -> str:
    """①..⑳-style single characters; beyond their range Word falls back to plain digits."""
    return chr(ord(first) + value - 1) if 1 <= value <= last else str(value)


def _cycle(value: int, symbols: str) -> str:
    return symbols[(value - 1) % len(symbols)] if value > 0 else str(value)


_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda value: f"{value:02d}",
    "decimalHalfWidth": str,
    "decimalFullWidth": lambda value: str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda value: str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "upperRoman": _roman,
    "lowerRoman": lambda value: _roman(value).lower(),
    "upperLetter": lambda value: _letters(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerLetter": lambda value: _letters(value, "abcdefghijklmnopqrstuvwxyz"),
    "chineseCounting": _chinese_number,
    "chineseCountingThousand": _chinese_number,
    "japaneseCounting": _chinese_number,
    "taiwaneseCounting": _chinese_number,
    "taiwaneseCountingThousand": _chinese_number,
    "chineseLegalSimplified": lambda value: _chinese_number(value, _CN_LEGAL_DIGITS, "拾佰仟", short_ten=False),
    "ideographDigital": lambda value: "".join("〇一二三四五六七八九"[int(d)] for d in str(value)),
    "taiwaneseDigital": lambda value: "".join("〇一二三四五六七八九"[int(d)] for d in str(value)),
    "ideographTraditional": lambda value: _cycle(value, _HEAVENLY_STEMS),
    "ideographZodiac": lambda value: _cycle(value, _EARTHLY_BRANCHES),
    "decimalEnclosedCircle": lambda value: _enclosed(value, "①"),
    "decimalEnclosedCircleChinese": lambda value: _enclosed(value, "①"),
    "ideographEnclosedCircle": lambda value: _enclosed(value, "㈠", last=10),
    "decimalEnclosedParen": lambda value: _enclosed(value, "⑴"),
    "decimalEnclosedFullstop": lambda value: _enclosed(value, "⒈"),
    "none": lambda value: "",
}


# ---------------------------------------------------------------------------------------------------
# .pdf

_SENTENCE_END = "。！？：；!?:;"
_CLOSING = "”’」』）)】》\"'"
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是]"
    r"|[（(][一二三四五六七八九十]+[）)]"
    r"|[（(]\d+[）)]"
    r"|\d+[.．、](?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节条部分])"
)
_PAGE_NUMBER = re.compile(  # "— 3 —", "- 3 -", "3", "3/10", "第3页 共10页"
    r"^[\s\-—–－]*(?:第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?|\d+(?:\s*[/／]\s*\d+)?)[\s\-—–－]*$"
)
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")
_RADICALS = re.compile(r"[\u2e80-\u2fdf\uf900-\ufaff]")
_SHORT_LINE_RATIO = 0.6
_COLUMN_GAP = re.compile(r"[ \t\u3000]{2,}")
_CELL_SEPARATOR = "\t"
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def _read_pdf(data: bytes, name: str) -> tuple[None, list[Paragraph]]:
    """The text layer of every page, re-flowed from layout lines into paragraphs."""
    page_texts = _pdf_page_texts(data, name)
    if not any(text.strip() for text in page_texts):
        raise LoadError(f"PDF 没有文字层（可能是扫描件，需要先做文字识别 OCR）：{name}")
    lines = [line for text in page_texts for line in _page_lines(text)]
    return None, list(_pdf_paragraphs(_reflow(lines)))


def _pdf_paragraphs(paragraphs: list[str]) -> Iterator[Paragraph]:
    """Re-flowed paragraphs; a run of columned lines is a table, read row by row like a docx table (the first
    row names the columns when it holds no figure)."""
    index = 0
    while index < len(paragraphs):
        if _CELL_SEPARATOR not in paragraphs[index]:
            yield Paragraph(paragraphs[index])
            index += 1
            continue
        end = index
        while end < len(paragraphs) and _CELL_SEPARATOR in paragraphs[end]:
            end += 1
        grid = [paragraphs[row].split(_CELL_SEPARATOR) for row in range(index, end)]
        header = grid[0] if len(grid) > 1 and _names_columns(grid[0]) and len(grid[0]) > 2 else None
        for cells in grid[1:] if header else grid:
            yield Paragraph(_row_text(cells, header), table_row=True)
        index = end


def _pdf_page_texts(data: bytes, name: str) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):  # an empty user password only restricts, not hides
        raise LoadError(f"PDF 已加密（需要密码），无法读取：{name}")
    if not reader.pages:
        raise LoadError(f"文件为空（PDF 没有页面）：{name}")
    return [page.extract_text() or "" for page in reader.pages]


def _page_lines(page_text: str) -> list[str]:
    """Cleaned lines of one page, without a page number printed above or below the text."""
    lines = [_clean_pdf_line(line) for line in page_text.splitlines()]
    while lines and (not lines[0] or _PAGE_NUMBER.match(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1] or _PAGE_NUMBER.match(lines[-1])):
        lines.pop()
    return lines


def _clean_pdf_line(line: str) -> str:
    """Undo two common text-layer artefacts: Kangxi-radical look-alikes (⼀ for 一) and spaces between hanzi. A
    gap of two or more spaces is a column gap (a table laid out with spaces): the cells are kept apart."""
    line = _RADICALS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), line)
    cells = [_SPACE_BETWEEN_CJK.sub("", cell.strip()) for cell in _COLUMN_GAP.split(line.strip())]
    return _CELL_SEPARATOR.join(cell for cell in cells if cell)


def _reflow(lines: list[str]) -> list[str]:
    """Join layout lines into paragraphs: PDFs of Chinese text break lines mid-sentence."""
    typical = _typical_width(lines)
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if line and previous and _continues(previous, line, typical):
            paragraphs[-1] = _join_lines(paragraphs[-1], line)
        elif line:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _continues(previous: str, line: str, typical_width: float) -> bool:
    """Whether `line` continues the paragraph that `previous` ended. Table rows and a line in brackets of its own
    (（数据截至2024年12月20日）under a title) stand alone."""
    ends_sentence = (previous.rstrip(_CLOSING) or previous)[-1] in _SENTENCE_END
    short = _width(previous) < _SHORT_LINE_RATIO * typical_width  # a wrapped line fills the measure
    apart = any(_CELL_SEPARATOR in text or _BRACKETED.fullmatch(text) for text in (previous, line))
    return not (ends_sentence or short or apart or _HEADING_START.match(line))


def _join_lines(paragraph: str, line: str) -> str:
    # only English words wrapped across lines need a space back; hanzi never had one
    if paragraph[-1:].isascii() and paragraph[-1:].isalpha() and line[:1].isascii() and line[:1].isalpha():
        return f"{paragraph} {line}"
    return paragraph + line


def _typical_width(lines: list[str]) -> float:
    """Width of a full line: the 80th percentile of line widths."""
    widths = sorted(_width(line) for line in lines if line)
    return widths[int(0.8 * (len(widths) - 1))] if widths else 0.0


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


# ---------------------------------------------------------------------------------------------------

_FORMAT_READERS: dict[str, Callable[[bytes, str], tuple[str | None, list[Paragraph]]]] = {
    "txt": _read_txt,
    "md": _read_md,
    "docx": _read_docx,
    "pdf": _read_pdf,
}
_CORRUPT_MESSAGES = {
    "txt": "文本文件无法读取",
    "md": "Markdown 文件无法读取",
    "docx": "docx 文件已损坏或不完整",
    "pdf": "PDF 文件已损坏或不完整",
}
