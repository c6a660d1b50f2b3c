"""Guards on generated answers, run sentence by sentence as the answer streams.

Each finished sentence is checked before the user sees it: citation keys the evidence never offered are
stripped, and so are keys whose passages hold almost nothing of the sentence (the model named a source that
does not say it: the sentence is dropped). A sentence that cites nothing gets the key of the passage that
holds its figures, or most of its wording. Every figure must be found in the passages the sentence cites (or in
the user's own question), else it becomes 〔待补〕; masked figures (`**`) claim nothing and stay. Nothing is
shown until the answer has cited something: an answer that never does (an English non-answer, a reply that
ignored the evidence) becomes the 资料中未找到 refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..text.citations import check_citations, insert_key, strip_citations
from ..text.figures import all_known, find_figures, guard_figures, known_values
from .evidence import Evidence, best_quote, char_bigrams

REFUSAL = "资料中未找到相关内容。"
SUPPORT_SHARE = 0.5      # an uncited sentence is a passage's when the passage holds this share of its bigrams
UNSUPPORTED_SHARE = 0.15  # a sentence whose cited passages hold less than this share of its bigrams is not theirs
_MIN_BIGRAMS = 6          # shorter sentences are too short to judge by their wording
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
    unsupported_sentences: list[str] = field(default_factory=list)
    ungrounded_answer: bool = False

    def warnings(self) -> list[str]:
        """The changes, as lines a user reads."""
        lines = []
        if self.invented_keys:
            lines.append(f"删除了 {len(self.invented_keys)} 个资料中不存在的引用编号："
                         + "、".join(dict.fromkeys(self.invented_keys)))
        if self.replaced_figures:
            lines.append(f"{len(self.replaced_figures)} 个数字在所引资料中找不到，已替换为〔待补〕："
                         + "、".join(self.replaced_figures))
        if self.unsupported_sentences:
            lines.append(f"删除了 {len(self.unsupported_sentences)} 句所引资料并不支持的内容："
                         + "；".join(sentence[:30] for sentence in self.unsupported_sentences))
        if self.ungrounded_answer:
            lines.append("模型的回答没有引用任何资料，已改为“资料中未找到相关内容”")
        if self.added_citations:
            lines.append(f"为 {self.added_citations} 句补注了引用（句中数字或文字见于该段资料）")
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
        self.held = ""   # checked text not shown yet: nothing is, until the answer has cited a passage
        self.claims: dict[str, list[str]] = {}
        self._passage_values: dict[str, set[float]] = {}
        self._passage_bigrams: dict[str, set[str]] = {}

    def feed(self, piece: str) -> str:
        """Take more text; return the part that is now complete and checked (possibly "")."""
        self.buffer += piece
        cut = _last_boundary(self.buffer)
        if cut == 0:
            return ""
        ready, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return self._emit(ready)

    def finish(self) -> str:
        """Check and return whatever is left at the end of the stream; an answer that never cited anything is
        replaced by the refusal (unless it was one), and so is an empty one."""
        rest, self.buffer = self.buffer, ""
        shown = self._emit(rest) if rest else ""
        if not self.shown and not self.held.strip():   # an empty reply ({"answer": null}, only whitespace)
            self.held = REFUSAL
        if self.held and not self.claims:
            held, self.held = self.held, ""
            if not is_refusal(held) and held.strip():
                self.report.ungrounded_answer = True
                held = REFUSAL
            self.shown += held
            shown += held
        return shown

    def _emit(self, text: str) -> str:
        """Guard each sentence of `text`; show it (with what was held) once the answer has cited something."""
        self.held += "".join(self._guard_sentence(sentence) for sentence in _sentences(text))
        if not self.claims:
            return ""
        ready, self.held = self.held, ""
        self.shown += ready
        return ready

    def _guard_sentence(self, sentence: str) -> str:
        """Citations first (they say which passages the figures may come from), then figures."""
        check = check_citations(sentence, self.evidence.keys)
        self.report.invented_keys += check.invented
        text, cited = check.text, check.cited
        claim = _is_claim(text)
        wording = _wording(text)
        if cited and claim and wording and self._share_held(wording, cited) < UNSUPPORTED_SHARE:
            self.report.unsupported_sentences.append(strip_citations(text).strip())
            return _line_breaks(text)
        sources = cited
        if not cited:
            holder = self._passage_holding(text, wording)
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

    def _bigrams_of(self, key: str) -> set[str]:
        """Character bigrams of the passage under `key` with its title and headings, computed once."""
        if key not in self._passage_bigrams:
            passage = self.evidence.get(key)
            self._passage_bigrams[key] = char_bigrams(passage.matching_text()) if passage else set()
        return self._passage_bigrams[key]

    def _share_held(self, wording: set[str], keys: list[str]) -> float:
        """The share of a sentence's wording (its bigrams) the passages under `keys` hold."""
        held = set().union(*(self._bigrams_of(key) for key in keys))
        return len(wording & held) / len(wording)

    def _passage_holding(self, sentence: str, wording: set[str] | None) -> str | None:
        """For an uncited sentence: the first passage whose figures include all of its figures, or, with no
        figures, the passage holding most of its wording when that is at least SUPPORT_SHARE."""
        figures = [figure for figure in find_figures(sentence) if not figure.masked]
        if figures:
            return next((key for key in self.evidence.keys
                         if all_known(figures, self._values_of(key) | self.user_values)), None)
        if wording is None or not _is_claim(sentence) or is_refusal(sentence) or not self.evidence.keys:
            return None
        share, key = max((self._share_held(wording, [key]), key) for key in self.evidence.keys)
        return key if share >= SUPPORT_SHARE else None

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


def _wording(sentence: str) -> set[str] | None:
    """The sentence's character bigrams, keys aside; None for one too short to judge by its wording."""
    wording = char_bigrams(strip_citations(sentence))
    return wording if len(wording) >= _MIN_BIGRAMS else None


def _line_breaks(text: str) -> str:
    """What is left of a dropped sentence: the line breaks around it, so the layout of the rest holds."""
    return "\n" * min(text.count("\n"), 2)


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
