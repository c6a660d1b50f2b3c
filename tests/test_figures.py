"""The figure guard: what a figure is, what is not, and that no invented number survives it on real report text."""

from __future__ import annotations

import re

import pytest

from agent.text.chinese import split_sentences
from agent.text.figures import (
    PLACEHOLDER,
    Figure,
    excluded_spans,
    find_figures,
    guard_figures,
    known_values,
    load_fixed_expressions,
)

from .conftest import CORPUS, SAMPLE_SOURCES

CORPUS_TEXTS = {source: (CORPUS / source).read_text(encoding="utf-8") for source in SAMPLE_SOURCES}
CORPUS_SENTENCES = [sentence for text in CORPUS_TEXTS.values() for sentence in split_sentences(text)]
DIGIT_RUN = re.compile(r"\d+")   # \d includes full-width digits
MASK_RUN = re.compile(r"[*＊]+")


def _texts(text: str) -> list[str]:
    return [figure.text for figure in find_figures(text)]


def _values(text: str) -> list[tuple[float, ...]]:
    return [figure.values for figure in find_figures(text)]


def _guard(answer: str, *evidence: str) -> str:
    return guard_figures(answer, list(evidence)).text


# --- the guard on realistic sentences ---------------------------------------------------------------------------


def test_invented_figures_become_placeholders_keeping_their_units() -> None:
    evidence = "组织观看警示教育片**次，开展廉政谈话**人次。"
    answer = "全年开展警示教育12次，投入资金3.5万元，群众满意度达98.5%，建成三个示范点。"
    result = guard_figures(answer, [evidence])
    assert result.text == "全年开展警示教育〔待补〕次，投入资金〔待补〕万元，群众满意度达〔待补〕%，建成〔待补〕个示范点。"
    assert result.replaced == ["12次", "3.5万元", "98.5%", "三个"]
    assert result.masked == []


def test_figures_found_in_the_evidence_are_kept() -> None:
    evidence = "完成177户困难家庭资格审查，组织居民疫苗三针接种总计31万人次，落实率100%。"
    answer = "审查177户困难家庭，疫苗接种31万人次，落实率达100%，接种三针。"
    assert _guard(answer, evidence) == answer


def test_values_match_across_digits_chinese_numerals_and_multipliers() -> None:
    assert _guard("建成三个站点", "建成3个站点") == "建成三个站点"
    assert _guard("建成3个站点", "建成三个站点") == "建成3个站点"
    assert _guard("投入12000元", "投入1.2万元") == "投入12000元"
    assert _guard("投入1.2万元", "投入12000元") == "投入1.2万元"
    assert _guard("总投资一亿二千万元", "总投资1.2亿元") == "总投资一亿二千万元"
    assert _guard("完成一百二十人", "完成120人") == "完成一百二十人"
    assert _guard("检测1,200人", "检测一千二百人") == "检测1,200人"
    assert _guard("投入１２次", "投入12次") == "投入１２次"
    assert _guard("投入3.5亿元", "投入3.5万元") == "投入〔待补〕亿元"


def test_a_precomputed_set_of_known_values_is_accepted() -> None:
    known = known_values(["投入3.5万元，覆盖率85%", "2022年"])
    assert known == {3.5, 35000.0, 85.0, 2022.0}
    assert _guard_set("2022年投入35000元，覆盖率85%，新建4个", known) == "2022年投入35000元，覆盖率85%，新建〔待补〕个"


def _guard_set(answer: str, known: set[float]) -> str:
    return guard_figures(answer, known).text


def test_ranges_have_two_values_and_both_must_be_in_the_evidence() -> None:
    assert _values("建设3-5个、3至5个、三到五次、3～5个、两三个、十五六岁、二三十人") == [
        (3.0, 5.0), (3.0, 5.0), (3.0, 5.0), (3.0, 5.0), (2.0, 3.0), (15.0, 16.0), (20.0, 30.0)]
    assert _values("投入3至5万元") == [(30000.0, 50000.0)]
    assert _guard("新建3-5个", "新建3个，改造5个") == "新建3-5个"
    assert _guard("新建3-5个", "新建3个") == "新建〔待补〕个"
    assert _guard("覆盖60岁以上及3-11岁人群", "60岁以上及3-11岁儿童") == "覆盖60岁以上及3-11岁人群"


def test_percentages_are_the_number_written() -> None:
    assert _values("达到85%、98.5％、百分之八十、千分之五、5‰、百分之百") == [
        (85.0,), (98.5,), (80.0,), (5.0,), (5.0,), (100.0,)]
    assert _guard("满意度百分之八十", "满意度80%") == "满意度百分之八十"
    assert _guard("满意度百分之九十", "满意度80%") == "满意度百分之〔待补〕"


def test_approximations_are_the_number_written_and_keep_their_wording() -> None:
    text = "走访10余家企业、近30人、30多人、十余家、百余处、近20万人次"
    assert _texts(text) == ["10余家", "30人", "30多人", "十余家", "百余处", "20万人次"]
    assert _values(text) == [(10.0,), (30.0,), (30.0,), (10.0,), (100.0,), (200000.0,)]
    assert _guard("走访10余家企业，约30人参加", "") == "走访〔待补〕余家企业，约〔待补〕人参加"


def test_years_months_and_days_are_each_a_figure() -> None:
    assert _texts("2022年5月12日召开，二〇二三年启动") == ["2022年", "5月", "12日", "二〇二三年"]
    assert _values("2022-05-12") == [(2022.0,), (5.0,), (12.0,)]
    assert _guard("2023年，街道将继续推进", "2022年，街道推进") == "〔待补〕年，街道将继续推进"
    assert _guard("2022年5月启动", "2022年8月") == "2022年〔待补〕月启动"


def test_chinese_numerals_are_read_with_their_value() -> None:
    text = "十二次、两项、一百二十人、一百零五户、一百五十人、两万五千元、三千五百万元、三点五万元、二十五个"
    assert _values(text) == [(12.0,), (2.0,), (120.0,), (105.0,), (150.0,), (25000.0,), (35000000.0,),
                             (35000.0,), (25.0,)]


# --- masked figures ---------------------------------------------------------------------------------------------


def test_masked_figures_are_reported_as_masked_without_a_value() -> None:
    figures = find_figures("签订承诺书**份，投资***万元，**.**%，****年，*.**亿元")
    assert [(figure.text, figure.masked, figure.values) for figure in figures] == [
        ("**份", True, ()), ("***万元", True, ()), ("**.**%", True, ()), ("****年", True, ()), ("*.**亿元", True, ())]


def test_a_masked_figure_in_the_evidence_allows_no_number() -> None:
    result = guard_figures("开展警示教育12次", ["开展警示教育**次"])
    assert result.text == "开展警示教育〔待补〕次"
    assert known_values(["开展警示教育**次，**.*万元"]) == set()


def test_masked_figures_in_the_answer_are_left_as_they_are() -> None:
    result = guard_figures("组织学习*次，覆盖**人", [])
    assert result.text == "组织学习*次，覆盖**人"
    assert result.masked == ["*次", "**人"]
    assert result.replaced == []


# --- what is not a figure ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("expression", [entry.text for entry in load_fixed_expressions()])
def test_no_fixed_expression_is_a_figure(expression: str) -> None:
    assert find_figures(f"街道认真落实{expression}有关要求。") == []


def test_the_fixed_expression_list_has_no_duplicates_and_covers_the_design_list() -> None:
    texts = [entry.text for entry in load_fixed_expressions()]
    assert len(texts) == len(set(texts))
    for required in ("一岗双责", "三会一课", "四风", "两个维护", "二十届三中全会", "十四五", "15分钟生活圈", "12345热线",
                     "第四种形态", "八项规定", "四议两公开"):
        assert required in texts


def test_fixed_expressions_hide_only_their_own_numerals() -> None:
    assert _texts("严格落实“三会一课”制度，召开支部委员会12次，纠治“四风”问题3个") == ["12次", "3个"]
    assert _texts("查摆二十五个一般问题") == ["二十五个"]  # 五个一 does not cut 二十五
    assert _texts("拨打1100次，拨打12345热线") == ["1100次"]
    assert _texts("深入推进“八五”普法，建设5G基站30个") == ["30个"]
    assert _texts("十分重要，用时十分钟") == ["十分钟"]


def test_enumeration_markers_are_not_figures() -> None:
    text = ("二、2022年工作总结\n（二）目标任务完成情况\n(三)存在问题\n一是强化政治引领。二是加强作风建设；十一是抓落实。\n"
            "1.加强学习\n2、强化监督\n（3）抓好整改\n(4)建立台账\n第二，压实责任。其三，严肃纪律。")
    assert _texts(text) == ["2022年"]


def test_ranks_and_counts_that_look_like_markers_are_figures() -> None:
    assert _texts("在全区排名第三，荣获称号；其中三是新建的") == ["三", "三"]


def test_common_words_and_a_lone_yi_are_not_figures() -> None:
    text = "进一步统一思想，解决了一批问题，千方百计，一个一个落实，第一时间处置，百姓满意，零容忍"
    assert find_figures(text) == []
    assert _texts("一万人、十一次、一百人、一到三个") == ["一万人", "十一次", "一百人", "一到三个"]


def test_citation_keys_placeholders_and_ascii_identifiers_are_skipped() -> None:
    text = f"开展谈话12人次[S12]，投入{PLACEHOLDER}万元[S3, S14]，N95口罩，见 http://example.com/a/2023?id=7 。"
    assert _texts(text) == ["12人次"]


def test_guarding_twice_changes_nothing_more() -> None:
    once = _guard("投入3.5万元，占比百分之八十，共12次，2023年5月", "")
    assert once == "投入〔待补〕万元，占比百分之〔待补〕，共〔待补〕次，〔待补〕年〔待补〕月"
    assert _guard(once, "") == once


def test_figure_offsets_point_at_the_number_in_the_original_text() -> None:
    text = "投入资金３．５万元"
    (figure,) = find_figures(text)
    assert figure == Figure("３．５万元", 4, 7, (35000.0,), False)
    assert text[figure.start:figure.end] == "３．５"


# --- the sample reports -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_every_digit_in_a_sample_report_is_inside_a_figure_or_a_fixed_expression(source: str) -> None:
    text = CORPUS_TEXTS[source]
    figures = find_figures(text)
    excluded = excluded_spans(text)
    outside = [run for run in DIGIT_RUN.finditer(text) if not _inside(run.span(), figures)]
    assert all(_inside_span(run.span(), excluded) for run in outside)
    assert {run.group() for run in outside} <= {"365"}   # 汉广“365”恒温服务, a service brand


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_every_mask_in_a_sample_report_is_a_masked_figure(source: str) -> None:
    text = CORPUS_TEXTS[source]
    masked = [figure for figure in find_figures(text) if figure.masked]
    for run in MASK_RUN.finditer(text):
        assert any(figure.start <= run.start() and run.end() <= figure.end and run.group() in figure.text
                   for figure in masked), text[run.start() - 10:run.end() + 10]


def test_guarding_each_corpus_sentence_against_itself_changes_nothing() -> None:
    for sentence in CORPUS_SENTENCES:
        result = guard_figures(sentence, [sentence])
        assert (result.text, result.replaced) == (sentence, []), sentence


def test_guarding_each_corpus_sentence_against_nothing_leaves_no_digit_outside_fixed_expressions() -> None:
    for sentence in CORPUS_SENTENCES:
        guarded = _guard(sentence, "")
        spans = excluded_spans(guarded)
        assert all(_inside_span(run.span(), spans) for run in DIGIT_RUN.finditer(guarded)), guarded


def _inside(span: tuple[int, int], figures: list[Figure]) -> bool:
    return any(figure.start <= span[0] and span[1] <= figure.end for figure in figures)


def _inside_span(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def test_a_bare_multiplier_labelling_a_unit_is_no_figure() -> None:
    from agent.text.figures import find_figures

    assert [f.text for f in find_figures("村名，2023年收入（万元），2024年收入（万元）")] == ["2023年", "2024年"]
    assert [f.text for f in find_figures("单位：万元")] == []
    assert [f.values for f in find_figures("投入（3万元）")] == [(30000.0,)]
    assert [f.values for f in find_figures("上万人次参与")] == [(10000.0,)]   # a figure, if a vague one
