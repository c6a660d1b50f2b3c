"""Figures in a hand-written draft: each must be one this year's facts or materials give, for the same item;
placeholders (〔待补〕, **, XX) must be filled before the draft goes up.

A figure is matched by value and unit, bound to what it counts, never as a substring: 200万元 is not sourced by
1200万元, and 3万人 is 30000人. Dates, years, ordinals (第三届), document numbers, star ratings and the names in
quotes or 书名号 ("15分钟党群服务圈") are not counts. A figure whose item the sources count differently is a
`fact_mismatch` quoting the source; one no source counts at all is an `unsourced_figure`.
"""

from __future__ import annotations

import re

from ..materials.facts import counted_items, same_item_words
from ..text.figures import Figure, find_figures
from .document import DraftLine
from .findings import ERROR, Finding
from .sources import SourceFigure, ThisYear, base_unit

_NOT_COUNT_UNITS = ("年", "月", "日", "号", "周年", "届", "级", "星", "时", "分", "秒", "点", "期间")
_ORDINAL_BEFORE = re.compile(r"(?:第|前|后|近|首)$")
_QUOTED = re.compile(r"“[^”]{0,30}”|《[^》]{0,60}》|〔[^〕]{0,10}〕|（[^）]{0,4}）")
# 〔待补〕, a masked figure (**次, 1*.5万元), XX or ×× for a name or number still to come
_LISTED = re.compile(r"(?:[\u4e00-\u9fff“”]{2,12}、)+[\u4e00-\u9fff“”]{2,12}$")   # A、B、C right before a count
_PLACEHOLDER = re.compile(r"〔待补〕|【待补】|〔待填〕|(?<!\*)\*{1,4}(?=[次个人件万亿元户场项名%‰家处条期批座所台辆余多年])"
                          r"|(?<=\d)\*+|\*+(?=\d)|[XxＸ×]{2,}")


def figure_findings(line: DraftLine, sources: ThisYear) -> list[Finding]:
    """unsourced_figure and fact_mismatch findings of one line (none when no facts or materials were given)."""
    if not sources:
        return []
    found = []
    for sentence in line.sentences:
        items = {(figure.start, figure.end): words for words, figure in counted_items(sentence)}
        for figure in _counts(sentence):
            words = items.get((figure.start, figure.end), "")
            if sources.gives(figure, words):
                continue
            found.append(_mismatch(line, sentence, figure, words, sources) or _unsourced(line, sentence, figure, words))
    return found


def placeholder_findings(line: DraftLine) -> list[Finding]:
    """〔待补〕, masked ** and XX left in the text."""
    return [Finding("placeholder", ERROR, line.number, _sentence_at(line, match.start()),
                    f"“{_around(line.text, match)}”中还有未填的占位“{match.group(0)}”", span=match.group(0),
                    suggestion="按实际情况填写，或删去这句")
            for match in _PLACEHOLDER.finditer(line.text)]


def _counts(sentence: str) -> list[Figure]:
    """The figures of a sentence that count something."""
    quoted = [match.span() for match in _QUOTED.finditer(sentence)]
    counts = []
    for figure in find_figures(sentence):
        if figure.masked or not figure.values or any(start <= figure.start < end for start, end in quoted):
            continue
        unit = base_unit(figure)
        if not unit or unit.startswith(_NOT_COUNT_UNITS) or _ORDINAL_BEFORE.search(sentence[:figure.start]):
            continue
        if _counts_its_list(sentence, figure):
            continue
        counts.append(figure)
    return counts


def _counts_its_list(sentence: str, figure: Figure) -> bool:
    """A count of the list just before it ("党建引领、民生保障、平安建设三项重点"): the sentence is its own source."""
    listed = _LISTED.search(sentence[:figure.start])
    return bool(listed) and figure.values == (float(listed.group(0).count("、") + 1),)


def _mismatch(line: DraftLine, sentence: str, figure: Figure, words: str, sources: ThisYear) -> Finding | None:
    """The source figure counting the same item in the same unit with another value, as a finding."""
    if not words:
        return None
    unit = base_unit(figure)
    source = next((source for source in sources.figures
                   if source.unit == unit and source.words and same_item_words(words, source.words)), None)
    if source is None:
        return None
    return Finding("fact_mismatch", ERROR, line.number, sentence,
                   f"“{words}{figure.text}”与材料不一致：{source.where}写的是“{_figure_text(source)}”",
                   span=figure.text, evidence=_evidence(source),
                   suggestion="核对后改为材料中的数字；如材料有误，请先与报送科室确认")


def _unsourced(line: DraftLine, sentence: str, figure: Figure, words: str) -> Finding:
    what = f"“{words}{figure.text}”" if words else f"“{figure.text}”"
    return Finding("unsourced_figure", ERROR, line.number, sentence,
                   f"{what}在今年的事实和科室材料中都找不到", span=figure.text,
                   suggestion="补上出处（请科室提供），或改为〔待补〕待核实")


def _evidence(source: SourceFigure) -> dict[str, str]:
    return {"source": "material", "where": source.where, "quote": source.quote}


def _figure_text(source: SourceFigure) -> str:
    """The source's own wording of its figure (the item and number as the material writes them)."""
    start = source.quote.find(source.words) if source.words else -1
    if start < 0:
        return source.quote[:40]
    end = start + len(source.words)
    tail = re.match(r"[^，。；、,;]*", source.quote[end:])
    return source.quote[start:end + (tail.end() if tail else 0)]


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 8): match.end() + 4]


def _sentence_at(line: DraftLine, position: int) -> str:
    """The sentence of the line holding `position`."""
    offset = 0
    for sentence in line.sentences:
        start = line.text.find(sentence, offset)
        if start <= position < start + len(sentence):
            return sentence
        offset = max(offset, start + len(sentence))
    return line.text
