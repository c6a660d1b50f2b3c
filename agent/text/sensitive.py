"""Classification marks and personal data in report text: deterministic detectors, placeholders, counts.

Pure Python, no model. Ingest refuses a document carrying a classification mark and records, per report and
chunk, what personal data it holds (kind and count only); text sent to a non-local endpoint is `redact`ed first.
A `Finding` holds a kind and a span, never the value, so it can be logged as it is.

Classification marks (`find_classification`) count only where a document carries a marking, never where running
text talks about secrecy (加强保密教育, 严防涉密信息泄露, 开展保密自查, 规范标注"秘密★"密级):
  - A line that is nothing but a mark (brackets, a leading 份号 and a trailing 紧急程度 aside), anywhere in the
    document, since page headers repeat it: 绝密/机密/秘密 with ★ ☆ or * (either width, spaces allowed, 级 too) and
    an optional period (机密★1年, 秘密★3个月, 绝密★长期, 秘密★2025年12月31日); 密级：机密 (but not 密级：公开);
    涉密 / 涉密文件 / 涉密材料 / 涉密资料 / 涉密件; 内部资料 / 内部文件 / 内部材料 / 内部刊物 / 工作秘密 /
    仅供内部参考 / 注意保密 / 严禁外传, alone or joined (内部资料 注意保密, 内部资料，注意保密, 内部文件 请勿外传).
  - A line starting with 绝密/机密/秘密, a star glyph (★ ☆, not the *, which masks figures), an optional period and
    a space: 机密★1年 关于…… (but not 秘密★级文件应当…, a sentence about marks).
  - Within the first `HEADER_LINES` non-blank lines only: a line starting with a mark then a space and more
    (内部资料 注意保密  第3期), or a title ending in a bracketed mark (2022年工作总结（内部资料）).
  涉密 elsewhere is body text, also on a line of its own: 涉密人员管理, （二）加强涉密载体管理, 非涉密计算机.

Personal data (`find_personal`), matched on a half-width copy (１３８ reads as 138; offsets are the original's):
  - 身份证号: 18 digits (last may be X) as one run or grouped 6-8-4 or by 4, with a province code, a birth date
    between 1900 and today and the GB 11643 (ISO 7064 MOD 11-2) check digit; a 15-digit old number only right
    after a word such as 身份证 (no check digit to go by). An 18-digit run that reads as an ID with a wrong check
    digit is nobody's ID and is no bank card either: left alone.
  - 手机号: 1[3-9] and 9 more digits, as one run or 3-4-4 with spaces or hyphens, +86/0086 allowed; not part of a
    longer run (digits, letters, a decimal point, * masks or a hyphenated neighbour), not an amount (a unit such as
    元 万 人 个 % follows, ¥ or 第 comes before) and not a code (编号 单号 代码 … just before).
  - 银行卡号: 16-19 digits, one run or grouped by 4 (or 6 + rest), Luhn-valid, starting 3/4/5/6 or 95 (card issuer
    ranges; years and 2022…-style serial numbers start with 1 or 2) unless a word like 卡号/账号 comes just before;
    not a code or an amount by the same rules as mobiles.
  A plain run may have a space-separated digit neighbour (table columns, lists of mobiles); a run written in groups
  may not (6222 0212 3456 7890 1234 is one 20-digit number, not a card and a mobile).
  - 姓名 (only next to such data or a label, since a bare name cannot be told from other words reliably): 2-3 CJK
    characters (3-4 with a two-character surname) starting with a common surname,
      (a) after a label: 户主 联系人 申请人 姓名 当事人 … with or without a colon, 负责人 业主 患者 … only with one;
          the name ends where the word does (punctuation, a digit, the end, or 电话/同志/先生 … follows), except
          that 张某/王某某 end at 某;
      (b) just before an ID, mobile or card number, with only a separator, 的, or a word like 身份证号/电话/为
          between (张三（身份证号…）, 联系人：李四 13812345678, 李建国同志的身份证号为…), starting a word itself
          (after punctuation, a title such as 主任/居民, or a word for a person ending in 人/员/民/户 …);
      (c) in brackets just after one: 13812345678（李四）;
      (d) opening a personal record: 张建国，男，汉族，1965年3月生 (a word of its own, then 男 or 女).
    Common words that start with a surname character (党员, 全体, 项目, 方便) and words ending like a place or an
    office (…区, …会, …湖) are not names.
Masked values (110101********1234, 138****5678, 张*) are already anonymised and are not findings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

LEVELS = ("绝密", "机密", "秘密")
MARK_KINDS = (*LEVELS, "涉密", "内部")
PERSONAL_KINDS = ("身份证号", "手机号", "银行卡号", "姓名")
PLACEHOLDERS = {kind: f"〔{kind}〕" for kind in PERSONAL_KINDS}
HEADER_LINES = 5  # 份号, 密级, 紧急程度, 发文机关标志, 标题: the marking block of GB/T 9704 and a little more


@dataclass(frozen=True)
class Mark:
    """A classification mark: kind (绝密/机密/秘密/涉密/内部), the mark as written, its 1-based line and span."""

    kind: str
    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """Personal data at text[start:end]: kind only, so that logging a finding never logs the value."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """Text with every finding replaced by its typed placeholder, and how many of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)


# Full-width forms that matter here (digits, letters, ＋－＊．, the ideographic space), read as half-width; the same
# length, so offsets in the copy are offsets in the text. (chinese.to_half_width maps all of them, ten times slower.)
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0a\uff0b\uff0d\uff0e\u3000]")


def _scan_copy(text: str) -> str:
    """`text` with full-width digits, letters, ＋－＊． and 　 as half-width ones, for matching only."""
    return _FULL_WIDTH.sub(lambda match: " " if match.group() == "\u3000" else chr(ord(match.group()) - 0xFEE0), text)


# --- classification marks -------------------------------------------------------------------------------------

_STAR = "★☆✩✪✫✬✭✮✯✰⭐*✱✲✳⁎∗"
_GLYPH_STAR = "★☆✩✪✫✬✭✮✯✰⭐"          # never a mask
_NUMERAL = r"(?:\d+|[一二三四五六七八九十两]+)"
_PERIOD = (rf"(?:{_NUMERAL}\s*(?:个\s*月|年|月|天|日|周)|长\s*期|永\s*久"
           r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*(?:前|止)?)")
_LEVEL = r"绝\s*密|机\s*密|秘\s*密"


def _level_mark(group: str) -> str:
    """绝密/机密/秘密 (captured as `group`), 级, a star and a period, each but the level optional."""
    return rf"(?P<{group}>{_LEVEL})\s*级?\s*(?:[{_STAR}]\s*(?:{_PERIOD})?)?"


_LEVEL_MARK = _level_mark("level")
_CLASSIFIED_MARK = rf"密\s*级\s*[:：]?\s*(?:{_level_mark('graded')}|(?P<inner>内\s*部|涉\s*密))"
_KEEP_SECRET = r"(?:注\s*意\s*保\s*密|严\s*格\s*保\s*密|严\s*禁\s*外\s*传|请\s*勿\s*外\s*传|不\s*得\s*外\s*传|妥\s*善\s*保\s*管)"
_JOIN = r"[\s,，、;；.。:：·・•]*"
_SECRET_MARK = rf"(?P<secret>涉\s*密)\s*(?:文\s*件|材\s*料|资\s*料|件|载\s*体)?(?:{_JOIN}{_KEEP_SECRET})?"
_INTERNAL_MARK = (rf"(?P<internal>(?:内\s*部\s*(?:资\s*料|文\s*件|材\s*料|刊\s*物|参\s*考|参\s*阅|使\s*用|明\s*电)"
                  rf"|工\s*作\s*秘\s*密|仅\s*供\s*内\s*部\s*(?:参\s*考|参\s*阅|使\s*用)|仅\s*限\s*内\s*部\s*使\s*用)"
                  rf"(?:{_JOIN}{_KEEP_SECRET})?|{_KEEP_SECRET})")
_MARK = rf"(?:{_CLASSIFIED_MARK}|{_LEVEL_MARK}|{_SECRET_MARK}|{_INTERNAL_MARK})"
_OPEN = r"[\s\ufeff【\[（(〔<《]*"
_CLOSE = r"[\s】\]）)〕>》]*"
_COPY_NUMBER = r"\ufeff?(?:(?:份\s*号\s*[:：]?\s*)?\d{3,8}\s+)?"
_URGENCY = r"(?:\s+(?:特\s*急|加\s*急|平\s*急|特\s*提|急件))?"
_WHOLE_LINE = re.compile(rf"\s*{_COPY_NUMBER}{_OPEN}(?P<mark>{_MARK}){_CLOSE}{_URGENCY}\s*")
_STAR_LINE_START = re.compile(
    rf"\s*{_COPY_NUMBER}{_OPEN}(?P<mark>(?P<level>{_LEVEL})\s*[{_GLYPH_STAR}]\s*(?:{_PERIOD})?)(?=\s|$)")
_HEADER_LINE_START = re.compile(rf"\s*{_COPY_NUMBER}{_OPEN}(?P<mark>{_MARK}){_CLOSE}(?=\s)")
_HEADER_LINE_END = re.compile(rf"[【\[（(〔](?P<mark>{_MARK})[】\]）)〕]\s*$")


def find_classification(text: str) -> list[Mark]:
    """Classification marks standing as a marking (header line, page header), not secrecy words in body text."""
    marks: list[Mark] = []
    offset = 0
    non_blank = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            non_blank += 1
            match = _line_mark(_scan_copy(line), in_header=non_blank <= HEADER_LINES)
            if match:
                marks.append(_mark(match, line, number, offset))
        offset += len(line) + 1
    return marks


def _line_mark(line: str, in_header: bool) -> re.Match[str] | None:
    """The match of a mark on this (half-width) line, by the rules in the module docstring."""
    match = _WHOLE_LINE.fullmatch(line) or _STAR_LINE_START.match(line)
    if match is None and in_header:
        match = _HEADER_LINE_START.match(line) or _HEADER_LINE_END.search(line)
    return match


def _mark(match: re.Match[str], line: str, number: int, offset: int) -> Mark:
    """A Mark for a matched line: the kind from the groups that matched, the text as the line writes it."""
    groups = match.groupdict()
    level = groups.get("level") or groups.get("graded")
    if level:
        kind = re.sub(r"\s+", "", level)
    elif groups.get("secret") or (groups.get("inner") and "涉" in groups["inner"]):
        kind = "涉密"
    else:
        kind = "内部"
    start, end = match.span("mark")
    written = line[start:end].rstrip()
    return Mark(kind=kind, text=written, line=number, start=offset + start, end=offset + start + len(written))


# --- personal data --------------------------------------------------------------------------------------------

_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
                        51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Each pattern starts with the number itself, ASCII digits only (the scan copy has no full-width ones), so that re
# can skip ahead to the next digit; `_stands_alone` checks what is around it.
_NOT_GLUED_AFTER = r"(?![0-9A-Za-z*])"
_ID_18 = re.compile(r"(?:\d{6}[ -]?\d{8}[ -]?\d{3}|\d{4}(?:[ -]\d{4}){3}[ -]\d)[0-9Xx]" + _NOT_GLUED_AFTER, re.ASCII)
_ID_15 = re.compile(r"\d{15}" + _NOT_GLUED_AFTER, re.ASCII)
_CARD = re.compile(r"(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?|\d{6}[ -]\d{10,13})" + _NOT_GLUED_AFTER,
                   re.ASCII)
_MOBILE = re.compile(r"(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:\d{8}|-\d{4}-\d{4}| \d{4} \d{4})" + _NOT_GLUED_AFTER,
                     re.ASCII)
_GLUED = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.*+")
_HYPHEN_BEFORE = re.compile(r"\d-$")
_GROUP_BEFORE = re.compile(r"\d[ -]$")
_HYPHEN_AFTER = re.compile(r"[-.]\d")
_GROUP_AFTER = re.compile(r"[ .-]\d")
_CONTEXT_WINDOW = 14  # characters before a number searched for 身份证/卡号/编号 …
_ID_CONTEXT = re.compile(r"(?:身份证|身份号码|证件号|公民身份)[^\n]{0,8}$")
_CARD_CONTEXT = re.compile(r"(?:卡号|银行卡|账号|帐号|账户|帐户|储蓄卡|信用卡|社保卡|一卡通|存折)[^\n]{0,8}$")
_CODE_CONTEXT = re.compile(r"(?:编号|编码|代码|序号|单号|订单|流水号|合同号|项目号|批号|批次|工单|登记号|备案号|许可证号|"
                           r"文号|税号|识别号|条码|邮编|序列号|凭证号|案号)[^\n]{0,6}$")
_AMOUNT_AFTER = re.compile(r"\s?(?:[元万亿千百人个次户名家项件条份吨克%‰台辆套间座所笔张册本亩只头股倍余多]|平方)")
_AMOUNT_BEFORE = re.compile(r"(?:[¥￥$]|第|共计|合计|总计|金额|余额)\s?$")


def find_personal(text: str) -> list[Finding]:
    """ID numbers, mobile numbers, bank card numbers, and the names standing next to them or after a label."""
    scan = _scan_copy(text)
    data: list[Finding] = []
    for finder in (_find_ids, _find_cards, _find_mobiles):
        data.extend(finding for finding in finder(scan) if not _overlaps(finding, data))
    names = [name for name in _find_names(scan, data) if not _overlaps(name, data)]
    return sorted(data + _dedupe(names), key=lambda finding: finding.start)


def id_number_valid(digits: str) -> bool:
    """Whether 18 characters are a possible 居民身份证号: province, real birth date, GB 11643 check digit."""
    if not re.fullmatch(r"\d{17}[0-9Xx]", digits) or not _id_prefix_plausible(digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits, _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == digits[17].upper()


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check that bank card numbers carry in their last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return bool(digits) and digits.isdigit() and total % 10 == 0


def _id_prefix_plausible(digits: str) -> bool:
    """Province code and birth date (YYYYMMDD at 7-14, or YYMMDD of a 15-digit number) of an ID look real."""
    if int(digits[:2]) not in _PROVINCES:
        return False
    birth = digits[6:14] if len(digits) >= 17 else "19" + digits[6:12]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _find_ids(scan: str) -> list[Finding]:
    """18-digit IDs that pass the check digit, and 15-digit old IDs right after a word like 身份证."""
    found = [Finding("身份证号", match.start(), match.end()) for match in _ID_18.finditer(scan)
             if _stands_alone(scan, match) and id_number_valid(_digits(match.group()))]
    for match in _ID_15.finditer(scan):
        after_id_word = _ID_CONTEXT.search(scan, max(0, match.start() - _CONTEXT_WINDOW), match.start())
        if after_id_word and _stands_alone(scan, match) and _id_prefix_plausible(match.group()):
            found.append(Finding("身份证号", match.start(), match.end()))
    return found


def _find_cards(scan: str) -> list[Finding]:
    """Luhn-valid 16-19 digit numbers from a card issuer range (or after 卡号/账号), not codes or amounts."""
    found = []
    for match in _CARD.finditer(scan):
        digits = _digits(match.group())
        if not _stands_alone(scan, match) or not 16 <= len(digits) <= 19 or not luhn_valid(digits):
            continue
        if len(digits) == 18 and _id_prefix_plausible(digits):
            continue  # reads as an ID: a wrong check digit makes it a typo'd ID, not a card
        issuer_range = digits[0] in "3456" or digits.startswith("95")
        after_card_word = _CARD_CONTEXT.search(scan, max(0, match.start() - _CONTEXT_WINDOW), match.start())
        if (issuer_range or after_card_word) and _not_code_or_amount(scan, match.start(), match.end()):
            found.append(Finding("银行卡号", match.start(), match.end()))
    return found


def _find_mobiles(scan: str) -> list[Finding]:
    """Mainland mobile numbers (1[3-9]X + 8 digits), not amounts, codes or pieces of longer numbers."""
    return [Finding("手机号", match.start(), match.end()) for match in _MOBILE.finditer(scan)
            if _stands_alone(scan, match) and _not_code_or_amount(scan, match.start(), match.end())]


def _stands_alone(scan: str, match: re.Match[str]) -> bool:
    """Not a piece of a longer number: no hyphen-joined neighbour, no decimal part; a number written in groups
    (6222 0212 …) has no space-joined neighbour either, while one plain run may (table columns, lists of mobiles)."""
    start, end = match.span()
    if start and scan[start - 1] in _GLUED:
        return False
    grouped = " " in match.group() or "-" in match.group()
    before = (_GROUP_BEFORE if grouped else _HYPHEN_BEFORE).search(scan, max(0, start - 2), start)
    after = (_GROUP_AFTER if grouped else _HYPHEN_AFTER).match(scan, end)
    return not before and not after


def _not_code_or_amount(scan: str, start: int, end: int) -> bool:
    """No unit after the number, no ¥/第 before it, no 编号/单号-like word just before it."""
    window = max(0, start - _CONTEXT_WINDOW)
    return not (_AMOUNT_AFTER.match(scan, end) or _AMOUNT_BEFORE.search(scan, window, start)
                or _CODE_CONTEXT.search(scan, window, start))


def _digits(text: str) -> str:
    """The digits (and a final X) of a number written with spaces or hyphens between groups."""
    return re.sub(r"[ -]", "", text)


def _overlaps(finding: Finding, others: Iterable[Finding]) -> bool:
    """Whether the finding shares a character with any of the others."""
    return any(finding.start < other.end and other.start < finding.end for other in others)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Findings without repeats or overlaps, the earliest (then longest) kept."""
    kept: list[Finding] = []
    for finding in sorted(set(findings), key=lambda item: (item.start, -item.end)):
        if not _overlaps(finding, kept):
            kept.append(finding)
    return kept


# --- names next to personal data ------------------------------------------------------------------------------

_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝揭")
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "公孙",
                      "宇文", "长孙", "端木", "独孤", "南宫", "西门", "呼延", "轩辕", "申屠", "澹台", "钟离")
# Labels a name follows directly (户主王某某), and labels that are also ordinary words (负责人高度重视, 业主方便),
# which introduce a name only with a colon (负责人：张三).
_NAME_LABELS = ("姓名", "联系人", "户主", "申请人", "当事人", "经办人", "收款人", "持卡人", "开户人", "开户名", "户名",
                "监护人", "信访人", "举报人", "投诉人")
_COLON_NAME_LABELS = ("受助人", "求助人", "救助对象", "帮扶对象", "来访人", "患者", "承租人",
                      "代理人", "法定代表人", "负责人", "被执行人", "租户", "业主")
# Words that may stand between a name and its data (张三（身份证号：…）, 李四 电话 …) or just after a name.
_DATA_WORDS = ("公民身份号码", "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "手机号码", "手机号", "手机",
               "联系电话", "联系方式", "电话号码", "电话", "银行卡号", "银行卡", "银行账号", "卡号", "账号", "帐号",
               "社保卡", "一卡通", "存折")
_AFTER_NAME_WORDS = (*_DATA_WORDS, "同志", "先生", "女士", "老人", "家属", "本人", "夫妇", "一家", "等人", "等")
# Words a name follows: titles ending in a surname character (主任张三 is 张三, not 任张三) and a few particles.
_TITLES = ("其中", "包括", "以及", "慰问", "看望", "走访", "帮扶", "救助", "协助", "联系", "为", "向", "对", "给", "与",
           "及", "由", "请",
           "主任", "书记", "区长", "镇长", "乡长", "局长", "科长", "组长", "队长", "站长", "所长", "院长", "校长", "部长",
           "处长", "委员", "干部", "党员", "居民", "村民", "群众", "同志", "网格员", "社工", "志愿者", "老人", "家属",
           "户主", "联系人", "申请人", "专干", "会计", "主席", "经理", "老师", "医生", "民警", "辅警", "协管员", "和")
# Common words starting with a surname character that can stand where a name would.
_NOT_NAMES = frozenset("""
    党员 党委 党建 党组 党支部 党工委 全体 全市 全区 全县 全镇 全街 全年 全部 全面 安全 安置 项目 单位 单元 管理 管委会
    应急 常务 常住 常年 高新 高龄 时间 关于 解决 路段 车辆 连续 司机 师傅 农户 古城 方面 方式 白天 金额 石化 江汉 江岸
    龙头 于是 余额 平台 文明 文化 成员 成立 齐心 易地 宁静 万元 万人 华润 商户 商铺 商家 社区 包保 包联 包干 经办
    申请 申报 卫生 卫健 司法 边境 查询 查看 孔雀 房屋 房产 车位 向阳 康复 康养 温馨 严格 严禁 曲靖 田间 史料 秦岭
    门卫 保安 居民 群众 干部 工作 人员 各位 本人 其他 相关 有关 家属 家庭 个人 业主 住户 租户 老人 儿童 学生 职工
    甘肃 贵州 云南 宁夏 江苏 江西 湖北 湖南 吉林 黄石 黄冈 武汉 武昌 孙子 钱款 关注 关心 关爱 邓小平 毛泽东 习近平
    程序 程度 席位 游客 游览 谷物 苗木 盛会 华夏 华中 左右 左侧 右侧 包括 包装 章程 纪律 纪委 纪检 宫廷 麦田 梅花
    宗教 何时 何地 何人 任务 任职 任何 任期 曾经 沈阳 汤圆 熊猫 施工 牛羊 易于 乔木 雷锋 龙门 陆续 石头 雷电
    """.split())
_NOT_NAME_ENDINGS = frozenset("会局委办处科组队站所院校部厅市区县镇乡村街路号楼室员们线台网群户务位话机码卡证"
                               "湖湾园苑庄坊寨港岛桥店馆厂场矿司营屯堡")
_LABEL = re.compile(rf"(?:{'|'.join(sorted(_NAME_LABELS, key=len, reverse=True))})(?:\s*[:：]\s*|\s+)?"
                    rf"|(?:{'|'.join(sorted(_COLON_NAME_LABELS, key=len, reverse=True))})\s*[:：]\s*")


def _find_names(scan: str, data: list[Finding]) -> list[Finding]:
    """Names after a label (姓名：, 联系人, 户主 …) and names just before or in brackets just after data."""
    names = [_name_after(scan, label.end()) for label in _LABEL.finditer(scan)]
    names += [Finding("姓名", *match.span()) for match in _NAME_AND_SEX.finditer(scan) if _is_name(match.group())]
    for finding in data:
        names += [_name_before(scan, finding.start), _name_in_brackets_after(scan, finding.end)]
    return [name for name in names if name]


def _name_after(scan: str, start: int) -> Finding | None:
    """A name starting at `start` and ending at a word boundary, longest first."""
    for length in _name_lengths(scan, start):
        end = start + length
        if _is_name(scan[start:end]) and (scan[start:end].endswith("某") or _name_ends_at(scan, end)):
            return Finding("姓名", start, end)
    return None


def _name_lengths(scan: str, start: int) -> tuple[int, ...]:
    """Possible name lengths at `start`: 3 then 2, or 4 then 3 after a two-character surname."""
    return (4, 3) if scan.startswith(_COMPOUND_SURNAMES, start) else (3, 2)


def _is_name(candidate: str) -> bool:
    """2-4 CJK characters starting with a common surname, not a common word, not ending like a place or office."""
    if not all("\u4e00" <= char <= "\u9fff" for char in candidate) or not 2 <= len(candidate) <= 4:
        return False
    if candidate in _NOT_NAMES or candidate[:2] in _NOT_NAMES or candidate[-1] in _NOT_NAME_ENDINGS:
        return False
    if candidate.startswith(_COMPOUND_SURNAMES):
        return len(candidate) >= 3
    return candidate[0] in _SURNAMES and len(candidate) <= 3


def _name_ends_at(scan: str, end: int) -> bool:
    """A name ends at the end of text, before a non-CJK character, or before a data word / 同志 / 先生."""
    if end >= len(scan) or not "\u4e00" <= scan[end] <= "\u9fff":
        return True
    return scan.startswith(_AFTER_NAME_WORDS, end)


# 张建国，男，汉族，1965年3月生: a name opening a personal record.
_NAME_AND_SEX = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,4}(?=[，,（(]\s*[男女]\s*[，,）)、;；])")
_BETWEEN_NAME_AND_DATA = re.compile(rf"[\s（(，,、:：]*(?:(?:同志|先生|女士)?的)?(?:{'|'.join(_DATA_WORDS)})*[\s:：为是]*$")
# The character before a name, when not punctuation: the end of a word for a person (居民, 老人, 军人, 网格员).
_PERSON_FINALS = frozenset("人员民户者属众士象主兵工师长任记志")


def _name_before(scan: str, data_start: int) -> Finding | None:
    """A name ending just before the data, with only separators or a word like 身份证号/电话 between."""
    window_start = max(0, data_start - 16)
    between = _BETWEEN_NAME_AND_DATA.search(scan, window_start, data_start)
    end = between.start() if between else data_start
    for length in _lengths_before(scan, end):
        start = end - length
        if start >= 0 and _is_name(scan[start:end]) and _name_starts_at(scan, start):
            return Finding("姓名", start, end)
    return None


def _name_starts_at(scan: str, start: int) -> bool:
    """A name with no label starts a word: after punctuation or the start, a title, or a word for a person."""
    if start == 0 or not "\u4e00" <= scan[start - 1] <= "\u9fff":
        return True
    return scan[start - 1] in _PERSON_FINALS or scan.endswith(_TITLES, 0, start)


def _lengths_before(scan: str, end: int) -> tuple[int, ...]:
    """Name lengths to try when a name ends at `end`: 2 right after a title (主任张三), else 3 then 2."""
    if scan.endswith(_TITLES, 0, end - 2) or scan.endswith(_NAME_LABELS, 0, end - 2):
        return (2,)
    if end >= 4 and scan[end - 4:end - 2] in _COMPOUND_SURNAMES:
        return (4, 3, 2)
    return (3, 2)


_BRACKETED_NAME = re.compile(r"\s*[（(]\s*(?:姓名\s*[:：]?\s*)?")


def _name_in_brackets_after(scan: str, data_end: int) -> Finding | None:
    """A name in brackets right after the data: 13812345678（张三）."""
    match = _BRACKETED_NAME.match(scan, data_end)
    if not match:
        return None
    name = _name_after(scan, match.end())
    if name and scan[name.end:name.end + 1] in ("）", ")"):
        return name
    return None


# --- redaction and summaries ----------------------------------------------------------------------------------


def redact(text: str, findings: list[Finding] | None = None) -> Redacted:
    """Each personal finding replaced by its typed placeholder (〔身份证号〕 〔手机号〕 〔银行卡号〕 〔姓名〕)."""
    findings = find_personal(text) if findings is None else _dedupe(findings)
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces.append(text[position:finding.start])
        pieces.append(PLACEHOLDERS[finding.kind])
        position = finding.end
    pieces.append(text[position:])
    return Redacted(text="".join(pieces), counts=summary(findings))


def summary(items: Iterable[Finding | Mark]) -> dict[str, int]:
    """Kind -> count, for the ingest record and logs (never the values)."""
    counts = Counter(item.kind for item in items)
    order = {kind: index for index, kind in enumerate(MARK_KINDS + PERSONAL_KINDS)}
    return {kind: counts[kind] for kind in sorted(counts, key=lambda kind: order.get(kind, len(order)))}


# --- measuring on a labelled set ------------------------------------------------------------------------------


@dataclass
class KindScore:
    """True positives, false positives and false negatives of one kind, counted per occurrence within an item."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def detected_kinds(text: str) -> Counter[str]:
    """How many marks and findings of each kind `text` holds."""
    return Counter([mark.kind for mark in find_classification(text)] + [item.kind for item in find_personal(text)])


def score(items: Iterable[tuple[str, Iterable[str]]]) -> dict[str, KindScore]:
    """Per-kind scores (and "overall") over (text, expected kinds) items: within an item, min(expected, found)
    occurrences of a kind are true positives, the rest of what was found false positives, of what was not
    false negatives."""
    scores: dict[str, KindScore] = {kind: KindScore() for kind in (*MARK_KINDS, *PERSONAL_KINDS, "overall")}
    for text, expected_kinds in items:
        expected, found = Counter(expected_kinds), detected_kinds(text)
        for kind in set(expected) | set(found):
            hits = min(expected[kind], found[kind])
            for name in (kind, "overall"):
                scores[name].true_positives += hits
                scores[name].false_positives += found[kind] - hits
                scores[name].false_negatives += expected[kind] - hits
    return scores
