"""Classification marks and personal data: what counts as a mark or a finding, what does not, and the labelled set."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest
import yaml

from agent.text.sensitive import (
    Finding,
    detected_kinds,
    find_classification,
    find_personal,
    id_number_valid,
    luhn_valid,
    redact,
    score,
    summary,
)

from .conftest import CORPUS, ROOT, SAMPLE_SOURCES

LABELLED = ROOT / "evals" / "sensitive" / "labelled.yaml"
GENERATOR = ROOT / "evals" / "sensitive" / "make_labelled.py"
HEAD = "**街道办事处2022年工作总结\n2022年，**街道全年开展理论学习**次，办结群众诉求***件。"

# Made with the GB 11643 check digit / the Luhn digit (see evals/sensitive/make_labelled.py).
ID = "420106199003071238"
ID_X = "11010519491231002X"
CARD_19 = "6222021234567890128"
CARD_16 = "4111111111111111"


def _kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_personal(text)]


def _values(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, text[finding.start:finding.end]) for finding in find_personal(text)]


def _marks(text: str) -> list[tuple[str, str, int]]:
    return [(mark.kind, mark.text, mark.line) for mark in find_classification(text)]


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


# --- classification marks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "kind", "written"), [
    ("机密★1年", "机密", "机密★1年"),
    ("秘密★3个月", "秘密", "秘密★3个月"),
    ("绝密★长期", "绝密", "绝密★长期"),
    ("机密★", "机密", "机密★"),
    ("秘密☆6个月", "秘密", "秘密☆6个月"),
    ("机密*1年", "机密", "机密*1年"),
    ("秘密＊2年", "秘密", "秘密＊2年"),
    ("秘 密 ★ 1 年", "秘密", "秘 密 ★ 1 年"),
    ("机密　★　10年", "机密", "机密　★　10年"),
    ("秘密★2025年12月31日", "秘密", "秘密★2025年12月31日"),
    ("000123　机密★5年　特急", "机密", "机密★5年"),
    ("密级：秘密", "秘密", "密级：秘密"),
    ("密级：机密★5年", "机密", "密级：机密★5年"),
    ("秘密", "秘密", "秘密"),
    ("【机密】", "机密", "机密"),
    ("涉密", "涉密", "涉密"),
    ("【涉密】", "涉密", "涉密"),
    ("涉密文件", "涉密", "涉密文件"),
    ("内部资料 注意保密", "内部", "内部资料 注意保密"),
    ("内部资料，注意保密", "内部", "内部资料，注意保密"),
    ("内部文件", "内部", "内部文件"),
    ("内部材料 注意保密", "内部", "内部材料 注意保密"),
    ("内部资料 请勿外传", "内部", "内部资料 请勿外传"),
    ("工作秘密", "内部", "工作秘密"),
    ("\ufeff绝密★长期", "绝密", "绝密★长期"),
])
def test_each_mark_form_heading_a_report_is_found_with_its_kind_and_text(header: str, kind: str, written: str) -> None:
    assert _marks(f"{header}\n{HEAD}") == [(kind, written, 1)]


def test_a_mark_is_found_as_a_page_header_anywhere_with_its_line_and_offsets() -> None:
    text = f"{HEAD}\n\f秘密★1年\n二、2023年工作安排"
    [mark] = find_classification(text)
    assert (mark.kind, mark.line, text[mark.start:mark.end]) == ("秘密", 3, "秘密★1年")


def test_a_star_mark_opening_a_line_counts_even_with_text_after_it() -> None:
    assert _marks("机密★1年  **街道办事处2022年工作总结") == [("机密", "机密★1年", 1)]


def test_top_lines_also_count_a_mark_followed_by_more_or_a_title_ending_in_one() -> None:
    assert _marks(f"内部资料 注意保密    第12期\n{HEAD}") == [("内部", "内部资料 注意保密", 1)]
    assert _marks(f"**街道办事处2022年工作总结（内部资料）\n{HEAD}") == [("内部", "内部资料", 1)]


def test_below_the_top_lines_a_mark_word_followed_by_more_text_is_body_text() -> None:
    body = "\n".join(f"第{index}段正文。" for index in range(10))
    assert find_classification(f"{body}\n内部资料 注意保密    第12期\n{body}") == []
    assert find_classification(f"{body}\n汇编（内部资料）\n") == []


@pytest.mark.parametrize("body", [
    "加强保密教育，组织观看保密警示教育片*场次。",
    "严防涉密信息泄露，开展保密自查自评*次。",
    "开展保密自查，对涉密计算机和存储介质进行全面检查。",
    "强化涉密人员管理，签订保密承诺书**份。",
    "规范标注“秘密★1年”等密级标识，严格文件流转登记。",
    "秘密★级文件应当专人传递。",
    "对机密级文件实行专人管理、专柜存放。",
    "开展保守国家秘密宣传**次。",
    "秘密**件",
    "编印内部资料**期，报送信息***条。",
    "提醒党员干部注意保密，不在微信群传递工作文件。",
    "建立健全内部管理制度，完善内部控制体系。",
    "密级：公开",
])
def test_secrecy_words_in_running_text_are_no_mark(body: str) -> None:
    assert find_classification(f"{HEAD}\n{body}") == []
    assert find_classification(f"{body}\n{HEAD}") == []


@pytest.mark.parametrize("line", ["涉密人员管理", "（二）加强涉密载体管理", "三、涉密事项管理情况", "涉密人员", "内部管理",
                                  "内部资料管理办法", "保密工作", "机密事项"])
def test_a_heading_about_secrecy_is_no_mark_even_on_a_line_of_its_own(line: str) -> None:
    assert find_classification(f"{line}\n{HEAD}") == []


# --- 居民身份证号 -----------------------------------------------------------------------------------------------


def test_the_check_digit_decides_whether_18_digits_are_an_id() -> None:
    assert id_number_valid(ID) and id_number_valid(ID_X) and id_number_valid(ID_X.lower())
    assert not id_number_valid(_wrong_check_digit(ID))
    assert not id_number_valid(ID_X[:-1] + "0")


def test_a_valid_id_is_found_and_one_with_a_wrong_check_digit_is_left_alone() -> None:
    assert _values(f"核查发现身份证号{ID}重复登记。") == [("身份证号", ID)]
    assert _values(f"核查发现身份证号{ID_X}重复登记。") == [("身份证号", ID_X)]
    assert find_personal(f"核查发现身份证号{_wrong_check_digit(ID)}重复登记。") == []


def test_an_id_needs_a_province_code_and_a_real_past_birth_date() -> None:
    for body in ("99010619900307123", "42010619901307123", "42010618990307123", "42010620990307123"):
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8,
                                                                   4, 2))) % 11]
        assert not id_number_valid(body + check), body
        assert find_personal(f"编号{body}{check}") == []


def test_an_id_written_in_groups_or_full_width_is_found() -> None:
    assert _kinds("身份证号 420106 19900307 1238") == ["身份证号"]
    assert _kinds("身份证号420106-19900307-1238") == ["身份证号"]
    assert _kinds("身份证号：４２０１０６１９９００３０７１２３８") == ["身份证号"]


def test_a_15_digit_old_id_counts_only_right_after_a_word_like_身份证() -> None:
    assert _kinds("身份证号420106900307123，已换发新证。") == ["身份证号"]
    assert _kinds("批次420106900307123已入库。") == []


def test_masked_ids_are_already_anonymous() -> None:
    assert find_personal("身份证号420106********1234") == []


# --- bank cards -----------------------------------------------------------------------------------------------


def test_luhn() -> None:
    assert luhn_valid(CARD_16) and luhn_valid(CARD_19) and luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112") and not luhn_valid(CARD_19[:-1] + "9") and not luhn_valid("")


def test_a_luhn_valid_card_is_found_in_its_written_forms() -> None:
    assert _values(f"开户账号{CARD_19}") == [("银行卡号", CARD_19)]
    assert _kinds("账号：6222 0212 3456 7890 128") == ["银行卡号"]
    assert _kinds("卡号：4111-1111-1111-1111") == ["银行卡号"]
    assert _kinds("账号622202 1234567890128") == ["银行卡号"]


def test_luhn_invalid_numbers_codes_and_serials_are_no_card() -> None:
    assert find_personal(f"银行卡号{CARD_19[:-1]}9已冻结。") == []
    assert find_personal("订单号2022100112345678903") == []          # Luhn-valid, but 2022… is a serial number
    assert find_personal("项目代码：6222021234567890128") == []       # Luhn-valid, but a code
    assert find_personal("6222 0212 3456 7890 1281") == []            # 20 digits in groups
    assert find_personal("银行卡号6222 **** **** 1234") == []


def test_an_18_digit_run_shaped_like_an_id_is_never_a_card() -> None:
    typo = _wrong_check_digit(ID)
    candidates = [typo[:-1] + digit for digit in "0123456789" if not id_number_valid(typo[:-1] + digit)]
    luhn_valid_typo = next(number for number in candidates if luhn_valid(number))
    assert find_personal(f"身份证号{luhn_valid_typo}") == []


# --- mobile numbers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["13812345678", "138-1234-5678", "138 1234 5678", "+86 13812345678",
                                     "+8613812345678", "0086-138-1234-5678", "１３８１２３４５６７８"])
def test_a_mobile_is_found_in_its_written_forms(written: str) -> None:
    assert _values(f"联系电话：{written}。") == [("手机号", written)]


def test_two_mobiles_separated_by_a_space_are_two() -> None:
    assert _kinds("值班电话 13812345678 13987654321") == ["手机号", "手机号"]


@pytest.mark.parametrize("text", [
    "138123456789", "913812345678", "0.13812345678", "138-1234-5678-9012", "1381234567",
    "12345678901", "20221012001", "累计投资13500000000元", "完成投资13857963214万元", "辖区人口13912345678人",
    "第13812345678号", "金额￥13800000000", "工单编号13812345678", "手机号138****5678", "服务热线12345",
    "值班电话：027-85551234", "2022-10-01", "〔2022〕12号", "98.5%", "*******.**元",
])
def test_look_alike_numbers_are_no_mobile(text: str) -> None:
    assert find_personal(text) == []


# --- names next to personal data ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "name"), [
    (f"张三（身份证号：{ID}）", "张三"),
    ("联系人：李四 13812345678", "李四"),
    ("户主王某某", "王某某"),
    ("姓名：王小明 性别：男", "王小明"),
    ("申请人：欧阳娜娜", "欧阳娜娜"),
    ("申请人张某提出复议申请。", "张某"),
    ("街道办主任张三，电话13812345678", "张三"),
    (f"居民王小明，身份证号{ID}，手机13912345678", "王小明"),
    ("13812345678（李四）", "李四"),
    (f"张建国，男，汉族，1965年3月生，身份证号{ID}", "张建国"),
    ("请联系王老师 13812345678", "王老师"),
    ("联系人刘洋电话13812345678", "刘洋"),
    (f"李建国同志的身份证号为{ID}。", "李建国"),
    (f"1 张芳波 {ID} 13812345678", "张芳波"),
    ("负责人：张三", "张三"),
    (f"银行卡号{CARD_19}，户名沈玉。", "沈玉"),
])
def test_a_name_next_to_personal_data_or_after_a_label_is_found(text: str, name: str) -> None:
    names = [value for kind, value in _values(text) if kind == "姓名"]
    assert names == [name]


@pytest.mark.parametrize("text", [
    "*名帮扶联系人深入联系*户*人脱贫户。",          # sample report 004
    "建立领导干部联系人制度，每名班子成员联系*个社区。",
    "帮扶户主要收入来源为务工收入。",
    "低保申请人数较去年下降**%。",
    "联系人：社区网格员", "联系人：高新区管委会", "负责人：街道党工委书记", "联系人：张*，电话：***********",
    f"核查发现身份证号{ID}重复登记。",                 # 查 is a surname, 查发现 is no name
    "请将款项汇入6222021234567890128账户。",
    "业主方便，物业及时维修。", "其中，男性**人，女性**人。", "参训人员中，男，**人", "负责人高度重视，亲自部署。", "户主任务清单已下发。",
    "汤逊湖13812345678", "高新区管委会 13812345678", "应急管理办13812345678", "通过电话13812345678联系。",
])
def test_words_around_labels_and_data_are_no_names(text: str) -> None:
    assert "姓名" not in _kinds(text)


def test_findings_never_carry_the_value() -> None:
    text = f"户主王小明，身份证号{ID}，手机13812345678，银行卡号{CARD_19}。"
    findings = find_personal(text)
    assert [finding.kind for finding in findings] == ["姓名", "身份证号", "手机号", "银行卡号"]
    shown = repr(findings) + repr(summary(findings))
    assert not any(value in shown for value in ("王小明", ID, "13812345678", CARD_19))


# --- redaction and summaries ----------------------------------------------------------------------------------


def test_redact_replaces_each_finding_by_its_typed_placeholder() -> None:
    text = f"户主王小明，身份证号{ID}，手机138-1234-5678，银行卡号{CARD_19}；错号{_wrong_check_digit(ID)}保留。"
    redacted = redact(text)
    assert redacted.text == (f"户主〔姓名〕，身份证号〔身份证号〕，手机〔手机号〕，银行卡号〔银行卡号〕；"
                             f"错号{_wrong_check_digit(ID)}保留。")
    assert redacted.counts == {"身份证号": 1, "手机号": 1, "银行卡号": 1, "姓名": 1}


def test_redact_leaves_text_without_findings_as_it_is() -> None:
    text = (CORPUS / SAMPLE_SOURCES[0]).read_text(encoding="utf-8")
    assert redact(text).text == text and redact(text).counts == {}


def test_redact_with_given_findings_uses_them() -> None:
    text = "联系电话13812345678"
    assert redact(text, [Finding("手机号", 4, 15)]).text == "联系电话〔手机号〕"


def test_summary_counts_kinds_in_a_fixed_order() -> None:
    text = f"秘密★1年\n联系人：李四 13812345678、13987654321\n身份证号{ID}"
    assert summary(find_classification(text)) == {"秘密": 1}
    assert summary(find_personal(text)) == {"身份证号": 1, "手机号": 2, "姓名": 1}
    assert summary([]) == {}


# --- the sample reports and the labelled set ------------------------------------------------------------------


@pytest.mark.parametrize("source", SAMPLE_SOURCES)
def test_the_sample_reports_hold_no_mark_and_no_personal_data(source: str) -> None:
    text = (CORPUS / source).read_text(encoding="utf-8")
    assert find_classification(text) == []
    assert find_personal(text) == []


def _labelled() -> list[dict]:
    return yaml.safe_load(LABELLED.read_text(encoding="utf-8"))


def test_the_labelled_set_is_what_its_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_labelled", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_items() == _labelled()


def test_the_labelled_set_is_big_enough_and_covers_every_kind() -> None:
    items = _labelled()
    positives = [item for item in items if item["expect"]]
    assert len(positives) >= 50 and len(items) - len(positives) >= 200
    assert len({item["id"] for item in items}) == len(items)
    covered = Counter(kind for item in positives for kind in item["expect"])
    assert set(covered) == {"绝密", "机密", "秘密", "涉密", "内部", "身份证号", "手机号", "银行卡号", "姓名"}
    corpus_items = [item for item in items if item["id"].startswith("corpus-")]
    assert len(corpus_items) >= 100


# The misses accepted, each a limit of the rules in agent/text/sensitive.py (see its docstring):
ACCEPTED_MISSES = {
    "personal-025": {"姓名": 1},   # 居民叶浩反映（…）: a verb stands between the name and the number
    "personal-049": {"姓名": 1},   # 由潘超负责对接，电话…: the name is a clause away from the number
    "personal-058": {"手机号": 1},  # 152…-8001: an extension makes it one longer hyphenated number
    "personal-069": {"手机号": 1},  # 一三八一二三四五六七八: a mobile in Chinese numerals
    "personal-071": {"姓名": 1},   # 补贴资金发放至潘志的社保卡: a name with no data and no label
}


def test_the_labelled_set_scores_no_false_alarm_and_only_the_accepted_misses() -> None:
    misses: dict[str, dict[str, int]] = {}
    false_alarms: dict[str, dict[str, int]] = {}
    for item in _labelled():
        expected, found = Counter(item["expect"]), detected_kinds(item["text"])
        if expected - found:
            misses[item["id"]] = dict(expected - found)
        if found - expected:
            false_alarms[item["id"]] = dict(found - expected)
    assert false_alarms == {}
    assert misses == ACCEPTED_MISSES


def test_the_labelled_set_precision_and_recall_per_kind() -> None:
    scores = score((item["text"], item["expect"]) for item in _labelled())
    assert all(kind_score.false_positives == 0 for kind_score in scores.values())
    missed = {kind: kind_score.false_negatives for kind, kind_score in scores.items() if kind_score.false_negatives}
    assert missed == {"手机号": 2, "姓名": 3, "overall": 5}
    assert (scores["overall"].true_positives, scores["overall"].precision) == (160, 1.0)
