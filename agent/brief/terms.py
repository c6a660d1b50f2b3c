"""A report's own 提法: the programmes, brands and formulas it coins in quotes, for the brief's 主要提法 line.

What a reader remembers of a report is often what it named: “八八战略”, “万人助万企”, the “1+2+4+N”目标任务体系, a
街道's “书记项目”. The points of a brief quote whole sentences and have room for few of them; this line names the
rest. A quoted name is a 提法 when the report treats it as one: it repeats it, it is an enumerated formula (三张
清单, 1+2+4+N), a head noun follows it (“楼长制”工作法, “共享智造”模式), a verb launches it (打造“…”, 实施“…”), or a
heading carries it. A quoted word said once in passing (啃下“硬骨头”), a quoted remark, a document title in 《》,
and the formulas every report of the day carries (“十四五”, “两个维护”) are not. Ranked from the report alone: a
report's brief never changes because other reports were added to the library.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..library.store import StoredChunk
from .units import Unit, is_standing_formula, sentences_of

_QUOTED_NAME = re.compile(r"[“「]([^“”「」。；！？;!?]{2,14})[”」]")
_NUMERALS = re.compile(r"[一二三四五六七八九十百千万两双0-9０-９]")
_DATE_LIKE = re.compile(r"^[一二三四五六七八九十]+$")   # “七一”, “八五”, “十三五”: a date or a period, not a name
_DIGIT_OR_SIGN = re.compile(r"[0-9０-９+＋×]")
# what follows a coined name when it is one: “楼长制”工作法, “共享智造”模式, “1+2+4+N”目标任务体系
_HEAD_NOUN = re.compile(r"^[^\W和与及等的之为在对把将是]{0,4}(?:工程|行动|体系|品牌|机制|模式|战略|格局|工作法|制度?|计划|项目|通道|示范区|平台"
                        r"|活动|改革|试点|攻坚战|服务|理念|目标)")
_LAUNCHED = re.compile(r"(?:打造|擦亮|实施|推进|推动|开展|创建|深化|推行|构建|探索|推出|形成|首创|叫响|启动|聚焦|建设|落实|践行)$")
HEAD_NOUN_MAX_CHARS = 6


@dataclass
class _Seen:
    """One quoted name as the report uses it: where it first stands, how often, and what marks it as coined."""

    name: str
    chunk: StoredChunk
    sentence: str
    head: str = ""
    count: int = 0
    launched: bool = False
    in_heading: bool = False

    @property
    def formula(self) -> bool:
        """An enumerated formula: 三张清单, 一主两副, 1+2+4+N."""
        return len(_NUMERALS.findall(self.name)) >= 2 or bool(_DIGIT_OR_SIGN.search(self.name))

    @property
    def score(self) -> float:
        return (math.log2(1 + self.count) + 0.8 * bool(self.head) + 0.5 * self.launched + 0.6 * self.formula
                + 0.6 * self.in_heading)

    @property
    def coined(self) -> bool:
        """Treated as a 提法, not quoted in passing: repeated, or marked as a name in any of the other ways."""
        return self.count >= 2 or bool(self.head) or self.launched or self.formula or self.in_heading

    @property
    def display(self) -> str:
        return f"“{self.name}”{self.head}"


def own_terms(passages: list[StoredChunk]) -> list[Unit]:
    """The report's coined names, best first, each a unit citing the sentence where it first stands."""
    seen: dict[str, _Seen] = {}
    for chunk in passages:
        for sentence in sentences_of(chunk.text):
            for match in _QUOTED_NAME.finditer(sentence):
                name = match.group(1)
                if is_standing_formula(name) or _DATE_LIKE.match(name):
                    continue
                entry = seen.setdefault(name, _Seen(name, chunk, sentence))
                entry.count += 1
                entry.launched |= bool(_LAUNCHED.search(sentence[:match.start()]))
                entry.head = entry.head or _head_noun(sentence[match.end():])
    for chunk in passages:   # a heading naming a term the text uses
        for title in chunk.heading_path:
            for name in _QUOTED_NAME.findall(title):
                if name in seen:
                    seen[name].in_heading = True
    ranked = sorted((entry for entry in seen.values() if entry.coined), key=lambda entry: -entry.score)
    return [Unit(entry.display, entry.chunk, entry.sentence, (entry.chunk.ordinal, 0), entry.score)
            for entry in _without_parts(ranked)]


def terms_line(terms: list[Unit], max_chars: int, said: str = "") -> list[Unit]:
    """As many of the ranked terms as fit in `max_chars` (、 between them), leaving out any the brief already says."""
    chosen: list[Unit] = []
    used = 0
    for unit in terms:
        name = unit.text.split("”")[0].lstrip("“")
        if name in said:
            continue
        cost = len(unit.text) + 1
        if used + cost > max_chars:
            continue
        chosen.append(unit)
        used += cost
    return chosen


def _head_noun(after: str) -> str:
    match = _HEAD_NOUN.match(after[:HEAD_NOUN_MAX_CHARS])
    return match.group(0) if match else ""


def _without_parts(ranked: list[_Seen]) -> list[_Seen]:
    """A name inside a better-ranked one is said by it (“一主两副” in “一主两副、一圈两带”): kept once."""
    kept: list[_Seen] = []
    for entry in ranked:
        if not any(entry.name in other.name or other.name in entry.name for other in kept):
            kept.append(entry)
    return kept
