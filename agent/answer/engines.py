"""Answering engines behind one seam: `prepare` gathers the evidence, `generate` streams an answer over it.

- `ExtractiveEngine` (offline default, in extractive.py): the reports' own sentences, no model.
- `LLMEngine`: any OpenAI-compatible chat model, with the evidence packed into its context budget.
Both answers go through the same guards (guard.py) before anyone sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from ..errors import UserError
from ..library.retrieve import Hit, SearchFilters
from ..model.llm import ChatModel, Messages, Notify, count_prompt_tokens
from ..model.prompts import load_prompt
from ..settings import Settings
from .evidence import Evidence, pack_evidence
from .question import FACT, OPEN, SECTION
from .replies import unwrapped
from .scope import Library, plan_scope

if TYPE_CHECKING:
    from ..workspace import Workspace

Search = Callable[[str, int, SearchFilters | None], list[Hit]]
_MARGIN_TOKENS = 200  # chat-format overhead and tokenizer differences between our count and the endpoint's


class Engine(Protocol):
    """What `ask` and `chat` need of an answering engine."""

    kind: str                       # "extractive" or "llm", as the JSON contract names it
    model: str | None
    chat_model: ChatModel | None    # None for the extractive engine
    gathers_evidence: bool          # True when the engine finds its own evidence while answering (agent)
    reads_history: bool             # True when it sees the conversation, so follow-ups need no rewriting

    def prepare(self, question: str, filters: SearchFilters | None = None) -> Evidence:
        """The evidence the answer may cite (empty when nothing relevant was found)."""

    def generate(self, question: str, evidence: Evidence) -> Iterator[str]:
        """The answer, piece by piece, citing evidence keys."""


def evidence_budget(settings: Settings, fixed_prompt: Messages) -> int:
    """Tokens left for evidence: the model's context minus the prompt's fixed text, the answer and a margin,
    capped at `evidence_tokens` (more passages than that rarely help and always cost)."""
    room = settings.chat_context_window - settings.answer_tokens - count_prompt_tokens(fixed_prompt) - _MARGIN_TOKENS
    if room < 300:
        raise UserError(f"模型上下文（context_window={settings.chat_context_window}）放不下问题和回答"
                        f"（answer_tokens={settings.answer_tokens}）：请调大 context_window 或调小 answer_tokens")
    return min(settings.evidence_tokens, room)


def answer_messages(question: str, evidence: Evidence) -> list[dict[str, str]]:
    """The ask prompt: system rules, then the fenced evidence and the question."""
    return [{"role": "system", "content": load_prompt("ask/system").render()},
            {"role": "user", "content": load_prompt("ask/user").render(evidence=evidence.render(),
                                                                     question=question)}]


class LLMEngine:
    """Answers with a chat model over evidence packed into its context budget."""

    kind = "llm"
    gathers_evidence = False
    reads_history = False

    def __init__(self, chat_model: ChatModel, search: Search, settings: Settings, passages: int = 12,
                 library: Library | None = None) -> None:
        self.chat_model = chat_model
        self.model = chat_model.name
        self.search = search
        self.settings = settings
        self.passages = passages
        self.library = library

    def prepare(self, question: str, filters: SearchFilters | None = None) -> Evidence:
        """The passages the question asks for — the whole section, every mention, both compared sections — or
        else the best passages of a search (within the report it names), as many as fit the budget left after
        the prompt's fixed parts, in the order given."""
        budget = evidence_budget(self.settings, answer_messages(question, Evidence()))
        scope = plan_scope(question, self.library, filters) if self.library else None
        if scope is not None and scope.passages:
            return pack_evidence(scope.passages, budget)
        if scope is not None and scope.question.reports and scope.question.kind in (FACT, OPEN, SECTION):
            filters = SearchFilters(report=scope.question.reports[0])
        return pack_evidence(self.search(question, self.passages, filters), budget)

    def generate(self, question: str, evidence: Evidence) -> Iterator[str]:
        """Stream the model's answer."""
        return unwrapped(self.chat_model.stream(answer_messages(question, evidence), purpose="answer"))


def make_engine(workspace: "Workspace", chat_model: ChatModel | None = None, notify: Notify | None = None,
                agent: bool = False) -> Engine:
    """The engine the settings ask for: extractive offline, else the configured chat model (retry notices to
    `notify`); with `agent`, the tool-calling agent when that model calls tools."""
    from .agent_tools import AgentEngine
    from .extractive import ExtractiveEngine

    search = lambda query, k, filters: workspace.search(query, k=k, filters=filters)  # noqa: E731
    if chat_model is None and workspace.settings.is_offline:
        def sections(source: str, heading: str) -> list[Hit]:
            return workspace.section_passages(workspace.find_report(source), heading)

        return ExtractiveEngine(search, workspace.retriever.lexical_index, workspace.embedder.embed, sections,
                                library=workspace)
    chat_model = chat_model or workspace.chat_model(notify)
    if agent and chat_model.supports_tools:
        return AgentEngine(workspace, chat_model)
    return LLMEngine(chat_model, search, workspace.settings, library=workspace)
