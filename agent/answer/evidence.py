"""Evidence: retrieved passages with citation keys (S1, S2 …), packed into a token budget and fenced as data.

Passage text goes to a model between `<资料>` tags. Report text is data, never instructions, so anything in it
that could pass for our own markup (the fence tags, a `[S3]` key at the start of a line) is defused first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from ..library.chunking import split_to_budget
from ..library.retrieve import Hit
from ..model.tokens import count_tokens
from ..text.chinese import char_bigrams, split_sentences

MIN_CUT_TOKENS = 120     # below this, a cut passage says too little to be worth its key
CUT_MARGIN_TOKENS = 60   # the key and location line of a cut passage
_MARKUP = re.compile(r"</?\s*资料\s*>|\[(?=S\d+\])")
_DEFUSED = {"[": "［"}


@dataclass(frozen=True)
class Passage:
    """One retrieved passage under its citation key."""

    key: str
    chunk_id: str
    source: str
    report_title: str
    year: int | None
    heading_path: tuple[str, ...]
    text: str

    @classmethod
    def from_hit(cls, key: str, hit: Hit, text: str | None = None) -> "Passage":
        """A passage from a search hit (optionally with its text cut to fit a budget)."""
        return cls(key=key, chunk_id=hit.chunk_id, source=hit.source, report_title=hit.report_title,
                   year=hit.year, heading_path=tuple(hit.heading_path), text=hit.text if text is None else text)

    @property
    def location(self) -> str:
        """《report title》 › heading › path."""
        return " › ".join([f"《{self.report_title}》", *self.heading_path])

    def fenced(self) -> str:
        """The passage as it appears inside the evidence block."""
        return f"[{self.key}] {defuse(self.location)}\n{defuse(self.text)}"

    def citation(self, quote: str) -> dict[str, Any]:
        """The contract's citation object for this passage and a quote from it."""
        return {"key": self.key, "chunk_id": self.chunk_id, "source": self.source,
                "report_title": self.report_title, "heading_path": list(self.heading_path), "quote": quote}

    def matching_text(self) -> str:
        """What figures in an answer may be checked against: the text, its title and headings and its report's
        year, one per line, so a heading's marker (二、, （三）) stays a marker and never passes for a figure."""
        return "\n".join([self.report_title, *self.heading_path, self.text, f"{self.year or ''}年"])


def defuse(text: str) -> str:
    """Neutralise fence tags and citation-key look-alikes inside report text (full-width lookalikes)."""
    return _MARKUP.sub(lambda match: "〈资料〉" if "资料" in match.group(0) else "［", text)


@dataclass
class Evidence:
    """The passages an answer may cite, by key, and statements the engine derived from them (共有 2 份报告提到…:
    a count of the passages' reports), whose figures an answer may state as well."""

    passages: list[Passage] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.passages)

    def get(self, key: str) -> Passage | None:
        """The passage under `key`, or None for a key that was never given."""
        return next((passage for passage in self.passages if passage.key == key), None)

    @property
    def keys(self) -> list[str]:
        """Every valid citation key."""
        return [passage.key for passage in self.passages]

    def add(self, hit: Hit, text: str | None = None) -> Passage:
        """Give a hit the next key (or the key it already has, when the same passage comes back)."""
        for passage in self.passages:
            if passage.chunk_id == hit.chunk_id:
                return passage
        passage = Passage.from_hit(f"S{len(self.passages) + 1}", hit, text)
        self.passages.append(passage)
        return passage

    def render(self) -> str:
        """The fenced block body: one `[S#] location` line and the passage text per passage."""
        return "\n\n".join(passage.fenced() for passage in self.passages)


def pack_evidence(hits: Iterable[Hit], budget_tokens: int) -> Evidence:
    """Passages in rank order while they fit the token budget (counted as fenced for the prompt); a passage too
    long for what is left is cut at a sentence end, so the best passages are never dropped for lower-ranked ones."""
    evidence = Evidence()
    used = 0
    for hit in hits:
        fitted = fit_passage(Passage.from_hit("S00", hit), budget_tokens - used)
        if fitted is None:
            break
        used += count_tokens(evidence.add(hit, fitted.text).fenced())
    return evidence


def fit_passage(passage: Passage, remaining_tokens: int) -> Passage | None:
    """The passage if it fits the tokens left (as fenced), else its text cut at a sentence end to fit; None when
    too little is left to be worth a cut passage."""
    if count_tokens(passage.fenced()) <= remaining_tokens:
        return passage
    if remaining_tokens <= MIN_CUT_TOKENS:
        return None
    return replace(passage, text=split_to_budget(passage.text, remaining_tokens - CUT_MARGIN_TOKENS)[0])


def best_quote(passage: Passage, claim: str) -> str:
    """The sentence of `passage` that shares most characters with `claim` (what a citation quotes)."""
    return closest_sentence(passage.text, claim)


def closest_sentence(text: str, claim: str) -> str:
    """The sentence of `text` that shares most characters with `claim`."""
    sentences = split_sentences(text) or [text]
    claim_pairs = char_bigrams(claim)
    return max(sentences, key=lambda sentence: len(char_bigrams(sentence) & claim_pairs)).strip()

