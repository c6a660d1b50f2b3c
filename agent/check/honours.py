"""Honours and rankings a text claims (获评…, 荣获…称号, 在全区排名第三), each as the words that say what was
honoured, so that a draft's claim can be looked up among this year's sources and the past reports'."""

from __future__ import annotations

import re

from ..draft.stale import find_honours

# 被评为/获评/荣获/授予/入选… and what was given, up to the clause's end (“五星级党群服务站” has no 称号 or 奖)
_HONOUR_CLAIM = re.compile(r"(?:被评为|获评|荣获|被授予|授予|入选|荣膺|被命名为|被确定为)[^，。；！？,;]{2,30}")
_RANKING = re.compile(r"(?:排名|位列|位居|名列|综合考评|考核)(?:全[国省市区县]|[\u4e00-\u9fff]{0,6})第[一二三四五六七八九十\d]+(?:名|位)?"
                      r"|\d+次排名第[一二三四五六七八九十\d]+")


def honour_claims(text: str) -> list[str]:
    """The honours and rankings a text claims: each as its clause (城市管理工作在全区排名第三), so that two claims
    compare by what was honoured, not by the verb."""
    found = [match.group(0) for match in _HONOUR_CLAIM.finditer(text)] + find_honours(text)
    found += [_clause_around(text, match.start(), match.end()) for match in _RANKING.finditer(text)]
    claims: list[str] = []
    for claim in sorted(found, key=len, reverse=True):
        if not any(claim in longer for longer in claims):
            claims.append(claim)
    return claims


def _clause_around(text: str, start: int, end: int) -> str:
    before = max(text.rfind(mark, 0, start) for mark in "，。；：,;") + 1
    after = min([index for index in (text.find(mark, end) for mark in "，。；,;") if index >= 0] or [len(text)])
    return text[before:after].strip()
