"""The 公文 rules a second reader checks by eye: heading numbers (GB/T 9704 7.3.3), number usage (GB/T 15835),
punctuation (GB/T 15834), a small wording lexicon, and classification marks and personal data (text/sensitive.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..library.structure import match_heading
from ..text.chinese import chinese_number, chinese_numeral
from ..text.sensitive import find_classification, find_personal
from .document import DraftDocument, DraftLine
from .findings import ERROR, WARNING, Finding

# Heading levels: 一、 → （一） → 1. → （1）; 一是/二是 run in within a paragraph.
_LEVEL_NAMES = {1: "一级标题（一、）", 2: "二级标题（（一））", 3: "三级标题（1.）", 4: "四级标题（（1））"}
_POINT = re.compile(r"(?:^|(?<=[。；;！？]))\s*(?P<numeral>[一二三四五六七八九十]+)是")
_SHORT_YEAR = re.compile(r"(?<![\d０-９〔\[])(?P<year>\d{2})年(?!代|[前后内来]|\d)")
_RANGE_PERCENT = re.compile(r"(?<![\d.%])(?P<low>\d+(?:\.\d+)?)\s*[-－~～—–至到]\s*(?P<high>\d+(?:\.\d+)?)%")
_RANGE_MULTIPLIER = re.compile(r"(?<![\d.])(?P<low>\d+(?:\.\d+)?)\s*[-－~～—–至到]\s*(?P<high>\d+(?:\.\d+)?)(?P<unit>万|亿)")
_FULL_WIDTH_DIGITS = re.compile(r"[０-９]+(?:[．.][０-９]+)?")
_THOUSAND = re.compile(r"(?<![\d.])\d+(?:\.\d+)?千(?![米克瓦伏帕卡焦赫])(?=[\u4e00-\u9fff%]|$)|\d+万\d+千")
_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_IN_CHINESE = re.compile(r"(?<=[\u4e00-\u9fff”）])[,;:?!](?=[\u4e00-\u9fff“（]|$)"
                              r"|(?<=[\u4e00-\u9fff])\((?=[^()]*[\u4e00-\u9fff])[^()]*\)")
_ENUMERATION_COMMA_BEFORE_DENG = re.compile(r"、等")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"))
# 截止 is a deadline; 截至 "up to" a date. 其它 → 其他 and 做为 → 作为 in 公文.
_WORDING = {"截止目前": "截至目前", "截止到": "截至", "截止": "截至", "其它": "其他", "做为": "作为", "布署": "部署",
            "既使": "即使", "按排": "安排", "反溃": "反馈", "帐户": "账户", "签定": "签订"}
_DEADLINE_USE = re.compile(r"截止(?:日期|时间|期限|时)")


@dataclass
class _Level:
    number: int
    marker: str


def numbering_findings(document: DraftDocument) -> list[Finding]:
    """Heading numbers in order at each level, no level skipped, each level's own mark; 一是 runs in order."""
    found: list[Finding] = []
    current: dict[int, _Level] = {}
    points = 0   # the 一是/二是 run so far: within a paragraph, and on across paragraphs that each open a point
    for line in document.lines:
        heading = match_heading(line.text)
        if heading is not None and heading.rank <= 4 and heading.number:
            found += _heading_number(line, heading.rank, heading.number, heading.marker, current)
            points = 0
        opens_point = bool(_POINT.match(line.text))
        findings, points = _point_runs(line, points if opens_point else 0)
        found += findings
    return found


def _heading_number(line: DraftLine, rank: int, number: int, marker: str, current: dict[int, _Level]
                    ) -> list[Finding]:
    found = []
    previous = current.get(rank)
    expected = previous.number + 1 if previous else 1
    if number != expected:
        what = "重复" if previous and number == previous.number else ("跳号" if number > expected else "顺序倒退")
        found.append(Finding("numbering", ERROR, line.number, line.text,
                             f"{_LEVEL_NAMES[rank]}编号{what}：“{marker}”前一个是"
                             f"“{previous.marker if previous else '（无）'}”，应为第{expected}个",
                             span=marker, suggestion=f"改为“{_marker(rank, expected, marker)}”，并顺延后面的编号"))
    parent = max((level for level in current if level < rank), default=0)
    if rank > 1 and parent and parent < rank - 1 and not previous:
        found.append(Finding("numbering", WARNING, line.number, line.text,
                             f"“{marker}”直接放在{_LEVEL_NAMES[parent]}下面，跳过了{_LEVEL_NAMES[rank - 1]}",
                             span=marker, suggestion="按 一、→（一）→1.→（1）的层次编号"))
    mark = re.sub(r"[\d一二三四五六七八九十]", "", marker)
    if rank == 1 and mark != "、":
        found.append(Finding("numbering", ERROR, line.number, line.text,
                             f"一级标题的序号后应用顿号“、”，这里写成了“{marker}”", span=marker,
                             suggestion=f"改为“{chinese_numeral(number)}、”"))
    elif rank == 3 and mark not in (".", "．"):
        found.append(Finding("numbering", WARNING, line.number, line.text,
                             f"三级标题的序号应写成“{number}.”，这里是“{marker}”", span=marker,
                             suggestion=f"改为“{number}.”"))
    elif rank in (2, 4) and mark != "（）":
        found.append(Finding("numbering", WARNING, line.number, line.text,
                             f"序号“{marker}”应使用全角括号", span=marker,
                             suggestion=f"改为“（{marker.strip('()（）')}）”", fix=(marker, f"（{marker.strip('()（）')}）")))
    current[rank] = _Level(number, marker)
    for deeper in [level for level in current if level > rank]:
        del current[deeper]
    return found


def _point_runs(line: DraftLine, before: int) -> tuple[list[Finding], int]:
    """一是、二是 … in order (a new run may start again at 一是), `before` points into the run; the findings and the
    points counted after this line."""
    found = []
    count = before
    for match in _POINT.finditer(line.text):
        number = chinese_number(match.group("numeral"))
        if number != count + 1 and number != 1 and not found:   # 一是 may open a new run
            found.append(Finding("numbering", ERROR, line.number, line.text,
                                 f"“{match.group(0).strip()}”前一点是第{count}点，应为第{count + 1}点（一是、二是……依次排列）",
                                 span=match.group(0).strip(), suggestion=f"改为“{chinese_numeral(count + 1)}是”"))
        count = number or count + 1
    return found, count


def number_usage_findings(line: DraftLine, year: int) -> list[Finding]:
    """Shortened years, ranges that drop % or 万/亿, full-width digits, 4千 (GB/T 15835)."""
    text = line.text
    found = []
    for match in _SHORT_YEAR.finditer(text):
        full = _full_year(int(match.group("year")), year)
        if full:
            found.append(_usage(line, match.group(0), f"年份不能简写：“{match.group(0)}”", f"改为“{full}年”"))
    for match in _RANGE_PERCENT.finditer(text):
        if not text[:match.end("low")].endswith("%"):
            found.append(_usage(line, match.group(0), f"百分数范围的两个数都要带%：“{match.group(0)}”",
                                f"改为“{match.group('low')}%—{match.group('high')}%”"))
    for match in _RANGE_MULTIPLIER.finditer(text):
        found.append(_usage(line, match.group(0), f"数值范围的两个数都要带“{match.group('unit')}”：“{match.group(0)}”",
                            f"改为“{match.group('low')}{match.group('unit')}—{match.group('high')}{match.group('unit')}”"))
    for match in _FULL_WIDTH_DIGITS.finditer(text):
        half = match.group(0).translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}).replace("．", ".")
        found.append(_usage(line, match.group(0), f"数字应使用半角：“{match.group(0)}”", f"改为“{half}”",
                            fix=(match.group(0), half)))
    for match in _THOUSAND.finditer(text):
        found.append(_usage(line, match.group(0), f"阿拉伯数字不与“千”连用：“{match.group(0)}”", "写成完整的数字，如“4000”"))
    return found


def punctuation_findings(line: DraftLine) -> list[Finding]:
    """Half-width marks in Chinese text, unpaired quotes and 书名号, a 顿号 before 等 (GB/T 15834)."""
    text = line.text
    found = []
    for match in _HALF_IN_CHINESE.finditer(text):
        written = match.group(0)
        fixed = "".join(_HALF_WIDTH.get(char, char) for char in written)
        found.append(Finding("punctuation", WARNING, line.number, line.text,
                             f"中文里用了半角标点：“{written[:12]}”", span=written[:12],
                             suggestion=f"改为全角“{fixed[:12]}”", fix=(written, fixed)))
    for opening, closing in _PAIRS:
        if text.count(opening) != text.count(closing):
            found.append(Finding("punctuation", WARNING, line.number, line.text,
                                 f"{opening}{closing}不成对（{opening}{text.count(opening)} 个，{closing}{text.count(closing)} 个）",
                                 span=opening if text.count(opening) > text.count(closing) else closing,
                                 suggestion=f"补上或删去多余的{opening}{closing}"))
    for match in _ENUMERATION_COMMA_BEFORE_DENG.finditer(text):
        found.append(Finding("punctuation", WARNING, line.number, line.text, "“等”前不用顿号", span="、等",
                             suggestion="删去“等”前的顿号", fix=("、等", "等")))
    return found


def wording_findings(line: DraftLine) -> list[Finding]:
    """Words 公文 writes otherwise (截止→截至, 其它→其他 …)."""
    found = []
    text = _DEADLINE_USE.sub(lambda match: "□" * len(match.group(0)), line.text)
    for wrong, right in _WORDING.items():
        for match in re.finditer(re.escape(wrong), text):
            found.append(Finding("wording", WARNING, line.number, line.text, f"“{wrong}”应写作“{right}”",
                                 span=wrong, suggestion=f"改为“{right}”", fix=(wrong, right)))
            text = text[:match.start()] + "□" * len(wrong) + text[match.end():]
    return found


def sensitive_findings(document: DraftDocument) -> list[Finding]:
    """Classification marks (the draft may not go out as it is) and personal data of named people."""
    found = []
    for mark in find_classification(document.text):
        line = document.lines[mark.line - 1]
        found.append(Finding("classified_mark", ERROR, line.number, line.text,
                             f"文中有密级标志“{mark.text}”：带密级的材料不能按普通文稿报送或上传", span=mark.text,
                             suggestion="确认定密情况；非涉密文稿删去标志，涉密文稿按保密规定处理"))
    for line in document.lines:
        for finding in find_personal(line.text):
            written = line.text[finding.start:finding.end]
            found.append(Finding("personal_data", ERROR, line.number, line.text,
                                 f"文中有个人信息（{finding.kind}）",
                                 span=written, suggestion="总结中不写个人的身份证号、手机号、银行卡号，请删去"))
    return found


def _usage(line: DraftLine, written: str, message: str, suggestion: str,
           fix: tuple[str, str] | None = None) -> Finding:
    return Finding("number_usage", WARNING, line.number, line.text, message, span=written, suggestion=suggestion,
                   fix=fix)


def _full_year(short: int, year: int) -> int | None:
    """The four-digit year a two-digit one means in a report of `year` (within ten years of it), else None."""
    full = year // 100 * 100 + short
    return full if abs(full - year) <= 10 else None


def _marker(rank: int, number: int, written: str) -> str:
    if rank == 1:
        return f"{chinese_numeral(number)}、"
    if rank == 2:
        return f"（{chinese_numeral(number)}）"
    if rank == 3:
        return f"{number}."
    return f"（{number}）"
