"""No clause said twice: a draft assembled from many sentences repeats stock phrases ("增强四个意识，坚定四个
自信"), which a reader notices at once. A clause already said earlier in the document goes; its sentence keeps
the rest, and the punctuation is mended. Clauses with a figure stay: "整改率100%" twice can be two facts."""

from __future__ import annotations

import re

from ..text.citations import strip_citations
from ..text.figures import find_figures

MIN_CLAUSE_CHARS = 6
_CLAUSE = re.compile(r"[^，,；;。！？]+[，,；;。！？]*")   # keys stand before the punctuation: inside
_BOLD_LEAD = re.compile(r"^(\*\*[^*\n]+?\*\*)(.*)$", re.DOTALL)
_END = "。！？"


def drop_repeated_clauses(paragraphs: list[str], seen: set[str] | None = None) -> list[str]:
    """The paragraphs with every clause already said (in them, or in `seen`) removed; headings and bold leads
    are kept whole. `seen` is updated, so sections of one document can share it."""
    seen = set() if seen is None else seen
    kept = []
    for paragraph in paragraphs:
        if paragraph.startswith(("#", "|")):   # headings and tables stay whole
            kept.append(paragraph)
            continue
        bold = _BOLD_LEAD.match(paragraph)
        lead, body = (bold.group(1), bold.group(2)) if bold else ("", paragraph)
        kept.append(lead + _without_repeats(body, seen))
    return kept


def _without_repeats(body: str, seen: set[str]) -> str:
    pieces: list[str] = []
    for clause in _CLAUSE.findall(body):
        words = _words(clause)
        if find_figures(clause):
            pieces.append(clause)
            continue
        if len(words) >= MIN_CLAUSE_CHARS and words in seen:
            if clause_ends_sentence(clause) and pieces:
                pieces[-1] = _end_sentence(pieces[-1])
            continue
        if len(words) >= MIN_CLAUSE_CHARS:
            seen.add(words)
        pieces.append(clause)
    return "".join(pieces)


def clause_ends_sentence(clause: str) -> bool:
    return clause.rstrip()[-1:] in _END


def _end_sentence(clause: str) -> str:
    """A clause that now ends its sentence: its ，/； becomes 。."""
    return clause.rstrip("，,；;") + "。" if clause.rstrip()[-1:] in "，,；;" else clause


def _words(clause: str) -> str:
    return re.sub(r"[\s，,；;。！？“”]", "", strip_citations(clause))
