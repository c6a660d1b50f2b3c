"""Writing a brief to a file: Markdown as printed, or a 公文-style docx (the draft's GB/T 9704 styling)."""

from __future__ import annotations

from pathlib import Path

from .pipeline import docx_markdown
from .result import Brief


def brief_file_name(source: str, file_format: str) -> str:
    """004_3a5482bd6e48631d.txt → 004_3a5482bd6e48631d.摘要.docx"""
    return f"{Path(source).stem}.摘要.{file_format}"


def write_brief(brief: Brief, path: Path) -> str:
    """Write the brief as .md or .docx (replacing the file atomically); the file's name."""
    from ..gongwen import markdown_to_docx

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    markdown = brief.to_markdown()
    if path.suffix.lower() == ".docx":
        markdown_to_docx(docx_markdown(markdown), partial)
    else:
        partial.write_text(markdown, encoding="utf-8")
    partial.replace(path)
    return path.name

