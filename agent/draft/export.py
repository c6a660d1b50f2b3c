"""Writing a draft to a file a staffer opens: Markdown as shown, or a 公文-style Word document."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
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
    partial = path.with_name(f".{path.name}.partial")
    if path.suffix.lower() == ".docx":
        from ..gongwen import markdown_to_docx

        markdown_to_docx(draft.to_markdown(), partial)
    else:
        partial.write_text(draft.to_markdown(), encoding="utf-8")
    partial.replace(path)
    return path
