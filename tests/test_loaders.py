"""Loading real report files: every encoding a 街道办 PC produces, Word numbering and headings,
PDF text layers, and the one-line errors a user sees for files that cannot be read."""

from __future__ import annotations

import errno
import os
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from agent.errors import LoadError, UserError
from agent.library.loaders import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    LoadedDocument,
    Paragraph,
    decode_text,
    load_document,
)

CORPUS = Path(__file__).parents[1] / "corpus"
REPORTS = sorted(CORPUS.glob("*.txt"))
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _report_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _gbk_encodable(path: Path) -> bool:
    try:
        _report_text(path).encode("gbk")
    except UnicodeEncodeError:  # e.g. a stray NBSP or "•" that only GB18030 can hold
        return False
    return True


GBK_REPORTS = [path for path in REPORTS if _gbk_encodable(path)]


def test_corpus_is_present() -> None:
    assert len(REPORTS) >= 5
    assert len(GBK_REPORTS) >= 3


# --------------------------------------------------------------------------------------------------
# Text encodings


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.stem)
@pytest.mark.parametrize(
    ("codec", "expected_encoding"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),  # BOM-less: recognised by where the NUL bytes sit
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_real_report_in_any_encoding_loads_exactly(
    tmp_path: Path, report: Path, codec: str, expected_encoding: str
) -> None:
    original = _report_text(report)
    path = tmp_path / report.name
    path.write_bytes(original.encode(codec))

    document = load_document(path)

    assert document.encoding == expected_encoding
    assert document.format == "txt"
    assert document.text == "\n".join(line.strip() for line in original.splitlines() if line.strip())
    assert decode_text(original.encode(codec)) == (original, expected_encoding)


@pytest.mark.parametrize("report", GBK_REPORTS, ids=lambda path: path.stem)
def test_gbk_report_is_decoded_as_chinese_not_a_latin_codec(report: Path) -> None:
    original = _report_text(report)

    text, encoding = decode_text(original.encode("gbk"))

    assert encoding == "gb18030"  # GBK is a subset; the text is what matters
    assert text == original


def test_report_with_characters_outside_gbk_still_round_trips_through_gb18030() -> None:
    outside_gbk = [path for path in REPORTS if path not in GBK_REPORTS]
    for report in outside_gbk:
        original = _report_text(report)
        assert decode_text(original.encode("gb18030")) == (original, "gb18030")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "gbk"])
def test_short_pure_hanzi_line_without_ascii_is_recognised(codec: str) -> None:
    line = "强化政治引领狠抓责任落实始终把围绕中心抓党建抓好党建促发展作为党建工作的出发点和落脚点"

    text, _ = decode_text(line.encode(codec))

    assert text == line


def test_windows_and_old_mac_newlines_become_unix_newlines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("一、主要工作\r\n（一）党建引领\r一是加强学习。\r\n".encode("gbk"))

    document = load_document(path)

    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts == ["一、主要工作", "（一）党建引领", "一是加强学习。"]
    assert "\r" not in document.text


def test_full_width_indent_is_stripped_from_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "indent.txt"
    indented = "\u3000\u3000今年以来，街道党工委坚持党建引领。\n\n\u3000\u3000下一步，我们将继续努力。\n"
    path.write_text(indented, encoding="utf-8")

    assert load_document(path).paragraphs == [
        Paragraph("今年以来，街道党工委坚持党建引领。"),
        Paragraph("下一步，我们将继续努力。"),
    ]


def test_markdown_headings_become_heading_levels_and_masked_figures_survive(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    markdown = "# 2022年工作总结\n\n## 一、主要工作\n\n签订承诺书**份，整改完成*项。\n\n### （一）党建 ###\n"
    path.write_text(markdown, encoding="utf-8")

    document = load_document(path)

    assert document.format == "md"
    assert document.paragraphs == [
        Paragraph("2022年工作总结", heading_level=1),
        Paragraph("一、主要工作", heading_level=2),
        Paragraph("签订承诺书**份，整改完成*项。"),
        Paragraph("（一）党建", heading_level=3),
    ]


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "REPORT.TXT"
    path.write_bytes("工作总结".encode("gb18030"))

    assert load_document(path).text == "工作总结"


# --------------------------------------------------------------------------------------------------
# .docx


def _add_numbering(
    document,
    levels: list[tuple[str, str]],
    abstract_id: int = 90,
    num_id: int = 90,
    start_override: int | None = None,
) -> str:
    """Add an abstractNum with (numFmt, lvlText) per level and a num pointing at it; return the numId."""
    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for ilvl, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
    )
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
        if start_override is not None
        else ""
    )
    num = parse_xml(
        f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is None:  # schema order: every abstractNum before the first num
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    numbering.append(num)
    return str(num_id)


def _number(paragraph_or_style, num_id: str, ilvl: int) -> None:
    """Give a paragraph (or a paragraph style) automatic numbering at level `ilvl` of list `num_id`."""
    element = getattr(paragraph_or_style, "_p", None)
    p_pr = (element if element is not None else paragraph_or_style.element).get_or_add_pPr()
    num_pr = f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    p_pr.append(parse_xml(num_pr))


def _saved_and_loaded(document, path: Path):
    """Save a python-docx document to `path` and read it back with the loader."""
    document.save(str(path))
    return load_document(path)


def _gongwen_docx(path: Path) -> None:
    """A 公文-style report: Word heading styles carrying automatic numbering, plus a table."""
    document = docx.Document()
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    num_id = _add_numbering(document, levels)
    document.add_paragraph("***街道办2022年工作总结", style="Title")
    _number(document.add_paragraph("主要工作完成情况", style="Heading 1"), num_id, 0)
    _number(document.add_paragraph("强化政治引领", style="Heading 2"), num_id, 1)
    document.add_paragraph("始终把围绕中心抓党建作为出发点和落脚点。")
    _number(document.add_paragraph("签订承诺书**份。"), num_id, 2)
    _number(document.add_paragraph("整改完成*项。"), num_id, 2)
    _number(document.add_paragraph("加强作风建设", style="Heading 2"), num_id, 1)
    _number(document.add_paragraph("查摆问题**条。"), num_id, 2)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("指标", "完成"), ("招商引资", "*亿元")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    _number(document.add_paragraph("存在问题", style="Heading 1"), num_id, 0)
    _number(document.add_paragraph("短板弱项", style="Heading 2"), num_id, 1)
    chinese_style = document.styles.add_style("标题 3", WD_STYLE_TYPE.PARAGRAPH)
    chinese_style.font.size = Pt(16)
    document.add_paragraph("下一步打算", style=chinese_style)
    outlined = document.add_paragraph("大纲级别段落")
    outlined._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl xmlns:w="{W_NS}" w:val="1"/>'))
    document.save(str(path))


def test_docx_renders_word_numbering_labels_and_heading_levels(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _gongwen_docx(path)

    document = load_document(path)

    assert document.format == "docx"
    assert document.encoding is None
    assert document.paragraphs == [
        Paragraph("***街道办2022年工作总结"),
        Paragraph("一、主要工作完成情况", heading_level=1),
        Paragraph("（一）强化政治引领", heading_level=2),
        Paragraph("始终把围绕中心抓党建作为出发点和落脚点。"),
        Paragraph("1.签订承诺书**份。", list_level=2),   # a list item at the list's third level
        Paragraph("2.整改完成*项。", list_level=2),
        Paragraph("（二）加强作风建设", heading_level=2),
        Paragraph("1.查摆问题**条。", list_level=2),  # the deeper level restarts under a new （二）
        Paragraph("指标：完成", table_row=True),   # a two-cell row reads 名称：值
        Paragraph("招商引资：*亿元", table_row=True),
        Paragraph("二、存在问题", heading_level=1),
        Paragraph("（一）短板弱项", heading_level=2),
        Paragraph("下一步打算", heading_level=3),
        Paragraph("大纲级别段落", heading_level=2),
    ]


def test_docx_counts_past_ten_in_chinese_and_honours_start_override(tmp_path: Path) -> None:
    document = docx.Document()
    counting = _add_numbering(document, [("chineseCounting", "%1、")], abstract_id=91, num_id=91)
    restarted = _add_numbering(document, [("decimalEnclosedCircle", "%1")], 92, 92, start_override=3)
    for index in range(12):
        _number(document.add_paragraph(f"第{index}项"), counting, 0)
    _number(document.add_paragraph("圈号"), restarted, 0)
    loaded = _saved_and_loaded(document, tmp_path / "long.docx")

    labels = [paragraph.text.split("第")[0] for paragraph in loaded.paragraphs]

    assert labels[8:12] == ["九、", "十、", "十一、", "十二、"]
    assert loaded.paragraphs[-1].text == "③圈号"


def test_docx_multilevel_decimal_label_and_letters(tmp_path: Path) -> None:
    document = docx.Document()
    levels = [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "%3)")]
    num_id = _add_numbering(document, levels, 93, 93)
    for text, ilvl in [("总体", 0), ("党建", 1), ("学习", 2), ("组织", 2), ("经济", 1)]:
        _number(document.add_paragraph(text), num_id, ilvl)
    texts = [paragraph.text for paragraph in _saved_and_loaded(document, tmp_path / "multi.docx").paragraphs]

    assert texts == ["1.总体", "1.1党建", "a)学习", "b)组织", "1.2经济"]


def test_docx_numbering_attached_to_heading_styles_is_rendered(tmp_path: Path) -> None:
    """The usual Word setup: a multilevel list linked to 标题 1/标题 2, no numbering on the paragraphs."""
    document = docx.Document()
    num_id = _add_numbering(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")], 94, 94)
    for style_name, ilvl in [("Heading 1", 0), ("Heading 2", 1)]:
        _number(document.styles[style_name], num_id, ilvl)
    headings = [("主要工作", "Heading 1"), ("党建", "Heading 2"), ("经济", "Heading 2"), ("问题", "Heading 1")]
    for text, style_name in headings:
        document.add_paragraph(text, style=style_name)
    assert _saved_and_loaded(document, tmp_path / "styled.docx").paragraphs == [
        Paragraph("一、主要工作", heading_level=1),
        Paragraph("（一）党建", heading_level=2),
        Paragraph("（二）经济", heading_level=2),
        Paragraph("二、问题", heading_level=1),
    ]


def test_docx_text_is_read_with_tracked_changes_accepted(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("全年组织学习")
    changes = (
        f'<w:ins xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r><w:t>**次</w:t></w:r></w:ins>'
        f'<w:del xmlns:w="{W_NS}" w:id="2" w:author="a"><w:r><w:delText>若干次</w:delText></w:r></w:del>'
    )
    for change in parse_xml(f'<w:root xmlns:w="{W_NS}">{changes}</w:root>'):
        paragraph._p.append(change)
    assert _saved_and_loaded(document, tmp_path / "tracked.docx").text == "全年组织学习**次"


def test_truncated_docx_is_reported_as_damaged(tmp_path: Path) -> None:
    whole = tmp_path / "whole.docx"
    _gongwen_docx(whole)
    data = whole.read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(LoadError, match="^docx 文件已损坏或不完整：cut.docx$"):
        load_document(path)


def test_docx_with_a_broken_member_is_reported_as_damaged(tmp_path: Path) -> None:
    whole = tmp_path / "whole.docx"
    _gongwen_docx(whole)
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:100] if item.filename == "word/document.xml" else data)

    with pytest.raises(LoadError, match="docx 文件已损坏或不完整：broken.docx"):
        load_document(path)


def test_text_file_named_docx_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("这不是 Word 文件", encoding="utf-8")

    with pytest.raises(LoadError, match="docx 文件已损坏或不完整：fake.docx"):
        load_document(path)


def test_old_word_doc_renamed_to_docx_says_to_save_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))

    with pytest.raises(LoadError, match="另存为 .docx"):
        load_document(path)


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))

    with pytest.raises(LoadError, match="^文件为空：blank.docx$"):
        load_document(path)


# --------------------------------------------------------------------------------------------------
# .pdf

FONT = "STSong-Light"  # Adobe's built-in CID font: needs no font file, and pypdf maps it back to Unicode
LINE_CHARS = 30


def _wrap(text: str) -> list[str]:
    """Cut a paragraph into full-width lines the way a PDF lays it out, never right after 。 or ："""
    lines = []
    while text:
        width = LINE_CHARS
        while width > 1 and len(text) > width and text[width - 1] in "。！？：；":
            width -= 1
        lines.append(text[:width])
        text = text[width:]
    return lines


def _write_pdf(path: Path, pages: list[list[str]]) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        pdf.setFont(FONT, 12)
        for row, line in enumerate(lines):
            pdf.drawString(60, 780 - row * 18, line)
        pdf.drawCentredString(297, 40, f"— {number} —")  # 公文 page number
        pdf.showPage()
    pdf.save()


def _first_report_sections() -> list[str]:
    """Title-like heading lines and the first long paragraph of a real report."""
    lines = [line for line in _report_text(REPORTS[0]).splitlines() if line.strip()]
    return lines[1:4]


def test_pdf_text_layer_is_reflowed_into_the_original_paragraphs(tmp_path: Path) -> None:
    heading, subheading, body = _first_report_sections()
    body_lines = _wrap(body)
    split = len(body_lines) // 2
    path = tmp_path / "report.pdf"
    _write_pdf(path, [[heading, subheading, *body_lines[:split]], body_lines[split:]])
    assert "领导班子" in PdfReader(path).pages[0].extract_text()  # pypdf reads STSong-Light back as Unicode

    document = load_document(path)

    assert document.format == "pdf"
    assert document.encoding is None
    assert [paragraph.text for paragraph in document.paragraphs] == [heading, subheading, body]


def test_pdf_lines_starting_like_headings_start_new_paragraphs(tmp_path: Path) -> None:
    lines = [
        "一、主要工作",
        "（一）党建引领",
        "一是加强理论学习，全年组织集中学习**次，",
        "覆盖党员干部***人次",
        "二是狠抓作风建设，开展专项整治行动，查摆问",
        "题**条",
        "(二)平安建设",
        "1.安全生产检查*次",
        "（1）排查隐患**处",
    ]
    path = tmp_path / "outline.pdf"
    _write_pdf(path, [lines])

    texts = [paragraph.text for paragraph in load_document(path).paragraphs]

    assert texts == [
        "一、主要工作",
        "（一）党建引领",
        "一是加强理论学习，全年组织集中学习**次，覆盖党员干部***人次",
        "二是狠抓作风建设，开展专项整治行动，查摆问题**条",
        "(二)平安建设",
        "1.安全生产检查*次",
        "（1）排查隐患**处",
    ]


def test_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()

    with pytest.raises(LoadError, match=r"^PDF 没有文字层（可能是扫描件，需要先做文字识别 OCR）：scan.pdf$"):
        load_document(path)


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    _write_pdf(plain, [["一、主要工作"]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(str(path))

    with pytest.raises(LoadError, match="^PDF 已加密（需要密码），无法读取：locked.pdf$"):
        load_document(path)


def test_pdf_with_only_an_owner_password_still_loads(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    _write_pdf(plain, [["一、主要工作"]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    writer.write(str(path))

    assert load_document(path).text == "一、主要工作"


def test_pdf_text_layer_artefacts_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "artefacts.pdf"
    # Word-exported PDFs often map 一/工 to Kangxi radicals ⼀/⼯, and justified lines gain spaces between hanzi
    _write_pdf(path, [["⼀、主要⼯作", "一 是 加 强 学 习 ， 全 年 组 织 集 中 学 习 。"]])

    texts = [paragraph.text for paragraph in load_document(path).paragraphs]

    assert texts == ["一、主要工作", "一是加强学习，全年组织集中学习。"]


@pytest.mark.parametrize("kind", ["garbage after header", "not a pdf", "cut in half"])
def test_corrupt_pdf_is_reported_as_damaged(tmp_path: Path, kind: str) -> None:
    whole = tmp_path / "whole.pdf"
    _write_pdf(whole, [["一、主要工作", "（一）党建引领"]] * 3)
    content = {
        "garbage after header": b"%PDF-1.7\n" + bytes(range(256)) * 4,
        "not a pdf": b"not a pdf at all",
        "cut in half": whole.read_bytes()[: whole.stat().st_size // 2],
    }[kind]
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)

    with pytest.raises(LoadError, match="^PDF 文件已损坏或不完整：broken.pdf$"):
        load_document(path)


# --------------------------------------------------------------------------------------------------
# Errors a user sees


def _load_error(path: Path, **kwargs) -> str:
    with pytest.raises(LoadError) as caught:
        load_document(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "Error(" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_zero_byte_file_is_empty(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")

    assert _load_error(path) == f"文件为空：empty{suffix}"


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "gb18030"])
def test_whitespace_only_file_is_empty(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(" \n\t\r\n\u3000\u3000\n".encode(codec))

    assert _load_error(path) == "文件为空：blank.txt"


def test_binary_file_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(4096))

    assert _load_error(path) == "无法识别文件编码（可能是二进制文件）：image.txt"


def test_random_bytes_named_md_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.md"
    path.write_bytes(random.Random(11).randbytes(8192))

    assert _load_error(path) == "无法识别文件编码（可能是二进制文件）：noise.md"


def test_decode_text_refuses_binary_with_load_error() -> None:
    with pytest.raises(LoadError, match="二进制"):
        decode_text(bytes(range(256)) * 8)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("工作总结" * 100, encoding="utf-8")

    assert _load_error(path, max_bytes=1024) == "文件过大（1.2 KB，上限 1 KB）：big.txt"


def test_default_limit_is_twenty_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(DEFAULT_MAX_BYTES + 5 * 1024 * 1024 + 300 * 1024)  # sparse: nothing is written

    assert _load_error(path) == "文件过大（25.3 MB，上限 20 MB）：huge.txt"


def test_unsupported_suffix_lists_what_is_supported(tmp_path: Path) -> None:
    path = tmp_path / "a.xls"
    path.write_bytes(b"whatever")

    assert _load_error(path) == "不支持的文件类型 .xls（支持 .txt .md .docx .pdf）：a.xls"


def test_missing_file_is_named(tmp_path: Path) -> None:
    assert _load_error(tmp_path / "gone.txt") == "文件不存在：gone.txt"


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "reports.txt"
    folder.mkdir()

    assert _load_error(folder) == "这是一个文件夹，不是文件：reports.txt"


def test_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("内部资料", encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: mode bits do not stop us, so the OS refusal is simulated
        def refuse(self: Path, *args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))

        monkeypatch.setattr(Path, "open", refuse)

    assert _load_error(path) == "没有权限读取文件：secret.txt"


def test_load_error_is_a_user_error() -> None:
    assert issubclass(LoadError, UserError)


def test_loaded_document_text_joins_paragraphs() -> None:
    document = LoadedDocument(Path("x.txt"), "txt", "utf-8", [Paragraph("一、总体", 1), Paragraph("正文。")])

    assert document.text == "一、总体\n正文。"
