"""How much of what a document says made it into the store: the share of its body's CJK characters found again in
its passages or their heading paths. Ingest reports a file below 100%, so a shape the parser cannot read loses
nothing silently; the tests hold every document they have to 100%.

A character counts as kept when some run of `GRAM` consecutive CJK characters around it (within its paragraph)
stands in the stored text; a stretch shorter than that (a whole short paragraph, or the end of one that the parser
split, as 形如一是 | 二是) must stand there whole. Punctuation, digits and list labels are left out of the count:
labels are re-rendered and figures travel with their words.
"""

from __future__ import annotations

from collections.abc import Iterable

GRAM = 4


def cjk_only(text: str) -> str:
    """The CJK ideographs of `text`, in order."""
    return "".join(char for char in text if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff")


def coverage(body: Iterable[str], stored: Iterable[str]) -> float:
    """The share (0–1) of the body's CJK characters that the stored texts hold; 1.0 for a body without any."""
    stored_runs = [cjk_only(text) for text in stored]
    grams = {run[index:index + GRAM] for run in stored_runs for index in range(len(run) - GRAM + 1)}
    joined = "\n".join(stored_runs)
    total = kept = 0
    for paragraph in body:
        run = cjk_only(paragraph)
        total += len(run)
        kept += _kept_in(run, grams, joined)
    return kept / total if total else 1.0


def _kept_in(run: str, grams: set[str], joined: str) -> int:
    """How many characters of one paragraph's CJK run the stored text holds."""
    covered = [False] * len(run)
    for index in range(len(run) - GRAM + 1):
        if run[index:index + GRAM] in grams:
            covered[index:index + GRAM] = [True] * GRAM
    kept = sum(covered)
    for start, end in _gaps(covered):
        if end - start < GRAM and run[start:end] in joined:
            kept += end - start
    return kept


def _gaps(covered: list[bool]) -> list[tuple[int, int]]:
    """The stretches [start, end) of characters not yet covered."""
    gaps, start = [], None
    for index, is_covered in enumerate(covered + [True]):
        if not is_covered and start is None:
            start = index
        elif is_covered and start is not None:
            gaps.append((start, index))
            start = None
    return gaps
