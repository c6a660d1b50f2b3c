"""How the offline brief shortens a report's sentences: it keeps what a leader reads for (brands in quotes,
honours, places, figures) and never cuts inside a name, a quoted term or a list's verb."""

from __future__ import annotations

from agent.brief.units import compress, content_sentences, substance


def test_framing_clauses_go_and_the_activities_with_names_stay() -> None:
    sentence = ("组织开展迎“七一”、第一届“服务杯”篮球赛等系列活动，进一步提升全体干部职工昂扬向上的精神风貌，"
                "为军地双拥共建工作注入新的动力。")
    assert compress(sentence) == "组织开展迎“七一”、第一届“服务杯”篮球赛等系列活动。"


def test_a_figure_that_cannot_stand_alone_keeps_the_clause_it_belongs_to() -> None:
    sentence = "深入开展平安创建，群众安全感、满意度持续提升，达98.5%以上，辖区大局和谐稳定。"
    assert compress(sentence) == "深入开展平安创建，群众安全感、满意度持续提升，达98.5%以上。"   # and what it was about


def test_a_comma_inside_quotes_does_not_split_the_quoted_problem() -> None:
    sentence = ("针对“抓党建的制度机制还不够健全，常抓、抓长的态势还没有完全形成”的问题，党工委书记带头研究，"
                "建立责任、问题、任务“三张清单”，做到党建与业务同安排。")
    text = compress(sentence)
    assert "“三张清单”" in text
    assert text.count("“") == text.count("”")
    assert "还不够健全，常抓" in text or "还不够健全" not in text    # the quote is kept whole or left out whole


def test_a_list_whose_last_item_carries_the_verb_is_not_cut() -> None:
    sentence = "对*名支部书记、*名离任村干部、*名村级后备力量、*名党员按照“一人一档”要求建档立册。"
    assert compress(sentence) == sentence                        # not "…、*名村级后备力量等。"


def test_a_long_list_keeps_three_items_and_says_etc_after_a_whole_item() -> None:
    sentence = "开展文艺演出、“邻里节”、健康义诊、法律咨询、上门送诊等服务。"
    assert compress(sentence) == "开展文艺演出、“邻里节”、健康义诊等服务。"


def test_cutting_to_a_length_drops_the_least_telling_clause_first() -> None:
    sentence = ("积极落实中小企业知识产权战略布局，首个瞪羚企业谷揭牌，全省首家“高校专利产业化基地”在辖区创建，"
                "科创城连续第六年在国家考核中获得优秀。")
    cut = compress(sentence, 60)
    assert len(cut) <= 60 and "全省首家“高校专利产业化基地”" in cut and "战略布局" not in cut


def test_point_headings_are_not_content_and_masked_counts_weigh_less() -> None:
    passage = "二是加强作风建设，提升服务能力。签订“十一严禁”承诺书**份，整改完成*项。"
    assert content_sentences(passage) == ["签订“十一严禁”承诺书**份，整改完成*项。"]
    assert substance("组织学习*次。") < substance("建成文明实践站17个。")


def test_an_average_or_a_bare_share_never_stands_without_what_it_counts() -> None:
    # cut to fit, the sentence loses clauses; 平均每天新增1.2万户 without the 企业 it counts would say nothing
    sentence = "大众创业、万众创新蓬勃发展，全年新登记注册企业增长21.6%，平均每天新增1.2万户。"
    for room in range(10, 40):
        text = compress(sentence, room)
        assert not text.startswith(("平均", "每天")), (room, text)
        assert "平均每天新增1.2万户" not in text or "新登记注册企业" in text
    shares = "外商投资限制性条目减少一半，95%以上实行备案管理，实际使用外资1263亿美元，增长5.6%。"
    assert not compress(shares, 30).startswith("95%")


def test_a_comparison_or_a_bare_predicate_keeps_the_clause_it_says_something_of() -> None:
    # 相当于…, 是在…取得的: said of the clause before; alone they tell a reader nothing
    compared = "现在国内生产总值每增长1个百分点的增量，相当于5年前1.5个百分点、10年前2.5个百分点的增量。"
    assert compress(compared).startswith("现在国内生产总值")
    predicate = "这些成绩，是在我国经济总量超过60万亿元的高基数上取得的。"
    assert compress(predicate).startswith("这些成绩")


def test_the_overview_says_what_the_year_was_in_the_reports_words_not_a_byline_or_one_result(local_workspace,
                                                                                            tmp_path) -> None:
    from pathlib import Path

    from agent.brief import Budget, brief_report
    from agent.brief.extractive import ExtractiveCondenser
    from agent.settings import Settings
    from agent.workspace import Workspace

    briefs = Path(__file__).resolve().parent.parent / "evals" / "briefs"
    workspace = Workspace(Settings(store=tmp_path / "store", corpus=tmp_path), embedder=local_workspace.embedder)
    workspace.ingest([briefs / "b06_state_council_gov_report_2016.txt", briefs / "b04_hebei_gov_report_2026.txt"])
    overviews = {}
    for record in workspace.reports():
        brief = brief_report(record, workspace.passages_of(record), ExtractiveCondenser(), Budget())
        overviews[record.source] = brief.to_markdown().split("总体情况：")[1].split("\n")[0]
    # 过去一年…在…坚强领导下，…攻坚克难，…经济社会发展稳中有进、稳中有好，完成了全年主要目标任务，…
    assert overviews["b06_state_council_gov_report_2016.txt"].startswith("经济社会发展稳中有进、稳中有好，完成了全年主要目标任务。")
    assert "王正谱" not in overviews["b04_hebei_gov_report_2026.txt"]   # the byline under the title
    for overview in overviews.values():   # no sentence of it points back to one the reader has not seen
        assert not any(sentence.startswith(("这", "此", "相当于", "是")) for sentence in overview.split("。"))


def test_statements_joined_by_semicolons_are_weighed_apart_and_a_report_s_own_highlight_list_is_split() -> None:
    from agent.brief.units import statements

    joined = ("持续提升国际科技创新中心能级，3家国家实验室永久园区启用；推进高教园、大学科技园建设；"
              "其中新增孵化器10家。")
    assert statements(joined) == ["持续提升国际科技创新中心能级，3家国家实验室永久园区启用",
                                  "推进高教园、大学科技园建设；其中新增孵化器10家"]   # 其中… leans on what is before
    highlights = ("至少有十个突出亮点：一是全区经济增长速度连续4年居全国前六，质与量实现整体提升；"
                  "二是西夏陵申遗成功，实现我区世界文化遗产“零的突破”。")
    assert statements(highlights) == ["全区经济增长速度连续4年居全国前六，质与量实现整体提升",
                                      "西夏陵申遗成功，实现我区世界文化遗产“零的突破”"]   # the lead-in says nothing
    for statement in statements(highlights):
        assert statement in highlights          # verbatim: a quote must stand in its passage


def test_a_short_first_clause_keeps_what_the_figures_after_it_are_about() -> None:
    sentence = ("雄安新区日新月异、堪称奇迹，中国星网、中国中化、中国华能总部等标志性疏解项目迁驻运营，"
                "“四纵三横”高速公路网全面形成，5300多栋楼宇拔地而起。")
    assert compress(sentence).startswith("雄安新区日新月异、堪称奇迹，")
    framed = "在市委坚强领导下，全年新增就业1.2万人，城镇调查失业率5%以内。"
    assert "领导下" not in compress(framed)


def test_the_province_itself_is_no_honour_but_a_national_first_is() -> None:
    from agent.brief.units import specificity

    assert specificity("全省生产总值增长5.6%") == 0
    assert specificity("综合算力指数全国第一") > 0 and specificity("全国首个“绿电自足”省区") > 0
    assert specificity("“千村示范、万村整治”工程获联合国地球卫士奖") > specificity("“千村示范、万村整治”工程")
    assert specificity("深入贯彻“十五五”规划和“两个维护”") == 0    # every report's formulas are not its own brands
    # a document the unit studies or goes by is no specific of its own; one it made is
    assert specificity("认真学习《条例》和《规定》，严格执行《准则》") == 0
    assert specificity("完善出台《机关纪委工作规则》") > 0 and specificity("组织观看《零容忍》等廉政片") > 0


def test_a_connective_opening_is_dropped_and_a_problems_lead_in_opens_its_list() -> None:
    from agent.brief.units import statements

    assert compress("同时，不确定难预料因素增多，有效需求仍显不足。") == "不确定难预料因素增多，有效需求仍显不足。"
    owned = "同时，我省经济社会发展还面临一些困难和挑战，主要是：产业转型任务依然紧迫，创新能力不够强。"
    assert statements(owned)[-1] == "产业转型任务依然紧迫，创新能力不够强"


def test_a_list_paired_item_by_item_with_figures_is_never_shortened() -> None:
    # 分别: each item has its own figure; dropping 中晚籼稻 would give 粳稻 the 5元 that was 中晚籼稻's
    sentence = "进一步提高粮食最低收购价，早籼稻、中晚籼稻、粳稻每５０公斤分别提高３元、５元和１０元，小麦每５０公斤提高３元。"
    assert "早籼稻、中晚籼稻、粳稻每５０公斤分别提高３元、５元和１０元" in compress(sentence)
