"""One-page executive briefs of reports (`zongjie brief`): see pipeline.py for the stages, batch.py for folders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .batch import BatchResult, BriefRequest, resolve_reports, run_briefs
from .extractive import ExtractiveCondenser
from .pipeline import Budget, Condenser, brief_report
from .result import Brief

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["BatchResult", "Brief", "BriefRequest", "Budget", "Condenser", "ExtractiveCondenser", "brief_report",
           "make_condenser", "resolve_reports", "run_briefs"]


def make_condenser(workspace: "Workspace", notify: Callable[[str], None] | None = None) -> Callable[[], Condenser]:
    """A factory of condensers (one per report, so each keeps its own warnings): extractive offline, else the
    configured chat model (retry notices to `notify`)."""
    if workspace.settings.is_offline:
        return ExtractiveCondenser
    from .generate import LLMCondenser

    chat_model = workspace.chat_model(notify)
    return lambda: LLMCondenser(chat_model, workspace.settings)
