"""Drafting a section of this year's report (`zongjie draft`): see pipeline.py for the stages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .compose import ExtractiveWriter
from .export import check_out_path, export_draft
from .pipeline import DraftRequest, DraftWriter, Notify, default_draft_year, draft_section
from .result import Draft

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["Draft", "DraftRequest", "ExtractiveWriter", "check_out_path", "default_draft_year", "draft_section",
           "export_draft",
           "make_writer"]


def make_writer(workspace: "Workspace", notify: Notify | None = None) -> DraftWriter:
    """The extractive composer offline, else the configured chat model (retry notices to `notify`)."""
    if workspace.settings.is_offline:
        return ExtractiveWriter()
    from .generate import LLMWriter

    return LLMWriter(workspace.chat_model(notify), workspace.settings)
