"""Chinese text handled on purpose: width normalisation for matching, sentence splitting, numerals."""

from __future__ import annotations

import re

SENTENCE_ENDS = "。！？；!?;"
CHINESE_DIGITS = "零一二三四五六七八九十"

_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = 0x20
# A numbering marker opening a heading or point: 一、 一. （一） (1) 1、 1． 一是 (either width, spaces after it).
ENUMERATION_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+(?:[、,.]|是)|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])\s*")
_SENTENCE_RE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)]*|$)")


def to_half_width(text: str) -> str:
    """Full-width ASCII forms (（１２３）ＡＢ．) to half-width; for matching only, never for output."""
    return text.translate(_FULL_TO_HALF)


def split_sentences(text: str) -> list[str]:
    """Split on 。！？； (and half-width forms), keeping the punctuation and closing quotes with the sentence."""
    return [part for part in _SENTENCE_RE.findall(text) if part.strip()]


def chinese_number(text: str) -> int | None:
    """Value of a small Chinese numeral (一 … 九十九), or None if `text` is not one."""
    if not text or any(char not in CHINESE_DIGITS for char in text):
        return None
    if "十" not in text:
        return CHINESE_DIGITS.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    tens_value = CHINESE_DIGITS.index(tens) if tens else 1
    ones_value = CHINESE_DIGITS.index(ones) if ones else 0
    if len(tens) > 1 or len(ones) > 1:
        return None
    return tens_value * 10 + ones_value


def chinese_numeral(number: int) -> str:
    """1 … 99 in Chinese numerals, as markers write them: 一, 十, 十一, 二十三."""
    if not 1 <= number <= 99:
        raise ValueError(f"no marker numeral for {number}")
    tens, ones = divmod(number, 10)
    if not tens:
        return CHINESE_DIGITS[ones]
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


def count_cjk(text: str) -> int:
    """Number of CJK ideographs in `text`."""
    return sum(1 for char in text if "\u4e00" <= char <= "\u9fff")


def char_bigrams(text: str) -> set[str]:
    """Character bigrams of the CJK and alphanumeric characters of `text` (how much two texts share, word-free)."""
    kept = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9*]", "", text)
    return {kept[index: index + 2] for index in range(len(kept) - 1)}
