"""Export Markdown drafts and briefs as 公文-style docx (GB/T 9704-2012 《党政机关公文格式》).

The standard's values, as used here:
  - Paper A4 (210 mm × 297 mm). Top margin 37 mm, left (binding side) 28 mm; the text block (版心) is
    156 mm × 225 mm, which leaves 26 mm on the right and 35 mm at the bottom.
  - Body text 3号 (16 pt) 仿宋_GB2312, 22 lines per page and 28 characters per line. Line pitch
    225 mm / 22 = 28.95 pt, written as exact line spacing of 579 twips (580 would push line 22 off the page).
    Character pitch 156 mm / 28 = 15.79 pt, 0.21 pt less than the 16 pt glyphs. The document grid
    (`w:docGrid` type linesAndChars, `w:charSpace` in 1/4096 pt relative to the 16 pt default size) makes Word
    show 22 × 28, but paragraphs do not snap to it: LibreOffice would give every 16 pt glyph two 15.79 pt grid
    cells. Instead body and heading runs are condensed by 0.3 pt (CHAR_CONDENSE_TWIPS), which sets exactly 28
    characters a line in Word and in LibreOffice (checked by rendering).
  - Title 2号 (22 pt) 方正小标宋简体, centred, a blank line under it. Level-1 headings (一、) 3号 黑体,
    level-2 headings (（一）) 3号 楷体_GB2312; headings and paragraphs indent their first line by two characters.
  - Page number 4号 (14 pt) 宋体 half-width digits between one-em dashes, "— 1 —", 7 mm below the text block.
  - Tables and notes in 4号 仿宋_GB2312.
Word picks the East Asian font of a run from `w:rFonts/@w:eastAsia` only, so every run and style names it;
Latin letters and digits are Times New Roman. The official fonts are not free; the docx names them, and machines
without them (LibreOffice on Debian) substitute their own CJK faces.

The Markdown subset is what drafts and briefs produce: `# 标题`, `## 一、…`, `### （一）…`, paragraphs
(consecutive lines join), `> 注` notes, pipe tables with a `|---|` separator line, `---` rules (dropped), list
items (each a paragraph), and inline `**bold**` (lead phrases). 〔待补〕 placeholders are highlighted yellow.
Masked figures (`**次`, `*.**亿元`, `****年`) are kept as written: a `**` that touches a digit, `.`, `,` or
another `*`, or stands between a word and a unit (开展**次, 投资**万元), is part of a figure, never a bold
marker; a backslash-escaped star is always literal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph

from .figures import PLACEHOLDER, UNITS

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MARGIN_MM, LEFT_MARGIN_MM = 37, 28
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
RIGHT_MARGIN_MM = PAGE_WIDTH_MM - LEFT_MARGIN_MM - TEXT_WIDTH_MM      # 26
BOTTOM_MARGIN_MM = PAGE_HEIGHT_MM - TOP_MARGIN_MM - TEXT_HEIGHT_MM    # 35
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
PAGE_NUMBER_GAP_MM = 7      # from the bottom of the text block to the top of the page number

ER_HAO, SAN_HAO, SI_HAO = 22.0, 16.0, 14.0   # 二号, 三号, 四号 in points
TITLE_FONT, HEADING1_FONT, HEADING2_FONT = "方正小标宋简体", "黑体", "楷体_GB2312"
BODY_FONT, PAGE_NUMBER_FONT, LATIN_FONT = "仿宋_GB2312", "宋体", "Times New Roman"
NOTE_COLOR = "808080"
HIGHLIGHT = "yellow"

_TWIPS_PER_MM = 1440 / 25.4
_TWIPS_PER_PT = 20
LINE_PITCH_TWIPS = math.floor(TEXT_HEIGHT_MM * _TWIPS_PER_MM / LINES_PER_PAGE)            # 579
CHAR_PITCH_PT = TEXT_WIDTH_MM * _TWIPS_PER_MM / _TWIPS_PER_PT / CHARS_PER_LINE           # 15.79
GRID_CHAR_SPACE = math.floor((CHAR_PITCH_PT - SAN_HAO) * 4096)                             # -848
# 16 - 0.3 = 15.7 pt a character: 28 fit in 156 mm (439.6 of 442.2 pt), 29 do not. 0.25 pt is not enough for
# LibreOffice, which rounds the grid cell down to 315 twips and lays out text across 28 × 15.75 pt = 441 pt only.
CHAR_CONDENSE_TWIPS = 6
FOOTER_LINE_PT = 20.0
CELL_MARGIN_TWIPS = 108     # Word's default left/right cell margin, 0.19 cm


@dataclass(frozen=True)
class Face:
    """A font as the standard names it: East Asian face, size in points, and how it is set."""

    font: str
    size: float
    color: str | None = None
    condensed: bool = False      # on the 28-character body grid


@dataclass(frozen=True)
class Layout:
    """Paragraph layout: alignment, first-line indent in characters, exact line height in twips."""

    align: str = "both"
    indent_chars: int = 0
    line_twips: int = LINE_PITCH_TWIPS
    keep_next: bool = False
    outline_level: int | None = None


TITLE = Face(TITLE_FONT, ER_HAO)
HEADING1 = Face(HEADING1_FONT, SAN_HAO, condensed=True)
HEADING2 = Face(HEADING2_FONT, SAN_HAO, condensed=True)
BODY = Face(BODY_FONT, SAN_HAO, condensed=True)
NOTE = Face(BODY_FONT, SI_HAO, color=NOTE_COLOR)
TABLE_TEXT = Face(BODY_FONT, SI_HAO)
PAGE_NUMBER = Face(PAGE_NUMBER_FONT, SI_HAO)

TITLE_LAYOUT = Layout(align="center", keep_next=True)
HEADING1_LAYOUT = Layout(indent_chars=2, keep_next=True, outline_level=0)
HEADING2_LAYOUT = Layout(indent_chars=2, keep_next=True, outline_level=1)
BODY_LAYOUT = Layout(indent_chars=2)
NOTE_LAYOUT = Layout(align="left")
CELL_LAYOUT = Layout(align="left")
HEADER_CELL_LAYOUT = Layout(align="center")
FOOTER_LAYOUT = Layout(align="center", line_twips=round(FOOTER_LINE_PT * _TWIPS_PER_PT))



@dataclass(frozen=True)
class Page:
    """A page set-up: A4 with its margins, the text block's lines and characters, and the faces set on it. The
    公文 page (GB/T 9704) is the default; a brief has a compact page of its own (BRIEF_PAGE)."""

    name: str
    top_mm: float
    left_mm: float
    text_width_mm: float
    text_height_mm: float
    lines: int
    chars: int
    title: Face
    heading1: Face
    heading2: Face
    body: Face
    note: Face
    table: Face
    title_blank_line: bool = True

    @property
    def right_mm(self) -> float:
        return PAGE_WIDTH_MM - self.left_mm - self.text_width_mm

    @property
    def bottom_mm(self) -> float:
        return PAGE_HEIGHT_MM - self.top_mm - self.text_height_mm

    @property
    def line_twips(self) -> int:
        """Exact line pitch: the text block's height over its lines (rounded down, or the last line falls off)."""
        return math.floor(self.text_height_mm * _TWIPS_PER_MM / self.lines)

    @property
    def char_pitch_pt(self) -> float:
        return self.text_width_mm * _TWIPS_PER_MM / _TWIPS_PER_PT / self.chars

    @property
    def grid_char_space(self) -> int:
        return math.floor((self.char_pitch_pt - self.body.size) * 4096)

    @property
    def condense_twips(self) -> int:
        """How much a condensed face is tightened so that `chars` characters set a line (0 when they fit)."""
        return CHAR_CONDENSE_TWIPS if self.char_pitch_pt < self.body.size else 0

    def layout(self, layout: Layout) -> Layout:
        """`layout` on this page's line pitch (the footer keeps its own)."""
        return layout if layout is FOOTER_LAYOUT else replace(layout, line_twips=self.line_twips)


GONGWEN_PAGE = Page("公文", TOP_MARGIN_MM, LEFT_MARGIN_MM, TEXT_WIDTH_MM, TEXT_HEIGHT_MM, LINES_PER_PAGE,
                    CHARS_PER_LINE, TITLE, HEADING1, HEADING2, BODY, NOTE, TABLE_TEXT)
# A brief's page: 20 mm margins, 四号 body on 36 lines of 34 characters (about twice what the 公文 grid holds),
# 小二 title, 小四 tables. A one-page brief is read, not filed: it need not keep the 公文 body grid.
XIAO_ER, XIAO_SI = 18.0, 12.0
BRIEF_PAGE = Page("摘要", 20, 20, 170, 257, 36, 34, Face(TITLE_FONT, XIAO_ER), Face(HEADING1_FONT, SI_HAO),
                  Face(HEADING2_FONT, SI_HAO), Face(BODY_FONT, SI_HAO), Face(BODY_FONT, XIAO_SI, color=NOTE_COLOR),
                  Face(BODY_FONT, XIAO_SI), title_blank_line=False)


@dataclass(frozen=True)
class Span:
    """A piece of inline text with one look."""

    text: str
    bold: bool = False
    placeholder: bool = False


@dataclass(frozen=True)
class Block:
    """One block of the Markdown subset: title, heading1, heading2, body, note or table."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = field(default=())


def markdown_to_docx(markdown: str, path: Path, page: Page = GONGWEN_PAGE) -> None:
    """Write `markdown` (the drafts' and briefs' subset) to `path` as a docx on `page`: the GB/T 9704 公文 page by
    default, a brief's compact page when asked."""
    document = Document()
    _set_up_page(document.sections[0], page)
    _set_up_styles(document, page)
    _add_page_number(document.sections[0], page)
    for block in parse_blocks(markdown):
        _WRITERS[block.kind](document, block, page)
    document.save(str(path))


# ---- Markdown subset → blocks -----------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NOTE = re.compile(r"^\s*>\s?(.*)$")
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^\s*[-+*]\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_HEADING_KINDS = {1: "title", 2: "heading1", 3: "heading2"}


def parse_blocks(markdown: str) -> list[Block]:
    """The blocks of `markdown`, in order; consecutive `#` lines make one title, consecutive lines one paragraph."""
    blocks: list[Block] = []
    lines = markdown.replace("\r\n", "\n").split("\n")
    index = 0
    while index < len(lines):
        block, index = _read_block(lines, index)
        if block is not None:
            _append_block(blocks, block)
    return blocks


def _read_block(lines: list[str], index: int) -> tuple[Block | None, int]:
    """The block starting at `lines[index]` (None for blank lines and rules) and the index after it."""
    line = lines[index]
    if not line.strip() or _RULE.match(line):
        return None, index + 1
    if heading := _HEADING.match(line):
        kind = _HEADING_KINDS.get(len(heading.group(1)), "body")
        return Block(kind, heading.group(2)), index + 1
    if note := _NOTE.match(line):
        return Block("note", note.group(1).strip()), index + 1
    if _is_table_start(lines, index):
        return _read_table(lines, index)
    if item := _LIST_ITEM.match(line):
        return Block("body", item.group(1).strip()), index + 1
    return _read_paragraph(lines, index)


def _append_block(blocks: list[Block], block: Block) -> None:
    """Add `block`, merging a title or note line into the title or note right before it."""
    previous = blocks[-1] if blocks else None
    if previous is not None and previous.kind == block.kind == "title":
        blocks[-1] = Block("title", f"{previous.text}\n{block.text}")
    elif previous is not None and previous.kind == block.kind == "note" and block.text:
        blocks[-1] = Block("note", _join_lines([previous.text, block.text]))
    elif block.text or block.rows:
        blocks.append(block)


def _is_table_start(lines: list[str], index: int) -> bool:
    """A pipe-table row followed by its `|---|` separator line."""
    return (index + 1 < len(lines) and bool(_TABLE_ROW.match(lines[index]))
            and bool(_TABLE_SEPARATOR.match(lines[index + 1])))


def _read_table(lines: list[str], index: int) -> tuple[Block, int]:
    """A table block from its header row, separator and following rows."""
    rows = [_table_cells(lines[index])]
    index += 2
    while index < len(lines) and _TABLE_ROW.match(lines[index]):
        rows.append(_table_cells(lines[index]))
        index += 1
    width = max(len(row) for row in rows)
    padded = tuple(tuple(row) + ("",) * (width - len(row)) for row in rows)
    return Block("table", rows=padded), index


def _table_cells(line: str) -> list[str]:
    """The cells of one `| a | b |` row; `\\|` is a literal bar."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _read_paragraph(lines: list[str], index: int) -> tuple[Block, int]:
    """A paragraph: this line and the following ones up to a blank line or another kind of block."""
    paragraph_lines = [lines[index].strip()]
    index += 1
    while index < len(lines) and _continues_paragraph(lines, index):
        paragraph_lines.append(lines[index].strip())
        index += 1
    return Block("body", _join_lines(paragraph_lines)), index


def _continues_paragraph(lines: list[str], index: int) -> bool:
    """Whether `lines[index]` is one more line of the paragraph above it."""
    line = lines[index]
    starts_other = (_HEADING.match(line) or _NOTE.match(line) or _RULE.match(line) or _LIST_ITEM.match(line)
                    or _is_table_start(lines, index))
    return bool(line.strip()) and not starts_other


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines: Chinese text joins directly, a space only between two Latin words."""
    joined = lines[0]
    for line in lines[1:]:
        latin_seam = joined[-1:].isascii() and joined[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum()
        joined += (" " if latin_seam else "") + line
    return joined


# ---- inline markup → spans --------------------------------------------------------------------------------

_ESCAPED_STAR = "\ue000"   # a private-use character stands for `\*` while bold markers are found
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`+([^`]*)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_DOUBLE_STAR = re.compile(r"(?<![*.,0-9])\*\*(?![*.,0-9])")
_FIGURE_TAIL = re.compile("|".join([r"[十百千万亿余多%‰％]", *map(re.escape, UNITS)]))


def inline_spans(text: str) -> list[Span]:
    """`text` as spans: `**bold**` runs bold, 〔待补〕 marked, links, code ticks and escapes reduced to text."""
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = text.replace("\\*", _ESCAPED_STAR)
    text = _ESCAPE.sub(r"\1", text)
    spans: list[Span] = []
    for piece, bold in _bold_pieces(text):
        spans.extend(_placeholder_spans(piece.replace(_ESCAPED_STAR, "*"), bold))
    return spans


def _bold_pieces(text: str) -> Iterator[tuple[str, bool]]:
    """`text` cut at paired bold markers, each piece with whether it is bold."""
    markers = [match.start() for match in _DOUBLE_STAR.finditer(text) if not _is_masked_figure(text, match.start())]
    position = 0
    for opener, closer in _pairs(text, markers):
        if opener > position:
            yield text[position:opener], False
        yield text[opener + 2:closer], True
        position = closer + 2
    if position < len(text):
        yield text[position:], False


def _is_masked_figure(text: str, start: int) -> bool:
    """A `**` between a word and a unit (开展**次, 投资**万元) masks a figure."""
    before = text[start - 1] if start else ""
    after_word = bool(before) and not before.isspace() and not _is_punctuation(before)
    return after_word and bool(_FIGURE_TAIL.match(text, start + 2))


def _pairs(text: str, markers: list[int]) -> Iterator[tuple[int, int]]:
    """Opening and closing marker positions: an opener has text right after it, a closer right before it."""
    opener: int | None = None
    for marker in markers:
        if opener is None:
            if text[marker + 2:marker + 3].strip():
                opener = marker
        elif marker > opener + 2 and not text[marker - 1].isspace():
            yield opener, marker
            opener = None


def _is_punctuation(char: str) -> bool:
    """Unicode punctuation (Chinese and Latin)."""
    return unicodedata.category(char).startswith("P")


def _placeholder_spans(text: str, bold: bool) -> Iterator[Span]:
    """`text` cut around each 〔待补〕, which becomes a span of its own."""
    for index, piece in enumerate(text.split(PLACEHOLDER)):
        if index:
            yield Span(PLACEHOLDER, bold, placeholder=True)
        if piece:
            yield Span(piece, bold)


# ---- blocks → docx ----------------------------------------------------------------------------------------

def _write_title(document: DocxDocument, block: Block, page: Page) -> None:
    """The title, centred, its lines kept as written, then (on the 公文 page) one blank line."""
    paragraph = document.add_paragraph(style="Title")
    _format_paragraph(paragraph, page.title, page.layout(TITLE_LAYOUT), page)
    for number, line in enumerate(block.text.split("\n")):
        if number:
            line_break = paragraph.add_run()
            line_break._r.insert(0, _run_properties(page.title, page))
            line_break.add_break()
        _add_spans(paragraph, inline_spans(line), page.title, page)
    if page.title_blank_line:
        blank = document.add_paragraph(style="Normal")
        _format_paragraph(blank, page.body, page.layout(BODY_LAYOUT), page)


def _write_heading1(document: DocxDocument, block: Block, page: Page) -> None:
    """A level-1 heading (一、…)."""
    _write_text(document, block.text, "Heading 1", page.heading1, page.layout(HEADING1_LAYOUT), page)


def _write_heading2(document: DocxDocument, block: Block, page: Page) -> None:
    """A level-2 heading (（一）…)."""
    _write_text(document, block.text, "Heading 2", page.heading2, page.layout(HEADING2_LAYOUT), page)


def _write_body(document: DocxDocument, block: Block, page: Page) -> None:
    """A body paragraph."""
    _write_text(document, block.text, "Normal", page.body, page.layout(BODY_LAYOUT), page)


def _write_note(document: DocxDocument, block: Block, page: Page) -> None:
    """A note such as 【初稿】…, smaller and gray."""
    _write_text(document, block.text, "Normal", page.note, page.layout(NOTE_LAYOUT), page)


def _write_text(document: DocxDocument, text: str, style: str, face: Face, layout: Layout, page: Page) -> None:
    """One paragraph of `text` in `style`, every run carrying its fonts."""
    paragraph = document.add_paragraph(style=style)
    _format_paragraph(paragraph, face, layout, page)
    _add_spans(paragraph, inline_spans(text), face, page)


def _write_table(document: DocxDocument, block: Block, page: Page) -> None:
    """A bordered table across the text block, columns as wide as their text needs, its first row bold."""
    table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
    _set_table_properties(table, page)
    widths = column_widths(block.rows, round(page.text_width_mm * _TWIPS_PER_MM))
    for grid_column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_column.set(qn("w:w"), str(width))
    for row_index, row in enumerate(block.rows):
        table.rows[row_index]._tr.get_or_add_trPr().append(_element("w:cantSplit"))
        for cell, text, width in zip(table.rows[row_index].cells, row, widths):
            _set_cell_properties(cell._tc.get_or_add_tcPr(), width)
            _fill_cell(cell.paragraphs[0], text, header=row_index == 0, page=page)


def column_widths(rows: tuple[tuple[str, ...], ...], total: int) -> list[int]:
    """Column widths in twips summing to `total`, in proportion to each column's longest text (at least 2 chars)."""
    needs = [max(2.0, *(display_width(row[column]) for row in rows)) for column in range(len(rows[0]))]
    widths = [math.floor(total * need / sum(needs)) for need in needs]
    widths[-1] += total - sum(widths)
    return widths


def display_width(text: str) -> float:
    """Width of `text` in full-width characters: Chinese 1, Latin letters and digits ½."""
    return sum(0.5 if char.isascii() else 1.0 for char in text)


def _set_cell_properties(properties: OxmlElement, width: int) -> None:
    """A cell's fixed width and vertically centred text."""
    for child in list(properties):
        properties.remove(child)
    properties.extend([_element("w:tcW", w=width, type="dxa"), _element("w:vAlign", val="center")])


def _fill_cell(paragraph: Paragraph, text: str, header: bool, page: Page) -> None:
    """One table cell's text."""
    _format_paragraph(paragraph, page.table, page.layout(HEADER_CELL_LAYOUT if header else CELL_LAYOUT), page)
    spans = inline_spans(text)
    if header:
        spans = [Span(span.text, True, span.placeholder) for span in spans]
    _add_spans(paragraph, spans, page.table, page)


_WRITERS = {"title": _write_title, "heading1": _write_heading1, "heading2": _write_heading2,
            "body": _write_body, "note": _write_note, "table": _write_table}


def _add_spans(paragraph: Paragraph, spans: list[Span], face: Face, page: Page) -> None:
    """Add one run per span, each with the full run properties of `face`."""
    for span in spans:
        run = paragraph.add_run(span.text)
        run._r.insert(0, _run_properties(face, page, bold=span.bold, highlight=span.placeholder))


def _format_paragraph(paragraph: Paragraph, face: Face, layout: Layout, page: Page) -> None:
    """Direct paragraph formatting (after the style reference) and the paragraph mark's run properties."""
    paragraph_properties = paragraph._p.get_or_add_pPr()
    for element in _layout_elements(layout, face.size):
        paragraph_properties.append(element)
    paragraph_properties.append(_run_properties(face, page))


# ---- WordprocessingML properties --------------------------------------------------------------------------

def _element(tag: str, **attributes: str | int) -> OxmlElement:
    """A `w:` element with `w:` attributes."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _run_properties(face: Face, page: Page, bold: bool = False, highlight: bool = False) -> OxmlElement:
    """`w:rPr` for `face`, children in schema order; the East Asian font always named."""
    properties = _element("w:rPr")
    properties.append(_fonts(face.font))
    if bold:
        properties.extend([_element("w:b"), _element("w:bCs")])
    properties.append(_element("w:snapToGrid", val=0))
    if face.color:
        properties.append(_element("w:color", val=face.color))
    # Explicit even when 0: styles are based on Normal, whose condensed spacing would otherwise be inherited.
    properties.append(_element("w:spacing", val=-page.condense_twips if face.condensed else 0))
    half_points = round(face.size * 2)
    properties.extend([_element("w:sz", val=half_points), _element("w:szCs", val=half_points)])
    if highlight:
        properties.append(_element("w:highlight", val=HIGHLIGHT))
    return properties


def _fonts(east_asian: str) -> OxmlElement:
    """`w:rFonts`: Times New Roman for Latin letters and digits, `east_asian` for Chinese.

    The eastAsia hint makes Word set the characters both scripts share (“”, —, …, ·) in the Chinese face too,
    full width, as typing them with a Chinese input method would.
    """
    return _element("w:rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, cs=LATIN_FONT, eastAsia=east_asian,
                    hint="eastAsia")


def _language() -> OxmlElement:
    """`w:lang`: Chinese (PRC) text."""
    return _element("w:lang", val="zh-CN", eastAsia="zh-CN")


def _layout_elements(layout: Layout, size: float) -> list[OxmlElement]:
    """The `w:pPr` children for `layout` (after `w:pStyle`), in schema order."""
    elements = []
    if layout.keep_next:
        elements.append(_element("w:keepNext"))
    # No widow/orphan moves: every page keeps its 22 lines. No snapping to the character grid: LibreOffice gives
    # each 16 pt glyph two 15.79 pt grid cells; the condensed spacing already makes 28 characters a line.
    elements.append(_element("w:widowControl", val=0))
    elements.append(_element("w:snapToGrid", val=0))
    elements.append(_element("w:spacing", before=0, after=0, line=layout.line_twips, lineRule="exact"))
    first_line = round(layout.indent_chars * size * _TWIPS_PER_PT)
    elements.append(_element("w:ind", left=0, right=0, firstLineChars=layout.indent_chars * 100,
                             firstLine=first_line))
    elements.append(_element("w:jc", val=layout.align))
    if layout.outline_level is not None:
        elements.append(_element("w:outlineLvl", val=layout.outline_level))
    return elements


def _set_up_page(section: Section, page: Page) -> None:
    """A4 portrait, the page's margins, and its document grid (22 × 28 on the 公文 page)."""
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(page.top_mm), Mm(page.bottom_mm)
    section.left_margin, section.right_margin = Mm(page.left_mm), Mm(page.right_mm)
    section.gutter = Mm(0)
    section.header_distance = Mm(min(15, page.top_mm / 2))
    section.footer_distance = Mm(_footer_distance_mm(page))
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = _element("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(page.line_twips))
    grid.set(qn("w:charSpace"), str(page.grid_char_space))


def _footer_distance_mm(page: Page) -> float:
    """Bottom edge to the page number line's bottom, so its top is PAGE_NUMBER_GAP_MM under the text block (or
    half the margin, when the margin is narrow)."""
    footer_line_mm = FOOTER_LINE_PT * 25.4 / 72
    gap = min(PAGE_NUMBER_GAP_MM, (page.bottom_mm - footer_line_mm) / 2)
    return page.bottom_mm - gap - footer_line_mm


def _set_up_styles(document: DocxDocument, page: Page) -> None:
    """Document defaults and the Normal, Title and Heading styles in the page's fonts and layout."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _replace_children(defaults.find(qn("w:rPrDefault")), [_style_run_properties(page.body, page)])
    # Single spacing and no gaps for paragraphs outside the styles (headers, table styles); not the body's layout.
    default_paragraph = _element("w:pPr")
    default_paragraph.append(_element("w:spacing", before=0, after=0, line=240, lineRule="auto"))
    _replace_children(defaults.find(qn("w:pPrDefault")), [default_paragraph])
    styles = {"Normal": (page.body, BODY_LAYOUT), "Title": (page.title, TITLE_LAYOUT),
              "Heading 1": (page.heading1, HEADING1_LAYOUT), "Heading 2": (page.heading2, HEADING2_LAYOUT)}
    for name, (face, layout) in styles.items():
        style = document.styles[name].element
        for tag in ("w:pPr", "w:rPr"):
            existing = style.find(qn(tag))
            if existing is not None:
                style.remove(existing)
        paragraph_properties = _element("w:pPr")
        paragraph_properties.extend(_layout_elements(page.layout(layout), face.size))
        style.extend([paragraph_properties, _style_run_properties(face, page)])


def _style_run_properties(face: Face, page: Page) -> OxmlElement:
    """Run properties for a style: the face plus the language."""
    properties = _run_properties(face, page)
    properties.append(_language())
    return properties


def _replace_children(parent: OxmlElement, children: list[OxmlElement]) -> None:
    """Swap all children of `parent` for `children`."""
    for child in list(parent):
        parent.remove(child)
    parent.extend(children)


def _add_page_number(section: Section, page: Page) -> None:
    """Footer "— N —": the PAGE field between one-em dashes, centred."""
    paragraph = section.footer.paragraphs[0]
    _format_paragraph(paragraph, PAGE_NUMBER, FOOTER_LAYOUT, page)
    _add_spans(paragraph, [Span("— ")], PAGE_NUMBER, page)
    for field_part in _page_field(page):
        paragraph._p.append(field_part)
    _add_spans(paragraph, [Span(" —")], PAGE_NUMBER, page)


def _page_field(page: Page) -> list[OxmlElement]:
    """The runs of a PAGE field, showing 1 until the page is laid out."""
    instruction = _element("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    shown = _element("w:t")
    shown.text = "1"
    parts = [_element("w:fldChar", fldCharType="begin"), instruction, _element("w:fldChar", fldCharType="separate"),
             shown, _element("w:fldChar", fldCharType="end")]
    runs = []
    for part in parts:
        run = _element("w:r")
        run.extend([_run_properties(PAGE_NUMBER, page), part])
        runs.append(run)
    return runs


def _set_table_properties(table: Table, page: Page) -> None:
    """Fixed layout over the text width, borders on the text block's edges, single 0.5 pt lines."""
    properties = table._tbl.tblPr
    style = properties.find(qn("w:tblStyle"))
    for child in list(properties):
        if child is not style:
            properties.remove(child)
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz=4, space=0, color="000000"))
    cell_margins = _element("w:tblCellMar")
    for side in ("left", "right"):
        cell_margins.append(_element(f"w:{side}", w=CELL_MARGIN_TWIPS, type="dxa"))
    # Word lays a table's text, not its border, on the margin; indenting by the cell margin puts the border there.
    properties.extend([_element("w:tblW", w=round(page.text_width_mm * _TWIPS_PER_MM), type="dxa"),
                       _element("w:tblInd", w=CELL_MARGIN_TWIPS, type="dxa"), borders,
                       _element("w:tblLayout", type="fixed"), cell_margins,
                       _element("w:tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=0, lastColumn=0,
                                noHBand=0, noVBand=1)])
