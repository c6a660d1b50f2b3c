"""The 公文 parser on the real sample reports: exact heading trees, inline points, run-in headings, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.library.manifest import read_manifest
from agent.library.loaders import Paragraph
from agent.library.structure import iter_sections, parse_report, render_outline

from .conftest import CORPUS, SAMPLE_SOURCES

TREES = Path(__file__).parent / "data" / "trees"


def _parse(source: str):
    text = (CORPUS / source).read_text(encoding="utf-8")
    return parse_report(text.split("\n"), fallback_title=Path(source).stem)


def _section(report, *titles: str):
    """The section at an exact heading path."""
    for path, section in iter_sections(report.root):
        if path == titles:
            return section
    raise AssertionError(f"no section at {titles}")


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_heading_tree_of_each_sample_report_is_exactly_the_reviewed_one(source: str) -> None:
    expected = (TREES / source).read_text(encoding="utf-8")
    report = _parse(source)
    assert f"# {report.title}\n{render_outline(report.root)}\n" == expected


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_inferred_title_year_type_and_unit_agree_with_the_manifest(source: str) -> None:
    manifest = read_manifest(CORPUS / "manifest.yaml")[source]
    report = _parse(source)
    assert (report.title, report.year, report.doc_type, report.unit) == (
        manifest["title"], manifest["year"], manifest["doc_type"], manifest["unit"])


def test_point_running_on_inside_a_paragraph_becomes_a_sibling_with_its_own_nested_points() -> None:
    report = _parse("000_b5634a4a4b3dd6c4.txt")
    base = ("一、领导班子目标任务完成情况及未完成目标任务的主客观分析", "（一）目标任务完成情况")
    points = [child.title for child in _section(report, *base).children]
    assert points == ["一是强化政治引领，狠抓责任落实", "二是加强作风建设，提升服务能力",
                      "三是聚焦主责主业，促进军民共建工作", "四是抓好项目建设，助推军地深度融合发展"]
    fourth = _section(report, *base, "四是抓好项目建设，助推军地深度融合发展")
    assert [child.title for child in fourth.children] == [
        "一是主动谋划、靠前对接", "二是积极与***投资促进中心进行军民融合业务对接协调",
        "三是完成科技体验馆、世界公园提升改造招投标程序"]
    third = _section(report, *base, "三是聚焦主责主业，促进军民共建工作")
    assert third.body[-1].endswith("为军地双拥共建工作注入新的动力。")


def test_run_in_headings_inside_a_numbered_paragraph_split_it_into_points() -> None:
    report = _parse("001_b1a17815476a7810.txt")
    section = _section(report, "一、2022年工作总结", "（三）切实加强党风廉政建设")
    assert [child.title for child in section.children] == ["抓廉政建设", "抓作风建设", "抓监督检查", "抓工作落实"]
    assert section.children[0].body[0].startswith("街道党工委运用监督执纪第一种形态")


def test_a_dash_led_paragraph_is_one_item_its_short_sentences_its_text() -> None:
    # the 2017 政府工作报告's review: seven ——lead paragraphs, the first with a 、 in its lead, others with short
    # summary sentences inside (高校毕业生就业创业人数再创新高。) that are no headings of their own
    path = Path(__file__).parents[1] / "evals" / "briefs" / "d08_state_council_gov_report_2017.txt"
    report = parse_report(path.read_text(encoding="utf-8").split("\n"), fallback_title=path.stem)
    review = _section(report, "一、2016年工作回顾")
    dashes = [child.title for child in review.children if child.title.startswith("——")]
    assert dashes == ["——经济运行缓中趋稳、稳中向好", "——就业增长超出预期", "——改革开放深入推进", "——经济结构加快调整",
                      "——发展新动能不断增强", "——基础设施支撑能力持续提升", "——人民生活继续改善"]
    jobs = _section(report, "一、2016年工作回顾", "——就业增长超出预期")
    assert jobs.children == [] and "高校毕业生就业创业人数再创新高。" in jobs.body[0]
    lines = ["一、主要工作", "——城市更新提速。全年改造老旧小区12个。背街小巷焕然一新。新增停车位300个。",
             "——全年新增就业1200人。", "——民生保障有力。"]
    dashed = parse_report(lines, fallback_title="某街道2023年工作总结")
    assert [child.title for child in _section(dashed, "一、主要工作").children] == ["——城市更新提速"]


def test_the_opening_before_the_first_chapter_is_text_but_a_report_without_chapters_keeps_its_run_ins() -> None:
    opening = ["某街道2023年工作总结", "同志们：", "本届班子履职已经一年。一年来，我们团结带领全街道干部群众……",
               "一、主要工作", "强化基层党建。全年发展党员12名。"]
    report = parse_report(opening)
    assert [child.title for child in report.root.children] == ["一、主要工作"]
    assert "本届班子履职已经一年。" in report.root.body[1]
    plain = parse_report(["某街道2023年工作总结", "强化基层党建。全年发展党员12名。", "优化营商环境。新增企业30家。"])
    assert [child.title for child in plain.root.children] == ["强化基层党建", "优化营商环境"]


def test_a_single_short_sentence_after_a_point_title_is_not_taken_for_a_heading() -> None:
    report = _parse("004_3a5482bd6e48631d.txt")
    point = _section(report, "四、2023年工作打算", "一是扛稳基层党建工作责任")
    assert point.children == []
    assert point.body[0].startswith("牢固树立党建“第一责任人”意识。")


def test_long_quoted_point_titles_are_shortened_but_the_text_is_kept_whole() -> None:
    report = _parse("004_3a5482bd6e48631d.txt")
    chapter = _section(report, "一、2021年度反馈问题整改落实情况")
    second = chapter.children[1]
    assert second.title == "二是针对“不实不细的现象依然存在…”的问题"
    assert second.body[0].startswith("针对“不实不细的现象依然存在，党建重点任务聚焦不够")
    assert chapter.body == ["2021年度存在共性问题*条、个性问题*条。"]


def test_half_width_markers_and_arabic_levels_nest_like_full_width_ones() -> None:
    paragraphs = ["某镇2024年工作要点", "一、抓好党建", "(一)组织建设", "1.发展党员。全年发展党员*名。",
                  "(1)严格程序。坚持标准。", "2、培训教育。开展培训。", "（二）廉政建设", "二、发展经济"]
    report = parse_report(paragraphs)
    assert report.title == "某镇2024年工作要点"
    assert report.year == 2024 and report.doc_type == "计划"
    assert render_outline(report.root) == "\n".join([
        "一、抓好党建", "  (一)组织建设", "    1.发展党员", "      (1)严格程序", "    2、培训教育",
        "  （二）廉政建设", "二、发展经济"])


def test_decimal_figures_and_years_at_paragraph_start_are_not_markers() -> None:
    report = parse_report(["2022年，街道坚持党建引领。", "1.5万人次参加了疫苗接种。"])
    assert report.root.children == []
    assert report.root.body == ["2022年，街道坚持党建引领。", "1.5万人次参加了疫苗接种。"]


def test_word_heading_styles_give_levels_when_there_is_no_marker() -> None:
    report = parse_report([Paragraph("总结"), Paragraph("党的建设", heading_level=1), Paragraph("加强学习。"),
                           Paragraph("经济发展", heading_level=1), Paragraph("招商引资。")])
    assert render_outline(report.root) == "党的建设\n经济发展"


def test_a_list_of_points_inside_one_paragraph_ends_with_it() -> None:
    """宁夏 2026: 十个突出亮点：一是…；二是…。 in one paragraph, then the review's own 一是… paragraphs: those are the
    chapter's sections, not points nested under the list's last item."""
    report = parse_report([
        "2026年某区政府工作报告",
        "一、2025年工作总结",
        "过去一年，全区取得一系列标志性成果。至少有三个突出亮点：一是经济增长速度居全国前列，质与量整体提升；二是西夏陵申遗成功，实现零的突破；"
        "三是包银高铁全线开通，宁夏人民更快进京。",
        "一是突出打好“六个攻坚战”，经济高质量发展跃上新台阶。内需拉动明显增强，全年投资增长5%。",
        "二是全面推进“五个振兴”，城乡融合发展迈出新步伐。特色产业提质增效。",
    ])
    chapter = _section(report, "一、2025年工作总结")
    starts = [child.title[:4] for child in chapter.children]
    assert starts[0] == "一是经济" and starts[-2:] == ["一是突出", "二是全面"]   # the sections sit beside the list
    assert not any(child.children for child in chapter.children[:-2])


@pytest.mark.parametrize(("dateline", "expected"), [
    ("——2013年3月5日在第十二届全国人民代表大会第一次会议上", "2013年国务院政府工作报告"),
    ("――2026年1月27日在青海省第十四届人民代表大会第四次会议上", "2026年青海省政府工作报告"),
    ("——２００９年３月５日在第十一届全国人民代表大会第二次会议上", "2009年国务院政府工作报告"),
])
def test_a_bare_government_report_title_takes_its_year_and_unit_from_the_dateline(dateline, expected) -> None:
    report = parse_report(["政府工作报告", dateline, "各位代表：", "一、过去一年工作回顾", "经济运行稳中有进。"])
    assert report.title == expected and report.year == int(expected[:4]) and report.doc_type == "政府工作报告"
    assert report.unit == expected[5:-6]   # 国务院, 青海省: what `reports` lists and compare's columns show


@pytest.mark.parametrize(("lines", "unit"), [
    (["2026年浙江省政府工作报告", "2026年1月14日在浙江省第十四届人民代表大会第四次会议上"], "浙江省"),   # no dash
    (["2017政府工作报告", "各位代表：", "现在，我代表国务院，向大会报告政府工作，请予审议。"], "国务院"),
    (["政府工作报告", "各位代表：", "现在，我代表四川省人民政府，向大会报告工作。"], "四川省"),
])
def test_a_government_report_without_a_dashed_dateline_still_names_its_body(lines, unit) -> None:
    report = parse_report([*lines, "一、过去一年工作回顾", "经济运行稳中有进。"])
    assert report.unit == unit and report.doc_type == "政府工作报告"


def test_a_title_that_names_its_report_is_left_as_written() -> None:
    report = parse_report(["2026年北京市政府工作报告", "——2026年1月在北京市第十六届人民代表大会第四次会议上",
                           "一、2025年工作回顾", "经济运行稳中有进。"])
    assert report.title == "2026年北京市政府工作报告" and report.unit == "北京市"


def test_the_unit_is_a_named_place_not_a_word_that_ends_like_one() -> None:
    from agent.library.structure import infer_unit

    assert infer_unit("清水镇2023年工作总结", "今年以来，全镇上下……") == "清水镇"
    assert infer_unit("2023年工作总结", "今年以来，各乡镇认真落实，累计新增城镇就业2万人。") is None
    assert infer_unit("中共中央 国务院关于实施乡村振兴战略的意见", "新时代实施乡村振兴战略……") is None
    gov = parse_report(["政府工作报告", "——2013年3月5日在第十二届全国人民代表大会第一次会议上", "各位代表：",
                        "一、过去五年工作回顾", "累计新增城镇就业5870万人。"])
    assert gov.unit == "国务院" and gov.title == "2013年国务院政府工作报告"


def test_a_policy_document_is_titled_by_its_title_line_and_is_reference_material() -> None:
    from agent.library.structure import is_reference_type

    report = parse_report(["中共中央 国务院关于实施乡村振兴战略的意见", "（2018年1月2日）",
                           "实施乡村振兴战略，是党的十九大作出的重大决策部署。", "一、新时代实施乡村振兴战略的重大意义",
                           "党的十八大以来，农业农村发展取得历史性成就。"])
    assert report.title == "中共中央 国务院关于实施乡村振兴战略的意见"   # not its first heading
    assert report.doc_type == "文件" and is_reference_type(report.doc_type, report.title)
    assert [child.title for child in report.root.children] == ["一、新时代实施乡村振兴战略的重大意义"]
