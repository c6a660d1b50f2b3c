"""The topic taxonomy: `--section` names, tags on passages of the real sample reports, and query topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import UserError
from agent.library.thesaurus import normalize
from agent.library.topics import NEUTRAL_TERMS, TOPICS, get_topic, resolve_section, tag_topics, topics_in_query

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# DESIGN.md, "Topic taxonomy": canonical name → the synonyms it lists, in its order.
DESIGN_TAXONOMY = {
    "党建": ("基层党建", "党的建设", "组织建设"),
    "党风廉政": ("党风廉政建设", "全面从严治党", "纪律作风", "廉政", "四风", "作风建设"),
    "意识形态": ("宣传思想", "理论学习", "精神文明"),
    "经济发展": ("招商引资", "项目建设", "营商环境", "产业"),
    "民生保障": ("就业", "社保", "救助", "养老", "民生实事"),
    "平安建设": ("安全生产", "信访", "综治", "应急", "社会治理"),
    "城市管理": ("城建", "环境整治", "人居环境"),
    "疫情防控": (),
    "统战": ("宗教", "民族"),
    "存在问题": ("不足", "差距", "短板"),
    "下一步打算": ("工作计划", "工作安排", "工作思路", "打算"),
}


def corpus_line(source_prefix: str, starts_with: str) -> str:
    """The paragraph of a sample report that starts with `starts_with`."""
    path = next(CORPUS.glob(f"{source_prefix}_*.txt"))
    return next(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip().startswith(starts_with))


def corpus_section(source_prefix: str, heading: str) -> str:
    """A top-level section's text (its heading line up to the next `X、` heading)."""
    path = next(CORPUS.glob(f"{source_prefix}_*.txt"))
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = lines.index(heading)
    end = next((index for index in range(start + 1, len(lines)) if lines[index][1:2] == "、"
                and lines[index][0] in "一二三四五六七八九十"), len(lines))
    return "\n".join(lines[start + 1:end])


def test_topics_follow_design_order_with_ascii_ids() -> None:
    assert [topic.name for topic in TOPICS] == list(DESIGN_TAXONOMY)
    assert [topic.id for topic in TOPICS] == ["dangjian", "lianzheng", "yishixingtai", "jingji", "minsheng",
                                             "pingan", "chengshi", "yiqing", "tongzhan", "wenti", "dasuan"]
    assert get_topic("lianzheng").name == "党风廉政"


def test_every_design_synonym_is_listed_first_for_its_topic() -> None:
    for topic in TOPICS:
        design_synonyms = DESIGN_TAXONOMY[topic.name]
        assert topic.synonyms[: len(design_synonyms)] == design_synonyms
        assert topic.keywords, topic.id


@pytest.mark.parametrize("name, synonyms", DESIGN_TAXONOMY.items())
def test_resolve_section_accepts_every_design_name_and_synonym(name: str, synonyms: tuple[str, ...]) -> None:
    for label in (name, *synonyms):
        assert resolve_section(label).name == name


def test_each_section_label_names_exactly_one_topic() -> None:
    owners: dict[str, str] = {}
    for topic in TOPICS:
        for label in (topic.id, topic.name, *topic.synonyms):
            key = normalize(label)
            assert owners.setdefault(key, topic.id) == topic.id, f"{label} names {owners[key]} and {topic.id}"


@pytest.mark.parametrize("variant, topic_id", [
    ("党 风 廉 政", "lianzheng"),
    ("\u3000全面从严治党\u3000", "lianzheng"),
    ("“四风”", "lianzheng"),
    ("lianzheng", "lianzheng"),
    ("ｄａｎｇｊｉａｎ", "dangjian"),
    ("党建工作", "dangjian"),
    ("安全生产工作", "pingan"),
    ("统战工作", "tongzhan"),
    ("下一步工作打算", "dasuan"),
    ("存在的问题", "wenti"),
])
def test_resolve_section_ignores_spaces_width_quotes_and_a_work_suffix(variant: str, topic_id: str) -> None:
    assert resolve_section(variant).id == topic_id


def test_unknown_section_is_one_clear_line_listing_the_options() -> None:
    with pytest.raises(UserError) as raised:
        resolve_section("党建工作x")
    message = str(raised.value)
    assert message.startswith("未知的栏目“党建工作x”。可选：党建、党风廉政、意识形态、")
    assert all(name in message for name in DESIGN_TAXONOMY)
    assert "全面从严治党" in message and "\n" not in message


def test_unknown_topic_id_is_a_user_error() -> None:
    with pytest.raises(UserError, match="dangjain"):
        get_topic("dangjain")


def test_neutral_terms_signal_no_topic_and_are_not_topic_terms() -> None:
    topic_terms = {normalize(term) for topic in TOPICS for term in topic.terms}
    assert not topic_terms & {normalize(term) for term in NEUTRAL_TERMS}
    boilerplate = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，围绕全区发展大局。"
    assert tag_topics([], boilerplate) == []


# ── tags on the real reports ──────────────────────────────────────────────────────────────────────────────────

def test_lianzheng_section_of_report_000() -> None:
    text = corpus_line("000", "（一）党风廉政建设方面")
    tags = tag_topics(["三、党风廉政建设和执行民主集中制情况", "（一）党风廉政建设方面"], text)
    assert "lianzheng" in tags
    assert "wenti" not in tags and "dasuan" not in tags


def test_pingan_passage_of_report_001() -> None:
    text = corpus_line("001", "（六）齐心推动社会平安建设")
    assert "pingan" in tag_topics(["一、2022年工作总结", "（六）齐心推动社会平安建设"], text)


def test_tongzhan_passage_of_report_001() -> None:
    text = corpus_line("001", "（四）稳步推动统战各项工作")
    tags = tag_topics(["一、2022年工作总结", "（四）稳步推动统战各项工作"], text)
    assert "tongzhan" in tags and "dasuan" not in tags


def test_run_in_points_of_report_001_take_their_own_topic() -> None:
    heading = ["一、2022年工作总结", "（六）齐心推动社会平安建设", "扎实抓好疫情防控"]
    text = "扎实抓好疫情防控。" + corpus_line("001", "（六）").split("扎实抓好疫情防控。")[1]
    assert tag_topics(heading, text) == ["yiqing"]
    assert tag_topics(["一、2022年工作总结", "（七）凝心聚力保障民生实事", "保障城乡居民生活"],
                      "保障城乡居民生活。街道现有低保**户***人，累计发放低保金**.*万元，做到应保尽保、应补尽补、应退尽退。"
                      ) == ["minsheng"]


def test_a_generic_point_takes_the_topic_its_parent_heading_names() -> None:
    heading = ["一、2022年工作总结", "（三）切实加强党风廉政建设", "抓工作落实"]
    text = "抓工作落实。**街道一点通平台访问量**万余人次，注册用户*万余人，公示公开信息****余份，共收到投诉*件，均办结。"
    assert tag_topics(heading, text) == ["lianzheng"]


def test_yiqing_passage_of_report_002() -> None:
    text = corpus_line("002", "疫情防控精准有力")
    heading = ["一、2022年工作总结", "（三）枕戈待旦，坚定不移守牢辖区和谐稳定“安全线”", "疫情防控精准有力"]
    assert "yiqing" in tag_topics(heading, text)


def test_single_passing_mention_does_not_tag() -> None:
    # One "因疫情而经营投资失败" in a passage about 平安建设 is not an epidemic passage.
    text = corpus_line("002", "平安建设成效显著")
    heading = ["一、2022年工作总结", "（三）枕戈待旦，坚定不移守牢辖区和谐稳定“安全线”", "平安建设成效显著"]
    tags = tag_topics(heading, text)
    assert "pingan" in tags and "yiqing" not in tags


def test_outer_heading_bundling_subjects_does_not_tag_a_point_about_another() -> None:
    # "推动经济社会高质量发展" bundles the 003 report's points; the 社会治理 point is not about the economy.
    text = corpus_line("003", "五是加强社会治理")
    heading = ["二、抓好“三件大事”，推动经济社会高质量发展", "五是加强社会治理，平安新区建设水平全面提升"]
    assert tag_topics(heading, text) == ["pingan"]
    text = corpus_line("004", "（三）突出党建引领").split("六是全面改善城乡环境。")[1]
    heading = ["二、2022年履职尽责情况", "（三）突出党建引领，助推中心工作任务落实", "六是全面改善城乡环境"]
    assert tag_topics(heading, "六是全面改善城乡环境。" + text) == ["chengshi"]


def test_problem_and_plan_sections_of_report_004() -> None:
    problems = corpus_section("004", "三、存在问题")
    plans = corpus_section("004", "四、2023年工作打算")
    assert "wenti" in tag_topics(["三、存在问题"], problems)
    assert "dasuan" in tag_topics(["四、2023年工作打算"], plans)
    assert "dasuan" not in tag_topics(["三、存在问题"], problems)
    assert "wenti" not in tag_topics(["四、2023年工作打算"], plans)


def test_frame_topics_carry_down_to_every_point_under_them() -> None:
    point = corpus_line("004", "二是工作抓得还不够紧")
    assert "wenti" in tag_topics(["三、存在问题", "二是工作抓得还不够紧"], point)
    point = corpus_line("004", "二是提升基层组织建设水平")
    assert tag_topics(["四、2023年工作打算", "二是提升基层组织建设水平"], point) == ["dangjian", "dasuan"]
    point = corpus_line("001", "（一）抓党建，强基础")
    assert tag_topics(["二、2023年工作安排", "（一）抓党建，强基础"], point)[-1] == "dasuan"


def test_plan_section_of_report_001() -> None:
    section = corpus_section("001", "二、2023年工作安排")
    assert "dasuan" in tag_topics(["二、2023年工作安排"], section)
    assert "dasuan" not in tag_topics(["一、2022年工作总结"], corpus_section("001", "一、2022年工作总结"))


def test_a_problem_word_in_an_outer_heading_does_not_make_finished_work_a_problem() -> None:
    # "…及未完成目标任务的主客观分析" heads both the achievements and their analysis.
    outer = "一、领导班子目标任务完成情况及未完成目标任务的主客观分析"
    done = corpus_line("000", "一是强化政治引领")
    assert "wenti" not in tag_topics([outer, "（一）目标任务完成情况", "一是强化政治引领，狠抓责任落实"], done)
    analysis = corpus_line("000", "始终坚持在党建工作上谋思路")
    assert "wenti" in tag_topics([outer, "（二）未完成目标任务的主客观分析"], analysis)


def test_report_title_and_preamble_are_no_plan_section() -> None:
    preamble = corpus_line("000", "根据全市考核工作安排")
    assert "dasuan" not in tag_topics([], preamble)
    heading = ["街道办2022年总结和2023年工作计划", "一、2022年工作总结",
               "（三）枕戈待旦，坚定不移守牢辖区和谐稳定“安全线”", "安全形势总体平稳"]
    assert tag_topics(heading, corpus_line("002", "安全形势总体平稳")) == ["pingan"]


def test_tags_are_multi_label_in_taxonomy_order() -> None:
    text = corpus_line("001", "（三）抓治理，强安全")
    tags = tag_topics(["二、2023年工作安排", "（三）抓治理，强安全"], text)
    assert tags == [topic.id for topic in TOPICS if topic.id in tags]
    assert {"pingan", "yiqing", "dasuan"} <= set(tags)


# ── query topics ──────────────────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("query, expected", [
    ("纠治四风有哪些做法", ["lianzheng"]),
    ("三会一课怎么落实的", ["dangjian"]),
    ("老百姓找工作难怎么帮", ["minsheng"]),
    ("上访的群众多不多", ["pingan"]),
    ("打扫卫生", ["chengshi"]),
    ("核酸检测做了几轮", ["yiqing"]),
    ("党建方面还存在哪些问题", ["dangjian", "wenti"]),
    ("2023年的工作计划", ["dasuan"]),
    ("少数民族人口有多少", ["tongzhan"]),
    ("今天开会几点", []),
])
def test_topics_in_query(query: str, expected: list[str]) -> None:
    assert topics_in_query(query) == expected
