"""Sentences of a report as the brief handles them: split, scored, compressed, and cut to a length.

Compression keeps what a leader reads for and drops what repeats: a list of more than three activities keeps its
first three (those with figures or specifics first) and says 等; a sentence keeps the clauses that carry figures
or specifics (a brand in quotes, an honour, a named place), each with the clause it leans on, and drops the rest
("进一步提升…精神风貌，为…注入新的动力"). Figures are never altered, only kept or dropped whole with their clause; a
list is never cut inside a quoted name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..library.store import StoredChunk
from ..text.chinese import ENUMERATION_MARKER
from ..text.figures import Figure, find_figures

MAX_LIST_ITEMS = 3
MAX_CLAUSES = 4
POINT_HEADING_MAX_CHARS = 30     # a numbered sentence this short with no figure is the point's heading
RUN_ON_CHARS = 4        # a last list item this much longer than the others runs on into the verb
MIN_ALONE_CHARS = 8     # a clause this short needs the one before it (“达98.5%以上”)
SUBJECT_MIN_CHARS, SUBJECT_MAX_CHARS = 5, 14   # a first clause this long names what the sentence is about;
                                               # shorter ones join (同时，此外，目前，)
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』）)]*|$)")
_OPENER = re.compile(r"^(?:自|在|为|按照|根据|围绕|通过|截至|随着)|(?:以来|期间|之际|过程中)$")
# What every report says: the political framing of a sentence, not what this unit did.
FRAMING = re.compile(r"习近平|为指导|高度重视|认真贯彻|深入学习贯彻|坚决贯彻|决策部署|重要讲话|重要指示|二十大精神|坚强领导|领导下")
# A clause opening with a result, a comparison, an average or a bare figure states it of something named before it
# (同比增长…, 相当于5年前…, 是在…高基数上取得的, 平均每天新增1.2万户, 95%以上实行备案管理); a year (2022年，) opens
# a sentence of its own.
_RESULT_OPENING = re.compile(r"^(?:同比|比上年|较上年|是(?!否)|相当于|高于|低于|好于|快于|分别|均|达|占|居|位居|位列|增长|下降|提高"
                             r"|排名|列|其中|共|累计|实现|总计|合计|首次|连续|成为|计划总投资|总投资|平均|人均|年均|(?!(?:19|20)\d\d年)[0-9０-９])")
# A clause that only links to what came before (同时，此外，我们也清醒认识到，): nothing a brief needs alone.
_CONNECTIVE = re.compile(r"^(?:同时|此外|另外|而且|并且|当前|目前|与此同时|一方面|另一方面|"
                         r"(?:我们)?(?:也)?清醒(?:地)?(?:看到|认识到))[，,]$")
_OPENER_TIME = re.compile(r"^(?:(?:19|20)\d\d年|今年以来|全年|一年来|过去一年|过去五年)[，,]?$")
# A ： that opens what a statement lists: numbered items (亮点：一是…), or the items of a 主要是：
_LIST_OPENING = re.compile(r"[：:](?=\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]))"
                           r"|(?<=主要是|主要有|表现在|具体是)[：:]")
_OPENING_MARKS, _CLOSING_MARKS = "“‘《「（(【", "”’》」）)】"
# Not counts: dates, ranks and ordinals (第十一次党代会, 十一届二次全会, 十八届, 三级).
_QUOTED = re.compile(r"[“《「][^”》」]{2,16}[”》」]")
# Quoted names every report of the day carries, not this report's own: plan periods (“十四五”) and the party's
# standing formulas (“两个维护”, “四个全面”, “三个代表”), a number word and a few characters.
_STANDING_FORMULA = re.compile(r"^[“《「](?:十[一二三四五]五|两个(?:维护|确立|一百年|务必)|四个(?:意识|自信|全面|服务)|五位一体|三个代表"
                               r"|一国两制|港人治港|澳人治澳|放管服|三农|四风|双碳|两学一做)[”》」]$")
# A document the unit studies, carries out or goes by (严格执行《…准则》, 对照《…条例》, 加强…对《…手册》等内容学习) is
# what every unit says, not this report's own: a title counts only when the unit made it (制定《…清单》) or its
# clause names no such verb.
_GOES_BY = re.compile(r"学习|执行|贯彻|遵守|遵循|落实|对照|按照|依照|依据|根据|宣传|宣讲|解读")
_MADE = re.compile(r"制定|出台|编制|编印|编写|印发|修订|起草|发布|拍摄|创作|推出|形成")
_HONOUR = re.compile(r"荣获|获评|评为|被评|授予|获[得]?[^，。；]{0,12}(?:称号|奖)|表彰|先进(?:集体|单位|个人)|红旗|示范(?:点|单位|区|街道|社区)"
                     r"|第一|首位|首家|首个|首批|首次|首创|榜首|前列|零的突破|排名|位列|居[^，。；]{0,8}(?:第|前|首)"
                     r"|(?:全国|全省|全市|全区|全球|世界)[^，。；]{0,6}(?:第[一二三]|领先|先进|标杆|样板|最)")
# 城 not of 城市/城乡/城区/城管/城建/城镇/城中村; 园 not of 园林
_NAMED_PLACE = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,}(?:城(?![市乡区管建镇中])|谷|园区|园(?!林)|港|湾|综合体|基地|工程|专班|平台)")
_BIG_AMOUNT = re.compile(r"\d[\d.]*\s*(?:万|亿)")
_NOT_COUNT_UNITS = ("年", "年度", "月", "日", "号", "届", "级", "岁")
_ORDINAL_BEFORE = ("第", "届")
_ORDINAL_AFTER = re.compile(r"^(?:全会|全体|会议|党代会|代表大会)")


@dataclass(frozen=True)
class Unit:
    """A sentence of the brief: its (compressed) text, the passage it comes from, the sentence as written."""

    text: str
    chunk: StoredChunk
    quote: str
    order: tuple[int, int]
    score: float = 0.0


def sentences_of(text: str) -> list[str]:
    """A passage's sentences (a heading line on its own counts as one), markers and spaces stripped."""
    return [sentence for sentence, _ in _marked_sentences(text)]


def content_sentences(text: str) -> list[str]:
    """A passage's statements less its point headings ("二是加强作风建设，提升服务能力。"): they say what the
    point is about, not what was done. A long sentence of several statements joined by ； (a 政府工作报告 packs a
    year of one field into one) gives each statement apart, so each can be weighed and chosen on its own."""
    return [statement for sentence, marked in _marked_sentences(text)
            if not (marked and len(sentence) <= POINT_HEADING_MAX_CHARS and not has_figure(sentence))
            for statement in statements(sentence)]


def statements(sentence: str) -> list[str]:
    """A sentence's statements: its pieces between top-level ； (and after a ： that opens a numbered list, 亮点：一是…),
    each without its marker, as written (a quote must stand in its passage); a piece that cannot stand alone (其中…, 同比增长…, short) stays with
    the one before it."""
    body = sentence.rstrip("。！？!?；;，, ")
    pieces = [piece.rstrip("；;") for piece in _split_outside(body, "；;", keep=True) if piece.strip("；; ")]
    pieces = [part for piece in pieces for part in _after_list_opening(piece)]
    merged: list[str] = []
    for piece in pieces:
        bare = ENUMERATION_MARKER.sub("", piece, count=1).strip()
        if merged and (len(bare) <= MIN_ALONE_CHARS or _RESULT_OPENING.match(bare)) and bare == piece:
            merged[-1] += "；" + piece
        else:
            merged.append(bare)
    if len(merged) <= 1:
        return [sentence]
    return [piece for piece in merged if piece and not piece.endswith(("：", ":"))]   # lead-ins say nothing


def _after_list_opening(piece: str) -> list[str]:
    """至少有十个突出亮点：一是… and 还面临一些困难和挑战，主要是：产业转型任务依然紧迫… → the lead-in and what it
    leads into apart."""
    match = _LIST_OPENING.search(piece)
    return [piece[: match.start() + 1], piece[match.end():]] if match else [piece]


def _marked_sentences(text: str) -> list[tuple[str, bool]]:
    """Each sentence without its marker, and whether it had one (一是, （二）, 3.)."""
    found = []
    for line in text.split("\n"):
        for sentence in _SENTENCE.findall(line):
            cleaned = ENUMERATION_MARKER.sub("", sentence.strip(), count=1).strip()
            if len(cleaned) >= 2:
                found.append((cleaned, cleaned != sentence.strip()))
    return found


def counting_figures(text: str) -> list[Figure]:
    """Figures of `text` that count something, written with a unit or %: not dates, ranks or ordinals."""
    return [figure for figure in find_figures(text)
            if (figure.text_start, figure.text_end) != (figure.start, figure.end)
            and not figure.text.endswith(_NOT_COUNT_UNITS)
            and text[figure.text_start - 1: figure.text_start] not in _ORDINAL_BEFORE
            and not _ORDINAL_AFTER.match(text[figure.text_end:])]


@lru_cache(maxsize=65536)
def counted_figures(text: str) -> tuple[int, int]:
    """(unmasked, masked) counting figures of `text` (asked of the same clause many times as a brief is fitted)."""
    unmasked = masked = 0
    for figure in counting_figures(text):
        if figure.masked:
            masked += 1
        else:
            unmasked += 1
    return unmasked, masked


def is_standing_formula(name: str) -> bool:
    """“十四五”, “两个维护”: a formula every report of the day carries, not this report's own (name without quotes)."""
    return bool(_STANDING_FORMULA.match(f"“{name}”"))


def has_figure(text: str) -> bool:
    return any(counted_figures(text))


def specificity(sentence: str) -> float:
    """What makes a sentence worth a leader's page: its brands in quotes, honours and rankings, named places and
    projects, large amounts."""
    own_names = [name for clause in _clauses(sentence) for name in _QUOTED.findall(clause)
                 if not _STANDING_FORMULA.match(name) and not (name.startswith("《") and _goes_by(clause))]
    return (0.5 * min(len(own_names), 3) + 0.7 * min(len(_HONOUR.findall(sentence)), 2)
            + 0.3 * min(len(_NAMED_PLACE.findall(sentence)), 2) + (0.3 if _BIG_AMOUNT.search(sentence) else 0.0))


def _goes_by(clause: str) -> bool:
    """A clause that studies or goes by a document (认真学习《条例》) rather than one that made it (制定《清单》)."""
    return bool(_GOES_BY.search(clause)) and not _MADE.search(clause)


def telling(clause: str) -> bool:
    """A clause worth keeping whole when a sentence is shortened: it carries a figure or something specific."""
    return has_figure(clause) or specificity(clause) > 0


def substance(text: str) -> float:
    """How much a leader would want from `text`: its telling clauses, one each for a brand, honour, place or
    stated figure, half for a masked figure alone (学习*次 says little)."""
    total = 0.0
    for clause in _clauses(text.replace("\n", "。")):
        unmasked, masked = counted_figures(clause)
        total += 1.0 if unmasked or specificity(clause) else 0.5 if masked else 0.0
    return total


def compress(sentence: str, max_chars: int | None = None) -> str:
    """A sentence shortened for the brief (lists cut to three items, clauses to the telling ones), then, when
    `max_chars` is given, cut clause by clause to fit; "" when not even its first clause fits."""
    body = sentence.rstrip("。！？!?；;，, ")
    clauses = [_shorten_list(clause) for clause in _clauses(body)]
    clauses = [clause for clause in clauses if not _CONNECTIVE.match(clause)] or clauses
    clauses = _telling_clauses(clauses)
    if max_chars is not None:
        clauses = _fit_clauses(clauses, max_chars - 1)
    return _join(clauses)


def clauses_saying(sentence: str, wanted: re.Pattern[str], most: int) -> str:
    """The first `most` clauses of `sentence` that `wanted` finds, as one sentence ("" when none does): 经济社会
    发展稳中有进，完成了全年主要目标任务 out of a sentence that opens with who led and how hard everyone worked."""
    kept = [clause for clause in _clauses(sentence.rstrip("。！？!?；;，, ")) if wanted.search(clause)]
    return _join(kept[:most])


def _shorten_list(clause: str) -> str:
    """A clause's 、-list of more than three items cut to three (those with figures first, order kept) + 等; never
    a clause that pairs its items with others (早籼稻、中晚籼稻、粳稻…分别提高3元、5元和10元)."""
    if "分别" in clause:
        return clause
    tail = clause[-1] if clause[-1:] in "，,；;" else ""
    core = clause[: len(clause) - len(tail)]
    items = _list_items(core)
    if len(items) <= MAX_LIST_ITEMS:
        return clause
    with_figures = [index for index, item in enumerate(items) if telling(item)]
    keep = sorted((with_figures + [i for i in range(len(items)) if i not in with_figures])[:MAX_LIST_ITEMS])
    last = items[-1]
    if keep[-1] != len(items) - 1 and "等" not in last and len(last) > max(map(len, items[:-1])) + RUN_ON_CHARS:
        return clause   # the last item runs on into the clause's verb (…、*名党员按照“一人一档”要求建档立册)
    # the list's last item often runs on into the rest of the clause ("…、上门送诊等服务"): keep that run-on
    ending = "" if keep[-1] == len(items) - 1 else _after_list(last)
    kept = "、".join(items[index] for index in keep)
    etc = "" if "等" in items[keep[-1]] or ending.startswith("等") else "等"
    return kept + etc + ending + tail


def _clauses(text: str) -> list[str]:
    """A sentence's clauses, each with its comma or semicolon; a comma inside quotes or brackets does not end one
    (针对“…不够健全，常抓…”的问题 is one clause)."""
    return [piece for piece in _split_outside(text, "，,；;", keep=True) if piece]


def _list_items(text: str) -> list[str]:
    """A 、-list's items; a 、 inside quotes or brackets (“抓党建、促发展”, 《…、…》) joins, it does not separate."""
    return _split_outside(text, "、", keep=False)


def _split_outside(text: str, separators: str, keep: bool) -> list[str]:
    """`text` split at `separators` that stand outside quotes and brackets (kept at the end of each piece when
    `keep`)."""
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in _OPENING_MARKS:
            depth += 1
        elif char in _CLOSING_MARKS:
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            pieces.append(text[start:index + 1] if keep else text[start:index])
            start = index + 1
    return pieces + [text[start:]]


def _after_list(last_item: str) -> str:
    """What follows a list's last item in its clause (等…, or a verb phrase after a long item), kept after 等."""
    match = re.search(r"等.*$", last_item)
    return match.group(0)[1:] if match else ""


def _telling_clauses(clauses: list[str]) -> list[str]:
    """The clauses a leader reads for: when a sentence has telling clauses (figures, brands, honours, places) it
    keeps those alone, each with the clause before it when it cannot stand alone (达98.5%以上 needs its 满意度), at
    most MAX_CLAUSES; a sentence with none keeps its first clause and its last, framing left out ("坚持以…为指导")
    and a time opener (2022年，) kept with the last two."""
    telling_at = [index for index, clause in enumerate(clauses) if telling(clause)]
    if not telling_at:
        plain = [clause for clause in clauses if not FRAMING.search(clause)] or clauses
        if len(plain) <= 2:
            return plain
        return [plain[0], *plain[-2:]] if _OPENER_TIME.match(plain[0]) else [plain[0], plain[-1]]
    keep: set[int] = {0} if _names_the_subject(clauses[0]) else set()
    for index in telling_at:
        if len(keep) >= MAX_CLAUSES:
            break
        keep.add(index)
        if index > 0 and _needs_its_subject(clauses[index]):
            keep.add(index - 1)
    return [clause for index, clause in enumerate(clauses) if index in keep]


def _names_the_subject(clause: str) -> bool:
    """A short first clause that says what the sentence is about (雄安新区日新月异, 深化接诉即办改革), not how or
    why (围绕…, 在…领导下, 坚持以…为指导): kept, so the figures after it keep their subject."""
    body = clause.rstrip("，,；; ")
    return (SUBJECT_MIN_CHARS <= len(body) <= SUBJECT_MAX_CHARS and not FRAMING.search(body)
            and not _OPENER.search(body) and not _OPENER_TIME.match(body))


def _needs_its_subject(clause: str) -> bool:
    """A clause that reads as a fragment alone: short, or opening with what states a result of something named
    before it (同比增长, 达到, 占, 居…)."""
    return len(clause.rstrip("，,；; ")) <= MIN_ALONE_CHARS or bool(_RESULT_OPENING.match(clause))


def _fit_clauses(clauses: list[str], max_chars: int) -> list[str]:
    """Drop clauses until the sentence fits: an opening adverbial first (自9月10日疫情爆发以来，), then the least
    telling (a bare activity before a masked count before a brand, honour or stated figure), the first clause only
    when it tells least; [] if nothing does."""
    clauses = list(clauses)
    if len(clauses) > 1 and len(_join(clauses)) - 1 > max_chars and _OPENER.search(clauses[0].rstrip("，,；; ")):
        del clauses[0]
    while clauses and len(_join(clauses)) - 1 > max_chars:
        if len(clauses) == 1:
            return []
        weights = [_clause_weight(clause) for clause in clauses]
        lightest = min(range(1, len(clauses)), key=lambda index: (weights[index], -index))
        dropped = 0 if weights[0] < weights[lightest] else lightest
        del clauses[dropped]
        while dropped < len(clauses) and _RESULT_OPENING.match(clauses[dropped]):   # 平均每天新增1.2万户
            del clauses[dropped]                                 # without the 企业 it counts says nothing
    return clauses


def _clause_weight(clause: str) -> float:
    unmasked, masked = counted_figures(clause)
    return specificity(clause) + 0.5 * min(unmasked, 2) + 0.2 * min(masked, 2)


def _join(clauses: list[str]) -> str:
    """Clauses as one sentence ending in 。."""
    if not clauses:
        return ""
    text = "".join(clause if index < len(clauses) - 1 else clause.rstrip("，,；;")
                   for index, clause in enumerate(_with_commas(clauses)))
    return text + "。"


def _with_commas(clauses: list[str]) -> list[str]:
    """Each clause but the last ends in a comma (a dropped clause may have taken it away)."""
    fixed = []
    for index, clause in enumerate(clauses):
        if index < len(clauses) - 1 and clause[-1:] not in "，,；;":
            clause += "，"
        fixed.append(clause)
    return fixed
