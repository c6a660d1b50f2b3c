"""The LLM path of a brief: each part of the report condensed by a chat model (`prompts/brief/`), map-reduce style.

A group whose passages fit one prompt is condensed in one `section` call. A longer one is split in document order
into parts that each fit, each part condensed on its own, and the partial summaries merged by `combine` calls
(in rounds, when even the summaries do not fit one prompt). The overview is one call over the parts' texts.
The pipeline may ask again for a group with a smaller quota when the page overflows: the model's reply is kept
per group and cut at sentence ends, so a group costs its calls once. Figures are guarded by the pipeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from ..answer.engines import evidence_budget
from ..answer.evidence import char_bigrams, closest_sentence, defuse
from ..errors import UserError
from ..library.chunking import split_to_budget
from ..library.store import StoredChunk
from ..model.llm import ChatModel, Messages
from ..model.prompts import load_prompt
from ..model.tokens import count_tokens
from ..settings import Settings
from ..text.chinese import ENUMERATION_MARKER, count_cjk
from .extractive import ExtractiveCondenser
from .outline import ACHIEVEMENT, PLAN, PREAMBLE, PROBLEM, Group, ReportOutline, group_key
from .units import Unit, compress, sentences_of

MIN_MODEL_CHARS = 8          # a quota below this leaves room for the part's label only: no call is worth it
MIN_DRAWN_SHARE = 0.35      # a summary takes at least this share of its character bigrams from its prompt
MIN_REPLY_CJK = 4            # fewer Chinese characters than this is no summary (an error page, "OK", JSON …)
OVERVIEW_MAX_SENTENCES = 2
SUMMARIES_SHARE = 0.6         # of the overview prompt's room: the parts' summaries; the rest the opening
SEPARATOR_TOKENS = 2         # the blank line between two fenced pieces
SUMMARY_LABEL_TOKENS = 16    # "[S3] （第3段）\n" in front of a partial summary
TOKENS_PER_CHAR_BOUND = 3    # cl100k is byte-level: a character never takes more tokens than its 3 UTF-8 bytes
KIND_NAMES = {ACHIEVEMENT: "工作成效", PROBLEM: "存在问题", PLAN: "下一步打算", PREAMBLE: "总体情况"}

_KEY = re.compile(r"[\[［]\s*[A-Za-z]{0,2}\d{1,3}\s*[\]］]")
_POINTER = re.compile(r"〔见[^〕]*〕")
# bold the model was told not to use: a bold lead sentence, or a span closed before punctuation; a masked
# figure's stars (开展**次) are followed by a unit, so they stay
_BOLD = re.compile(r"(?:^|(?<=[\s：:，,。；;]))\*\*([^*\n]{1,40}?[。：:！？]|[^*\n]{2,40}?(?=\*\*(?:[\s：:，,。；;！？]|$)))"
                   r"\*\*", re.MULTILINE)
_LINE_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*|[-•·>]\s*|\*\s+)")
_PREFACE = re.compile(r"^(?:好的|以下是|下面是|摘要|概括|总结|压缩后)[^。\n]{0,30}?[：:]\s*")
_ENDS = "。！？!?"


@dataclass(frozen=True)
class Piece:
    """A passage (or, when one passage alone is over budget, a run of its sentences) as fenced for a prompt."""

    chunk: StoredChunk
    text: str

    def fenced(self, key: int) -> str:
        location = " › ".join(self.chunk.heading_path) or "（开头）"
        return f"[S{key}] {defuse(location)}\n{defuse(self.text)}"


class LLMCondenser:
    """Condenses a report's parts with a chat model; falls back to the report's own sentences on a useless reply."""

    kind = "llm"

    def __init__(self, chat_model: ChatModel, settings: Settings) -> None:
        self.chat_model = chat_model
        self.model = chat_model.name
        self.settings = settings
        self.warnings: list[str] = []
        self.calls = 0
        self._replies: dict[tuple, list[str] | None] = {}   # None: the model failed, the group is extractive
        self._fallback = ExtractiveCondenser()

    def condense(self, group: Group, max_chars: int) -> list[Unit]:
        """The model's summary of the group, cut to `max_chars` at sentence ends (the model asked once per group)."""
        key = group_key(group)
        if key not in self._replies:
            if max_chars < MIN_MODEL_CHARS:
                return []
            self._replies[key] = self._summarise(group, max_chars)
        sentences = self._replies[key]
        if sentences is None:
            return self._fallback.condense(group, max_chars)
        units = units_from(trim_sentences(sentences, max_chars), group.passages)
        return units or self._fallback.condense(group, max_chars)

    def overview(self, outline: ReportOutline, parts: list[list[Unit]], max_chars: int) -> list[Unit]:
        """One or two sentences on the whole report, from the parts' texts and the report's opening."""
        key = ("overview", outline.title, *(chunk.chunk_id for chunk in outline.passages[:1]))
        if key not in self._replies:
            self._replies[key] = self._overview_reply(outline, parts, max_chars)
        sentences = self._replies[key]
        if sentences is None:
            return self._fallback.overview(outline, parts, max_chars)
        return units_from(trim_sentences(sentences[:OVERVIEW_MAX_SENTENCES], max_chars), outline.passages)

    def plan_calls(self, group: Group, max_chars: int) -> int:
        """How many model calls condensing `group` to `max_chars` takes: one per part, then the combine rounds."""
        if max_chars < MIN_MODEL_CHARS:
            return 0
        parts = len(self.split(group, max_chars))
        return parts + sum(merges for merges, _ in combine_rounds(parts, self.fan_in(group, max_chars)))

    def split(self, group: Group, max_chars: int) -> list[list[Piece]]:
        """The group's passages in document order, packed into parts that each fit one `section` prompt."""
        budget = evidence_budget(self._uncapped, self._section_messages(group, max_chars, []))
        return pack_pieces(pieces_of(group.passages, budget), budget)

    def fan_in(self, group: Group, max_chars: int) -> int:
        """How many partial summaries (each at most `partial_chars`) one `combine` prompt holds."""
        return self._combine_plan(group, max_chars)[0]

    def partial_chars(self, group: Group, max_chars: int) -> int:
        """How long each part's summary may be: the group's quota, or less when two of that length would not fit
        one `combine` prompt (a small context and a part with much of the page)."""
        return self._combine_plan(group, max_chars)[1]

    def _combine_plan(self, group: Group, max_chars: int) -> tuple[int, int]:
        """(fan-in, characters per partial summary) of the group's `combine` prompts."""
        budget = evidence_budget(self._uncapped, self._combine_messages(group, max_chars, []))
        per_summary = SUMMARY_LABEL_TOKENS + SEPARATOR_TOKENS
        most = (budget // 2 - per_summary) // TOKENS_PER_CHAR_BOUND
        if most < MIN_MODEL_CHARS:
            raise UserError(f"模型上下文（context_window={self.settings.chat_context_window}）放不下两段摘要，"
                            "无法合并长章节：请调大 context_window 或调小 answer_tokens")
        partial = min(max_chars, most)
        return budget // (TOKENS_PER_CHAR_BOUND * partial + per_summary), partial

    @property
    def _uncapped(self) -> Settings:
        """Settings whose evidence cap is the context itself: a brief reads every passage once, however it is
        split, so a cap (meant for retrieval) would only add calls."""
        return replace(self.settings, evidence_tokens=self.settings.chat_context_window)

    def _summarise(self, group: Group, max_chars: int) -> list[str] | None:
        """Map (one `section` call per part), then reduce (`combine` rounds); None when a reply is useless."""
        summaries = []
        parts = self.split(group, max_chars)
        fan_in, each = self._combine_plan(group, max_chars) if len(parts) > 1 else (2, max_chars)
        for part in parts:
            reply = self._ask(self._section_messages(group, each, part), "brief_section")
            if reply is None:
                return self._give_up(group)
            summaries.append(trim_sentences(reply, each))
        while len(summaries) > 1:
            merged = []
            for batch in batched(summaries, fan_in):
                if len(batch) == 1:
                    merged.append(batch[0])
                    continue
                reply = self._ask(self._combine_messages(group, max_chars, batch), "brief_combine")
                if reply is None:
                    return self._give_up(group)
                merged.append(trim_sentences(reply, max_chars))
            summaries = merged
        return summaries[0]

    def _overview_reply(self, outline: ReportOutline, parts: list[list[Unit]], max_chars: int) -> list[str] | None:
        budget = evidence_budget(self._uncapped, self._overview_messages(outline, max_chars, "", ""))
        summaries = lines_within(["".join(unit.text for unit in units) for units in parts if units],
                                 budget * SUMMARIES_SHARE)
        left = budget - count_tokens(defuse(summaries))
        opening = fenced_within(pieces_of(outline.preamble, left), left)
        reply = self._ask(self._overview_messages(outline, max_chars, summaries, opening), "brief_overview")
        if reply is None:
            self.warnings.append("模型没有给出可用的总体情况概括，已改用报告原文中的句子")
        return reply

    def _give_up(self, group: Group) -> None:
        self.warnings.append(f"模型对“{group.label or KIND_NAMES[group.kind]}”的回复为空或不成文，"
                             "这一部分已改用报告原文中的句子")
        return None

    def _ask(self, messages: Messages, purpose: str) -> list[str] | None:
        """One model call; the reply's sentences, or None when it is no summary of what it was given: too little
        Chinese text, or wording drawn from elsewhere (a canned "作为一个人工智能语言模型……")."""
        self.calls += 1
        sentences = clean_reply(self.chat_model.complete(messages, purpose=purpose))
        if sum(count_cjk(sentence) for sentence in sentences) < MIN_REPLY_CJK:
            return None
        wording = char_bigrams("".join(sentences))
        drawn = len(wording & char_bigrams(messages[-1]["content"])) / len(wording) if wording else 0.0
        return sentences if drawn >= MIN_DRAWN_SHARE else None

    def _section_messages(self, group: Group, max_chars: int, part: Sequence[Piece]) -> Messages:
        evidence = "\n\n".join(piece.fenced(index) for index, piece in enumerate(part, 1))
        return _with_system(load_prompt("brief/section").render(
            title=_title(group), section=_section_name(group), kind=KIND_NAMES[group.kind],
            max_chars=str(max_chars), evidence=evidence))

    def _combine_messages(self, group: Group, max_chars: int, summaries: Sequence[list[str]]) -> Messages:
        blocks = "\n\n".join(f"[S{index}] （第{index}段）\n{defuse(''.join(sentences))}"
                             for index, sentences in enumerate(summaries, 1))
        return _with_system(load_prompt("brief/combine").render(
            title=_title(group), section=_section_name(group), max_chars=str(max_chars), summaries=blocks))

    def _overview_messages(self, outline: ReportOutline, max_chars: int, summaries: str, opening: str) -> Messages:
        return _with_system(load_prompt("brief/overview").render(
            title=outline.title, year=f"{outline.year}年" if outline.year else "年份不详", max_chars=str(max_chars),
            summaries=defuse(summaries), evidence=opening or "（报告开头没有总述）"))


def pieces_of(chunks: Iterable[StoredChunk], budget_tokens: int) -> list[Piece]:
    """Each passage as one piece, or as runs of its sentences when it alone is over the budget."""
    pieces = []
    for chunk in chunks:
        if _piece_tokens(Piece(chunk, chunk.text)) <= budget_tokens:
            pieces.append(Piece(chunk, chunk.text))
            continue
        location_tokens = _piece_tokens(Piece(chunk, ""))
        pieces += [Piece(chunk, text) for text in split_to_budget(chunk.text, budget_tokens - location_tokens)]
    return pieces


def pack_pieces(pieces: list[Piece], budget_tokens: int) -> list[list[Piece]]:
    """Consecutive pieces packed greedily into parts within `budget_tokens` each (counted as fenced)."""
    parts: list[list[Piece]] = []
    used = 0
    for piece in pieces:
        tokens = _piece_tokens(piece)
        if parts and used + tokens <= budget_tokens:
            parts[-1].append(piece)
            used += tokens
        else:
            parts.append([piece])
            used = tokens
    return parts


def fenced_within(pieces: list[Piece], budget_tokens: int) -> str:
    """The first pieces, fenced, while they fit the budget."""
    kept = pack_pieces(pieces, budget_tokens)[:1]
    return "\n\n".join(piece.fenced(index) for index, piece in enumerate(kept[0] if kept else [], 1))


def lines_within(lines: list[str], budget_tokens: float) -> str:
    """The first lines, one per line, while they fit the budget."""
    kept, used = [], 0
    for line in lines:
        tokens = count_tokens(defuse(line)) + 1
        if used + tokens > budget_tokens:
            break
        kept.append(line)
        used += tokens
    return "\n".join(kept)


def _piece_tokens(piece: Piece) -> int:
    # keys run past S9 in a long part: count with a two-digit one
    return count_tokens(piece.fenced(10)) + SEPARATOR_TOKENS


def combine_rounds(summaries: int, fan_in: int) -> list[tuple[int, int]]:
    """(combine calls, summaries left) for each round of merging `summaries` partial summaries."""
    rounds = []
    while summaries > 1:
        left = math.ceil(summaries / fan_in)
        calls = summaries // fan_in + (1 if summaries % fan_in > 1 else 0)  # a batch of one is passed on
        rounds.append((calls, left))
        summaries = left
    return rounds


def batched(items: list, size: int) -> list[list]:
    return [items[start: start + size] for start in range(0, len(items), size)]


def clean_reply(reply: str) -> list[str]:
    """The sentences of a model's reply, without Markdown, citation keys, markers, headings and prefaces."""
    sentences = []
    for raw in reply.splitlines():
        line = _BOLD.sub(r"\1", _LINE_MARKUP.sub("", raw))
        line = _PREFACE.sub("", _POINTER.sub("", _KEY.sub("", line))).strip()
        if not line or line.endswith(("：", ":")) or _is_heading(raw.strip(), line):
            continue
        sentences += [_as_sentence(sentence) for sentence in sentences_of(line) if count_cjk(sentence) >= 2]
    return sentences


def _is_heading(raw: str, line: str) -> bool:
    """A heading line ("## 一、党建", "（二）强化作风建设"): marked as one and no sentence in it."""
    marked = raw.startswith("#") or bool(ENUMERATION_MARKER.match(line)) or len(line) <= 12
    return marked and not any(mark in line for mark in (*_ENDS, "，", ","))


def _as_sentence(text: str) -> str:
    """A sentence ending in 。 (a clause the model left hanging with ；or ，gets one)."""
    text = text.strip().rstrip("；;，,、 ")
    return text if text.rstrip("”’」』）)").endswith(tuple(_ENDS)) else text + "。"


def trim_sentences(sentences: list[str], max_chars: int) -> list[str]:
    """The first sentences that fit `max_chars` together; the first one shortened when it alone is too long."""
    kept, used = [], 0
    for sentence in sentences:
        if used + len(sentence) > max_chars:
            break
        kept.append(sentence)
        used += len(sentence)
    if kept or not sentences:
        return kept
    cut = compress(sentences[0], max_chars)
    return [cut] if cut else []


def units_from(sentences: list[str], passages: list[StoredChunk]) -> list[Unit]:
    """Each sentence as a unit, pointed at the passage it shares most characters with and that passage's
    closest sentence."""
    if not passages:
        return []
    units = []
    for index, sentence in enumerate(sentences):
        pairs = char_bigrams(sentence)
        chunk = max(passages, key=lambda passage: len(pairs & char_bigrams(passage.text)))
        units.append(Unit(sentence, chunk, closest_sentence(chunk.text, sentence), (chunk.ordinal, index), 0.0))
    return units


def _title(group: Group) -> str:
    return group.passages[0].report_title if group.passages else ""


def _section_name(group: Group) -> str:
    return " › ".join(group.heading_path) or KIND_NAMES[group.kind]


def _with_system(user: str) -> Messages:
    return [{"role": "system", "content": load_prompt("brief/system").render()}, {"role": "user", "content": user}]
