"""Writing files so that a killed run never leaves half of one: write beside it, then rename over it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

from .errors import UserError

# Characters Windows refuses in a file name (the masks' `*` among them), control characters, and the names it
# reserves for devices.
_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f＊]')
_RESERVED = re.compile(r"^(?:CON|PRN|AUX|NUL|COM\d|LPT\d)$", re.IGNORECASE)
NAME_MAX_CHARS = 80


def check_out_path(path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse an `--out` path we cannot write (another format, a folder, a missing folder) before any work."""
    if path.suffix.lower() not in suffixes:
        named = "、".join(suffixes[:-1]) + " 或 " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
        raise UserError(f"--out 只支持 {named} 文件：{path}")
    if path.is_dir():
        raise UserError(f"--out 指向的是一个目录：{path}")
    if not path.parent.exists():
        raise UserError(f"--out 所在的目录不存在：{path.parent}")


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write` on a hidden partial file beside `path`, then replace `path` with it."""
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    partial.replace(path)


def write_text_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8)."""
    write_atomically(path, lambda partial: partial.write_text(text, encoding="utf-8"))


def save_markdown(path: Path, markdown: str, docx_markdown: str | None = None, page: Any = None) -> None:
    """A .md file as written, or a .docx in 公文 style (from `docx_markdown` when the docx needs other markup) on
    the 公文 page, or on `page` (gongwen.BRIEF_PAGE for a brief)."""
    if path.suffix.lower() == ".docx":
        from .text.gongwen import GONGWEN_PAGE, markdown_to_docx

        write_atomically(path, lambda partial: markdown_to_docx(docx_markdown or markdown, partial,
                                                                page or GONGWEN_PAGE))
    else:
        write_text_atomically(path, markdown)


def readable_file_name(stem: str, suffix: str, fallback: str = "文件") -> str:
    """A file name a staffer recognises and any Windows or Linux machine accepts: `stem` without masks (`*`),
    characters illegal in Windows names or trailing dots, cut to a sane length, then `suffix` (".docx")."""
    clean = _ILLEGAL.sub("", unicodedata.normalize("NFC", stem))
    clean = re.sub(r"\s+", " ", clean).strip(" .")[:NAME_MAX_CHARS].rstrip(" .")
    if not clean or _RESERVED.match(clean):
        clean = fallback
    return clean + suffix
