"""The draft being checked, as lines a finding can point at: a text file's lines, a Word file's paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import LoadError, UserError
from ..library.loaders import DEFAULT_MAX_BYTES, load_document
from ..text.chinese import split_sentences
from ..text.encoding import decode_text


MAX_BYTES = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class DraftLine:
    """One line (or Word paragraph) of the draft, numbered from 1."""

    number: int
    text: str

    @cached_property
    def sentences(self) -> list[str]:
        """The line's sentences (split once: every rule reads them)."""
        return [sentence.strip() for sentence in split_sentences(self.text) if sentence.strip()] or [self.text]


@dataclass(frozen=True)
class DraftDocument:
    """The draft's lines and how it was read."""

    path: Path
    format: str
    lines: list[DraftLine]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def read_draft(path: Path) -> DraftDocument:
    """A .txt/.md file line by line (its real line numbers), a .docx paragraph by paragraph; a clear error for
    anything else."""
    if not path.is_file():
        raise UserError(f"找不到要校对的文件：{path}")
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"要校对的文件太大（{path.stat().st_size // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）："
                        f"{path.name}；一篇总结通常不到 1 MB，请确认选对了文件")
    try:
        if path.suffix.lower() in (".txt", ".md"):
            text, _encoding = decode_text(path.read_bytes())
            lines = [DraftLine(number, line.rstrip()) for number, line in enumerate(text.split("\n"), 1)]
            lines = [line for line in lines if line.text.strip()]
            if not lines:
                raise UserError(f"要校对的文件是空的：{path.name}")
            return DraftDocument(path, path.suffix.lower()[1:], lines)
        document = load_document(path)
    except LoadError as error:
        raise UserError(f"读不出要校对的文件：{error}") from None
    lines = [DraftLine(number, paragraph.text.strip())
             for number, paragraph in enumerate(document.paragraphs, 1) if paragraph.text.strip()]
    if not lines:
        raise UserError(f"要校对的文件是空的：{path.name}")
    return DraftDocument(path, document.format, lines)
