"""`zongjie check`: a second reader for a draft a person wrote, on the dev drafts of evals/check/dev/ (梅林街道
2023, with examples/materials as this year's facts) and on drafts written here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from agent.check import ERROR, CheckRequest, check_draft
from agent.check.annotate import write_commented, write_fixed
from agent.cli import app
from agent.text.figures import find_figures

ROOT = Path(__file__).resolve().parents[1]
MATERIALS = ROOT / "examples" / "materials"
DEV = ROOT / "evals" / "check" / "dev"
runner = CliRunner()


def _check(workspace, path: Path, **request):
    return check_draft(workspace, CheckRequest(path, materials_dir=request.pop("materials", MATERIALS),
                                               year=request.pop("year", 2023), **request))


def _write(tmp_path: Path, text: str, name: str = "稿子.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_figure_is_shown_with_the_materials_own_words(local_workspace, tmp_path) -> None:
    draft = _write(tmp_path, "梅林街道2023年工作总结\n一、主要工作\n全年组织开展应急演练18次，参与群众2300余人次。\n"
                             "投入86万元完成党群服务中心升级改造。\n新建口袋公园12个。\n")
    result = _check(local_workspace, draft)
    by_kind = {finding.kind: finding for finding in result.findings}
    mismatch = by_kind["fact_mismatch"]
    assert mismatch.line == 3 and mismatch.span == "18次" and mismatch.severity == ERROR
    assert "应急演练16次" in mismatch.message and mismatch.evidence["where"] == "平安办2023年工作情况.docx 第22行"
    assert by_kind["unsourced_figure"].line == 5 and by_kind["unsourced_figure"].span == "12个"
    assert not any(finding.line == 4 for finding in result.findings)   # 86万元 is the material's, as written


def test_figures_are_bound_to_their_item_and_unit(local_workspace, tmp_path) -> None:
    draft = _write(tmp_path, "标题：梅林街道2023年工作总结\n投入1200万元完成党群服务中心升级改造。\n"
                             "辖区生活垃圾分类覆盖率达到96.5%。\n全年新增城镇就业0.1268万人。\n")
    kinds = {(finding.line, finding.kind) for finding in _check(local_workspace, draft).findings}
    assert (2, "fact_mismatch") in kinds   # the item follows its figure; the material's 86万元 is no 1200万元
    assert (3, "unsourced_figure") in kinds       # 96.5% is the 12345 满意率, not a 垃圾分类 figure
    assert not any(line == 4 for line, _ in kinds)   # 0.1268万人 = 1268人


def test_past_years_honours_and_sentences_are_caught(local_workspace, tmp_path) -> None:
    draft = _write(tmp_path, "梅林街道2023年工作总结\n2022年，街道坚持以人民为中心。\n较2022年增长10%的目标如期实现。\n"
                             "街道城市管理工作在全区排名第三。\n梅园社区被评为省级“绿色社区”。\n"
                             "严格落实“三会一课”、主题党日、组织生活会、民主评议党员等制度，全面增强基层党组织的创造力、凝聚力和战斗力。\n",
                   )
    findings = _check(local_workspace, draft).findings
    kinds = {(finding.line, finding.kind, finding.severity) for finding in findings}
    assert (2, "stale_year", ERROR) in kinds and not any(line == 3 and kind == "stale_year" for line, kind, _ in kinds)
    assert (4, "stale_honour", ERROR) in kinds and (5, "unsourced_honour", "warning") in kinds
    copied = next(finding for finding in findings if finding.kind == "copied_from_past")
    assert copied.line == 6 and "抓党建工作方面" in copied.evidence["where"]


def test_form_rules(local_workspace, tmp_path) -> None:
    draft = _write(tmp_path, "梅林街道2023年工作总结\n一、党的建设\n（一）理论武装\n1.集中学习\n三、平安建设\n"
                             "（一）安全生产\n（一）信访工作\n二.民生保障\n一是低保。二是养老。四是就业。\n"
                             "截止目前,完成23年度目标的10-20%，走访４千户、社区、等。\n")
    findings = _check(local_workspace, draft).findings
    numbering = [(f.line, f.span) for f in findings if f.kind == "numbering"]
    assert (5, "三、") in numbering and (7, "（一）") in numbering and (8, "二.") in numbering and (9, "四是") in numbering
    usage = {f.span for f in findings if f.kind == "number_usage"}
    assert {"23年", "10-20%", "４"} <= usage
    assert {f.span for f in findings if f.kind == "wording"} == {"截止目前"}
    assert {f.span for f in findings if f.kind == "punctuation"} >= {",", "、等"}


def test_marks_placeholders_and_personal_data_are_errors(local_workspace, tmp_path) -> None:
    draft = _write(tmp_path, "内部资料 注意保存\n梅林街道2023年工作总结\n开办“长者饭堂”XX个，走访困难群众**户，完成改造〔待补〕户。\n"
                             "联系人：王建国，手机13912345678。\n")
    findings = _check(local_workspace, draft).findings
    assert [f.line for f in findings if f.kind == "classified_mark"] == [1]
    assert [f.span for f in findings if f.kind == "placeholder"] == ["XX", "**", "〔待补〕"]
    assert any(f.kind == "personal_data" and f.line == 4 for f in findings)


def test_a_clean_draft_has_no_error(local_workspace) -> None:
    for name in ("draft-05.docx", "draft-06.txt"):
        result = _check(local_workspace, DEV / name)
        assert result.errors == 0, [finding.message for finding in result.findings if finding.severity == ERROR]


def test_the_sample_reports_checked_as_this_years_show_their_masks_and_nothing_invented(local_workspace,
                                                                                      corpus_dir) -> None:
    for report in sorted(corpus_dir.glob("*.txt")):
        result = check_draft(local_workspace, CheckRequest(report, year=2022))
        errors = {finding.kind for finding in result.findings if finding.severity == ERROR}
        assert errors <= {"placeholder"}, (report.name, [f.message for f in result.findings if f.kind in errors])
        assert not any(f.kind in ("copied_from_past", "stale_honour") for f in result.findings)   # not its own past
        assert result.notes   # no facts: the figures were not checked, and it says so


def test_a_word_draft_comes_back_with_a_comment_on_each_finding(local_workspace, tmp_path) -> None:
    source = tmp_path / "稿子.docx"
    shutil.copy(DEV / "draft-05.docx", source)
    document = docx.Document(str(source))
    document.paragraphs[3].add_run("全年开展警示教育99场，截止目前完成。")
    document.save(str(source))
    result = _check(local_workspace, source)
    out = tmp_path / "批注版.docx"
    assert write_commented(result, out) == len(result.findings) >= 2
    reopened = docx.Document(str(out))
    comments = list(reopened.comments)
    assert len(comments) == len(result.findings)
    assert any("99场" in comment.text for comment in comments)
    assert [p.text for p in reopened.paragraphs] == [p.text for p in docx.Document(str(source)).paragraphs]


def test_fix_changes_punctuation_and_wording_only(local_workspace, tmp_path) -> None:
    draft = _write(tmp_path, "梅林街道2023年工作总结\n截止目前,全年组织开展应急演练18次、等活动。\n")
    result = _check(local_workspace, draft)
    fixed = tmp_path / "改.txt"
    changes = write_fixed(result, fixed)
    assert {(change.before, change.after) for change in changes} == {("截止目前", "截至目前"), (",", "，"), ("、等", "等")}
    text = fixed.read_text(encoding="utf-8")
    assert "截至目前，全年组织开展应急演练18次等活动。" in text
    assert [f.text for f in find_figures(text)] == [f.text for f in find_figures(draft.read_text(encoding="utf-8"))]


def test_cli_exit_codes_and_json(local_workspace, tmp_path) -> None:
    store = ["--store", str(local_workspace.settings.store)]
    bad = runner.invoke(app, ["check", str(DEV / "draft-01.txt"), "--materials", str(MATERIALS), "--year", "2023",
                              "--json", *store])
    assert bad.exit_code == 4
    data = json.loads(bad.stdout)
    assert data["counts"]["error"] > 0
    assert {"kind", "severity", "line", "text", "message", "evidence", "suggestion"} <= set(data["findings"][0])
    clean = runner.invoke(app, ["check", str(DEV / "draft-06.txt"), "--materials", str(MATERIALS), "--year", "2023",
                                *store])
    assert clean.exit_code == 0 and "错误 0 处" in clean.stdout
    missing = runner.invoke(app, ["check", str(tmp_path / "没有.docx"), *store])
    assert missing.exit_code == 1 and "找不到要校对的文件" in missing.output and "Traceback" not in missing.output
    binary = tmp_path / "乱码.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    unreadable = runner.invoke(app, ["check", str(binary), *store])
    assert unreadable.exit_code == 1 and "读不出" in unreadable.output


@pytest.mark.parametrize("name", ["draft-01.txt", "draft-02.txt", "draft-03.txt", "draft-04.txt"])
def test_every_planted_defect_of_the_dev_drafts_is_found(local_workspace, name) -> None:
    import yaml

    cases = yaml.safe_load((ROOT / "evals" / "cases" / "check.yaml").read_text(encoding="utf-8"))["cases"]
    case = next(case for case in cases if case["draft"].endswith(name))
    result = _check(local_workspace, DEV / name)
    lines = {line_number: text for line_number, text in
             ((finding.line, finding.text) for finding in result.findings)}
    assert lines
    from agent.check.document import read_draft

    draft_lines = read_draft(DEV / name).lines
    for planted in case["planted"]:
        number = next(line.number for line in draft_lines if planted["text"] in line.text)
        assert any(f.kind == planted["kind"] and f.line == number for f in result.findings), planted


def test_a_gbk_draft_is_read_and_its_fixed_copy_stays_gbk(local_workspace, tmp_path) -> None:
    draft = tmp_path / "初稿.txt"
    draft.write_bytes("梅林街道2023年工作总结\r\n截止目前,全年组织开展应急演练16次。\r\n".encode("gbk"))
    result = _check(local_workspace, draft)
    assert {(f.line, f.kind) for f in result.findings} == {(2, "punctuation"), (2, "wording")}
    fixed = tmp_path / "改.txt"
    write_fixed(result, fixed)
    assert fixed.read_bytes().decode("gbk").splitlines()[1] == "截至目前，全年组织开展应急演练16次。"
