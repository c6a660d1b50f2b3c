"""Rendering the run log as terminal tables (`zongjie logs`)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def render_log_table(console: Console, rows: list[dict[str, Any]], calls: bool = False) -> None:
    """Recent runs, or the model calls of one run."""
    table = Table(show_lines=calls)
    if calls:
        for column in ("#", "用途", "模型", "提示 tokens", "回复 tokens", "首字 ms", "耗时 ms", "状态", "回复"):
            table.add_column(column, overflow="fold")
        for row in rows:
            tokens = row["prompt_tokens"] if row["prompt_tokens"] is not None else row["counted_prompt_tokens"]
            table.add_row(str(row["id"]), row["purpose"] or "", row["model"] or "", _number(tokens),
                          _number(row["completion_tokens"]), _number(row["first_token_ms"]),
                          _number(row["latency_ms"]), row["status"], (row["error"] or row["response"] or "")[:120])
    else:
        table.add_column("#", no_wrap=True)
        table.add_column("时间", no_wrap=True)
        table.add_column("问题", overflow="fold", min_width=16, ratio=1)
        for column in ("引擎", "提示 tokens", "耗时 ms", "结果"):
            table.add_column(column, overflow="fold")
        for row in rows:
            engine = "离线" if row["engine"] == "extractive" else (row["model"] or "llm")
            table.add_row(str(row["id"]), row["started_at"][5:16], escape(f"[{row['command']}] {row['question'][:40]}"),
                          engine, _number(row["prompt_tokens"]), _number(row["latency_ms"]), _outcome(row))
    console.print(table)


def render_egress_table(console: Console, rows: list[dict[str, Any]]) -> None:
    """Outbound requests: when, where (and how far), what kind, bytes, whose text, what was redacted."""
    reach = {"local": "本机", "private": "内网", "public": "公网"}
    table = Table()
    for column in ("#", "时间", "接口", "类型", "字节", "含报告", "脱敏 / 拒发"):
        table.add_column(column, overflow="fold")
    for row in rows:
        redactions = "、".join(f"{kind}{count}" for kind, count in row["redactions"].items()) or "无"
        outcome = f"[red]拒发（{row['refused']}）[/red]" if row["refused"] else escape(redactions)
        table.add_row(str(row["id"]), row["sent_at"][5:16], escape(f"{row['endpoint']}（{reach[row['reach']]}）"),
                      "嵌入" if row["kind"] == "embeddings" else "对话", str(row["bytes"]),
                      escape("、".join(row["sources"]) or "—"), outcome)
    console.print(table)


def _outcome(row: dict[str, Any]) -> str:
    """A run's result in a word or two."""
    if row["status"] == "error":
        return f"出错：{(row['error'] or '')[:40]}"
    warnings = json.loads(row["warnings"] or "[]")
    base = "有据" if row["grounded"] else "未找到"
    return f"{base}，{len(warnings)} 条提示" if warnings else base


def _number(value: Any) -> str:
    """A count or duration, rounded, or a dash."""
    return "—" if value is None else f"{value:.0f}"
