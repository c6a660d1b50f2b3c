"""The domain thesaurus: its data file, query expansions, and the jieba user dictionary built from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent.library.lexical import tokenize, words
from agent.library.thesaurus import KINDS, THESAURUS_PATH, load_thesaurus, normalize, read_thesaurus
from agent.library.topics import TOPICS


def test_data_file_has_many_well_formed_groups() -> None:
    groups = load_thesaurus().groups
    assert len(groups) >= 80
    for group in groups:
        assert group.kind in KINDS
        assert len(group.terms) >= 2
        assert all(term and term == term.strip() for term in group.terms)
        assert len({normalize(term) for term in group.terms}) == len(group.terms), group.terms


def test_no_two_groups_hold_the_same_terms() -> None:
    seen: dict[frozenset[str], tuple[str, ...]] = {}
    for group in load_thesaurus().groups:
        key = frozenset(normalize(term) for term in group.terms)
        assert key not in seen, f"{group.terms} duplicates {seen[key]}"
        seen[key] = group.terms


def test_every_taxonomy_topic_has_its_own_groups() -> None:
    raw = yaml.safe_load(THESAURUS_PATH.read_text(encoding="utf-8"))["groups"]
    assert set(raw) == {topic.id for topic in TOPICS}
    assert all(len(entries) >= 5 for entries in raw.values())


def test_load_is_cached() -> None:
    assert load_thesaurus() is load_thesaurus()


@pytest.mark.parametrize("query, expected", [
    ("四风", {"形式主义", "官僚主义", "享乐主义", "奢靡之风"}),
    ("形式主义", {"四风"}),
    ("三会一课", {"支部党员大会", "支部委员会", "党小组会", "党课"}),
    ("放管服", {"简政放权", "放管结合", "优化服务"}),
    ("一岗双责", {"党风廉政建设责任制"}),
    ("上访", {"信访"}),
    ("找工作", {"就业", "创业"}),
    ("困难群众", {"低保", "社会救助", "特困"}),
    ("老百姓", {"群众", "居民"}),
    ("招商", {"招商引资", "招大引强"}),
    ("打扫卫生", {"环境整治", "人居环境"}),
    ("提拔", {"选拔任用"}),
    ("核酸", {"疫情防控"}),
    ("廉洁教育", {"警示教育", "廉政教育", "纪律教育"}),
    ("谈话", {"谈心谈话", "提醒谈话", "诫勉谈话"}),
    ("入党积极分子", {"发展对象", "预备党员"}),
    ("中心组学习", {"理论学习"}),
])
def test_expansions_bridge_plain_and_official_words(query: str, expected: set[str]) -> None:
    assert expected <= set(load_thesaurus().expansions(query))


def test_expansions_leave_out_the_query_terms_and_repeat_nothing() -> None:
    expansions = load_thesaurus().expansions("纠治四风，落实三会一课和一岗双责")
    assert len(expansions) == len(set(expansions))
    assert not {"四风", "三会一课", "一岗双责"} & set(expansions)
    assert expansions.index("形式主义") < expansions.index("党课")  # in the order the query triggers groups


def test_expansions_ignore_width_and_spaces() -> None:
    assert "形式主义" in load_thesaurus().expansions("四 风")


def test_a_term_inside_a_longer_term_does_not_trigger_its_groups() -> None:
    # 群众 inside 困难群众 is not a question about 老百姓/居民 in general.
    assert "老百姓" not in load_thesaurus().expansions("困难群众救助")


def test_unrelated_text_expands_to_nothing() -> None:
    assert load_thesaurus().expansions("今天天气很好") == []


def test_user_dictionary_holds_domain_words_once() -> None:
    words = load_thesaurus().user_dictionary()
    assert {"三会一课", "一岗双责", "全面从严治党", "四风", "两个维护", "主题党日", "民主生活会", "网格员", "低保"} <= set(words)
    assert len(words) == len(set(words))
    assert all(2 <= len(word) <= 7 and "，" not in word and " " not in word for word in words)


@pytest.mark.parametrize("sentence, word", [
    ("严格落实三会一课制度", "三会一课"),
    ("召开专题民主生活会", "专题民主生活会"),
    ("开展主题党日活动", "主题党日活动"),
    ("网格员每周排查一次", "网格员"),
    ("坚决做到两个维护", "两个维护"),
])
def test_jieba_keeps_domain_words_whole(sentence: str, word: str) -> None:
    assert word in words(sentence)
    assert word in tokenize(sentence)   # the search index's words too


@pytest.mark.parametrize("body, problem", [
    ("groups:\n  dangjian:\n    - {kind: synonym, terms: [热线, 12345]}\n", "non-empty strings"),
    ("groups:\n  dangjian:\n    - {kind: synonym, terms: [党建]}\n", "two or more"),
    ("groups:\n  dangjian:\n    - {kind: synonyms, terms: [党建, 党的建设]}\n", "kind"),
    ("groups:\n  dangjian:\n    - {kind: synonym, terms: [党建, ' ']}\n", "non-empty strings"),
])
def test_malformed_file_is_rejected_with_the_reason(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "thesaurus.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        read_thesaurus(path)
