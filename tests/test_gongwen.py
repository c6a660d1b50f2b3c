"""公文-style docx export (GB/T 9704): what Word reads from the XML, and what the page looks like rendered.

The XML tests check the names and sizes Word will use (the official fonts are on users' machines, not here).
The render tests convert real docx files with LibreOffice and measure the PDF: A4, the text block's position,
22 lines of 28 characters, CJK fonts rather than tofu. A PNG of the sample's first page is left in
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn

from agent.text.gongwen import markdown_to_docx
from tests import rendering

ARTIFACTS = Path(__file__).parent / "artifacts"
MM = 72 / 25.4                       # points per millimetre
A4_POINTS = (595.3, 841.9)
TOP, LEFT, RIGHT, BOTTOM = 37 * MM, 28 * MM, (210 - 26) * MM, (297 - 35) * MM   # the text block's edges
LINE_PITCH = 225 * MM / 22           # 28.95 pt
INDENT = 2 * 16                      # two 三号 characters, in points

SAMPLE = """\
# 某某街道2023年党风廉政建设工作总结

> 【初稿】本稿依据往年总结生成，〔待补〕处请核实后补全。

## 一、主要工作成效

### （一）压紧压实主体责任

**强化组织领导。**街道党工委始终坚持以习近平新时代中国特色社会主义思想为指导，全年召开党风廉政建设专题会议〔待补〕次，
研究部署“一岗双责”落实工作，签订责任书**份。

**深化廉政教育。**组织党员干部赴廉政教育基地开展警示教育〔待补〕场次，推动`三会一课`制度落地见效。

**一是加强日常监督。**聚焦“四风”问题开展明察暗访，投资*.**亿元的重点项目全程纳入监督。

坚持把纪律和规矩挺在前面，持续深化运用监督执纪“四种形态”，推动全面从严治党向基层延伸。

---

附：依据表

| 序号 | 事项 | 依据 |
|---|---|---|
| 1 | 专题会议 | 〔待补〕 |
| 2 | 警示教育 | 2022年总结·二、（一） |
"""

SENTENCES = [
    "街道党工委始终坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神",
    "认真落实全面从严治党主体责任，扎实推进党风廉政建设和反腐败工作",
    "聚焦群众急难愁盼问题，持续开展老旧小区改造和背街小巷环境整治",
    "健全网格化服务管理机制，推动矛盾纠纷就地化解、问题隐患及时排除",
    "坚持把招商引资作为经济工作的生命线，主动对接重点企业和重大项目",
    "深化党建引领基层治理，推动机关干部下沉社区、党员志愿者常态服务",
    "强化安全生产隐患排查整治，压实行业监管责任和企业主体责任",
    "扎实做好就业帮扶和困难群众救助工作，兜牢兜实基本民生底线",
]


def _long_body() -> str:
    """Forty paragraphs of plausible report prose, each three or four sentences (four to six lines)."""
    paragraphs = []
    for number in range(40):
        count = 3 + number % 2
        chosen = [SENTENCES[(number + step * 3) % len(SENTENCES)] for step in range(count)]
        paragraphs.append("，".join(chosen) + "。")
    return "\n\n".join(paragraphs)


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gongwen") / "gongwen-sample.docx"
    markdown_to_docx(SAMPLE, path)
    return path


@pytest.fixture(scope="module")
def sample(sample_docx: Path) -> docx.document.Document:
    return docx.Document(str(sample_docx))


def _paragraph(document: docx.document.Document, start: str):
    return next(paragraph for paragraph in document.paragraphs if paragraph.text.startswith(start))


def _east_asian_font(run) -> str | None:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def _all_runs(document: docx.document.Document):
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs = [*document.paragraphs, *(p for cell in cells for p in cell.paragraphs),
                  *document.sections[0].footer.paragraphs]
    return [run for paragraph in paragraphs for run in paragraph._p.iter(qn("w:r"))]


# ---- the docx as Word reads it -----------------------------------------------------------------------------

def test_page_is_a4_with_the_standard_margins(sample: docx.document.Document) -> None:
    section = sample.sections[0]
    measured = [section.page_width.mm, section.page_height.mm, section.top_margin.mm, section.left_margin.mm,
                section.bottom_margin.mm, section.right_margin.mm]
    assert measured == pytest.approx([210, 297, 37, 28, 35, 26], abs=0.5)


def test_document_grid_is_22_lines_of_28_characters(sample: docx.document.Document) -> None:
    grid = sample.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) / 20 == pytest.approx(LINE_PITCH, abs=0.1)
    char_pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096     # relative to the 16 pt default size
    text_width = 156 * MM
    assert 28 * char_pitch <= text_width < 29 * char_pitch


@pytest.mark.parametrize(("start", "font", "size"), [
    ("某某街道2023年", "方正小标宋简体", 22),
    ("一、主要工作成效", "黑体", 16),
    ("（一）压紧压实", "楷体_GB2312", 16),
    ("坚持把纪律", "仿宋_GB2312", 16),
    ("【初稿】", "仿宋_GB2312", 14),
])
def test_each_level_names_its_chinese_font_and_size(sample, start: str, font: str, size: int) -> None:
    runs = _paragraph(sample, start).runs
    assert runs
    assert {(_east_asian_font(run), run.font.size.pt) for run in runs} == {(font, size)}


def test_every_run_names_east_asian_and_latin_fonts(sample: docx.document.Document) -> None:
    runs = _all_runs(sample)
    assert len(runs) > 20
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), run.xml
        assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:hAnsi"))) == ("Times New Roman", "Times New Roman")


@pytest.mark.parametrize(("style", "font", "size"), [
    ("Normal", "仿宋_GB2312", 16), ("Title", "方正小标宋简体", 22), ("Heading 1", "黑体", 16),
    ("Heading 2", "楷体_GB2312", 16),
])
def test_styles_name_the_chinese_fonts_in_chinese(sample, style: str, font: str, size: int) -> None:
    properties = sample.styles[style].element.find(qn("w:rPr"))
    assert properties.find(qn("w:rFonts")).get(qn("w:eastAsia")) == font
    assert int(properties.find(qn("w:sz")).get(qn("w:val"))) == 2 * size
    assert properties.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert sample.styles[style].font.bold is not True


def test_title_is_centred_with_a_blank_line_under_it(sample: docx.document.Document) -> None:
    paragraphs = sample.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraphs[1].text == ""
    assert paragraphs[2].text.startswith("【初稿】")


def test_body_paragraphs_indent_two_characters_justified_on_exact_lines(sample) -> None:
    body = _paragraph(sample, "坚持把纪律")
    layout = body.paragraph_format
    assert layout.first_line_indent.pt == INDENT
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert layout.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert layout.line_spacing.pt == pytest.approx(LINE_PITCH, abs=0.1)
    for heading in ("一、主要工作成效", "（一）压紧压实"):
        assert _paragraph(sample, heading).paragraph_format.first_line_indent.pt == INDENT


def test_lead_phrase_is_bold_and_markup_does_not_show(sample: docx.document.Document) -> None:
    paragraph = _paragraph(sample, "强化组织领导")
    assert [run.text for run in paragraph.runs if run.bold] == ["强化组织领导。"]
    assert paragraph.runs[0].bold and _east_asian_font(paragraph.runs[0]) == "仿宋_GB2312"
    text = "\n".join(paragraph.text for paragraph in sample.paragraphs)
    assert "三会一课制度" in text and "`" not in text
    assert "**强化" not in text and "。**" not in text
    assert "研究部署" in paragraph.text and "\n" not in paragraph.text and " " not in paragraph.text


def test_masked_figures_stay_as_written(sample: docx.document.Document) -> None:
    assert _paragraph(sample, "强化组织领导").text.endswith("签订责任书**份。")
    assert "投资*.**亿元" in _paragraph(sample, "一是加强日常监督").text


def test_placeholders_are_highlighted_yellow(sample: docx.document.Document) -> None:
    runs = [run for run in _all_runs(sample) if "〔待补〕" in "".join(run.itertext())]
    assert len(runs) == 4   # note, two body paragraphs, one table cell
    for run in runs:
        assert run.find(qn("w:rPr")).find(qn("w:highlight")).get(qn("w:val")) == "yellow"
    others = [run for run in _all_runs(sample) if run not in runs]
    assert all(run.find(qn("w:rPr")).find(qn("w:highlight")) is None for run in others)
    assert docx.text.run.Run(runs[1], None).font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_note_is_small_and_gray(sample: docx.document.Document) -> None:
    run = _paragraph(sample, "【初稿】").runs[0]
    assert run.font.size.pt == 14
    assert str(run.font.color.rgb) == "808080"


def test_table_has_borders_a_bold_header_and_the_body_font(sample: docx.document.Document) -> None:
    [table] = sample.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["序号", "事项", "依据"], ["1", "专题会议", "〔待补〕"], ["2", "警示教育", "2022年总结·二、（一）"]]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {border.get(qn("w:val")) for border in borders} == {"single"}
    assert len(borders) == 6
    header_runs = [run for cell in table.rows[0].cells for run in cell.paragraphs[0].runs]
    assert all(run.bold for run in header_runs)
    body_runs = [run for cell in table.rows[1].cells for run in cell.paragraphs[0].runs]
    assert not any(run.bold for run in body_runs)
    assert {(_east_asian_font(run), run.font.size.pt) for run in header_runs + body_runs} == {("仿宋_GB2312", 14)}
    assert _paragraph(sample, "附：依据表")


def test_footer_shows_the_page_number_between_dashes(sample: docx.document.Document) -> None:
    [footer] = sample.sections[0].footer.paragraphs
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "".join(node.text for node in footer._p.iter(qn("w:t"))) == "— 1 —"
    assert [node.text.strip() for node in footer._p.iter(qn("w:instrText"))] == ["PAGE"]
    runs = list(footer._p.iter(qn("w:r")))
    assert {docx.text.run.Run(run, None).font.size.pt for run in runs} == {14}


@pytest.mark.parametrize(("markdown", "bold", "text"), [
    ("**强化组织领导。**全年开展**次活动", ["强化组织领导。"], "强化组织领导。全年开展**次活动"),
    ("共有**个社区，**个小区完成改造，投资**万元", [], "共有**个社区，**个小区完成改造，投资**万元"),
    ("**一是开展**次活动。**其余", ["一是开展**次活动。"], "一是开展**次活动。其余"),
    ("投资*.**亿元，****年完成，***街道办", [], "投资*.**亿元，****年完成，***街道办"),
    (r"转义\*\*不是粗体\*\*", [], "转义**不是粗体**"),
    ("[链接文字](http://example.org) 与 `代码`", [], "链接文字 与 代码"),
])
def test_bold_markers_never_eat_masked_figures(tmp_path: Path, markdown: str, bold: list[str], text: str) -> None:
    path = tmp_path / "inline.docx"
    markdown_to_docx(markdown, path)
    [paragraph] = docx.Document(str(path)).paragraphs
    assert paragraph.text == text
    assert [run.text for run in paragraph.runs if run.bold] == bold


def test_wrapped_lines_join_and_list_items_become_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "blocks.docx"
    markdown_to_docx("第一行\n第二行\nword\nwrap\n\n- 条目一\n- 条目二\n\n---\n\n> 注一\n> 注二", path)
    assert [paragraph.text for paragraph in docx.Document(str(path)).paragraphs] == [
        "第一行第二行word wrap", "条目一", "条目二", "注一注二"]


# ---- the rendered page ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(sample_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample and a long body-only document as PDFs, from one LibreOffice run."""
    rendering.require_render_tools()
    directory = sample_docx.parent
    long_docx = directory / "long.docx"
    markdown_to_docx(_long_body(), long_docx)
    sample_pdf, long_pdf = rendering.render_pdfs([sample_docx, long_docx], directory / "pdf")
    return {"sample": sample_pdf, "long": long_pdf}


def _body_lines(pdf: Path, page: int = 1) -> list[rendering.TextLine]:
    """The text lines inside the text block (the footer's page number excluded)."""
    return [line for line in rendering.text_lines(pdf, page) if line.y_max < BOTTOM + 1]


def _hangs(line: rendering.TextLine) -> bool:
    """Whether the line ends in punctuation hanging past the text block's right edge (allowed, as in Word)."""
    return line.x_max > RIGHT + 2 and line.text.rstrip()[-1] in "，。、；：！？”）"


def _characters(line: rendering.TextLine) -> int:
    """Characters on the line, not counting hanging punctuation."""
    return len(re.sub(r"\s", "", line.text)) - _hangs(line)


@pytest.mark.slow
def test_sample_renders_as_one_a4_page_with_a_png_for_review(rendered: dict[str, Path]) -> None:
    pdf = rendered["sample"]
    assert rendering.page_count(pdf) == 1
    assert rendering.page_size(pdf) == pytest.approx(A4_POINTS, abs=1)
    png = rendering.render_png(pdf, ARTIFACTS)
    assert png.exists() and png.stat().st_size > 10_000
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_text_sits_in_the_standard_text_block(rendered: dict[str, Path]) -> None:
    lines = _body_lines(rendered["long"])
    first_lines = [line for line in lines if line.x_min > LEFT + INDENT / 2]
    other_lines = [line for line in lines if line.x_min <= LEFT + INDENT / 2]
    assert first_lines and other_lines
    assert all(abs(line.x_min - LEFT) < 1.5 for line in other_lines)                # 28 mm from the left edge
    assert all(abs(line.x_min - LEFT - INDENT) < 1.5 for line in first_lines)       # plus two characters
    assert all(line.x_max <= RIGHT + 1 for line in lines if not _hangs(line))         # 26 mm from the right
    assert TOP - 1 <= lines[0].y_min and lines[0].y_max <= TOP + LINE_PITCH + 1    # first line just under 37 mm
    assert lines[-1].y_max <= BOTTOM + 1                                            # last line above 35 mm
    pitches = [below.y_min - above.y_min for above, below in itertools.pairwise(lines)]
    assert pitches == pytest.approx([LINE_PITCH] * len(pitches), abs=0.2)


@pytest.mark.slow
def test_a_full_page_holds_22_lines_of_28_characters(rendered: dict[str, Path]) -> None:
    pdf = rendered["long"]
    assert rendering.page_count(pdf) > 1
    lines = _body_lines(pdf)
    assert len(lines) == 22
    full = [line for line in lines if line.x_min <= LEFT + 1 and line.x_max >= RIGHT - 2]
    opening = [line for line in lines if line.x_min > LEFT + INDENT / 2 and line.x_max >= RIGHT - 2]
    assert len(full) >= 10 and opening
    assert {_characters(line) for line in full} == {28}
    assert {_characters(line) for line in opening} == {26}


@pytest.mark.slow
def test_render_uses_cjk_faces_not_tofu(rendered: dict[str, Path]) -> None:
    fonts = rendering.pdf_fonts(rendered["sample"])
    assert any("SerifCJK" in font for font in fonts), fonts        # 仿宋, 楷体, 宋体 and 小标宋 substitutes
    assert any("SansCJK" in font for font in fonts), fonts         # 黑体 substitute
    assert all(re.search(r"CJK|UKai|Liberation", font) for font in fonts), fonts
    text = " ".join(line.text for line in rendering.text_lines(rendered["sample"]))
    assert "党风廉政建设工作总结" in text and "〔待补〕" in text
