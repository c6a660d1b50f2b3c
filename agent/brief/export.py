"""Writing a brief to a file: Markdown as printed, or a docx on the brief's compact page (公文 fonts, 四号 body)."""

from __future__ import annotations

from pathlib import Path

from ..files import readable_file_name, save_markdown
from .layout import PAGE
from .pipeline import docx_markdown
from .result import Brief


def brief_file_name(title: str, source: str, file_format: str) -> str:
    """The brief's file, named after its report: 街道党工委2022年工作总结和2023年工作安排摘要.docx (masks dropped;
    a report without a usable title is called by its file's name)."""
    named = title if readable_file_name(title, "", fallback="") else Path(source).stem
    return readable_file_name(f"{named}摘要", f".{file_format}")


def write_brief(brief: Brief, path: Path) -> str:
    """Write the brief as .md or .docx (replacing the file atomically); the file's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    markdown = brief.to_markdown()
    save_markdown(path, markdown, docx_markdown(markdown), PAGE)
    return path.name

