"""Guards on generated answers, run sentence by sentence as the answer streams.

Each finished sentence is checked before the user sees it: citation keys the evidence never offered are
stripped; every figure must be found in the passages the sentence cites (or in the user's own question),
else it becomes 〔待补〕. A sentence that cites nothing but whose figures all stand in one passage gets that
passage's key added, so every figure shown is in cited evidence. Masked figures (`**`) claim nothing and stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .citations import check_citations, insert_key
from .evidence import Evidence, best_quote
from .figures import Figure, all_known, find_figures, guard_figures, known_values

REFUSAL = "资料中未找到相关内容。"
_TERMINATOR = re.compile(r"[。！？；!?;\n]")
_TRAILER = re.compile(r"(?:[。！？；!?;\n”’」』）)]|\s*[\[［【][^\]］】\n]{0,24}[\]］】])*")
_OPEN_KEY = re.compile(r"\s*[\[［【][^\]］】\n]{0,24}$")


@dataclass
class GuardReport:
    """What the guards changed in an answer."""

    invented_keys: list[str] = field(default_factory=list)
    replaced_figures: list[str] = field(default_factory=list)
    masked_figures: list[str] = field(default_factory=list)
    added_citations: int = 0
    uncited_sentences: int = 0

    def warnings(self) -> list[str]:
        """The changes, as lines a user reads."""
        lines = []
        if self.invented_keys:
            lines.append(f"删除了 {len(self.invented_keys)} 个资料中不存在的引用编号："
                         + "、".join(dict.fromkeys(self.invented_keys)))
        if self.replaced_figures:
            lines.append(f"{len(self.replaced_figures)} 个数字在所引资料中找不到，已替换为〔待补〕："
                         + "、".join(self.replaced_figures))
        if self.added_citations:
            lines.append(f"为 {self.added_citations} 句补注了引用（句中数字见于该段资料）")
        if self.uncited_sentences:
            lines.append(f"{self.uncited_sentences} 句没有标注引用，请核对")
        return lines


class AnswerGuard:
    """Feed it the model's text as it streams; it hands back checked sentences ready to show."""

    def __init__(self, evidence: Evidence, user_texts: list[str] | tuple[str, ...] = ()) -> None:
        self.evidence = evidence
        self.user_values = known_values(user_texts)
        self.report = GuardReport()
        self.buffer = ""
        self.shown = ""
        self.claims: dict[str, list[str]] = {}
        self._passage_values: dict[str, set[float]] = {}

    def feed(self, piece: str) -> str:
        """Take more text; return the part that is now complete and checked (possibly "")."""
        self.buffer += piece
        cut = _last_boundary(self.buffer)
        if cut == 0:
            return ""
        ready, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return self._emit(ready)

    def finish(self) -> str:
        """Check and return whatever is left at the end of the stream."""
        rest, self.buffer = self.buffer, ""
        return self._emit(rest) if rest else ""

    def _emit(self, text: str) -> str:
        """Guard each sentence of `text` and remember what was shown."""
        guarded = "".join(self._guard_sentence(sentence) for sentence in _sentences(text))
        self.shown += guarded
        return guarded

    def _guard_sentence(self, sentence: str) -> str:
        """Citations first (they say which passages the figures may come from), then figures."""
        check = check_citations(sentence, self.evidence.keys)
        self.report.invented_keys += check.invented
        text, cited = check.text, check.cited
        claim = _is_claim(text)
        sources = cited
        if not cited:
            figures = [figure for figure in find_figures(text) if not figure.masked]
            holder = self._passage_holding(figures) if figures else None
            sources = [holder] if holder else []
            if holder and claim:  # a heading line ("《…》：") may quote a title's year without a key
                text, cited = insert_key(text, holder), [holder]
                self.report.added_citations += 1
        if not cited and claim and not is_refusal(text):
            self.report.uncited_sentences += 1
        allowed = set(self.user_values).union(*(self._values_of(key) for key in sources))
        result = guard_figures(text, allowed)
        self.report.replaced_figures += result.replaced
        self.report.masked_figures += result.masked
        for key in cited:
            self.claims.setdefault(key, []).append(result.text)
        return result.text

    def _values_of(self, key: str) -> set[float]:
        """Figures of the passage under `key`, computed once."""
        if key not in self._passage_values:
            passage = self.evidence.get(key)
            self._passage_values[key] = known_values([passage.matching_text()]) if passage else set()
        return self._passage_values[key]

    def _passage_holding(self, figures: list[Figure]) -> str | None:
        """The first passage whose figures include every figure of an uncited sentence."""
        return next((key for key in self.evidence.keys
                     if all_known(figures, self._values_of(key) | self.user_values)), None)

    def citations(self) -> list[dict[str, Any]]:
        """The contract's citation objects, in order of first citation, each quoting the best-matching sentence."""
        found = []
        for key, claims in self.claims.items():
            passage = self.evidence.get(key)
            if passage is not None:
                found.append(passage.citation(best_quote(passage, "".join(claims))))
        return found

    @property
    def grounded(self) -> bool:
        """An answer is grounded when it cites evidence and is not a refusal."""
        return bool(self.claims) and not is_refusal(self.shown)


def is_refusal(text: str) -> bool:
    """The answer (or sentence) is the 资料中未找到 refusal."""
    return text.strip().startswith(REFUSAL.rstrip("。"))


def _last_boundary(text: str) -> int:
    """End of the last complete sentence in `text` (0 if none yet): a terminator plus any closing quotes and
    citation keys after it, followed by something else, so `……。[S1]` stays whole across stream pieces."""
    cut = 0
    for match in _TERMINATOR.finditer(text):
        end = _TRAILER.match(text, match.end()).end()
        if end < len(text) and not _OPEN_KEY.match(text, end):
            cut = max(cut, end)
    return cut


def _sentences(text: str) -> list[str]:
    """Split at sentence ends, keeping trailing quotes and citation keys with their sentence."""
    pieces, start = [], 0
    for match in _TERMINATOR.finditer(text):
        if match.start() < start:
            continue
        end = _TRAILER.match(text, match.end()).end()
        pieces.append(text[start:end])
        start = end
    if start < len(text):
        pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _is_claim(sentence: str) -> bool:
    """A sentence that states something (not a blank line, a list heading ending in a colon, or a note)."""
    stripped = sentence.strip()
    return len(stripped) > 8 and not stripped.endswith(("：", ":")) and not stripped.startswith(("注：", "注:"))
