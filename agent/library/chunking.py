"""Chunks at the level of a point or paragraph, each carrying its heading breadcrumb and a stable id."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterator

from ..model.tokens import count_tokens
from ..text.chinese import split_sentences
from ..text.figures import find_figures
from .structure import Section

DEFAULT_MAX_TOKENS = 400
_DATE_UNITS = ("年", "月", "日", "号", "年度")


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage of a report, as written, with where it sits in the report."""

    chunk_id: str
    report_id: str
    source: str
    ordinal: int
    heading_path: tuple[str, ...]
    text: str
    tokens: int
    topics: tuple[str, ...] = field(default=())

    def embedding_text(self) -> str:
        """What is embedded and indexed for this passage."""
        return embedding_text(self.heading_path, self.text)


def embedding_text(heading_path: tuple[str, ...], text: str) -> str:
    """What is embedded and indexed: the breadcrumb (it names the topic) followed by the passage."""
    return " > ".join(heading_path) + "\n" + text if heading_path else text


def report_id_for(source: str) -> str:
    """A readable, ASCII-safe id for a report from its file name (Chinese names get a hash suffix)."""
    stem = source.rsplit(".", 1)[0]
    ascii_part = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:48]
    if ascii_part == stem and len(ascii_part) >= 3:
        return ascii_part
    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]
    return f"{ascii_part}-{digest}" if ascii_part else f"r-{digest}"


def chunk_report(root: Section, source: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> list[Chunk]:
    """Every passage of a parsed report, in document order, split at sentence ends when over `max_tokens`."""
    report_id = report_id_for(source)
    chunks: list[Chunk] = []
    seen_ids: set[str] = set()
    for heading_path, text in _passages(root, ()):
        for piece in split_to_budget(text, max_tokens):
            chunk_id = _unique(_chunk_id(report_id, heading_path, piece), seen_ids)
            chunks.append(Chunk(chunk_id=chunk_id, report_id=report_id, source=source, ordinal=len(chunks),
                                heading_path=heading_path, text=piece, tokens=count_tokens(piece)))
    return chunks


def _passages(section: Section, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(heading path, text) for each text block; a block right after its heading starts with the heading.

    Nothing a document says is dropped for its shape: a heading with nothing under it (`1.签订责任书22份。`)
    is a passage of its own, and so is a heading line that states a figure before its sub-items (`（二）发展党员
    11名。` then `1.…`); a plain label over sub-items (`一、党建工作`) lives on in their heading paths.
    """
    if path and not section.body and (not section.items or _states_a_figure(section.lead)):
        yield path, section.lead or section.title
    for index, item in enumerate(section.items):
        if isinstance(item, Section):
            yield from _passages(item, path + (item.title,))
        elif index == 0 and section.lead and not item.startswith(section.lead):
            # A run-in lead ("一是强化理论武装。") reads on into its text; a heading line stays a line of its own.
            joiner = "" if section.lead.rstrip()[-1:] in "。！？；：:;!?" else "\n"
            yield path, section.lead + joiner + item
        else:
            yield path, item


def _states_a_figure(line: str) -> bool:
    """A heading line that holds a count or amount (a year, month or day alone does not count)."""
    return any(not figure.text.endswith(_DATE_UNITS) for figure in find_figures(line))


def split_to_budget(text: str, max_tokens: int) -> list[str]:
    """Split `text` into consecutive pieces of whole sentences, each within `max_tokens` where possible."""
    if count_tokens(text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _sentences_within(text, max_tokens):
        if current and count_tokens(current + sentence) > max_tokens:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _sentences_within(text: str, max_tokens: int) -> Iterator[str]:
    """Sentences of `text`; a single sentence over budget is cut at commas (never inside a character)."""
    for sentence in split_sentences(text):
        if count_tokens(sentence) <= max_tokens:
            yield sentence
            continue
        clauses = re.findall(r"[^，,]*[，,]?", sentence)
        yield from (clause for clause in clauses if clause)


def _chunk_id(report_id: str, heading_path: tuple[str, ...], text: str) -> str:
    """Readable report slug plus a hash of where the passage sits and what it says."""
    digest = hashlib.sha1(("\x1f".join(heading_path) + "\x1e" + text).encode("utf-8")).hexdigest()[:12]
    return f"{report_id}:{digest}"


def _unique(chunk_id: str, seen: set[str]) -> str:
    """`chunk_id`, suffixed if the same passage occurs twice under the same heading."""
    candidate, counter = chunk_id, 1
    while candidate in seen:
        counter += 1
        candidate = f"{chunk_id}-{counter}"
    seen.add(candidate)
    return candidate
