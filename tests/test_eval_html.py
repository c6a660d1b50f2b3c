"""The HTML eval report as a reviewer reads it: verdict, regressions, failing cases first, everything escaped."""

from __future__ import annotations

import copy
import re

from agent.evals.html_report import render_html

SOURCE = "000_b5634a4a4b3dd6c4.txt"
TITLE = "***街道办领导班子2022年工作总结"
HEADING_PATH = ["三、党风廉政建设和执行民主集中制情况", "（一）党风廉政建设方面"]


def _metric(label: str, value, baseline, delta, *, regressed: bool, unit: str) -> dict:
    return {"label": label, "value": value, "baseline": baseline, "delta": delta,
            "blocking": True, "regressed": regressed, "unit": unit}


def _citation(key: str, quote: str, *, valid: bool = True) -> dict:
    return {"key": key, "source": SOURCE, "title": TITLE, "heading_path": HEADING_PATH, "quote": quote,
            "valid": valid}


def _check(name: str, label: str, passed: bool, detail: str = "") -> dict:
    return {"name": name, "label": label, "passed": passed, "blocking": True, "detail": detail}


def sample_report() -> dict:
    """A realistic failing run: one passing ask case listed first, a failing one, a stale draft case."""
    passing = {
        "id": "a002", "suite": "ask", "mode": "offline", "status": "pass",
        "input": {"question": "2022年开展了几次节前警示教育？"},
        "output": "开展节前警示教育**次[S1]。",
        "citations": [_citation("S1", "开展节前警示教育**次")],
        "checks": [_check("must_cite", "引用正确来源", True), _check("no_invented_figures", "无编造数字", True)],
        "metrics": {"citation_coverage": 1.0, "rouge_l_char": 0.91},
        "golden": {"status": "match", "diff": ""},
    }
    failing = {
        "id": "a001", "suite": "ask", "mode": "offline", "status": "fail",
        "input": {"question": "组织干部观看了哪些廉政纪律片？", "top_k": 6},
        "output": "组织观看《永远在路上》《零容忍》等廉政纪律片[S1]，共〔待补〕次[S9]。\n"
                  "<script>alert(1)</script>",
        "citations": [_citation("S1", "组织观看《永远在路上》《零容忍》《强化政治监督》等廉政纪律片"),
                      _citation("S9", "开展党员谈心谈话**余人次", valid=False)],
        "checks": [_check("must_cite", "引用正确来源", False, f"没有引用 {SOURCE} 中含“强化政治监督”的段落"),
                   _check("citations_valid", "引用均有效", False, "S9 的引文不在所引段落中"),
                   _check("answers_question", "回答了问题", True)],
        "metrics": {"citation_coverage": 0.5, "rouge_l_char": 0.62},
        "golden": {"status": "differs",
                   "diff": "--- golden\n+++ output\n@@ -1 +1 @@\n-组织观看《永远在路上》《零容忍》《强化政治监督》等廉政纪律片[S1]。\n"
                           "+组织观看《永远在路上》《零容忍》等廉政纪律片[S1]，共〔待补〕次[S9]。\n"},
    }
    stale = {
        "id": "d003", "suite": "draft", "mode": "replay", "status": "stale",
        "input": {"section": "党风廉政建设", "facts": ["召开党风廉政建设部署会议3次", "开展谈心谈话120余人次"]},
        "output": "一是压实主体责任。召开党风廉政建设部署会议3次[F1]，开展谈心谈话120余人次[F2]。",
        "citations": [],
        "checks": [_check("replay_fresh", "回放录音与提示词一致", False, "提示词 draft_section.md 已改动，需重新录制")],
        "metrics": {},
        "golden": {"status": "stale", "diff": ""},
    }
    return {
        "created": "2026-12-01 20:10:00", "duration_s": 41.2, "modes": ["offline", "replay"], "passed": False,
        "corpus_hash": "ab12cd34ef56ab12cd34", "regressions": ["ask/offline 引用有效率 100.0% → 96.0%"],
        "suites": [
            {"suite": "ask", "mode": "offline", "cases": 32, "failed": 1, "stale": 0,
             "metrics": {"citation_validity": _metric("引用有效率", 0.96, 1.0, -0.04, regressed=True, unit="%"),
                         "ungrounded_figures": _metric("无据数字", 0, 0, 0, regressed=False, unit=""),
                         "rouge_l_char": _metric("字符 ROUGE-L", 0.7345, None, None, regressed=False, unit="")}},
            {"suite": "draft", "mode": "replay", "cases": 12, "failed": 0, "stale": 1,
             "metrics": {"placeholder_rate": _metric("待补率", 0.125, 0.1, 0.025, regressed=False, unit="%")}},
        ],
        "cases": [passing, failing, stale],
    }


def passing_report() -> dict:
    report = sample_report()
    report.update(passed=True, regressions=[], cases=[report["cases"][0]])
    for suite in report["suites"]:
        suite.update(failed=0, stale=0)
    return report


def card(page: str, case_id: str) -> str:
    """The HTML of one case card."""
    start = page.index(f"<summary>{case_id}<")
    return page[page.rindex("<details", 0, start):page.index("</details>", start)]


def verdict(page: str) -> str:
    return re.search(r'<div class="verdict[^"]*">(.*?)</div>', page).group(1)


def test_failing_case_comes_before_stale_before_passing():
    page = render_html(sample_report())
    assert page.index("<summary>a001<") < page.index("<summary>d003<") < page.index("<summary>a002<")


def test_passed_cases_are_collapsed_and_failures_open():
    page = render_html(sample_report())
    assert " open>" not in card(page, "a002")
    assert " open>" in card(page, "a001")


def test_model_output_script_is_escaped():
    page = render_html(sample_report())
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card(page, "a001")


def test_every_report_string_is_escaped():
    report = sample_report()
    evil = "<x-evil onload=\"steal()\">"
    failing = report["cases"][1]
    failing["input"]["question"] = evil
    failing["citations"][0].update(title=evil, quote=evil, heading_path=[evil])
    failing["checks"][0]["detail"] = evil
    failing["golden"]["diff"] += f"+{evil}\n"
    report["regressions"].append(evil)
    report["suites"][0]["suite"] = evil
    report["suites"][0]["metrics"]["citation_validity"]["label"] = evil
    assert "<x-evil" not in render_html(report)


def test_page_fetches_nothing_external():
    page = render_html(sample_report())
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(|@import|<link|<img", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page


def test_placeholder_is_highlighted_in_output():
    assert re.search(r'<mark class="todo">〔待补〕</mark>', card(render_html(sample_report()), "a001"))


def test_invalid_citation_is_marked_in_citations_and_output():
    failing = card(render_html(sample_report()), "a001")
    invalid = re.search(r'<div class="citation invalid">.*?</blockquote>', failing).group()
    assert "[S9]" in invalid and "无效" in invalid
    assert '<span class="cite invalid">[S9]</span>' in failing
    assert '<span class="cite">[S1]</span>' in failing


def test_citation_shows_title_and_heading_path():
    failing = card(render_html(sample_report()), "a001")
    assert "三、党风廉政建设和执行民主集中制情况 › （一）党风廉政建设方面" in failing
    assert TITLE in failing and SOURCE in failing


def test_failing_checks_listed_before_passing_ones_with_detail():
    failing = card(render_html(sample_report()), "a001")
    assert failing.index("引用正确来源") < failing.index("引用均有效") < failing.index("回答了问题")
    assert "S9 的引文不在所引段落中" in failing


def test_golden_diff_lines_are_coloured():
    failing = card(render_html(sample_report()), "a001")
    assert '<span class="add">+组织观看' in failing
    assert '<span class="del">-组织观看' in failing


def test_input_rendered_as_key_value_lines():
    stale = card(render_html(sample_report()), "d003")
    assert "section：</span>党风廉政建设" in stale
    assert "召开党风廉政建设部署会议3次、开展谈心谈话120余人次" in stale


def metric_row(page: str, label: str) -> list[str]:
    """The last four summary cells of a metric's row, as text: label (with 阻断), value, baseline, delta."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*?<td>{re.escape(label)}.*?</tr>", page).group()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)[-4:]
    return [re.sub(r"<[^>]+>", "", cell) for cell in cells]


def test_summary_formats_metrics_and_marks_regression():
    page = render_html(sample_report())
    assert metric_row(page, "引用有效率") == ["引用有效率阻断", "96.0%", "100.0%", "-4.0%"]
    assert metric_row(page, "无据数字") == ["无据数字阻断", "0", "0", "0"]
    assert metric_row(page, "字符 ROUGE-L") == ["字符 ROUGE-L阻断", "0.735", "—", "—"]
    assert metric_row(page, "待补率")[1:] == ["12.5%", "10.0%", "+2.5%"]
    assert '<td class="num bad">-4.0%</td>' in page
    assert '<td class="num good">+2.5%</td>' in page


def test_failing_report_shows_verdict_and_regressions():
    page = render_html(sample_report())
    assert verdict(page) == "未通过"
    assert "ask/offline 引用有效率 100.0% → 96.0%" in page


def test_passing_report_says_passed():
    page = render_html(passing_report())
    assert verdict(page) == "通过"
    assert "退步" not in page


def test_empty_report_still_renders():
    report = copy.deepcopy(sample_report())
    report.update(cases=[], suites=[], regressions=[], modes=[], corpus_hash="", duration_s=None)
    page = render_html(report)
    assert "没有用例" in page and "没有套件" in page


def test_case_with_unknown_status_is_shown_with_failures():
    report = sample_report()
    report["cases"][0]["status"] = "error"
    page = render_html(report)
    assert page.index("<summary>a002<") < page.index("<summary>d003<")
