"""`zongjie compare`: the chosen reports' points on one topic, side by side, rows shared, marks set, and (with a
model, when asked) one guarded paragraph on the differences."""

from __future__ import annotations

from typing import Any, Callable

from ..library.subthemes import load_subthemes
from ..library.topics import FRAME_TOPIC_IDS, TOPICS, Topic, resolve_section
from .columns import CompareRequest, choose_reports
from .points import report_points, topic_passages
from .result import Comparison
from .table import Column, cluster_unassigned, lay_out, repeated_sentences

Notify = Callable[[str], None]


def compare_topic(workspace: Any, request: CompareRequest, notify: Notify | None = None) -> Comparison:
    """Compare the reports `request` chooses on its topic (ingesting first when the corpus changed)."""
    notify = notify or (lambda message: None)
    topic = resolve_section(request.section)
    workspace.ensure_ingested(notify)
    reports, series = choose_reports(workspace.reports(), request)
    chunks = workspace.store.chunks_with_topic(topic.id, reference=any(report.reference for report in reports))
    columns = [Column(report, report_points(topic, topic_passages(topic, report, chunks))) for report in reports]
    known = [label for label in _known_rows(topic) if any(label in column.rows() for column in columns)]
    labels = cluster_unassigned(columns, known)
    comparison = Comparison(topic=topic, series=series, columns=columns, rows=lay_out(columns, labels, series))
    if series:
        comparison.repeated = repeated_sentences(columns)
    if not any(column.points for column in columns):
        comparison.warnings.append(f"所选报告中都没有“{topic.name}”方面的内容")
    if request.summary:
        _summarise(workspace, comparison, notify)
    return comparison


def _known_rows(topic: Topic) -> list[str]:
    """The rows a topic's points may take before any clustering: its sub-themes, or (problems, plans) the subjects."""
    if topic.id in FRAME_TOPIC_IDS:
        return [other.name for other in TOPICS if other.id not in FRAME_TOPIC_IDS]
    return [subtheme.name for subtheme in load_subthemes().get(topic.id, ("", ()))[1]]


def _summarise(workspace: Any, comparison: Comparison, notify: Notify) -> None:
    """The model's paragraph on the differences; offline, a note that it needs a model."""
    if workspace.settings.is_offline:
        comparison.warnings.append("差异概述需要配置对话模型（--provider openai）；离线模式只给对比表")
        return
    from .summary import summarise_differences

    notify("请模型概述各报告的异同……")
    comparison.summary, warnings = summarise_differences(comparison, workspace.chat_model(notify))
    comparison.warnings += warnings
