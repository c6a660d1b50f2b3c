"""How much of an A4 page a brief takes in its docx export, counted in lines of the brief's page.

A brief has a compact page of its own (gongwen.BRIEF_PAGE): 36 lines of 34 characters in 四号, about twice what
the 22 × 28 公文 body grid holds, so a one-page brief carries some 1,000 characters. Body paragraphs and headings
indent their first line by two characters; the title (小二) sets about 26 characters a line; table cells (小四)
wrap inside their column, every table line takes one grid line. Latin letters, digits and `*` are half as wide.
Chinese line breaking (no 。at a line start) can push a character to the next line, so each paragraph is counted
with a little slack rather than to the last character.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..text.gongwen import BRIEF_PAGE, CELL_MARGIN_TWIPS, column_widths, display_width, inline_spans, parse_blocks

PAGE = BRIEF_PAGE
INDENT_CHARS = 2
SLACK_CHARS = 1.0            # room left on every line for line-breaking rules
CHARS_PER_LINE = PAGE.chars
_TEXT_WIDTH_PT = PAGE.text_width_mm / 25.4 * 72
TITLE_CHARS_PER_LINE = math.floor(_TEXT_WIDTH_PT / PAGE.title.size)       # 26
PAGE_LINES = PAGE.lines
TABLE_ROW_STRETCH = 29.45 / 28.95   # measured in LibreOffice renders: a bordered row is half a point taller
TABLE_EDGE_LINES = 0.1              # the table's top border and its offset from the grid


def plain_text(text: str) -> str:
    """Inline Markdown reduced to the characters a reader sees."""
    return "".join(span.text for span in inline_spans(text))


def paragraph_lines(text: str, chars_per_line: float = CHARS_PER_LINE, indent: int = INDENT_CHARS) -> int:
    """Grid lines a paragraph of `text` fills."""
    width = display_width(plain_text(text)) + indent
    return max(1, math.ceil(width / (chars_per_line - SLACK_CHARS)))


def chars_for_lines(lines: int, used: float = 0.0) -> int:
    """How many full-width characters fit in `lines` grid lines of body text after `used` (indent included)."""
    return max(0, math.floor(lines * (CHARS_PER_LINE - SLACK_CHARS) - INDENT_CHARS - used))


def table_lines(rows: tuple[tuple[str, ...], ...]) -> int:
    """Grid lines a table fills: each row as tall as its most wrapped cell, plus its borders (rendered, a row of
    one line is 29.45 pt against the grid's 28.95 pt, so four rows need a fifth line)."""
    widths = column_widths(rows, round(PAGE.text_width_mm / 25.4 * 1440))
    text_lines = sum(max(_cell_lines(text, width) for text, width in zip(row, widths)) for row in rows)
    return math.ceil(text_lines * TABLE_ROW_STRETCH + TABLE_EDGE_LINES)


def _cell_lines(text: str, width_twips: int) -> int:
    chars_per_line = (width_twips - 2 * CELL_MARGIN_TWIPS) / 20 / PAGE.table.size
    return max(1, math.ceil(display_width(plain_text(text)) / max(1.0, chars_per_line - 0.5)))


@dataclass(frozen=True)
class PageUse:
    """Lines a brief takes on the page, and the characters a reader sees."""

    lines: int
    chars: int


def measure(markdown: str) -> PageUse:
    """The lines and characters of a brief's Markdown as the docx export lays it out."""
    lines = chars = 0
    for block in parse_blocks(markdown):
        if block.kind == "title":
            title_lines = block.text.split("\n")
            lines += sum(paragraph_lines(line, TITLE_CHARS_PER_LINE, 0) for line in title_lines)
            lines += 1 if PAGE.title_blank_line else 0
            chars += sum(len(plain_text(line)) for line in title_lines)
        elif block.kind == "table":
            lines += table_lines(block.rows)
            chars += sum(len(plain_text(cell)) for row in block.rows for cell in row)
        else:
            lines += paragraph_lines(block.text)
            chars += len(plain_text(block.text))
    return PageUse(lines=lines, chars=chars)
