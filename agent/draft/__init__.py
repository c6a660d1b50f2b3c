"""Drafting this year's report (`zongjie draft`): a section from past reports and facts (pipeline.py), or the
whole report, or a section, from this year's department materials (whole.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .compose import ExtractiveWriter
from .export import check_out_path, export_draft
from .pipeline import DraftRequest, DraftWriter, Notify, default_draft_year, draft_section
from .result import Draft
from .whole import ReportRequest, draft_report

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["Draft", "DraftRequest", "ExtractiveWriter", "ReportRequest", "check_out_path", "default_draft_year",
           "draft_report", "draft_section", "export_draft", "make_writer"]


def make_writer(workspace: "Workspace", notify: Notify | None = None) -> DraftWriter:
    """The extractive composer offline, else the configured chat model (retry notices to `notify`)."""
    if workspace.settings.is_offline:
        return ExtractiveWriter()
    from .generate import LLMWriter

    return LLMWriter(workspace.chat_model(notify), workspace.settings)
