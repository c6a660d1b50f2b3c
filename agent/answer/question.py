"""What a question asks for, read from its form, and which reports it names.

Kinds, from how staff phrase them (never from a list of known questions):
  mention   哪几份报告提到了“四风”？ / 有没有报告写到第一种形态？ — every passage that uses the term, by report
  compare   比较A和B在基层党建上的做法有什么不同 / A和B的存在问题有什么不一样 — the reports' sections side by side
  reports   哪几份报告有2023年工作安排？ / 各报告的信访工作有什么做法？ — one line per report that has it
  section   街道办2023年工作计划有哪几项？ / 在选人用人上有哪些做法？ / 具体做了什么 — a whole section's points
  fact      开展了几次警示教育？ — a figure
  open      anything else — the sentences that answer best

A report is named by the words that name reports — units, roles, kinds of report, years — where they stand in
its title or unit (街道办2022年总结 → 《街道办2022年总结和2023年工作计划》, 党工委书记述职报告, 新区领导班子), not by
subject words that happen to be in a title (基层党建 names no report).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import yaml

from ..library.lexical import LexicalIndex, tokenize
from ..library.retrieve import expansion_terms
from ..library.store import ReportRecord
from ..library.thesaurus import normalize
from ..library.topics import FRAME_TOPIC_IDS, TOPICS
from ..text.chinese import chinese_number, to_half_width
from .measures import asked_measures, asked_rates

MENTION, COMPARE, REPORTS, SECTION, FACT, OPEN = "mention", "compare", "reports", "section", "fact", "open"

_QUOTED = re.compile(r"[“\"「『‘《]([^”\"」』’》]{1,20})[”\"」』’》]")
_MENTION_VERB = r"(?:提到|提及|提|写到|讲到|说到|谈到|出现|涉及|用到|用|写了|写)(?:了|过)"
_MENTION_VERB_BARE = r"(?:提到|提及|写到|讲到|说到|谈到|出现|涉及|用到|有写|写有|有提)"
_ANY_MENTION_VERB = rf"(?:{_MENTION_VERB}|{_MENTION_VERB_BARE})"
_MENTION = re.compile(
    rf"(?:哪些|哪几份|哪几个|哪份|哪一份|哪个|几份|有没有|是否有|有无|有哪些)(?:报告|总结|材料|文件|单位)?"
    rf"[^，,。？?]{{0,4}}{_ANY_MENTION_VERB}|{_ANY_MENTION_VERB}[^，,。？?]{{0,12}}的(?:报告|材料|总结)"
    rf"|[“\"「『][^”\"」』]+[”\"」』][^，,。？?]{{0,8}}(?:报告|材料)[^，,。？?]{{0,4}}{_ANY_MENTION_VERB}"
    rf"|(?:都|还|也)?有?(?:谁|哪家)[^，,。？?]{{0,2}}{_ANY_MENTION_VERB}")
_MENTION_TERM = re.compile(rf"{_ANY_MENTION_VERB}([^，,。？?！!的吗呢]{{2,16}})")
_COMPARE = re.compile(r"比较|对比|相比|比一比|比比|比起来|对照一下|有什么不同|有何不同|有什么区别|有何区别|区别|异同|不一样|差别|差异|不同之处")
_REPORTS = re.compile(r"(?:哪些|哪几份|哪份|哪一份|几份|各份|各个|各)(?:报告|总结|材料|单位)|^各")
_SECTION = re.compile(
    r"哪些(?:做法|措施|举措|工作|方面|问题|不足|短板|打算|安排|计划|成效|成绩|亮点|经验|内容|任务|特色|办法|重点|项目)"
    r"|哪几(?:项|条|点|个方面|方面|类|件事|件)|几(?:项|条|点)(?:工作)?(?:安排|打算|计划|做法|问题)?"
    r"|具体(?:做了|有|包括|开展了|是)(?:什么|哪些)|做了(?:什么|哪些)|(?:做|干|抓)了哪些|包括(?:什么|哪些)"
    r"|主要(?:内容|做法|工作|有哪些)|存在(?:哪些|什么)|有哪些|是怎么(?:做|抓|开展|推进|落实|整改)的"
    r"|(?:怎么|如何)(?:做|抓|开展|推进|落实|整改|分析|安排|部署)的|(?:打算|准备|计划)(?:怎么|如何|咋)(?:抓|做|干|推进|开展|落实)"
    r"|(?:搞|干|做|弄)了(?:些|哪些)?(?:啥|什么)|都(?:有|干|搞|做)了?(?:啥|哪些|什么)|哪几块|几(?:个|大)?方面|几块"
    r"|讲讲|说说|谈谈|分条|概括|梳理|列一下|咋(?:干|搞|做|抓)|分别(?:是|有|讲)(?:什么|哪些|啥)|(?:都|各)是(?:什么|哪些)"
    r"|(?:有)?(?:什么|哪些|啥)(?:亮点|成效|成绩|特色)|分(?:了)?(?:几|哪几)(?:大)?(?:部分|块|方面)")
# 准备/计划/要 before what is to be done asks for the plan (打算), not for the word 准备
_INTENT = re.compile(r"(?:准备|计划|预计|拟|想要)(?=(?:重点|主要|着力|从|在|怎么|如何|咋|哪|抓|干|做|推进|发力))")
# 查摆/查找/剖析 (出) (自己/自身的) before 问题/不足/短板 asks for the part where the report names its shortcomings
_SELF_EXAMINED = re.compile(r"(?:自己|自身)?(?:查摆|查找|查出|查摆出|查找出|剖析|对照检查|反思)(?:出来|出|来)?了?(?:自己|自身|本身)?的?"
                            r"(?=(?:哪些|哪几个|什么|啥|的)?(?:问题|不足|短板|差距))")
# A clause about the asker (我想参考下它的写法, 我们要借鉴一下): no subject of the question
_ASIDE = re.compile(r"(?:^|(?<=[，,。？?！!\s]))我们?(?:想|要|需要|得|准备|打算)[^，,。？?！!]*[，,。？?！!]?")
_EXAMPLES = re.compile(r"[（(][^（()）]{0,30}[）)]")
_EACH = re.compile(r"各|分别|两家|两边|两份|两者|二者|各自")
# 跟新区比 / 谁的举措更多: a comparison when two reports are named (跟上年比 in one report is a figure's change)
_SET_AGAINST = re.compile(r"(?:跟|和|与|同)[^，,。？?]{1,16}比(?![例重较])|谁(?:的)?[^，,。？?]{0,8}更")
_LIST_OF_PARTS = re.compile(r"几(?:个|大)?方面|哪几(?:项|条|点|块|类|件事|件)|几(?:项|条|点|块)(?:工作)?(?:安排|打算|计划|做法)")
_QUANTITY = re.compile(r"多少|(?<!哪)几[次个项人家场名户批处所期轮]|数量|比例|金额")
# Words that name a report rather than a subject: a fragment of the question counts towards naming a report only
# when it holds a unit or role word, or a year, or (in a fragment of three characters or more, so 报告 alone
# names nothing) a word for a kind of report.
_UNIT_WORDS = ("街道", "办事处", "党工委", "管委会", "党委", "政府", "新区", "开发区", "园区", "镇", "乡", "社区", "书记",
               "主任", "班子", "述职")
_KIND_WORDS = ("述职", "总结", "计划", "安排", "打算", "要点", "报告", "材料", "汇报")
_YEAR = re.compile(r"(?:19|20)\d{2}年?")
_POINTING = r"那个|那家|那份|那边的?|这个|这家"   # 江岸区那个街道, “六亮”的那家
_POINTER = re.compile(rf"{_POINTING}|这份|所在")
_SPLIT = re.compile(r"和|与|跟|同|以及|及|、|还有|对比|比较|对照一下|对照|比一比")
_MASKS = re.compile(r"[*＊]+")


@dataclass(frozen=True)
class Question:
    """A question read: its kind, the reports it names (sources, in the order named), the words it uses to name
    them (taken out when looking for its subject), and for a mention question the term."""

    text: str
    kind: str
    reports: tuple[str, ...] = ()
    naming: tuple[str, ...] = ()
    term: str = ""
    part: int | None = None   # 第三部分: the report's third top-level part
    titles: tuple[str, ...] = ()   # the named reports' titles, in the order of `reports`

    @property
    def subject_text(self) -> str:
        """The question without the words that name its reports (街道办, 新区领导班子, 述职报告): what it is about.
        A naming fragment that holds a topic's name stays (2023年工作计划 is also the section asked for)."""
        text = _EXAMPLES.sub(" ", self.text)   # （信访、网格、疫情防控这些）: examples, not more subject
        text = _ASIDE.sub(" ", text)   # 我想参考下它的写法: why the asker asks, not what about
        text = _INTENT.sub("打算", text)   # 2023年准备抓哪几件事: what the report planned
        text = _SELF_EXAMINED.sub("存在", text)   # 书记查摆出哪些不足: the report's own 存在问题
        for fragment in sorted(self.naming, key=len, reverse=True):
            if not _names_a_part(fragment):
                text = text.replace(fragment, " ")
        return text


def _names_a_part(fragment: str) -> bool:
    """A fragment that names one of the report's parts too (2023年工作计划, 存在问题, 2022年工作总结; a year alone), unless it
    holds a unit or role (街道党工委): such words ask for a section, they do not only point at the report."""
    plain = normalize(fragment)
    if any(word in fragment for word in _UNIT_WORDS) or _POINTER.search(fragment):   # 军民融合那份总结 points
        return False
    frame = any(normalize(name) in plain for topic in TOPICS if topic.id in FRAME_TOPIC_IDS
                for name in (topic.name, *topic.synonyms))
    return frame or any(word in fragment for word in ("总结", "计划", "安排", "打算")) or bool(_YEAR.fullmatch(fragment))


Holders = Callable[[str], set[str]]   # a phrase → the sources of the reports whose text holds it


def read_question(text: str, reports: Sequence[ReportRecord], holders: Holders | None = None) -> Question:
    """The kind of answer `text` wants, the reports it names (by their titles and units, else by a place only one
    report's text names: 江岸那个街道办), its term, and the part it asks for (第三部分)."""
    kind = _kind(to_half_width(text))
    # 哪几份报告… and 各报告… ask of every report, whatever else the question says
    named = ((), ()) if kind in (MENTION, REPORTS) else name_reports(text, reports, holders)
    if named[0]:   # 江岸那个街道办 / words of its title (抓基层党建述职) point at the report, however it was named
        described = tuple(match.group(0) for match in _descriptions(text))
        described += tuple(fragment for source in named[0] for fragment in _title_words(text, reports, source))
        named = (named[0], named[1] + described)
    if len(named[0]) >= 2 and kind in (SECTION, FACT, OPEN) and (_EACH.search(text) or _SET_AGAINST.search(text)):
        kind = COMPARE   # A和B…各有什么做法, A跟B比…

    term = mention_term(text) if kind == MENTION else ""
    part = _PART.search(text)
    number = (int(part.group(1)) if part.group(1).isdigit() else chinese_number(part.group(1))) if part else None
    if part and kind == OPEN:
        kind = SECTION
    titles = {report.source: report.title for report in reports}
    return Question(text=text, kind=kind, reports=named[0], naming=named[1], term=term, part=number,
                    titles=tuple(titles.get(source, "") for source in named[0]))


def _kind(text: str) -> str:
    if _MENTION.search(text) and mention_term(text):
        return MENTION
    if _COMPARE.search(text):
        return COMPARE
    if _REPORTS.search(text):
        return REPORTS
    if _LIST_OF_PARTS.search(text):   # 分几个方面, 哪几条: a list, though 几 also asks how many
        return SECTION
    if _QUANTITY.search(text):
        return FACT
    if _SECTION.search(text):
        return SECTION
    return OPEN


def mention_term(text: str) -> str:
    """The term a mention question is about: a quoted term, else the words after 提到/写到, without a trailing
    工作/情况/方面 that reports often leave out (哪些报告写了安全生产工作？ → 安全生产)."""
    quoted = _QUOTED.search(text)
    if quoted:
        return quoted.group(1).strip()
    found = (_TERM_FIRST.search(to_half_width(text)) or _TERM_BEFORE.search(to_half_width(text))   # 三会一课都有哪些报告提过
             or _MENTION_TERM.search(to_half_width(text)))
    if not found:
        return ""
    term = _THIS_ONE.sub("", found.group(1).strip())   # 信访这块, 谈心谈话这项工作: the term without the pointing
    bare = _GENERIC_TAIL.sub("", term)
    return bare if len(bare) >= 2 else term


_THIS_ONE = re.compile(r"(?:这块|这项工作|这项|这方面|这件事|这事|这个|这一块|这些)$")
_GENERIC_TAIL = re.compile(r"(?:工作|情况|方面|内容|问题|做法|的事)$")
_TERM_FIRST = re.compile(rf"^[“\"「]?([^，,。？?“”\"「」]{{2,20}}?)[”\"」]?[，,]\s*(?:都|还|也)?(?:有)?(?:哪些|哪几份|哪几个|哪份|几份|有没有)"
                         rf"(?:单位|部门)?的?(?:报告|总结|材料|文件)?[^，,。？?]{{0,3}}{_ANY_MENTION_VERB}")
_TERM_BEFORE = re.compile(rf"^([^，,。？?]{{2,12}}?)(?:在)?(?:都|还|也)?(?:有)?(?:(?:哪些|哪几份|几份)(?:报告|总结|材料)|谁|哪家)"
                          rf"[^，,。？?]{{0,3}}{_ANY_MENTION_VERB}")
_PART = re.compile(r"第([一二三四五六七八九十]{1,3}|\d{1,2})(?:个)?(?:部分|大部分|大项|大块|块|章|节)")
_UNIT_NOUN = r"(?:街道办事处|街道办|街道|镇|乡|新区|开发区|单位|报告|总结|述职)"
_PLACE = re.compile(rf"(?:有)?([\u4e00-\u9fff]{{2,8}}?)(?:所在)?(?:的)?(?:(?:{_POINTING}){_UNIT_NOUN}?|{_UNIT_NOUN})")
# A report named by something it did or has, in quotes: 搞“六亮”行动的那个街道, 有“一点通”平台的那家, “两创一管”那份总结
_DESCRIBED = re.compile(rf"[“\"「]([^”\"」]{{2,12}})[”\"」][\u4e00-\u9fff]{{0,3}}?的?(?:{_POINTING}){_UNIT_NOUN}?")


def _descriptions(text: str) -> list[re.Match[str]]:
    """The phrases that describe a report rather than name it: a quoted programme it ran, else a place before a
    unit word (江岸区那个街道); group 1 is what a report's text must hold."""
    return [*_DESCRIBED.finditer(text), *_PLACE.finditer(text)]


def name_reports(text: str, reports: Sequence[ReportRecord],
                 holders: Holders | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The reports the question names (sources, in the order named) and the fragments that named them. Each part
    of the question between 和/与/、 names at most one report: the one whose title or unit shares the most
    naming words with it, weighted by how few reports share them (a part naming one already named takes its
    next best); failing that, the one report whose text holds the place the part puts before a unit word."""
    names = {report.source: _MASKS.sub("", f"{report.title} {report.unit or ''}") for report in reports}
    if len(names) < 2:
        return (), ()
    chosen: list[str] = []
    fragments: list[str] = []
    for part in _SPLIT.split(text):
        found = _named_by_title(part, names, chosen) or _named_by_place(part, holders, chosen)
        if found:
            chosen.append(found[0])
            fragments.extend(found[1])
    return tuple(chosen), tuple(dict.fromkeys(fragments))


def _title_words(text: str, reports: Sequence[ReportRecord], source: str) -> list[str]:
    """The runs of four or more characters (no number cut in two) the question shares with a report's title:
    words that describe the report (抓基层党建 of its title), not what is asked of it."""
    title = next((_MASKS.sub("", report.title) for report in reports if report.source == source), "")
    matcher = difflib.SequenceMatcher(None, text, title, autojunk=False)
    runs = [_whole_numbers(text, block.a, block.a + block.size) for block in matcher.get_matching_blocks()]
    return [text[start:end] for start, end in runs if end - start >= 4 and not _YEAR.fullmatch(text[start:end])]


def _named_by_title(part: str, names: dict[str, str], chosen: list[str]) -> tuple[str, list[str]] | None:
    ranked = _rank(part, names)
    for score, source, used in ranked:
        if score < _MIN_NAMING_SCORE:
            return None
        if source not in chosen:
            tied = [other for other_score, other, _ in ranked if other_score == score and other != source]
            return None if tied else (source, used)
    return None


def _named_by_place(part: str, holders: Holders | None, chosen: list[str]) -> tuple[str, list[str]] | None:
    """江岸那个街道办 / 航天城街道办 / 搞“六亮”行动的那个街道: a place or programme only one report's text names."""
    if holders is None:
        return None
    for match in _descriptions(part):
        phrase = match.group(1)
        for start in range(len(phrase) - 1):   # 对照一下一点通平台那家: the place is the end of the run
            held = holders(phrase[start:]) - set(chosen)
            if len(held) == 1:
                return held.pop(), [match.group(0)]
            if held:   # a shorter end is held by as many reports or more
                break
    return None


_MIN_NAMING_SCORE = 2.0


def _rank(part: str, names: dict[str, str]) -> list[tuple[float, str, list[str]]]:
    """Reports by how well `part` names them, best first: (score, source, the fragments that matched)."""
    scored = []
    for source, name in names.items():
        fragments = _shared_fragments(part, name)
        score = sum(len(fragment) * _rarity(fragment, names) * _weight(fragment) for fragment in fragments)
        longest = max((len(fragment) for fragment in fragments), default=0)
        scored.append((round(score + longest / 100, 4), source, fragments))
    return sorted(scored, key=lambda item: -item[0])


def _weight(fragment: str) -> float:
    """A unit or role (书记述职, 街道党工委) names a report more surely than a year or a kind of report does."""
    return 2.0 if any(word in fragment for word in _UNIT_WORDS) else 1.0


def _shared_fragments(part: str, name: str) -> list[str]:
    """The runs of two or more characters `part` and `name` share, longest first, that name something; a run
    never cuts a number in two (党工委2023年 against 党工委2022年 shares 党工委, not 党工委202)."""
    found: list[str] = []
    rest = part
    while True:
        match = difflib.SequenceMatcher(None, rest, name, autojunk=False).find_longest_match(0, len(rest), 0, len(name))
        start, end = _whole_numbers(rest, match.a, match.a + match.size)
        if match.size < 2:
            return found
        if end - start >= 2 and _names_something(rest[start:end]):
            found.append(rest[start:end])
            rest = rest[:start] + "\0" + rest[end:]
        else:
            rest = rest[:match.a] + "\0" + rest[match.a + match.size:]


def _whole_numbers(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`/`end` moved inwards so that no digit run is cut."""
    while start < end and text[start].isdigit() and start > 0 and text[start - 1].isdigit():
        start += 1
    while end > start and text[end - 1].isdigit() and end < len(text) and text[end].isdigit():
        end -= 1
    return start, end


def _names_something(fragment: str) -> bool:
    return (bool(_YEAR.search(fragment)) or any(word in fragment for word in _UNIT_WORDS)
            or (len(fragment) >= 3 and any(word in fragment for word in _KIND_WORDS)))


def _rarity(fragment: str, names: dict[str, str]) -> float:
    """How much a fragment tells reports apart: 0 when every report's name holds it, more the fewer do."""
    holding = sum(1 for name in names.values() if fragment in name)
    return math.log(len(names) / holding) if holding else 0.0


# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    "哪份 哪些 哪个 哪几份 哪一份 几份 报告 总结 述职 提到 提及 写到 讲到 说到 多少 几 几次 几个 什么 是否 有没有 "
    "如何 怎么 怎样 做法 举措 措施 内容 情况 主要 具体 哪方面 方面 里面 其中 分别 有何 有哪 资料 文件 介绍 一下 "
    "关于 什么样 请问 谈谈 说说 列举 包括 哪里 怎么样 开展 了 吗 呢 哪几 哪几个 几条 几项 几点 各 各份 各个 比较 "
    "对比 不同 区别 异同 差别 差异 不一样 相比 两份 两个 几个 有何不同 上 中 "
    # how people ask out loud: 都搞了些啥、咋干、讲讲、这块、那份总结里
    "啥 咋 咋样 咋干 咋搞 搞 搞了 干 干了 做了 弄 都 些 讲讲 讲 聊聊 这块 那块 这方面 那方面 那份 那个 这个 那边 "
    "这边 那位 里 请 分条 概括 一共 总共 大概 主要是 哪块 哪几块 块 一些 有啥 是啥 "
    # the report's own year, and words that only frame what is asked
    "今年 去年 前年 上年 上一年 本年 本年度 这一年 一年来 过去一年 全年 当年 到底 究竟 专门 最后 什么样 多少钱 几句话 哪句话 说法 提法 大动作 动作 举动 "
    "帮我 梳理 下面 又 分了 分为 分成 部分 那部分 大块 整体 讲什么 写了 写 是什么 侧重点 侧重 开头 结尾 "
    "亮点 成效 特色 列 列一下 各自 两者 二者 谁 更多 几件事 件事 哪几件 几件 事 自己 自身 本人 他们 我们 咱们 "
    # effort verbs frame what is asked (从哪几个方面发力, 重点在哪着力)
    "分 发力 着力 用力 使劲 下功夫 入手 着手 年 月 日 号 "
    # the year after the report's is a rule of its own (Query.next_year), and intent frames the plan asked for
    "明年 来年 下一年 下年度 新一年 准备 做些 干些 搞些 这部分 这一部分 各讲".split())
_REPORT_NOUNS = r"(报告|总结|材料|单位|街道)"
# Questions over several reports: which of them say something, or what each of them says.
_ACROSS_REPORTS = re.compile(rf"哪(份|几份|一份|些|个)?{_REPORT_NOUNS}|几份报告|各(份|个)?{_REPORT_NOUNS}|^(比较|对比)")
# "How many": a figure is wanted. "有哪几条" asks for a list, not a count.
_HOW_MANY = re.compile(r"多少|(?<!哪)几[次个项人家场名户批处条所]?|数量|比例|比重|规模|金额|增长")
# 明年 and its kin: the year after the one a report looks back on
_NEXT_YEAR = re.compile(r"明年|来年|下一年|下年度|新一年|新的一年")
_ASKED_YEAR = re.compile(r"(20\d{2})\s*年?")
# 哪家, 几月, 几号, 几句话, 哪天: a question word with its measure word asks, it names nothing
_INTERROGATIVE = re.compile(r"(?:哪|几(?!乎))[\u4e00-\u9fff]{0,2}")


@dataclass(frozen=True)
class Query:
    """What the question asks about (weighted words) and what kind of answer it wants."""

    weights: dict[str, float]
    synonyms: dict[str, list[str]]
    across_reports: bool
    quantity: bool
    years: tuple[str, ...]
    unseen: tuple[str, ...] = ()   # words no passage uses, nor their parts or synonyms (冬奥会)
    measures: frozenset[str] = frozenset()   # what a figure of the answer must measure (多少钱: money)
    rates: frozenset[str] = frozenset()      # … and per what head (每人多少元: 人)
    next_year: bool = False        # asks about the year after the report's (明年打算): its plans answer

    @property
    def total(self) -> float:
        """The weight a sentence would have to cover to answer fully."""
        return sum(self.weights.values()) or 1.0


def analyse(question: str, index: LexicalIndex) -> Query:
    """Content words of the question weighted by rarity, each with its thesaurus synonyms, and the kind of
    answer wanted."""
    words = _outermost(_content_tokens(question), index)
    weights = {word: index.idf(word) for word in words}
    synonyms = {word: [to_half_width(term).lower() for term in [*expansion_terms(word, [word]), *plain_synonyms(word)]
                       if term != word] for word in words}
    quantity = bool(_HOW_MANY.search(_ACROSS_REPORTS.sub("", question)))
    return Query(weights=weights, synonyms=synonyms, across_reports=bool(_ACROSS_REPORTS.search(question)),
                 quantity=quantity, years=tuple(_ASKED_YEAR.findall(question)),
                 unseen=tuple(word for word in words if _unseen(word, synonyms[word], index)),
                 measures=asked_measures(question), rates=asked_rates(question) if quantity else frozenset(),
                 next_year=bool(_NEXT_YEAR.search(question)))


def _content_tokens(question: str) -> list[str]:
    """The question's words that say what it is about: no question words, grammar, years or bare numbers; single
    characters (年, 党 …) only when nothing longer is left."""
    tokens = [token for token in dict.fromkeys(map(_without_aspect, tokenize(question)))
              if token not in QUESTION_WORDS and not grammatical_word(token) and not _INTERROGATIVE.fullmatch(token)
              and not _ASKED_YEAR.fullmatch(token) and not token.isdigit()]
    return [token for token in tokens if len(token) > 1 and not set(token) <= _FUNCTION_CHARACTERS] or tokens


def _without_aspect(token: str) -> str:
    """The verb without its aspect particle (建了 → 建, 开展过 → 开展): reports write 建设, 建成, not 建了. A word of
    the dictionary keeps its last character (经过, 超过, 除了)."""
    return token if token in _part_of_speech() else _ASPECT.sub("", token)


_FUNCTION_CHARACTERS = frozenset("是从在把被给对向往于以为的地得了着过也都就还又才所而且及与和跟同由")
_ASPECT = re.compile(r"(?<=[\u4e00-\u9fff])[了过着]$")

# Parts of speech that carry grammar, not subject: prepositions (为了, 针对, 跟), particles (过, 得), pronouns (每个,
# 这些), modal particles and interjections. Adverbs and conjunctions are left alone: jieba tags 从严 (从严治党) an
# adverb and 接单 a conjunction.
_GRAMMATICAL_TAGS = frozenset({"p", "u", "uj", "ul", "uv", "uz", "ud", "ug", "r", "y", "e", "o"})


def grammatical_word(token: str) -> bool:
    """True for a word whose dictionary part of speech is grammatical (为了 p, 哪家 r): it says how the question is
    put, not what it is about, however rare it is in the reports."""
    return _part_of_speech().get(token) in _GRAMMATICAL_TAGS


@lru_cache(maxsize=1)
def _part_of_speech() -> dict[str, str]:
    """jieba's dictionary: word → part-of-speech tag."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


PLAIN_WORDS_PATH = Path(__file__).parent / "data" / "plain_words.yaml"


def plain_synonyms(word: str) -> list[str]:
    """The report's words for an everyday one (引进 → 引入, 招引; 医院 → 卫生院), from data/plain_words.yaml."""
    return [term for group in _plain_word_groups() if word in group for term in group if term != word]


@lru_cache(maxsize=1)
def _plain_word_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for group in yaml.safe_load(PLAIN_WORDS_PATH.read_text(encoding="utf-8"))["groups"])


def _used(token: str, index: LexicalIndex) -> bool:
    """True when some passage uses the token (one no passage uses has the largest idf there is)."""
    return index.idf(token) < index.idf("\0")


def _unseen(word: str, synonyms: list[str], index: LexicalIndex) -> bool:
    """True when no passage uses the word, any of its parts (统战 of 统战工作) or any of its synonyms."""
    tokens = [token for term in [word, *synonyms] for token in tokenize(term) if len(token) > 1]
    return not any(_used(token, index) for token in tokens or [word])


def _outermost(tokens: list[str], index: LexicalIndex) -> list[str]:
    """Drop sub-words whose compound is also a token (jieba's search mode yields 党风 / 廉政 / 党风廉政建设),
    so one idea is not counted three times — unless no passage uses the compound while every part of it is
    used (统战工作 / 统战): then the parts carry the meaning and the compound goes."""
    used = {token for token in tokens if _used(token, index)}

    def stands(compound: str) -> bool:
        parts = [part for part in tokens if part != compound and part in compound]
        return compound in used or not parts or not all(part in used for part in parts)

    return [token for token in tokens if stands(token)
            and not any(token != other and token in other and stands(other) for other in tokens)]
