"""Writing a draft to a file a staffer opens: Markdown as shown, or a 公文-style Word document."""

from __future__ import annotations

from pathlib import Path

from ..files import check_out_path as check_writable, readable_file_name, save_markdown
from .result import Draft

SUFFIXES = (".md", ".docx")


def check_out_path(path: Path) -> None:
    """Refuse an output path we cannot write before any work is done."""
    check_writable(path, SUFFIXES)


def export_draft(draft: Draft, path: Path) -> Path:
    """Write the draft (title, note, text, its 依据) as Markdown, or as a docx whose keys are numbered 〔1〕 like
    its 依据 list, replacing the file atomically."""
    check_out_path(path)
    save_markdown(path, draft.to_markdown(), draft.to_docx_markdown())
    return path


def draft_file_name(draft: Draft, suffix: str) -> str:
    """The file a drafted section is saved as: its title (梅林街道2023年党风廉政建设工作情况.docx)."""
    return readable_file_name(draft.title, suffix, fallback=f"{draft.year}年{draft.section}")
