"""With a model: one paragraph on how the compared reports differ, guarded like every answer.

The model reads the table (each report's points, keyed S1 …, row by row, within the token budget) and writes the
paragraph (`prompts/compare/summary.md`). Then deterministic code keeps only sentences that cite a key the table
holds, and a figure a sentence states must stand in the points it cites (or be a compared year), else it becomes
〔待补〕; masked figures stay masked. A failing endpoint or a useless reply leaves the table as it is, with a note.
"""

from __future__ import annotations

import re

from ..errors import ModelError
from ..model.llm import ChatModel
from ..model.prompts import load_prompt
from ..model.tokens import count_tokens
from ..text.citations import check_citations, keys_in
from ..text.figures import guard_figures
from .result import Comparison

TABLE_TOKENS = 6000        # the table's share of the prompt; points past it are left out, row by row
MIN_SUMMARY_CJK = 10
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*(?:\s*(?:\[[SFM]\d+\])+)?")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*|[-*•]\s+|>\s*)", re.MULTILINE)   # line marks only: ** may be a mask
_HAN = re.compile(r"[\u4e00-\u9fff]")


def summarise_differences(comparison: Comparison, chat_model: ChatModel) -> tuple[str, list[str]]:
    """The guarded paragraph and the notes for the user (what was changed or why there is none)."""
    prompt = load_prompt("compare/summary").render(
        topic=comparison.topic.name, mode="同一单位的历年报告" if comparison.series else "不同单位的报告",
        columns="；".join(comparison.column_name(column) for column in comparison.columns),
        table=table_for_prompt(comparison))
    try:
        reply = chat_model.complete([{"role": "user", "content": prompt}], purpose="compare")
    except ModelError as error:
        return "", [f"模型未能给出差异概述（{error}），以下只有对比表"]
    return guard_summary(reply, comparison)


def table_for_prompt(comparison: Comparison, budget: int = TABLE_TOKENS) -> str:
    """The table as text, row by row: "【row】\\n[S3] 2021年：point", cut when the budget is spent."""
    lines: list[str] = []
    used = 0
    for row in comparison.rows:
        row_lines = [f"【{row.label}】"] + [f"[{point.key}] {comparison.column_name(column)}：{point.text}"
                                          for column in comparison.columns for point in column.points
                                          if point.row == row.label]
        cost = count_tokens("\n".join(row_lines))
        if used + cost > budget:
            break
        lines += row_lines
        used += cost
    return "\n".join(lines)


def guard_summary(reply: str, comparison: Comparison) -> tuple[str, list[str]]:
    """Keep the cited sentences with figures the cited points hold; say what was dropped or replaced."""
    texts = {point.key: point.text for column in comparison.columns for point in column.points}
    years = [f"{column.report.year}年" for column in comparison.columns if column.report.year]
    kept, dropped, replaced = [], 0, []
    for sentence in _SENTENCE.findall(_MARKUP.sub("", reply).strip()):
        checked = check_citations(sentence.strip(), set(texts))
        if not checked.cited:
            dropped += bool(_HAN.search(sentence))
            continue
        guarded = guard_figures(checked.text, [*(texts[key] for key in keys_in(checked.text)), *years])
        replaced += guarded.replaced
        kept.append(guarded.text)
    summary = "".join(kept)
    notes = []
    if len(_HAN.findall(summary)) < MIN_SUMMARY_CJK:
        return "", ["模型的回复不是可用的差异概述，以下只有对比表"]
    if dropped:
        notes.append(f"差异概述中 {dropped} 句没有注明依据，已删去")
    if replaced:
        notes.append("差异概述中以下数字在所引资料中找不到，已改为〔待补〕：" + "、".join(replaced))
    return summary, notes
