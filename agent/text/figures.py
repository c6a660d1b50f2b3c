"""Figures in 公文 text, and the guard that keeps generated text from inventing any.

The first principle of zongjie: every number in generated text is found in the cited evidence or in facts the user
supplied; any other number is replaced by 〔待补〕. This module decides, deterministically, what a figure is.

A figure is a number as written, with what follows it:
  - Arabic numerals, half- or full-width: 12, 3.5, 1,200 and １，２００ (a comma then three digits; "3，200" with
    half-width digits and a Chinese comma is two numbers), with % / ‰ (percent values are the number: 85% -> 85).
  - Chinese numerals 零〇一二三四五六七八九十百千万亿两: 三个, 十二次, 两项, 一百二十人, 一百五 (= 150),
    二〇二二年 (digit by digit), 三点五 (= 3.5), 百分之八十 (= 80), 百分百 (= 100), 千分之五 (= 5), 三分之一 (= 1/3).
  - Multipliers 十百千万亿 after the number: 3.5万元 = 35000, 1.2亿 = 120000000, 三千五百万 = 35000000.
  - Ranges give two values: 3-5个, 3～5个, 3至5个, 三到五次, 3至5万元 (both sides ×万), 两三个, 十五六岁, 二三十人.
  - Approximations are the number written: 10余家, 近30人, 30多人, 十余家, 百余处.
  - Years, months and days are figures, each number on its own: 2022年5月12日 is three, 2022-05-12 too.
  - `*` runs are masked figures (the sample reports mask figures and names: **次, *.**亿元, ****年, ***街道办):
    their value is unknown, so they match nothing and allow nothing; the guard leaves them as they are.

Not figures:
  - Fixed expressions, corpus programme names, common words and place names listed in
    agent/text/data/fixed_expressions.yaml (四风, 三会一课, 十四五, 二十届三中全会, 进一步, 千方百计, 三金潭 …).
  - Enumeration markers: 一是/二是 (after punctuation or at a line start), 其一, （一）/(二), （1）/(1) anywhere;
    一、 1. 1、 1) 第一， at the start of an item (line start or after 。！？；：).
  - A lone 一 (an article far more often than a quantity: 一个, 一次, 第一) unless part of a larger numeral (十一,
    一百, 一万, 一到三, 一点五); a lone 零/〇 (零容忍); a bare 百/千/万/亿 unless a unit, %, 余 or 多 follows
    (百姓, 千村 and 万象 are not figures; 百余处, 百年 are).
  - Citation keys [S12] (and [S1, S2]), the placeholder itself, URLs and e-mail addresses, and digits glued to the
    end of an ASCII word (N95, S12).

`Figure.text` is the figure as written from its first character (百分之 of 百分之八十 included) through the
multiplier, 余/多, % or ‰ and the unit when one from `UNITS` follows (12次, 3.5万元, 10余家, 3-5个, 85%).
`start`/`end` cover the number only, which is what the guard replaces, so the unit stays: 3.5万元 -> 〔待补〕万元,
10余家 -> 〔待补〕余家, 百分之八十 -> 百分之〔待补〕, 3至5万元 -> 〔待补〕万元.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from .chinese import to_half_width

PLACEHOLDER = "〔待补〕"
FIXED_EXPRESSIONS_PATH = Path(__file__).parent / "data" / "fixed_expressions.yaml"

_UNIT_WORDS = """
    万人次 人次 户次 场次 批次 件次 车次 架次 个百分点 百分点 个月 个 平方公里 平方米 立方米 公顷 公里 千米 米 亩 元
    吨 千克 公斤 斤 微克 克 千瓦时 千瓦 千伏 度 人 名 位 户 家 所 座 栋 幢 间 套 处 条 项 件 次 场 批 期 轮 届 份 篇 封 册 本 张 台
    辆 艘 部 支 队 组 类 种 起 宗 笔 块 棵 株 盏 根 段 层 级 星级 星 倍 成 针 剂 周岁 岁 年度 年 月 日 号 天 周 小时
    分钟 分 秒 周年 项次 例 单 卷 集 页 章 节 课时 学时 元/月 元/人
"""
# Longest first so 人次 wins over 人 and 个百分点 over 个.
UNITS = tuple(sorted(_UNIT_WORDS.split(), key=len, reverse=True))

_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                 "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10 ** 4, "亿": 10 ** 8}
_MULTIPLIERS = {**_SMALL_UNITS, **_BIG_UNITS}
_CN_NUMERAL = "".join(_DIGIT_VALUES) + "".join(_MULTIPLIERS)
_NUMERAL_CHARS = frozenset("0123456789*." + _CN_NUMERAL)
_QUOTES = frozenset("“”‘’\"'「」『』")

# Masks are part of a number: 1**, *.**, **,***.
_ARABIC = r"(?<![A-Za-z0-9_])[0-9*](?:[0-9*]|,(?=[0-9*]{3}(?![0-9*])))*(?:\.[0-9*]+)?"
_CHINESE = rf"[{_CN_NUMERAL}]+(?:点[{''.join(_DIGIT_VALUES)}]+)?"
_NUMBER = re.compile(rf"{_ARABIC}|{_CHINESE}")
_ARABIC_MULTIPLIER = re.compile(r"(?:[十百万亿]|千(?![瓦克米伏]))+(?!分点)")   # 2000万千瓦: 万, then the unit 千瓦
_CHINESE_MULTIPLIER = re.compile(r"[万亿]+")
_APPROX = re.compile(r"[余多]")
_PERCENT = re.compile(r"[%‰]")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|~|—|–|至|到)\s*")
_FRACTION = "分之"
_LONGEST_NUMERAL = 24
_PLACEHOLDER_MARK = "\1"   # stands for placeholder characters in the scanned text, "\0" for other excluded ones
_ISO_DATE = re.compile(r"(?<![0-9])([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])")

_ITEM_START = r"(?:^|(?<=[\n。！？；：:;!?]))[ \t\u3000]*"
_CN_ORDINAL = "[一二三四五六七八九十]{1,3}"
_MARKERS = re.compile("|".join([
    rf"{_ITEM_START}(?:[0-9]{{1,2}}\.[ \t]*)?{_CN_ORDINAL}[、.]",   # "二、…", also as a list item: "1. 二、…"
    rf"{_ITEM_START}(?:[0-9]{{1,2}}(?:[.、)](?![0-9]))|第{_CN_ORDINAL}[，,、:：])",
    rf"[(]{_CN_ORDINAL}[)]",
    r"[(][0-9]{1,2}[)]",
    rf"(?:^|(?<=[^\u4e00-\u9fff0-9A-Za-z])){_CN_ORDINAL}是",
    rf"其{_CN_ORDINAL}(?=[，,、:：是])",
]), re.MULTILINE)
_CITATION = re.compile(r"[\[【][SFM][0-9]+(?:\s*[,，、;；]\s*[SFM]?[0-9]+)*[\]】]")  # [S1] passages, [F1] facts, [M1] materials
_UNIT_LABEL_BEFORE = re.compile(r"(?:[（(]|单位[：:]\s*)$")   # （万元）, 单位：万元
_YEAR_FIGURE = re.compile(r"(?:19|20)\d\d年度?")
_URL = re.compile(r"(?:https?://|www\.)[!-~]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")


@dataclass(frozen=True)
class Figure:
    """One figure: `text` as written with its unit, `start`/`end` the number part, `values` empty when masked;
    `text_start`/`text_end` where `text` stands in the scanned text (百分之 and the unit included)."""

    text: str
    start: int
    end: int
    values: tuple[float, ...]
    masked: bool
    text_start: int = field(default=-1, compare=False)
    text_end: int = field(default=-1, compare=False)


@dataclass
class GuardResult:
    """Guarded text, the figure texts replaced by the placeholder, and the masked figures left as they were."""

    text: str
    replaced: list[str]
    masked: list[str]


@dataclass(frozen=True)
class FixedExpression:
    """An expression whose numerals are not figures; skipped where followed by one of `not_before`."""

    text: str
    not_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    """A figure plus what `known_values` also needs: the value before the multiplier (3.5 of 3.5万)."""

    figure: Figure
    written: tuple[float, ...]


@dataclass
class _Number:
    """A number being read: its span, its value(s) before the multiplier, and what has been read after it."""

    start: int
    end: int
    values: tuple[Decimal, ...]
    masked: bool
    chinese: bool
    text_start: int = -1
    text_end: int = -1
    multiplier: int = 1
    suffixed: bool = False   # a unit, %, 余 or 多 follows
    unit: bool = False
    compound: bool = False   # range or fraction: a lone 一 inside it is a figure


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text` in order (fixed expressions, enumeration markers and non-quantity words excluded)."""
    return [token.figure for token in _scan(text)]


def counts_in(text: str) -> list[Figure]:
    """The figures of `text` that count something: its figures less the years ("2023年" dates, not counts)."""
    return [figure for figure in find_figures(text) if not _YEAR_FIGURE.fullmatch(figure.text)]


def known_values(texts: Iterable[str]) -> set[float]:
    """Values of the unmasked figures in `texts`, as written and multiplied (3.5万 -> {3.5, 35000.0}; 12.5% -> 12.5)."""
    values: set[float] = set()
    for text in texts:
        for token in _scan(text):
            values.update(token.figure.values)
            values.update(token.written)
    return values


def guard_figures(text: str, allowed: Iterable[str] | set[float], placeholder: str = PLACEHOLDER,
                  fill_masked: bool = False) -> GuardResult:
    """Replace every figure whose values are not all in `allowed` (texts, or a `known_values` set) by `placeholder`;
    masked figures (`**次`) are left as written, or with `fill_masked` replaced too (a new year's draft, where
    last year's unknown is this year's blank), their unit kept either way."""
    known = _Known(_allowed_values(allowed))
    pieces: list[str] = []
    replaced: list[str] = []
    masked: list[str] = []
    position = 0
    for token in _scan(text, extra_skip=(placeholder,)):
        figure = token.figure
        if figure.masked:
            masked.append(figure.text)
        if (figure.masked and fill_masked) or (not figure.masked
                                               and not all(known.contains(value) for value in figure.values)):
            pieces += [text[position:figure.start], placeholder]
            position = figure.end
            if not figure.masked:
                replaced.append(figure.text)
    pieces.append(text[position:])
    return GuardResult("".join(pieces), replaced, masked)


def all_known(figures: Iterable[Figure], allowed: set[float]) -> bool:
    """True when every value of every figure is among `allowed` (with the guard's tolerance)."""
    known = _Known(allowed)
    return all(known.contains(value) for figure in figures for value in figure.values)


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Spans that never hold a figure: fixed expressions, words, markers, citation keys, placeholders, URLs."""
    excluded = _excluded(_normalize(text), ())
    spans: list[tuple[int, int]] = []
    for index, flag in enumerate(excluded):
        if flag and spans and spans[-1][1] == index:
            spans[-1] = (spans[-1][0], index + 1)
        elif flag:
            spans.append((index, index + 1))
    return spans


@cache
def load_fixed_expressions() -> tuple[FixedExpression, ...]:
    """All entries of agent/text/data/fixed_expressions.yaml, every section together, in file order."""
    raw = yaml.safe_load(FIXED_EXPRESSIONS_PATH.read_text(encoding="utf-8")) or {}
    entries: list[FixedExpression] = []
    for section in raw.values():
        for entry in section:
            if isinstance(entry, str):
                entries.append(FixedExpression(entry))
            else:
                entries.append(FixedExpression(entry["text"], tuple(entry.get("not_before", ()))))
    return tuple(entries)


# --- reading numbers -------------------------------------------------------------------------------------------


def _scan(text: str, extra_skip: tuple[str, ...] = ()) -> list[_Token]:
    """All figures of `text` with their written values; the one reader behind the public functions."""
    scan = _scan_text(_normalize(text), extra_skip)
    tokens: list[_Token] = []
    position = 0
    while match := _NUMBER.search(scan, position):
        numbers, position = _read(scan, match)
        tokens += [_token(text, number) for number in numbers if _is_figure(scan, number)]
    return tokens


def _read(scan: str, match: re.Match[str]) -> tuple[list[_Number], int]:
    """The numbers starting at `match` (a Chinese run may hold several) and where reading stops."""
    if date := _ISO_DATE.match(scan, match.start()):
        parts = [date.span(group) for group in (1, 3, 4)]
        return [_arabic(start, end, scan[start:end]) for start, end in parts], date.end()
    if match.group()[0] in "0123456789*":
        numbers = [_arabic(match.start(), match.end(), match.group())]
    else:
        numbers = _chinese_numbers(match.start(), match.group())
    last = numbers[-1]
    if scan.startswith("百分百", last.start) and last.end == last.start + 1:
        last.end = last.text_end = last.start + 3
        last.compound = True
    elif (fraction := _read_fraction(scan, last)) is not None:
        numbers[-1] = fraction
    else:
        _read_suffix(scan, last)
        _read_range(scan, last)
    end = max(number.text_end for number in numbers)
    return numbers, end


def _arabic(start: int, end: int, digits: str) -> _Number:
    """An Arabic number as matched; masked when it holds a `*`."""
    masked = "*" in digits
    values = () if masked else (Decimal(digits.replace(",", "")),)
    return _Number(start, end, values, masked, chinese=False, text_start=start, text_end=end)


def _chinese_numbers(start: int, run: str) -> list[_Number]:
    """The numbers a run of Chinese numerals holds: usually one, a range (三五), or several pieces (五一 -> 五, 一)."""
    numbers = []
    for offset, length, values in _chinese_pieces(run):
        begin = start + offset
        numbers.append(_Number(begin, begin + length, values, False, chinese=True, text_start=begin,
                               text_end=begin + length, compound=len(values) > 1))
    last = numbers[-1]
    piece = run[last.start - start:]
    body = piece.rstrip("万亿")
    # 三千五百万 -> 三千五百 ×万, so the guard writes 〔待补〕万; not 一亿五千万, whose 万 belongs to 五千.
    if body and body != piece and not any(char in _BIG_UNITS for char in body):
        body_values = _chinese_interpretation(body)
        if body_values:
            last.end = last.start + len(body)
            last.values = body_values
            last.multiplier = math.prod(_MULTIPLIERS[char] for char in piece[len(body):])
    return numbers


def _read_suffix(scan: str, number: _Number) -> None:
    """Extend `number` over what follows it: 余/多, a multiplier, 余/多 again, then % or ‰ or a unit."""
    position = number.text_end
    # Generated text sometimes spaces a number from its unit ("3.5 万元"); the space then belongs to the figure.
    if scan[position:position + 1] == " " and _suffix_starts(scan, position + 1, number):
        position += 1
    position = _skip(_APPROX, scan, position, number)
    multiplier = _CHINESE_MULTIPLIER if number.chinese else _ARABIC_MULTIPLIER
    if number.multiplier == 1 and (found := multiplier.match(scan, position)):
        number.multiplier = math.prod(_MULTIPLIERS[char] for char in found.group())
        position = found.end()
        number.suffixed = True
    position = _skip(_APPROX, scan, position, number)
    if found := _PERCENT.match(scan, position):
        position = found.end()
        number.suffixed = True
    elif unit := _unit_at(scan, position):
        position += len(unit)
        number.suffixed = number.unit = True
    number.text_end = position


def _suffix_starts(scan: str, position: int, number: _Number) -> bool:
    """True when a multiplier, %/‰ or unit starts at `position`."""
    multiplier = _CHINESE_MULTIPLIER if number.chinese else _ARABIC_MULTIPLIER
    patterns = (_APPROX, multiplier, _PERCENT)
    return any(pattern.match(scan, position) for pattern in patterns) or _unit_at(scan, position) is not None


def _skip(pattern: re.Pattern[str], scan: str, position: int, number: _Number) -> int:
    """Position after `pattern` if it matches at `position` (marking `number` as suffixed)."""
    if found := pattern.match(scan, position):
        number.suffixed = True
        return found.end()
    return position


def _read_range(scan: str, first: _Number) -> None:
    """Join `first` with a following `-`/`~`/至/到 number into one figure with two values (3至5万元)."""
    separator = _RANGE_SEPARATOR.match(scan, first.text_end)
    if first.unit or not separator:
        return
    following = _NUMBER.match(scan, separator.end())
    if not following:
        return
    if following.group()[0] in "0123456789*":
        second = _arabic(following.start(), following.end(), following.group())
    else:
        pieces = _chinese_numbers(following.start(), following.group())
        if len(pieces) > 1:
            return
        second = pieces[0]
    _read_suffix(scan, second)
    if first.multiplier == 1:
        first.multiplier = second.multiplier
    scale = Decimal(first.multiplier) / Decimal(second.multiplier)
    first.values = first.values + tuple(value / scale for value in second.values)
    first.masked = first.masked or second.masked
    first.end, first.text_end = second.end, second.text_end
    first.suffixed = first.compound = True


def _read_fraction(scan: str, denominator: _Number) -> _Number | None:
    """百分之八十 (80), 千分之五 (5), 三分之一 (1/3): the fraction starting at `denominator`, if it is one."""
    if not scan.startswith(_FRACTION, denominator.text_end) or denominator.masked:
        return None
    following = _NUMBER.match(scan, denominator.text_end + len(_FRACTION))
    if not following or len(denominator.values) != 1 or not denominator.values[0]:
        return None
    if following.group()[0] in "0123456789*":
        numerator = _arabic(following.start(), following.end(), following.group())
    else:
        pieces = _chinese_numbers(following.start(), following.group())
        if len(pieces) > 1:
            return None
        numerator = pieces[0]
    _read_suffix(scan, numerator)
    word = scan[denominator.start:denominator.end]
    numerator.text_start = denominator.start
    numerator.compound = numerator.suffixed = True
    if word not in ("百", "千", "万"):
        (base,) = denominator.values
        numerator.values = tuple(value / base for value in numerator.values)
        numerator.start = denominator.start
    return numerator


def _is_figure(scan: str, number: _Number) -> bool:
    """False for a lone 一 or 零, a bare 百/千/万/亿 with nothing after it (百姓, 千村), and a bare multiplier that
    labels a unit (收入（万元）, 单位：万元: a table's column, not ten thousand yuan)."""
    if not number.chinese or number.compound or number.masked:
        return True
    body = scan[number.start:number.end]
    if body in ("一", "零", "〇"):
        return number.multiplier != 1
    if all(char in "百千万亿" for char in body):
        # The multiplier a guard kept after its placeholder (〔待补〕万元, 百分之〔待补〕) is not a number again.
        after_placeholder = scan[number.start - 1:number.start] == _PLACEHOLDER_MARK
        before_placeholder = scan.startswith(_FRACTION + _PLACEHOLDER_MARK, number.end)
        labels_unit = bool(_UNIT_LABEL_BEFORE.search(scan, 0, number.start))
        return number.suffixed and not after_placeholder and not before_placeholder and not labels_unit
    return True


def _token(text: str, number: _Number) -> _Token:
    """The public figure for `number`, with its value as written."""
    values = tuple(float(value * number.multiplier) for value in number.values)
    written = tuple(float(value) for value in number.values)
    figure = Figure(text[number.text_start:number.text_end], number.start, number.end,
                    () if number.masked else values, number.masked, number.text_start, number.text_end)
    return _Token(figure, () if number.masked else written)


def _unit_at(scan: str, position: int) -> str | None:
    """The longest unit starting at `position`."""
    return next((unit for unit in UNITS if scan.startswith(unit, position)), None)


# --- Chinese numerals ------------------------------------------------------------------------------------------


def _chinese_pieces(run: str) -> list[tuple[int, int, tuple[Decimal, ...]]]:
    """Split a run of numeral characters into (offset, length, values) pieces, each a number or a range."""
    pieces = []
    offset = 0
    while offset < len(run):
        # The longest readable prefix first; no numeral is anywhere near this long, so the cap only bounds the work.
        for length in range(min(len(run) - offset, _LONGEST_NUMERAL), 0, -1):
            if values := _chinese_interpretation(run[offset:offset + length]):
                pieces.append((offset, length, values))
                offset += length
                break
        else:
            offset += 1
    return pieces


def _chinese_interpretation(run: str) -> tuple[Decimal, ...]:
    """The value of a numeral (一百二十), a range (三五, 十五六, 二三十) or digits (二〇二二); () if none."""
    if (value := _chinese_value(run)) is not None:
        return (value,)
    if len(run) >= 3 and all(char in _DIGIT_VALUES for char in run):
        return (Decimal("".join(str(_DIGIT_VALUES[char]) for char in run)),)
    return _chinese_range(run)


def _chinese_range(run: str) -> tuple[Decimal, ...]:
    """An approximate range written as two neighbouring digits: 三五个, 十五六岁, 二三十人, 一两个."""
    for index in range(len(run) - 1):
        low, high = run[index], run[index + 1]
        if low in "零〇" or high in "零〇" or low not in _DIGIT_VALUES or high not in _DIGIT_VALUES:
            continue
        if _DIGIT_VALUES[high] - _DIGIT_VALUES[low] == 1 or (low, high) == ("三", "五"):
            before, after = run[:index], run[index + 2:]
            first, second = _chinese_value(before + low + after), _chinese_value(before + high + after)
            if first is not None and second is not None:
                return (first, second)
    return ()


def _chinese_value(numeral: str) -> Decimal | None:
    """Value of a Chinese numeral with an optional 点 decimal part (三点五 = 3.5), or None."""
    whole, dot, fraction = numeral.partition("点")
    value = _below(whole, "亿")
    if value is None or not dot:
        return None if value is None else Decimal(value)
    if not fraction or any(char not in _DIGIT_VALUES for char in fraction):
        return None
    return Decimal(f"{value}." + "".join(str(_DIGIT_VALUES[char]) for char in fraction))


def _below(numeral: str, big: str) -> int | None:
    """Value of `numeral` split at 亿 then 万 (一亿两千万, 三万五千, colloquial 两万五 = 25000)."""
    if big not in numeral:
        return _below(numeral, "万") if big == "亿" else _below_ten_thousand(numeral)
    high_text, _, low_text = numeral.partition(big)
    smaller = "万" if big == "亿" else None
    high = 1 if not high_text else (_below(high_text, smaller) if smaller else _below_ten_thousand(high_text))
    if high is None or high == 0:
        return None
    unit = _BIG_UNITS[big]
    if len(low_text) == 1 and low_text in _DIGIT_VALUES and low_text not in "零〇":
        return high * unit + _DIGIT_VALUES[low_text] * unit // 10
    low_text = low_text[1:] if low_text[:1] in ("零", "〇") else low_text
    low = 0 if not low_text else (_below(low_text, smaller) if smaller else _below_ten_thousand(low_text))
    return None if low is None or low >= unit else high * unit + low


def _below_ten_thousand(numeral: str) -> int | None:
    """Value of a numeral under 万: 三, 十二, 一百零五, 两千, colloquial 一百五 (= 150); None if malformed."""
    if numeral in ("零", "〇"):
        return 0
    total, pending, last_unit, zero = 0, None, None, False
    for char in numeral:
        if char in "零〇":
            if pending is not None or last_unit is None:
                return None
            zero = True
        elif char in _DIGIT_VALUES:
            if pending is not None:
                return None
            pending = _DIGIT_VALUES[char]
        elif char in _SMALL_UNITS:
            unit = _SMALL_UNITS[char]
            if last_unit is not None and unit >= last_unit:
                return None
            total += (1 if pending is None else pending) * unit
            pending, last_unit, zero = None, unit, False
        else:
            return None
    if pending is not None:
        colloquial = last_unit is not None and last_unit > 10 and not zero
        total += pending * last_unit // 10 if colloquial else pending
    return total if numeral else None


# --- what is not a figure --------------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    """Half-width forms for matching, one character for one (offsets stay valid); ，stays a Chinese comma."""
    half = to_half_width(text)
    # ，is a thousands separator only between full-width digits (１，２００); after 3 it starts a clause.
    return "".join(char if original != "，" or _between_full_width_digits(text, index) else original
                   for index, (original, char) in enumerate(zip(text, half)))


def _between_full_width_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and all("０" <= text[near] <= "９" for near in (index - 1, index + 1))


def _scan_text(normalized: str, extra_skip: tuple[str, ...]) -> str:
    """`normalized` with excluded characters blanked to "\0", and placeholders to their own mark."""
    chars = ["\0" if flag else char for char, flag in zip(normalized, _excluded(normalized, extra_skip))]
    for literal in _skipped_literals(extra_skip):
        for start, end in _occurrences(normalized, literal):
            chars[start:end] = _PLACEHOLDER_MARK * (end - start)
    return "".join(chars)


def _skipped_literals(extra_skip: tuple[str, ...]) -> set[str]:
    return {to_half_width(literal) for literal in (PLACEHOLDER, *extra_skip) if literal}


def _excluded(normalized: str, extra_skip: tuple[str, ...]) -> list[bool]:
    """Per character: True inside a fixed expression, a marker, a citation key, a placeholder or a URL."""
    excluded = [False] * len(normalized)
    for start, end in _excluded_matches(normalized, extra_skip):
        excluded[start:end] = [True] * (end - start)
    return excluded


def _excluded_matches(normalized: str, extra_skip: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    for pattern in (_MARKERS, _CITATION, _URL):
        yield from (match.span() for match in pattern.finditer(normalized))
    for literal in _skipped_literals(extra_skip):
        yield from _occurrences(normalized, literal)
    yield from _fixed_expression_spans(normalized)


def _occurrences(text: str, literal: str) -> Iterator[tuple[int, int]]:
    start = text.find(literal)
    while start != -1:
        yield start, start + len(literal)
        start = text.find(literal, start + 1)


def _fixed_expression_spans(normalized: str) -> Iterator[tuple[int, int]]:
    """Fixed expressions in `normalized`, ignoring quotation marks inside, not cutting a longer number."""
    # A skeleton without quotes, with each of its characters' offsets in the text, so “八五”普法 is 八五普法.
    offsets = [index for index, char in enumerate(normalized) if char not in _QUOTES]
    skeleton = "".join(normalized[index] for index in offsets)
    for entry, pattern in _fixed_patterns():
        for start, end in _occurrences(skeleton, pattern):
            if _fits(skeleton, start, end, entry):
                yield offsets[start], offsets[end - 1] + 1


@cache
def _fixed_patterns() -> tuple[tuple[FixedExpression, str], ...]:
    patterns = []
    for entry in load_fixed_expressions():
        pattern = "".join(char for char in to_half_width(entry.text) if char not in _QUOTES)
        patterns.append((entry, pattern))
    return tuple(patterns)


def _fits(skeleton: str, start: int, end: int, entry: FixedExpression) -> bool:
    """An occurrence counts unless it cuts a longer number or a `not_before` continuation follows it."""
    # On the left any numeral joins (五个一 in 二十五个一般); on the right only digits do (110 in 1100), since a
    # Chinese numeral after 统一 starts a number of its own (统一三个).
    if start > 0 and skeleton[start] in _NUMERAL_CHARS and skeleton[start - 1] in _NUMERAL_CHARS:
        return False
    if end < len(skeleton) and skeleton[end - 1] in "0123456789" and skeleton[end] in "0123456789.*":
        return False
    return not any(skeleton.startswith(after, end) for after in entry.not_before)


class _Known:
    """A set of allowed values, looked up with a tolerance for floating-point noise."""

    def __init__(self, values: Iterable[float]) -> None:
        self._sorted = sorted(float(value) for value in values if math.isfinite(value))

    def contains(self, value: float) -> bool:
        """True when some allowed value equals `value` to within a relative 1e-9."""
        index = bisect.bisect_left(self._sorted, value)
        neighbours = self._sorted[max(index - 1, 0):index + 1]
        return any(math.isclose(value, known, rel_tol=1e-9, abs_tol=1e-9) for known in neighbours)


def _allowed_values(allowed: Iterable[str] | set[float]) -> set[float]:
    """`allowed` as values: a set of numbers is used as it is; texts (or a single text) are read for figures."""
    if isinstance(allowed, str):
        return known_values([allowed])
    items = list(allowed)
    if all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in items):
        return {float(item) for item in items}
    return known_values(str(item) for item in items)
