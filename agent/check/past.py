"""What slipped in from past years: a year that should be this report's, an honour a past report already
claimed (or one nothing this year states), and a sentence copied from a past report."""

from __future__ import annotations

import re

from ..text.chinese import ENUMERATION_MARKER, char_bigrams
from .document import DraftLine
from .findings import ERROR, WARNING, Finding
from .honours import honour_claims
from .sources import PastReports, ThisYear

COPIED = 0.8            # char-bigram Jaccard from which a sentence counts as copied
MIN_COPIED_CHARS = 20
SAME_HONOUR = 0.6
# 2022年，街道… / 2022年以来 / 2022年全年: the year a sentence is about, at its start
_OPENING_YEAR = re.compile(r"^(?P<year>(?:19|20)\d\d)年(?:度)?(?=[，,]|全年|以来|上半年|下半年|我|街道|镇|乡|共|累计)")
_YEAR = re.compile(r"(?<![\d〔［\[])(?P<year>(?:19|20)\d\d)年")
# 较2022年, 比2022年, 同比, 与2022年相比, 自2022年…以来: a past year in a comparison is right
_COMPARED_BEFORE = re.compile(r"(?:较|比|同比|与|和|自|从|相比|对比|截至|截止)[^，。；]{0,3}$")
# …以来, …同期, 2021年度反馈问题 (a named year's matter, not this year's work)
_COMPARED_AFTER = re.compile(r"^(?:年底|年末|同期|相比|以来|水平|的|基础上|底|度)")



def year_findings(line: DraftLine, year: int) -> list[Finding]:
    """A past year where this report's year should stand: at a sentence's start an error, elsewhere (outside a
    comparison) a warning."""
    found = []
    for sentence in line.sentences:
        body = ENUMERATION_MARKER.sub("", sentence)
        opening = _OPENING_YEAR.match(body)
        if opening and int(opening.group("year")) < year:
            found.append(_stale_year(line, sentence, opening.group("year"), year, ERROR))
            continue
        for match in _YEAR.finditer(body):
            written = int(match.group("year"))
            if written >= year or _COMPARED_BEFORE.search(body[:match.start()]) \
                    or _COMPARED_AFTER.match(body[match.end():]):
                continue
            found.append(_stale_year(line, sentence, match.group("year"), year, WARNING))
            break
    return found


def honour_findings(line: DraftLine, this_year: ThisYear, past: PastReports) -> list[Finding]:
    """Honours and rankings: stated this year (fine), claimed in a past report (stale_honour), or neither."""
    found = []
    granted = [claim for text in this_year.texts for claim in honour_claims(text)]
    for sentence in line.sentences:
        for claim in honour_claims(sentence):
            if any(_same_honour(claim, other) for other in granted) or _said_this_year(claim, this_year):
                continue
            earlier = next(((honour, where) for honour, where, _ in past.honours if _same_honour(claim, honour)), None)
            if earlier is not None:
                found.append(Finding("stale_honour", ERROR, line.number, sentence,
                                     f"“{claim}”是往年报告里的荣誉，今年的材料没有写", span=claim,
                                     evidence={"source": "past_report", "where": earlier[1], "quote": earlier[0]},
                                     suggestion="删去，或换成今年获得的荣誉（附出处）"))
            else:
                found.append(Finding("unsourced_honour", WARNING, line.number, sentence,
                                     f"“{claim}”在今年的事实和材料里都没有", span=claim,
                                     suggestion="请科室提供文件或通报作为出处，核实后再写"))
    return found


def copied_findings(line: DraftLine, past: PastReports) -> list[Finding]:
    """Sentences that (nearly) repeat one of a past report."""
    found = []
    for sentence in line.sentences:
        body = ENUMERATION_MARKER.sub("", sentence).strip()
        if len(body) < MIN_COPIED_CHARS:
            continue
        pairs = char_bigrams(body)
        best, best_share = None, COPIED
        for candidate in past.sentences:
            if not 0.6 <= len(candidate.pairs) / max(len(pairs), 1) <= 1.6:
                continue
            share = len(pairs & candidate.pairs) / len(pairs | candidate.pairs)
            if share >= best_share:
                best, best_share = candidate, share
        if best is not None:
            found.append(Finding("copied_from_past", WARNING, line.number, sentence,
                                 f"这句与往年报告几乎一样（相同度 {best_share:.0%}），今年的情况是否如此？", span=body[:30],
                                 evidence={"source": "past_report", "where": best.where, "quote": best.text},
                                 suggestion="按今年的实际改写；写的是往年的事就删去"))
    return found


def _stale_year(line: DraftLine, sentence: str, written: str, year: int, severity: str) -> Finding:
    return Finding("stale_year", severity, line.number, sentence,
                   f"“{written}年”不是本报告的年份（{year}年），像是沿用了往年的句子", span=f"{written}年",
                   suggestion=f"改为“{year}年”；如果是与往年比较，写明“较{written}年”")


def _same_honour(claim: str, other: str) -> bool:
    first, second = char_bigrams(claim), char_bigrams(other)
    return claim in other or other in claim or len(first & second) / max(len(first | second), 1) >= SAME_HONOUR


def _said_this_year(claim: str, this_year: ThisYear) -> bool:
    """Whether this year's sources carry the honour's own words (its name without the verb)."""
    name = re.sub(r"^(?:荣获|获评|被评为|评为|获得|授予|入选|荣膺|被命名为)", "", claim)
    return len(name) >= 4 and any(name in text for text in this_year.texts)
