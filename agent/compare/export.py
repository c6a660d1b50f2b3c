"""A comparison saved for the people who read it: an Excel sheet (one row per 方面, wrapped text, the passages a
row cites in its own column), a landscape Word table, a standalone web page whose keys open the cited passage,
or Markdown. Every file is written beside its place and renamed over it, so a failed export leaves nothing half."""

from __future__ import annotations

import html
from pathlib import Path

from ..files import check_out_path as check_writable, write_atomically, write_text_atomically
from .result import NOTHING_ON_TOPIC, Comparison
from .table import Column

SUFFIXES = (".xlsx", ".docx", ".html", ".md")
LABEL_WIDTH, CELL_WIDTH, MARKS_WIDTH, SOURCES_WIDTH = 14, 48, 18, 60   # Excel column widths, in characters
HEADER_FILL = "DDEBF7"


def check_out_path(path: Path) -> None:
    """Refuse an output path we cannot write before any work is done."""
    check_writable(path, SUFFIXES)


def export_comparison(comparison: Comparison, path: Path) -> Path:
    """Write the comparison in the format the suffix names."""
    check_out_path(path)
    suffix = path.suffix.lower()
    if suffix == ".md":
        write_text_atomically(path, comparison.to_markdown())
    elif suffix == ".html":
        write_text_atomically(path, to_html(comparison))
    else:
        write_atomically(path, lambda partial: (_write_xlsx if suffix == ".xlsx" else _write_docx)(comparison, partial))
    return path


def title_of(comparison: Comparison) -> str:
    return f"“{comparison.topic.name}”{'历年' if comparison.series else '各报告'}对比"


def _row_sources(comparison: Comparison, label: str) -> str:
    """The passages a row cites, one per line: [S1]《title》heading."""
    cited = {point.key: point.citation() for column in comparison.columns for point in column.points
             if point.row == label}
    return "\n".join(f"[{key}]《{citation['title']}》{citation['heading']}" for key, citation in cited.items())


def _header(comparison: Comparison) -> list[str]:
    names = [comparison.column_name(column) + ("" if column.points else NOTHING_ON_TOPIC)
             for column in comparison.columns]
    return ["方面", *names, "说明"]


def _write_xlsx(comparison: Comparison, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "对比"
    sheet.append([title_of(comparison)])
    sheet.append([*_header(comparison), "依据"])
    for row in comparison.rows:
        sheet.append([row.label, *(comparison.cell(column, row.label) for column in comparison.columns),
                      comparison.marks(row), _row_sources(comparison, row.label)])
    if comparison.summary:
        sheet.append([])
        sheet.append(["差异概述", comparison.summary])
    sheet["A1"].font = Font(bold=True, size=14)
    widths = [LABEL_WIDTH, *(CELL_WIDTH for _ in comparison.columns), MARKS_WIDTH, SOURCES_WIDTH]
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    sheet.freeze_panes = "B3"
    book.save(path)


def _write_docx(comparison: Comparison, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "仿宋_GB2312"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    document.add_heading(title_of(comparison), level=1)
    if comparison.summary:
        document.add_paragraph(comparison.summary)
    header = _header(comparison)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.paragraphs[0].add_run(text).bold = True
    for row in comparison.rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(row.label).bold = True
        for cell, column in zip(cells[1:], comparison.columns):
            for number, point in enumerate(point for point in column.points if point.row == row.label):
                paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                paragraph.add_run(point.text)
                paragraph.add_run(f"[{point.key}]").font.size = Pt(8)
        cells[-1].paragraphs[0].add_run(comparison.marks(row))
    if comparison.repeated:
        document.add_heading("与上一年原句相同的句子", level=2)
        for repeat in comparison.repeated:
            document.add_paragraph(f"{repeat.kind}：{repeat.text}[{repeat.key}]（上一年见[{repeat.previous_key}]）")
    document.add_heading("依据", level=2)
    for citation in comparison.citations():
        document.add_paragraph(f"[{citation['key']}]《{citation['title']}》{citation['heading']}：{citation['text']}")
    document.save(path)


def to_html(comparison: Comparison) -> str:
    """A standalone page: the table, each key a link to the cited passage's full text below."""
    def cell(text: str) -> str:
        return html.escape(text).replace("\n", "<br>")

    def linked(column_label: str, column: Column) -> str:
        points = [point for point in column.points if point.row == column_label]
        return "<br>".join(f'{html.escape(point.text)}<a href="#{point.key}">[{point.key}]</a>' for point in points)

    head = "".join(f"<th>{cell(name)}</th>" for name in _header(comparison))
    body = "".join("<tr><th>" + cell(row.label) + "</th>"
                   + "".join(f"<td>{linked(row.label, column)}</td>" for column in comparison.columns)
                   + f"<td>{cell(comparison.marks(row))}</td></tr>" for row in comparison.rows)
    sources = "".join(f'<li id="{citation["key"]}"><b>[{citation["key"]}]</b>《{cell(str(citation["title"]))}》'
                      f'{cell(str(citation["heading"]))}<p>{cell(str(citation["text"]))}</p></li>'
                      for citation in comparison.citations())
    summary = f"<p>{cell(comparison.summary)}</p>" if comparison.summary else ""
    return (f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{cell(title_of(comparison))}"
            "</title><style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
            "th,td{border:1px solid #999;padding:.4em;vertical-align:top;max-width:28em}thead th{background:#ddebf7}"
            "li:target{background:#fff3b0}</style></head><body>"
            f"<h1>{cell(title_of(comparison))}</h1>{summary}<table><thead><tr>{head}</tr></thead><tbody>{body}"
            f"</tbody></table><h2>依据</h2><ol>{sources}</ol></body></html>\n")
