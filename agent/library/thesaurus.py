"""The domain thesaurus: how staff ask ↔ how 公文 phrase it (四风 ↔ 形式主义…, 上访 ↔ 信访).

Used twice in retrieval: `expansions` adds a query's equivalent expressions to the BM25 query, and
`user_dictionary` keeps slogans whole in jieba (三会一课 is one word, not 三会 / 一课). The data is
`agent/library/data/thesaurus.yaml`, reviewed like code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Iterator

import yaml

from ..text.chinese import to_half_width

THESAURUS_PATH = Path(__file__).parent / "data" / "thesaurus.yaml"
KINDS = ("abbreviation", "synonym", "related")

# jieba keeps a dictionary word whole and `cut_for_search` only adds its 2- and 3-character sub-words, so longer
# entries would hide useful 4-character words (中华民族 inside 铸牢中华民族共同体意识); leave those to jieba.
_DICTIONARY_MAX_CHARS = 7
_DICTIONARY_WORD = re.compile(r"^[\u4e00-\u9fff0-9]*[\u4e00-\u9fff][\u4e00-\u9fff0-9]*$")
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Matching form of `text`: half-width, lower-case, without whitespace; never used for output."""
    return _WHITESPACE.sub("", to_half_width(text)).lower()


@dataclass(frozen=True)
class TermGroup:
    """Equivalent or closely related expressions; the first is the head term."""

    terms: tuple[str, ...]
    kind: str

    @property
    def head(self) -> str:
        """The head term (the one reports use most)."""
        return self.terms[0]


@dataclass(frozen=True)
class _Occurrence:
    start: int
    end: int
    term: str

    def inside(self, other: "_Occurrence") -> bool:
        """True when this occurrence lies within a strictly longer one."""
        longer = other.end - other.start > self.end - self.start
        return longer and other.start <= self.start and self.end <= other.end


@dataclass(frozen=True)
class Thesaurus:
    """Term groups plus the extra words jieba must keep whole."""

    groups: tuple[TermGroup, ...]
    dictionary_words: tuple[str, ...] = ()

    @cached_property
    def _groups_by_term(self) -> dict[str, tuple[int, ...]]:
        """Normalised term → indexes of the groups it belongs to."""
        index: dict[str, list[int]] = {}
        for position, group in enumerate(self.groups):
            for term in group.terms:
                index.setdefault(normalize(term), []).append(position)
        return {term: tuple(positions) for term, positions in index.items()}

    def expansions(self, text: str) -> list[str]:
        """Other terms of every group with a term in `text`, deduplicated, in the order the text triggers them.

        A term found only inside a longer term of the text (群众 in 困难群众) does not trigger its groups.
        """
        occurrences = _outermost(list(self._occurrences(normalize(text))))
        found = {occurrence.term for occurrence in occurrences}
        expansions: list[str] = []
        seen = set(found)
        for occurrence in occurrences:
            for position in self._groups_by_term[occurrence.term]:
                for term in self.groups[position].terms:
                    key = normalize(term)
                    if key not in seen:
                        seen.add(key)
                        expansions.append(term)
        return expansions

    def user_dictionary(self) -> list[str]:
        """Domain words jieba must keep whole (三会一课, 一岗双责, 四风, 低保 …), deduplicated, in file order."""
        words = [term for group in self.groups for term in group.terms] + list(self.dictionary_words)
        return [word for word in dict.fromkeys(words) if _is_dictionary_word(word)]

    def _occurrences(self, normalized_text: str) -> Iterator[_Occurrence]:
        """Every occurrence of every known term in the (normalised) text, overlapping ones included."""
        for term in self._groups_by_term:
            start = normalized_text.find(term)
            while start != -1:
                yield _Occurrence(start, start + len(term), term)
                start = normalized_text.find(term, start + 1)


def _outermost(occurrences: list[_Occurrence]) -> list[_Occurrence]:
    """Occurrences not inside a longer one, in text order."""
    kept = [item for item in occurrences if not any(item.inside(other) for other in occurrences)]
    return sorted(kept, key=lambda item: (item.start, -item.end))


def _is_dictionary_word(word: str) -> bool:
    """A term worth a jieba entry: 2–7 characters of Chinese (digits allowed alongside)."""
    return 2 <= len(word) <= _DICTIONARY_MAX_CHARS and bool(_DICTIONARY_WORD.match(word))


@cache
def load_thesaurus() -> Thesaurus:
    """The bundled thesaurus (read once per process)."""
    return read_thesaurus(THESAURUS_PATH)


def read_thesaurus(path: Path) -> Thesaurus:
    """Parse and check a thesaurus YAML file; a malformed file raises ValueError naming the problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = tuple(_group(entry, topic) for topic, entries in (data.get("groups") or {}).items()
                   for entry in entries or [])
    dictionary_words = tuple(_terms(data.get("dictionary") or [], "dictionary"))
    return Thesaurus(groups=groups, dictionary_words=dictionary_words)


def _group(entry: Any, topic: str) -> TermGroup:
    """One checked group from its YAML mapping."""
    if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
        raise ValueError(f"thesaurus group under {topic!r} needs kind in {KINDS}: {entry!r}")
    terms = _terms(entry.get("terms") or [], topic)
    if len(terms) < 2 or len(set(map(normalize, terms))) != len(terms):
        raise ValueError(f"thesaurus group under {topic!r} needs two or more distinct terms: {terms!r}")
    return TermGroup(terms=tuple(terms), kind=entry["kind"])


def _terms(values: Any, where: str) -> list[str]:
    """Terms as stripped, non-empty strings (a bare YAML number such as 12345 must be quoted)."""
    if not isinstance(values, list) or not all(isinstance(value, str) and value.strip() for value in values):
        raise ValueError(f"thesaurus terms under {where!r} must be non-empty strings: {values!r}")
    return [value.strip() for value in values]
