"""The measure a "how many" question asks for, and whether a sentence states one.

多少钱 wants a sum of money, 多少户 a count of households, 几天 a span of days, 多少人次 people. A sentence about the
question's subject that states no figure of that measure does not answer it: 建设充电桩1354个 says nothing of what
the 充电桩 cost, and quoting it for 充电桩投入了多少资金 answers a question that was not asked. A masked figure of the
right measure (**户) still answers — its value is unknown, and the answer says so. A bare 多少个 / 几个小区 names no
measure of its own, so it asks nothing of the sentence.

A rate per head (每人多少元, 人均多少, 每户) is answered only by a sentence stating that rate: 月发放护理补贴*****元 is
what all of them get in a month, not what one person gets. Per period (每月, 每年) is not asked of the sentence:
reports write 月发放, 年均, 全年.
"""

from __future__ import annotations

import re

from ..text.figures import find_figures

# measure → the units a figure of it ends with (Figure.text holds the unit as written)
UNITS_OF = {
    "money": ("元",),
    "people": ("人", "名", "位", "人次"),
    "households": ("户", "户次"),
    "span": ("天", "小时", "个月", "周"),
    "cases": ("件", "起", "宗", "单"),
    "times": ("次", "场", "批", "轮", "期"),
    "places": ("家", "所", "座", "处", "栋", "幢"),
    "share": ("%", "‰", "百分点", "成"),
}
_ASKING = r"(?:多少|几)"
_MONEY = re.compile(rf"{_ASKING}(?:万|亿)?(?:元|块|钱)|多少[\u4e00-\u9fff]{{0,4}}?(?:资金|经费|金额|补助金|补贴|奖金|投资|钱)"
                    r"|(?:花|投入|投资|拨付|拨了|花费|耗资)了?多少")
_SHARE = re.compile(r"百分之多少|多少%|比例是?多少|占比|(?:率|比重)(?:是|达到|为)?多少")
_MEASURE_WORD = {"人次": "people", "人": "people", "名": "people", "位": "people", "户": "households",
                 "天": "span", "小时": "span", "个月": "span", "周": "span", "件": "cases", "起": "cases",
                 "场": "times", "次": "times", "批": "times", "轮": "times", "期": "times", "家": "places",
                 "所": "places", "座": "places", "处": "places", "栋": "places"}
_COUNTED = re.compile(rf"(?<!第){_ASKING}(?:个)?({'|'.join(sorted(_MEASURE_WORD, key=len, reverse=True))})")


def asked_measures(question: str) -> frozenset[str]:
    """The measures a question asks figures of (several when it asks several things: 几天…多少人次)."""
    measures = {_MEASURE_WORD[word] for word in _COUNTED.findall(question)}
    if _MONEY.search(question):
        measures.add("money")
    if _SHARE.search(question):
        measures.add("share")
    return frozenset(measures)


def states_measure(sentence: str, measures: frozenset[str]) -> bool:
    """True when the sentence holds a figure, masked or not, of one of the measures."""
    units = tuple(unit for measure in measures for unit in UNITS_OF[measure])
    return any(figure.text.endswith(units) for figure in find_figures(sentence))


_PER = "人户名家"
_RATE = re.compile(rf"每([{_PER}])|([{_PER}])均")


def asked_rates(question: str) -> frozenset[str]:
    """The heads a question asks a rate per (每人每月多少元 → 人; 户均 → 户)."""
    return frozenset(a or b for a, b in _RATE.findall(question))


def states_rate(sentence: str, rates: frozenset[str]) -> bool:
    """True when the sentence states a figure per each of the heads (每人, 人均, 元/人)."""
    return all(re.search(rf"每{unit}|{unit}均|/{unit}", sentence) for unit in rates)
