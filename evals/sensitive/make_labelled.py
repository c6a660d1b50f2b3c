"""Write evals/sensitive/labelled.yaml: the labelled set for the classification-mark and personal-data detectors.

    python evals/sensitive/make_labelled.py

Each item is {id, text, expect: [kinds]} (a kind once per occurrence; [] for a negative) and a short `note`.
Positives put every mark form and every kind of personal data into realistic report text; the IDs and card numbers
are generated here with their own check digits (computed independently of agent/text/sensitive.py). Negatives are
every sentence of the five sample reports holding a digit, a mask or a secrecy word, and generated look-alikes:
IDs with a wrong check digit, Luhn-invalid card-length numbers, 11-digit runs that are no mobile, codes, amounts,
dates, document numbers, masked values, secrecy words in body text and name labels with no name.
A fixed seed makes the output the same on every run; the output is committed, so review its diff.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from agent.text.chinese import split_sentences  # noqa: E402

OUT = Path(__file__).with_name("labelled.yaml")
SEED = 8  # issue 8
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰凤春海波宁斌浩宇晨欣怡"
PROVINCES = ("11", "13", "32", "37", "41", "42", "43", "44", "50", "51", "61", "62")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
MOBILE_PREFIXES = ("133", "135", "138", "139", "150", "152", "158", "166", "177", "180", "186", "189", "199")


class Maker:
    """Random realistic values from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def name(self) -> str:
        given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2))))
        return self.random.choice(SURNAMES) + given

    def id_number(self, check_ok: bool = True, ending_x: bool = False) -> str:
        while True:
            body = self._region() + self._birth(1940, 2005) + f"{self.random.randint(0, 999):03d}"
            check = id_check(body)
            if ending_x == (check == "X"):
                break
        if check_ok:
            return body + check
        return body + self.random.choice([c for c in "0123456789X" if c != check])

    def old_id(self) -> str:
        return self._region() + self._birth(1940, 1979)[2:] + f"{self.random.randint(0, 999):03d}"

    def _region(self) -> str:
        return self.random.choice(PROVINCES) + f"{self.random.randint(1, 99):02d}{self.random.randint(1, 30):02d}"

    def _birth(self, first_year: int, last_year: int) -> str:
        year, month, day = (self.random.randint(first_year, last_year), self.random.randint(1, 12),
                            self.random.randint(1, 28))
        return f"{year}{month:02d}{day:02d}"

    def mobile(self) -> str:
        return self.random.choice(MOBILE_PREFIXES) + "".join(self.random.choice("0123456789") for _ in range(8))

    def card(self, length: int = 19, prefix: str = "62", luhn_ok: bool = True) -> str:
        body = prefix + "".join(self.random.choice("0123456789") for _ in range(length - len(prefix) - 1))
        check = luhn_check(body)
        if luhn_ok:
            return body + check
        return body + self.random.choice([c for c in "0123456789" if c != check])

    def digits(self, length: int, first: str = "123456789") -> str:
        return self.random.choice(first) + "".join(self.random.choice("0123456789") for _ in range(length - 1))


def id_check(body: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    return "10X98765432"[sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS)) % 11]


def luhn_check(body: str) -> str:
    """The digit that makes body + digit Luhn-valid."""
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char) * (1 if position % 2 else 2)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def grouped(number: str, sizes: tuple[int, ...], separator: str = " ") -> str:
    """138 1234 5678 / 6222 0212 … : the number cut into groups of the given sizes."""
    parts, position = [], 0
    for size in sizes:
        parts.append(number[position:position + size])
        position += size
    if position < len(number):
        parts.append(number[position:])
    return separator.join(parts)


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


REPORT_HEAD = "**街道办事处2022年工作总结"
REPORT_BODY = ("2022年，**街道在区委、区政府的坚强领导下，坚持以习近平新时代中国特色社会主义思想为指导，"
               "全年开展理论学习**次，办结群众诉求***件，群众满意度达98.5%。")


def mark_positives() -> list[dict]:
    """Every mark form at the head of a report (or as a page header inside one)."""
    headed = {
        "机密★1年": ["机密"], "秘密★3个月": ["秘密"], "绝密★长期": ["绝密"], "机密★": ["机密"], "秘密★": ["秘密"],
        "秘密☆6个月": ["秘密"], "机密*1年": ["机密"], "秘密＊2年": ["秘密"], "秘 密 ★ 1 年": ["秘密"],
        "机密　★　10年": ["机密"], "绝密★": ["绝密"], "秘密★2025年12月31日": ["秘密"], "秘密★一年": ["秘密"],
        "000123　机密★5年　特急": ["机密"], "份号：000045  秘密★1年  加急": ["秘密"], "密级：秘密": ["秘密"],
        "密级：机密★5年": ["机密"], "密级：内部": ["内部"], "秘密": ["秘密"], "机密级": ["机密"], "【机密】": ["机密"],
        "涉密": ["涉密"], "【涉密】": ["涉密"], "涉密文件": ["涉密"], "涉密材料 注意保密": ["涉密"],
        "内部资料 注意保密": ["内部"], "内部资料，注意保密": ["内部"], "内部文件": ["内部"],
        "内部材料 注意保密": ["内部"], "内部资料": ["内部"], "【内部资料】": ["内部"], "内部资料 请勿外传": ["内部"],
        "内部文件  严禁外传": ["内部"], "工作秘密": ["内部"], "仅供内部参考": ["内部"], "（内部资料 注意保密）": ["内部"],
    }
    items = [{"id": f"mark-{index:03d}", "text": f"{mark}\n{REPORT_HEAD}\n{REPORT_BODY}", "expect": kinds,
              "note": f"header line {mark!r}"} for index, (mark, kinds) in enumerate(headed.items(), start=1)]
    extra = [
        (f"{REPORT_HEAD}（内部资料）\n{REPORT_BODY}", ["内部"], "title ending in a bracketed mark"),
        (f"机密★1年  {REPORT_HEAD}\n{REPORT_BODY}", ["机密"], "mark and title on one line"),
        (f"内部资料 注意保密    第12期\n{REPORT_HEAD}\n{REPORT_BODY}", ["内部"], "issue number after the mark"),
        (f"{REPORT_HEAD}\n{REPORT_BODY}\n\f秘密★1年\n（二）推进重点项目建设。全年签约项目**个。", ["秘密"],
         "page header repeated inside the document"),
        (f"秘密★1年\n{REPORT_HEAD}\n{REPORT_BODY}\n秘密★1年\n二、2023年工作安排", ["秘密", "秘密"],
         "mark on every page"),
        (f"{full_width('000123')}\n绝密★长期\n{REPORT_HEAD}\n{REPORT_BODY}", ["绝密"], "full-width copy number line"),
        (f"  机密★2年\n\n{REPORT_HEAD}\n{REPORT_BODY}", ["机密"], "indented mark"),
        (f"\ufeff绝密★长期\n{REPORT_HEAD}\n{REPORT_BODY}", ["绝密"], "byte-order mark before the mark"),
        (f"秘密 ★ 6 个月\n{REPORT_HEAD}\n{REPORT_BODY}", ["秘密"], "spaced period"),
        (f"秘密★1年    **街道办事处\n{REPORT_BODY}", ["秘密"], "mark and unit name on one line"),
        (f"绝密 ★ 长期\n{REPORT_HEAD}\n{REPORT_BODY}", ["绝密"], "spaces around the star"),
        (f"机密★1年\t特急\n{REPORT_HEAD}\n{REPORT_BODY}", ["机密"], "tab before 紧急程度"),
        (f"密 级：秘密\n{REPORT_HEAD}\n{REPORT_BODY}", ["秘密"], "spaced 密级"),
        (f"密级 秘密★1年\n{REPORT_HEAD}\n{REPORT_BODY}", ["秘密"], "密级 without colon"),
        (f"内部资料  严格保密\n{REPORT_HEAD}\n{REPORT_BODY}", ["内部"], "严格保密"),
        (f"内部资料·注意保密\n{REPORT_HEAD}\n{REPORT_BODY}", ["内部"], "middle dot"),
    ]
    items += [{"id": f"mark-{len(headed) + index:03d}", "text": text, "expect": kinds, "note": note}
              for index, (text, kinds, note) in enumerate(extra, start=1)]
    return items


def personal_positives(maker: Maker) -> list[dict]:
    """IDs, mobiles, card numbers and names in the sentences where reports and annexes carry them."""
    n, i, m, c = maker.name, maker.id_number, maker.mobile, maker.card
    cases = [
        (f"经入户核查，低保申请人{n()}（身份证号：{i()}）家庭人均收入超过保障标准，不予纳入。", ["姓名", "身份证号"]),
        (f"为困难群众{n()}（公民身份号码{i()}）办理临时救助*次。", ["姓名", "身份证号"]),
        (f"现将身份证号码为{i()}的人员信息予以更正。", ["身份证号"]),
        (f"户主{n()}，身份证号{grouped(i(), (6, 8))}，家庭成员*人。", ["姓名", "身份证号"]),
        (f"核查发现身份证号{i(ending_x=True)}重复登记，已注销。", ["身份证号"]),
        (f"核查发现身份证号{i(ending_x=True).lower()}重复登记，已注销。", ["身份证号"]),
        (f"{n()}，身份证号：{i()}，联系电话：{m()}。", ["姓名", "身份证号", "手机号"]),
        (f"高龄老人{n()}，身份证号{maker.old_id()}，已纳入高龄津贴发放范围。", ["姓名", "身份证号"]),
        (f"退役军人{n()} {i()} 已完成信息采集。", ["姓名", "身份证号"]),
        (f"身份证号：{full_width(i())}", ["身份证号"]),
        (f"受理残疾人证申请*件，其中{n()}（{i()}）为一级肢体残疾。", ["姓名", "身份证号"]),
        (f"重点人员：{n()}，{i(ending_x=True)}，已落实包保责任人。", ["姓名", "身份证号"]),
        (f"联系人：{n()}，联系电话：{m()}。", ["姓名", "手机号"]),
        (f"如有疑问请拨打{grouped(m(), (3, 4), '-')}咨询。", ["手机号"]),
        (f"社区网格员{n()} {grouped(m(), (3, 4))}", ["姓名", "手机号"]),
        (f"值班电话：{m()}（{n()}）", ["手机号", "姓名"]),
        (f"境外返回人员咨询热线：+86 {m()}。", ["手机号"]),
        (f"负责人：{n()}，手机{m()}", ["姓名", "手机号"]),
        (f"联系电话：{full_width(m())}", ["手机号"]),
        (f"防汛值班联系电话：{m()}、{m()}", ["手机号", "手机号"]),
        (f"街道办主任{n()}，电话{m()}", ["姓名", "手机号"]),
        (f"举报电话：{m()}，邮箱：jubao@example.cn", ["手机号"]),
        (f"请各社区于*月*日前将名单报送至{m()}。", ["手机号"]),
        (f"联系人{n()}{m()}", ["姓名", "手机号"]),
        (f"居民{n()}反映（{m()}）楼道堆放杂物问题，已于当日处理。", ["姓名", "手机号"]),
        (f"补贴资金发放至户主{n()}，社保卡卡号{c(19)}。", ["姓名", "银行卡号"]),
        (f"收款人：{n()}，开户行：**银行**支行，账号：{grouped(c(19), (4, 4, 4, 4))}", ["姓名", "银行卡号"]),
        (f"请将款项汇入{c(16)}账户。", ["银行卡号"]),
        (f"持卡人{n()}银行卡号{c(16, '4')}", ["姓名", "银行卡号"]),
        (f"卡号：{grouped(c(16, '5'), (4, 4, 4), '-')}", ["银行卡号"]),
        (f"低保金通过“一卡通”发放，{n()}的一卡通账号为{grouped(c(19, '62'), (6,))}。", ["姓名", "银行卡号"]),
        (f"银行卡号{c(17, '9558')}，户名{n()}。", ["银行卡号", "姓名"]),
        (f"开户账号：{c(18, '6')}", ["银行卡号"]),
        (f"户主{n()}，身份证号{i()}，手机{m()}，银行卡号{c(19)}。", ["姓名", "身份证号", "手机号", "银行卡号"]),
        ("户主王某某", ["姓名"]),
        ("申请人：欧阳娜娜", ["姓名"]),
        (f"姓名：{n()} 性别：男 民族：汉", ["姓名"]),
        (f"本次走访联系人{n()}。", ["姓名"]),
        (f"当事人{n()}同志已作出书面检查。", ["姓名"]),
        (f"信访人：{n()}", ["姓名"]),
        (f"{n()}（身份证号：{i()}）", ["姓名", "身份证号"]),
        (f"序号 姓名 身份证号 联系电话\n1 {n()} {i()} {m()}\n2 {n()} {i()} {m()}",
         ["姓名", "身份证号", "手机号", "姓名", "身份证号", "手机号"]),
        (f"申请人张某某提出复议申请，联系电话{m()}。", ["姓名", "手机号"]),
        (f"（电话：{m()}）", ["手机号"]),
        (f"手机：{grouped(m(), (3, 4))}", ["手机号"]),
        (f"身份证号{grouped(i(), (6, 8), '-')}", ["身份证号"]),
        (f"账号：{grouped(c(19, '6217'), (4, 4, 4, 4))}", ["银行卡号"]),
        (f"{n()}的身份证号为{i()}。", ["姓名", "身份证号"]),
        (f"由{n()}负责对接，电话{m()}。", ["姓名", "手机号"]),
        (f"户主：{n()}（低保证号：**），身份证：{i()}", ["姓名", "身份证号"]),
        (f"{n()}，男，汉族，1965年3月生，身份证号{i()}", ["姓名", "身份证号"]),
        (f"{n()}，女，****年**月生，联系电话{m()}", ["姓名", "手机号"]),
        (f"请联系王老师 {m()}", ["姓名", "手机号"]),
        (f"联系人：刘女士，{m()}", ["姓名", "手机号"]),
        (f"微信号{m()}", ["手机号"]),
        (f"手机号：{grouped(m(), (3, 4))}（{n()}）", ["手机号", "姓名"]),
        (f"联系电话{m()[:10]}８", ["手机号"]),
        (f"电话：{m()}-8001", ["手机号"]),  # hard: an extension after a mobile reads as a longer hyphenated number
        # a mobile with no name before it: the words before are no name
        *[(text, ["手机号"]) for text in (
            f"通过电话{m()}联系。", f"请拨打{m()}。", f"王家湾社区（{m()}）", f"武汉市民热线{m()}", f"江岸区 {m()}",
            f"高新区管委会 {m()}", f"应急管理办{m()}", f"汤逊湖{m()}", f"金桥社区网格员{m()}")],
        # hard: expected to be missed, kept so that the measured recall is honest
        (f"{n()}同志的手机号码是{m()}，请及时联系。", ["姓名", "手机号"]),
        ("手机号码：一三八一二三四五六七八", ["手机号"]),
        (f"身份证号码：{grouped(i(), (4, 4, 4, 4))}", ["身份证号"]),
        (f"补贴资金发放至{n()}的社保卡。", ["姓名"]),
    ]
    return [{"id": f"personal-{index:03d}", "text": text, "expect": kinds, "note": "generated"}
            for index, (text, kinds) in enumerate(cases, start=1)]


def corpus_negatives() -> list[dict]:
    """Every sample-report sentence holding a digit, a mask or a secrecy or label word."""
    interesting = re.compile(r"\d|\*|保密|涉密|秘密|内部|联系人|户主|申请人|姓名")
    items = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        sentences = [sentence.strip() for line in path.read_text(encoding="utf-8").split("\n")
                     for sentence in split_sentences(line)]
        for index, sentence in enumerate(sentences, start=1):
            if interesting.search(sentence):
                items.append({"id": f"corpus-{path.name[:3]}-{index:03d}", "text": sentence, "expect": [],
                              "note": f"sample report {path.name}"})
    return items


def generated_negatives(maker: Maker) -> list[dict]:
    """Numbers and words that look like marks or personal data and are not."""
    d = maker.digits
    cases: list[tuple[str, str]] = []
    for _ in range(12):
        cases.append((f"核查发现身份证号{maker.id_number(check_ok=False)}与户籍信息不符。", "ID, wrong check digit"))
    for _ in range(4):
        cases.append((f"{maker.id_number(check_ok=False)}", "bare 18 digits, wrong check digit"))
    cases += [
        (f"登记编号{d(18, '4')[:6]}20221301{d(4)}", "18 digits, month 13"),
        (f"档案号{d(6, '4')}18990101{d(4)}", "18 digits, born 1899"),
        (f"序号{'99'}{d(4)}19900101{d(4)}", "18 digits, province 99"),
    ]
    for length in (16, 17, 18, 19, 16, 19, 16, 19, 17, 19):
        cases.append((f"银行卡号{maker.card(length, '62', luhn_ok=False)}已冻结。", f"{length} digits, Luhn-invalid"))
    for length in (16, 19, 16, 19):
        cases.append((f"{grouped(maker.card(length, '6', luhn_ok=False), (4, 4, 4, 4))}", "grouped, Luhn-invalid"))
    for length in (16, 17, 19, 18):
        cases.append((f"订单号{maker.card(length, '2022')}", "Luhn-valid serial starting 2022"))
    cases += [
        (f"项目代码：{maker.card(16, '6101')}", "Luhn-valid project code"),
        (f"统一社会信用代码：{maker.card(18, '9142')}", "credit code"),
        (f"合同编号{maker.card(19, '5')}", "Luhn-valid contract number"),
        (f"工单编号{maker.mobile()}已办结。", "work order number shaped like a mobile"),
        (f"流水号：{maker.card(17, '3')}", "Luhn-valid transaction number"),
        (f"{maker.card(20, '62')}", "20 digits"),
        (f"{maker.card(15, '62')}", "15 digits"),
    ]
    cases += [
        ("累计投资13500000000元，带动就业**人。", "11 digits, an amount"),
        ("全年税收收入15800000000元。", "11 digits, an amount"),
        ("辖区常住人口13912345678人。", "11 digits, a head count (absurd but a count)"),
        (f"数据编号{d(11, '12')}", "11 digits starting 1[0-2]"),
        (f"统计代码{d(11, '2')}", "11 digits starting 2"),
        (f"{d(11, '2')}", "bare 11 digits starting 2"),
        (f"{d(11, '0')}", "bare 11 digits starting 0"),
        (f"指标值为0.{maker.mobile()}。", "decimal"),
        (f"{d(1, '9')}{maker.mobile()}", "mobile inside a 12-digit run"),
        (f"{maker.mobile()}{d(1)}", "mobile shape plus a digit"),
        (f"{maker.mobile()[:3]}-{d(4)}-{d(4)}-{d(4)}", "hyphenated run longer than a mobile"),
        (f"{maker.mobile()[:10]}", "10 digits"),
        ("第13812345678号", "ordinal"),
        ("金额￥13800000000", "amount after ¥"),
        ("合计13800000000", "amount after 合计"),
        ("手机号138****5678已停机。", "masked mobile"),
        ("联系电话：139********", "masked mobile"),
        ("身份证号420106********1234", "masked ID"),
        ("身份证号：4201**********1234", "masked ID"),
        ("银行卡号6222 **** **** 1234", "masked card"),
        ("联系人：张*，电话：***********", "masked name and phone"),
        ("户主王*，家庭成员*人。", "masked name"),
        ("服务热线12345，受理群众诉求***件。", "hotline"),
        ("值班电话：027-85551234", "landline"),
        ("举报电话：0710-3456789", "landline"),
        ("咨询电话：(027)8555 1234", "landline"),
        ("邮编441000，传真027-85559876。", "postcode, fax"),
        ("2022年10月1日起施行。", "date"), ("2022-10-01", "date"), ("2022.10.01至2023.09.30", "date range"),
        ("20221001", "date as digits"), ("2022102320230101", "two dates glued (16 digits)"),
        ("根据《关于做好2022年度考核工作的通知》（*办发〔2022〕12号）要求。", "document number"),
        ("鄂政办发〔2022〕15号", "document number"), ("江岸政〔2023〕3号文件", "document number"),
        ("共建设充电站3个、充电桩1354个、停车泊位6497个。", "counts"),
        ("完成固定资产投资649.7万元，同比增长12.5%。", "amount, percentage"),
        ("地区生产总值达到1234567.89万元。", "amount with decimals"),
        ("累计发放补贴资金*******.**元。", "masked amount"), ("化解率达**.**%。", "masked percentage"),
        ("参检人次约***.*万人次。", "masked figure"), ("****年**月**日", "masked date"),
        ("群众满意度达98.5%以上。", "percentage"), ("GDP增长6.5%，增速排名全市第3位。", "percentage"),
        ("2021年至2023年，连续三年获评先进。", "years"), ("1949年10月1日", "date"),
        ("完成****个居民登记，投递简历**个。", "masks"),
        ("统一社会信用代码：91420100MA4KXXXX1Y", "credit code with letters"),
        ("车牌号鄂A12345", "plate"), ("房屋编号3-11-1201", "room number"),
        ("坐标114.305469,30.593099", "coordinates"), ("电话区号0710", "area code"),
        ("截至2022年12月31日，累计接种疫苗1385426剂次。", "7-digit count"),
        ("户籍人口138123人，常住人口152347人。", "6-digit counts"),
        ("会议室可容纳13812345人次。", "8-digit count"),
        ("版本号1.3.8.1234.5678", "version number"),
        ("网格编码420102001003", "12-digit code"),
    ]
    cases += [(text, "secrecy words in body text") for text in (
        "加强保密教育，组织观看保密警示教育片*场次。",
        "严防涉密信息泄露，开展保密自查自评*次。",
        "开展保密自查，对涉密计算机和存储介质进行全面检查。",
        "强化涉密人员管理，签订保密承诺书**份。",
        "涉密人员管理",
        "（二）加强涉密载体管理",
        "三、涉密事项管理情况",
        "严格落实非涉密计算机“涉密不上网、上网不涉密”要求。",
        "规范标注“秘密★1年”等密级标识，严格文件流转登记。",
        "对机密级文件实行专人管理、专柜存放。",
        "依法保守国家秘密和工作秘密，全年未发生失泄密事件。",
        "开展保守国家秘密宣传**次。",
        "建立健全内部管理制度，完善内部控制体系。",
        "严肃党内政治生活，加强党内监督。",
        "编印内部资料**期，报送信息***条。",
        "提醒党员干部注意保密，不在微信群传递工作文件。",
        "内部管理",
        "内部资料管理办法",
        "保密工作",
        "秘密文件的清退工作已全部完成。",
        "绝密、机密、秘密文件分类存放。",
        "各社区要妥善保管居民信息，严禁外传。",
        "认真落实保密工作责任制，街道党工委书记为保密工作第一责任人。",
        "组织开展“保密宣传月”活动，发放宣传资料***份。",
        "机密事项",
        "加强内部审计，开展内部巡察*轮。",
        "*街道召开保密委员会会议*次，研究部署保密工作。",
        "对内部文件资料进行集中清理。",
    )]
    cases += [(text, "label words with no name") for text in (
        "建立领导干部联系人制度，每名班子成员联系*个社区。",
        "*名帮扶联系人深入联系*户*人脱贫户。",
        "帮扶户主要收入来源为务工收入。",
        "低保申请人数较去年下降**%。",
        "联系人：社区网格员",
        "负责人：街道党工委书记",
        "联系人：高新区管委会",
        "申请人：本人",
        "姓名 性别 年龄 住址",
        "申请人应当如实申报家庭收入。",
        "当事人双方达成调解协议。",
        "信访人反映的问题已全部办结。",
        "患者康复出院**人。",
        "业主委员会成立*个。",
        "户主：__________",
        "联系人及联系电话：**",
        "经办人要认真审核申报材料。",
        "联系人：各社区党委书记",
        "负责人：主要领导",
        "联系人员深入一线开展走访。",
        "联系人：党支部书记",
        "负责人：高级工程师",
        "联系人：江汉区民政局",
        "姓名：XXX",
    )]
    cases += [(text, "numbers in running text") for text in (
        "财政收入13857963214元。", "完成投资13857963214万元。", "QQ群号138123456。", "注意保密。",
        "内部审计", "仅限内部使用的系统已上线。", "机密★1年的文件应当专柜存放。", "秘密★级文件应当专人传递。",
        "内部资料显示，全年新增就业***人。", "身份证号码18位", "手机尾号5678", "编号：NO.13812345678",
        "全体干部，男女比例*:*。", "其中，男性**人，女性**人。", "参训人员中，男，**人",
    )]
    cases += [(generated_paragraph(maker), "generated report paragraph") for _ in range(25)]
    return [{"id": f"negative-{index:03d}", "text": text, "expect": [], "note": note}
            for index, (text, note) in enumerate(cases, start=1)]


def generated_paragraph(maker: Maker) -> str:
    """A report paragraph dense with the figures reports carry: years, amounts, counts, rates, document numbers."""
    r = maker.random
    parts = [
        f"{r.choice(('2021', '2022', '2023'))}年，{r.choice(('*', '**', '***'))}街道",
        f"完成固定资产投资{r.randint(1000, 99999)}.{r.randint(1, 9)}万元，同比增长{r.randint(1, 30)}.{r.randint(0, 9)}%",
        f"新增市场主体{r.randint(100, 9999)}户，实现税收{r.randint(10000, 999999)}万元",
        f"发放补贴资金{r.randint(1000000, 99999999)}.{r.randint(10, 99)}元，惠及群众{r.randint(1000, 99999)}人次",
        f"根据{r.choice(('区政办发', '街发', '党工委发'))}〔{r.choice(('2021', '2022'))}〕{r.randint(1, 99)}号文件要求",
        f"于{r.choice(('2022', '2023'))}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}前完成整改",
        f"整改问题{r.choice(('*', '**', str(r.randint(1, 99))))}项，办结率{r.choice(('**.**', '100', '98.6'))}%",
        f"辖区面积{r.randint(1, 99)}.{r.randint(1, 99)}平方公里，常住人口{r.randint(10000, 999999)}人",
        f"发放宣传资料{r.randint(1000, 99999)}份",
        f"全年接听12345热线工单{r.randint(1000, 99999)}件",
    ]
    r.shuffle(parts)
    return "，".join(parts[:r.randint(4, 7)]) + "。"


class _Dumper(yaml.SafeDumper):
    pass


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and "\f" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def build_items() -> list[dict]:
    """The labelled items, the same on every run."""
    maker = Maker(SEED)
    return mark_positives() + personal_positives(maker) + corpus_negatives() + generated_negatives(maker)


def main() -> None:
    items = build_items()
    header = ("# Labelled set for agent/text/sensitive.py, written by evals/sensitive/make_labelled.py (seed "
              f"{SEED}); do not edit by hand.\n# expect lists each kind once per occurrence; [] is a negative.\n")
    body = yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    OUT.write_text(header + body, encoding="utf-8")
    positives = sum(1 for item in items if item["expect"])
    print(f"{OUT.relative_to(ROOT)}: {len(items)} items, {positives} positive, {len(items) - positives} negative")


if __name__ == "__main__":
    main()
