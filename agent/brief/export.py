"""Writing a brief to a file: Markdown as printed, or a docx on the brief's compact page (公文 fonts, 四号 body)."""

from __future__ import annotations

from pathlib import Path

from ..files import save_markdown
from .layout import PAGE
from .pipeline import docx_markdown
from .result import Brief


def brief_file_name(source: str, file_format: str) -> str:
    """004_3a5482bd6e48631d.txt → 004_3a5482bd6e48631d.摘要.docx"""
    return f"{Path(source).stem}.摘要.{file_format}"


def write_brief(brief: Brief, path: Path) -> str:
    """Write the brief as .md or .docx (replacing the file atomically); the file's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    markdown = brief.to_markdown()
    save_markdown(path, markdown, docx_markdown(markdown), PAGE)
    return path.name

