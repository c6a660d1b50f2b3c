"""The LLM path of a draft: an outline prompt and a section prompt (`prompts/draft/`), in the 公文 register.

The model sees the topic's passages grouped by sub-theme (fenced in `<资料>`, packed into the context budget) and
the user's facts (fenced in `<事实>`). Whatever it writes goes through the same draft guard as the extractive
composer's text; the prompts ask for good behaviour, the guard enforces it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from ..answer.engines import evidence_budget
from ..answer.evidence import fit_passage
from ..errors import ZongjieError
from ..model.llm import ChatModel, Messages
from ..model.prompts import load_prompt
from ..model.tokens import count_tokens
from ..settings import Settings
from ..text.facts import Facts
from .compose import SentenceContext, Written
from .evidence import DraftEvidence
from .from_materials import MaterialPoint
from .numbering import BRACKET_STYLE, POINT_STYLE, marker, style_of
from .outline import MIN_POINTS, Outline, parse_outline, plan_outline

OnText = Callable[[str], None]
_MODEL_BOLD_LEAD = re.compile(r"^\*\*(?P<lead>[^*\n]{2,45}?)\*\*")
_LEAD_SENTENCE = re.compile(r"^(?P<lead>[^。！？]{2,40}[。！？])(?P<rest>.*)$", re.DOTALL)


class LLMWriter:
    """Writes the outline and the section with a chat model."""

    kind = "llm"

    def __init__(self, chat_model: ChatModel, settings: Settings) -> None:
        self.chat_model = chat_model
        self.model = chat_model.name
        self.settings = settings
        self.warnings: list[str] = []
        self.shown_keys: list[str] | None = None

    def outline(self, evidence: DraftEvidence, title: str, year: int) -> Outline:
        """The model's outline; one it did not format as 3+ numbered points is replaced by the extractive plan."""
        messages = self._messages("draft/outline", evidence, title=title, year=str(year),
                                  style_example=_style_example(evidence.style),
                                  subthemes="、".join(group.name for group in evidence.groups))
        reply = self.chat_model.complete(messages, purpose="draft_outline")
        try:
            outline = parse_outline(reply, evidence, title)
        except ZongjieError:
            outline = None
        if outline is None or len(outline.points) < MIN_POINTS:
            self.warnings.append("模型返回的提纲不成形（少于 3 个编号要点），已改用按往年资料拟定的提纲")
            return plan_outline(evidence, title)
        return replace(outline, title=title)

    def write(self, outline: Outline, evidence: DraftEvidence, context: SentenceContext,
              on_text: OnText | None = None) -> Written:
        """The section text, streamed (progress to `on_text`), split into the draft's paragraphs."""
        style_rule = (f"每个要点一段，段首写“{marker(outline.style, 0)}……。”这样的小标题句"
                      if outline.style == POINT_STYLE else "每个要点先单独一行写小标题（如“（一）……”），下一行写正文")
        messages = self._messages("draft/section", evidence, title=outline.title, year=str(context.year),
                                  org=context.org or "本单位", outline="\n".join(outline.numbered()),
                                  facts=render_facts(context.facts), style_rule=style_rule)
        pieces = []
        for piece in self.chat_model.stream(messages, purpose="draft_section"):
            pieces.append(piece)
            if on_text:
                on_text(piece)
        return Written(paragraphs=to_paragraphs("".join(pieces), outline.style), shown_keys=self.shown_keys)

    def write_materials(self, outline: Outline, points: list[MaterialPoint], evidence: DraftEvidence,
                        context: SentenceContext, on_text: OnText | None = None) -> Written:
        """A materials section: the model rephrases each point's material facts under its lead, streamed."""
        messages = self._messages("draft/materials", evidence, title=outline.title, year=str(context.year),
                                  org=context.org or "本单位", outline="\n".join(outline.numbered()),
                                  materials=render_material_points(outline, points))
        pieces = []
        for piece in self.chat_model.stream(messages, purpose="draft_materials"):
            pieces.append(piece)
            if on_text:
                on_text(piece)
        return Written(paragraphs=to_paragraphs("".join(pieces), outline.style), shown_keys=self.shown_keys)

    def _messages(self, prompt: str, evidence: DraftEvidence, **values: str) -> Messages:
        """System rules plus a user prompt whose evidence fills what the context budget leaves (the keys that
        made it in are kept in `shown_keys`: a key the model was not shown is one it guessed)."""
        system = {"role": "system", "content": load_prompt("draft/system").render()}
        empty = [system, {"role": "user", "content": load_prompt(prompt).render(evidence="", **values)}]
        rendered, self.shown_keys = render_grouped(evidence, evidence_budget(self.settings, empty))
        return [system, {"role": "user", "content": load_prompt(prompt).render(evidence=rendered, **values)}]


def render_grouped(evidence: DraftEvidence, budget_tokens: int) -> tuple[str, list[str]]:
    """Passages under their sub-theme headings, each passage once, best supported groups first, while they fit;
    and the keys of the passages rendered."""
    blocks, seen, used = [], set(), 0
    for group in sorted(evidence.groups, key=lambda g: (len(g.sources), len(g.sentences)), reverse=True):
        lines = [f"【{group.name}】"]
        for key in group.keys:
            passage = evidence.passage(key)
            if passage is None or key in seen:
                continue
            fitted = fit_passage(passage, budget_tokens - used)
            if fitted is None:
                break
            seen.add(key)
            used += count_tokens(fitted.fenced())
            lines.append(fitted.fenced())
        if len(lines) > 1:
            blocks.append("\n\n".join(lines))
    return "\n\n".join(blocks), sorted(seen, key=lambda key: int(key[1:]))


def render_material_points(outline: Outline, points: list[MaterialPoint]) -> str:
    """Each point's material facts under its numbered heading, one per line with its key."""
    blocks = []
    for heading, point in zip(outline.numbered(), points):
        blocks.append("\n".join([f"【{heading}】", *(f"[{fact.key}] {fact.label}" for fact in point.facts)]))
    return "\n\n".join(blocks)


def render_facts(facts: Facts) -> str:
    """The user's facts, one per line under its key, or a line saying there are none."""
    if not facts:
        return "（用户没有提供今年的数字和事件：正文中的数字一律写“〔待补〕”）"
    return "\n".join(f"[{fact.key}] {fact.label}：{fact.value}" if fact.value else f"[{fact.key}] {fact.label}"
                     for fact in facts.items)


def to_paragraphs(reply: str, style: str) -> list[str]:
    """The model's reply as the draft's Markdown paragraphs: a 一是 paragraph gets a bold lead sentence, a bare
    （一） line becomes a level-2 heading; stray Markdown headings and blank lines go."""
    paragraphs = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:\*\*)?(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]))", reply):
        text = block.strip().lstrip("#").strip()
        if not text:
            continue
        paragraphs += _as_point(text, style) if style_of(text.lstrip("*")) else [text]
    return paragraphs


def _as_point(text: str, style: str) -> list[str]:
    """A paragraph that opens with a point marker, in the draft's form."""
    text = _MODEL_BOLD_LEAD.sub(r"\g<lead>", text)  # the model's own bold lead; a masked ** elsewhere stays
    lines = text.split("\n", 1)
    if style == BRACKET_STYLE and len(lines) == 2:
        return [f"### {lines[0].strip()}", lines[1].strip()]
    if style == BRACKET_STYLE and len(text) <= 30:
        return [f"### {text}"]
    match = _LEAD_SENTENCE.match("".join(line.strip() for line in lines))
    return [f"**{match.group('lead')}**{match.group('rest').strip()}"] if match else [text]


def _style_example(style: str) -> str:
    return "（一）……；（二）……" if style == BRACKET_STYLE else "一是……；二是……"
