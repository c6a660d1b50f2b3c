"""The eval report as one self-contained HTML page: verdict, metrics against baseline, then every case side by side.

No external URLs of any kind, so the page opens from a file share or an e-mail attachment on an offline machine.
Everything taken from the report is escaped: model output and report text may well contain `<script>`.
"""

from __future__ import annotations

import json
import re
from html import escape

from ..text.citations import keys_in
from ..text.figures import PLACEHOLDER
from .metrics import format_metric
from .suites import STATUS_LABELS, STATUS_ORDER

GOLDEN_LABELS = {"match": "与金标准一致", "differs": "与金标准不同", "stale": "金标准过期", "missing": "缺少金标准",
                 "none": ""}
EMPTY = "—"
# Anything bracketed that could be a citation group; `keys_in` decides whether it really holds keys.
_BRACKETED = re.compile(r"[\[［【][^\[\]［］【】\n]{1,40}[\]］】]")
_MARKED = re.compile(f"{re.escape(PLACEHOLDER)}|{_BRACKETED.pattern}")

CSS = """
*{box-sizing:border-box}
body{margin:0;padding:20px 24px;font:14px/1.6 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
 color:#1f2933;background:#f4f5f7}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#52606d}.meta span{margin-right:18px}
header{display:flex;align-items:center;gap:32px}
.verdict{font-size:28px;font-weight:700;white-space:nowrap;padding:2px 22px;border-radius:6px}
.verdict.pass{background:#e3f4e8;color:#1e7b3a}.verdict.fail{background:#fde8e8;color:#b42318}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #dde1e6;padding:3px 10px;text-align:left;vertical-align:top}th{background:#eef1f4}
.summary{width:auto;min-width:60%}.num{text-align:right;font-variant-numeric:tabular-nums}
.good{color:#1e7b3a}.bad{color:#b42318;font-weight:600}.muted{color:#7b8794}
.block{font-size:11px;color:#b42318;border:1px solid #e8a5a0;border-radius:3px;padding:0 3px;margin-left:5px;
 font-weight:400}
.regressions{background:#fff4f4;border-left:4px solid #b42318;padding:8px 12px 8px 28px;margin:0}
.filters{margin:12px 0}.filters button{margin-right:6px;padding:3px 10px;border:1px solid #bcc5cf;
 background:#fff;border-radius:4px;cursor:pointer;font:inherit}.filters button.on{background:#1f2933;color:#fff}
.case{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:10px 0}
.case>summary{padding:8px 12px;cursor:pointer;border-bottom:1px solid #eef1f4;font-weight:600}
.case.fail{border-left:5px solid #b42318}.case.stale{border-left:5px solid #d97706}
.case.pass{border-left:5px solid #2f9e55}
.badge{font-size:12px;border-radius:10px;padding:1px 9px;margin-left:8px;font-weight:600}
.badge.fail{background:#fde8e8;color:#b42318}.badge.stale{background:#fef3c7;color:#92400e}
.badge.pass{background:#e3f4e8;color:#1e7b3a}.tag{font-weight:400;color:#52606d;margin-left:8px}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.5fr) minmax(0,1.5fr) minmax(0,1.1fr)}
.grid>section{padding:8px 12px;border-right:1px solid #eef1f4}.grid>section:last-child{border-right:0}
.grid h3{font-size:12px;color:#7b8794;margin:0 0 6px;letter-spacing:2px}
@media (max-width:1100px){.grid{grid-template-columns:1fr 1fr}}
@media (max-width:640px){.grid{grid-template-columns:1fr}}
.text{white-space:pre-wrap;word-break:break-word}.key{color:#7b8794}
.cite{background:#e0ecff;color:#1849a9;border-radius:3px;padding:0 2px;font-weight:600}
.cite.invalid{background:#fde8e8;color:#b42318}.todo{background:#fde68a;color:#78350f;border-radius:3px;padding:0 2px}
.citation{border-left:3px solid #93b4f0;padding:2px 8px;margin-bottom:8px}
.citation.invalid{border-left-color:#b42318;background:#fff4f4}.citation .path{color:#52606d;font-size:12px}
.citation blockquote{margin:2px 0;color:#323f4b}.source{font:11px monospace;color:#7b8794}
.check{margin-bottom:6px}.check.failed{color:#b42318}.check .detail{color:#323f4b;font-size:13px}
.passed-checks{color:#1e7b3a;font-size:12px}
pre.diff{margin:0 12px 12px;padding:8px;background:#f8f9fa;border:1px solid #eef1f4;overflow-x:auto;
 white-space:pre-wrap}
.diff span{display:block}.diff .add{color:#1e7b3a;background:#eaf7ee}.diff .del{color:#b42318;background:#fdeeee}
.diff .hunk{color:#7b8794}
"""

# Filters only hide cards; without JS the bar stays hidden and every card is shown.
SCRIPT = """
const bar=document.querySelector('.filters');bar.hidden=false;
bar.addEventListener('click',e=>{const f=e.target.dataset.filter;if(!f)return;
 bar.querySelectorAll('button').forEach(b=>b.classList.toggle('on',b===e.target));
 document.querySelectorAll('.case').forEach(c=>{c.hidden=!(f==='all'||(f==='failed'&&c.dataset.status!=='pass')
  ||c.dataset.suite===f);});
 document.querySelectorAll('.group').forEach(g=>{g.hidden=!g.querySelector('.case:not([hidden])');});});
"""


def render_html(report: dict) -> str:
    """The whole eval report as one self-contained HTML page (inline CSS and JS, nothing fetched)."""
    body = "".join([_header(report), _summary_table(report["suites"]), _regressions(report["regressions"]),
                    _filter_bar(report["suites"]), _cases(report["cases"])])
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>zongjie 评测报告 {_esc(report['created'])}</title><style>{CSS}</style></head>"
            f"<body>{body}<script>{SCRIPT}</script></body></html>")


def _esc(value: object) -> str:
    return escape(str(value))


def _header(report: dict) -> str:
    verdict, verdict_label = ("pass", "通过") if report["passed"] else ("fail", "未通过")
    facts = [("生成时间", report["created"]), ("模式", "、".join(report["modes"]) or EMPTY),
             ("耗时", EMPTY if report["duration_s"] is None else f"{report['duration_s']:.1f} 秒"),
             ("用例", len(report["cases"])),
             ("语料指纹", str(report["corpus_hash"])[:12] or EMPTY)]
    meta = "".join(f"<span>{label}：{_esc(value)}</span>" for label, value in facts)
    return (f'<header><div><h1>zongjie 评测报告</h1><div class="meta">{meta}</div></div>'
            f'<div class="verdict {verdict}">{verdict_label}</div></header>')


def _split_tag(case: dict) -> str:
    return " · 测试集" if case.get("expect", {}).get("split") == "test" else ""


def _summary_table(suites: list[dict]) -> str:
    rows = "".join(_summary_rows(suite) for suite in suites) or '<tr><td colspan="9">没有套件</td></tr>'
    return ('<h2>汇总</h2><table class="summary"><tr><th>套件</th><th>模式</th><th>用例</th><th>未通过</th>'
            f"<th>过期</th><th>指标</th><th>当前</th><th>基准</th><th>变化</th></tr>{rows}</table>")


def _summary_rows(suite: dict) -> str:
    """One row per metric; the suite's own cells span them all."""
    metric_cells = [_metric_cells(metric) for metric in suite["metrics"].values()] or [f"<td>{EMPTY}</td>" * 4]
    failed_class = "bad" if suite["failed"] else "good"
    span = f' rowspan="{len(metric_cells)}"'
    split = "（测试集）" if suite.get("split") == "test" else ""
    suite_cells = (f"<td{span}>{_esc(suite['suite'])}{split}</td><td{span}>{_esc(suite['mode'])}</td>"
                   f'<td{span} class="num">{_esc(suite["cases"])}</td>'
                   f'<td{span} class="num {failed_class}">{_esc(suite["failed"])}</td>'
                   f'<td{span} class="num">{_esc(suite["stale"])}</td>')
    return "".join(f"<tr>{suite_cells if index == 0 else ''}{cells}</tr>" for index, cells in enumerate(metric_cells))


def _metric_cells(metric: dict) -> str:
    """Label, value, baseline and delta; red when the harness calls it a regression, green when it moved otherwise."""
    unit, delta = metric.get("unit", ""), metric.get("delta")
    delta_text = EMPTY if delta is None else ("+" if _is_positive(delta) else "") + format_metric(delta, unit)
    delta_class = "bad" if metric.get("regressed") else ("good" if delta else "muted")
    blocking = '<span class="block">阻断</span>' if metric.get("blocking") else ""
    return (f'<td>{_esc(metric["label"])}{blocking}</td><td class="num"><b>{_esc(format_metric(metric["value"], unit))}'
            f'</b></td><td class="num muted">{_esc(format_metric(metric.get("baseline"), unit))}</td>'
            f'<td class="num {delta_class}">{_esc(delta_text)}</td>')


def _is_positive(number: object) -> bool:
    return isinstance(number, int | float) and number > 0


def _regressions(regressions: list[str]) -> str:
    if not regressions:
        return ""
    items = "".join(f"<li>{_esc(line)}</li>" for line in regressions)
    return f'<h2>退步（{len(regressions)}）</h2><ul class="regressions">{items}</ul>'


def _filter_bar(suites: list[dict]) -> str:
    names = dict.fromkeys(suite["suite"] for suite in suites)
    buttons = "".join(f'<button data-filter="{_esc(name)}">{_esc(name)}</button>' for name in names)
    return (f'<div class="filters" hidden><button class="on" data-filter="all">全部</button>'
            f'<button data-filter="failed">仅未通过</button>{buttons}</div>')


def _cases(cases: list[dict]) -> str:
    """Failures first, then stale, then passed (collapsed); report order kept within each group."""
    groups = []
    for status in STATUS_ORDER:
        # A status this page does not know is shown with the failures rather than dropped.
        group = [case for case in cases if (case["status"] if case["status"] in STATUS_ORDER else "fail") == status]
        if group:
            cards = "".join(_case_card(case) for case in group)
            groups.append(f'<div class="group"><h2>{STATUS_LABELS[status]}（{len(group)}）</h2>{cards}</div>')
    return "".join(groups) or "<p>没有用例</p>"


def _case_card(case: dict) -> str:
    status = case["status"]
    golden = case.get("golden") or {}
    golden_label = GOLDEN_LABELS.get(golden.get("status", "none"), "")
    invalid_keys = {citation["key"] for citation in case["citations"] if not citation.get("valid", True)}
    columns = [("输入", _input_column(case["input"])), ("输出", _output_column(case["output"], invalid_keys)),
               ("引用", _citations_column(case["citations"])), ("检查", _checks_column(case))]
    grid = "".join(f"<section><h3>{title}</h3>{content}</section>" for title, content in columns)
    diff = _diff_block(golden.get("diff", "")) if golden.get("status") == "differs" else ""
    return (f'<details class="case {_esc(status)}" data-status="{_esc(status)}" data-suite="{_esc(case["suite"])}"'
            f'{"" if status == "pass" else " open"}><summary>{_esc(case["id"])}'
            f'<span class="badge {_esc(status)}">{STATUS_LABELS.get(status, _esc(status))}</span>'
            f'<span class="tag">{_esc(case["suite"])} · {_esc(case["mode"])}{_split_tag(case)}</span>'
            f'<span class="tag">{golden_label}</span></summary><div class="grid">{grid}</div>{diff}</details>')


def _input_column(case_input: dict) -> str:
    lines = [f'<div class="text"><span class="key">{_esc(key)}：</span>{_esc(_plain(value))}</div>'
             for key, value in case_input.items()]
    return "".join(lines) or f'<span class="muted">{EMPTY}</span>'


def _plain(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "、".join(value)
    return json.dumps(value, ensure_ascii=False, indent=1)


def _output_column(output: str, invalid_keys: set[str]) -> str:
    """The output escaped, line breaks kept, citation keys and 〔待补〕 highlighted (invalid keys in red)."""
    if not output:
        return '<span class="muted">（无输出）</span>'
    pieces, position = [], 0
    for match in _MARKED.finditer(output):
        pieces += [_esc(output[position:match.start()]), _highlight(match.group(), invalid_keys)]
        position = match.end()
    pieces.append(_esc(output[position:]))
    return f'<div class="text">{"".join(pieces)}</div>'


def _highlight(marked: str, invalid_keys: set[str]) -> str:
    if marked == PLACEHOLDER:
        return f'<mark class="todo">{_esc(marked)}</mark>'
    keys = keys_in(marked)
    if not keys:
        return _esc(marked)
    invalid = " invalid" if invalid_keys.intersection(keys) else ""
    return f'<span class="cite{invalid}">{_esc(marked)}</span>'


def _citations_column(citations: list[dict]) -> str:
    return "".join(_citation(citation) for citation in citations) or '<span class="muted">（无引用）</span>'


def _citation(citation: dict) -> str:
    valid = citation.get("valid", True)
    flag = "" if valid else '<span class="block">无效</span>'
    path = " › ".join(citation.get("heading_path") or [])
    return (f'<div class="citation{"" if valid else " invalid"}"><span class="cite{"" if valid else " invalid"}">'
            f'[{_esc(citation["key"])}]</span>{flag} {_esc(citation.get("title") or "")}'
            f'<div class="source">{_esc(citation.get("source") or "")}</div>'
            f'<div class="path">{_esc(path)}</div><blockquote class="text">{_esc(citation.get("quote") or "")}'
            "</blockquote></div>")


def _checks_column(case: dict) -> str:
    """Failing checks first, in full; passing ones as one compact green line; then the case's own metrics."""
    failing = [check for check in case["checks"] if not check["passed"]]
    passing = [check for check in case["checks"] if check["passed"]]
    parts = [_failing_check(check) for check in failing]
    if passing:
        parts.append('<div class="passed-checks">✓ ' + "　✓ ".join(_esc(check["label"]) for check in passing)
                     + "</div>")
    metrics = "　".join(f"{_esc(name)} {_esc(format_metric(value))}" for name, value in case["metrics"].items())
    if metrics:
        parts.append(f'<div class="source">{metrics}</div>')
    return "".join(parts) or f'<span class="muted">{EMPTY}</span>'


def _failing_check(check: dict) -> str:
    blocking = '<span class="block">阻断</span>' if check.get("blocking") else ""
    return (f'<div class="check failed">✗ <b>{_esc(check["label"])}</b>{blocking}'
            f' <span class="source">{_esc(check["name"])}</span>'
            f'<div class="detail text">{_esc(check.get("detail") or "")}</div></div>')


def _diff_block(diff: str) -> str:
    """The golden diff with added lines green, removed lines red."""
    lines = []
    for line in diff.splitlines():
        kind = "hunk" if line.startswith(("---", "+++", "@@")) else {"+": "add", "-": "del"}.get(line[:1], "")
        lines.append(f'<span class="{kind}">{_esc(line) or " "}</span>')
    return f'<pre class="diff">{"".join(lines)}</pre>'
