"""A LangChain callback that writes every chat-model call to the run log (also the agent's own calls).

What a call is for travels with the call itself (LangChain run metadata, `purpose_config`), not on the model
object, so two threads sharing one model (`brief --all`, the web page's chats) each log their own purpose.
"""

from __future__ import annotations

import time
from typing import Any, Callable
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from .runlog import CallRecord

PURPOSE = "zongjie_purpose"   # the run-metadata key naming what a call is for
DEFAULT_PURPOSE = "answer"
_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}

NewRecord = Callable[[list[dict[str, str]], str], CallRecord]   # (messages, purpose) → a record to fill in
SaveRecord = Callable[[CallRecord], None]


def purpose_config(purpose: str, **config: Any) -> dict[str, Any]:
    """A LangChain run config whose calls (and their child calls) are logged as `purpose`."""
    return {**config, "metadata": {**config.get("metadata", {}), PURPOSE: purpose}}


class RunLogCallback(BaseCallbackHandler):
    """Times each call, notes its first token, and records prompt, reply and token usage when it ends."""

    def __init__(self, new_record: NewRecord, save: SaveRecord) -> None:
        self.new_record, self.save = new_record, save
        self.pending: dict[UUID, tuple[CallRecord, float]] = {}

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[Any]], *, run_id: UUID,
                            metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        plain = [{"role": _ROLES.get(message.type, message.type), "content": _text(message)}
                 for message in messages[0]]
        purpose = (metadata or {}).get(PURPOSE, DEFAULT_PURPOSE)
        self.pending[run_id] = (self.new_record(plain, purpose), time.monotonic())

    def on_llm_new_token(self, token: str, *, run_id: UUID, **kwargs: Any) -> None:
        record, started = self.pending.get(run_id, (None, 0.0))
        if record is not None and token and record.first_token_ms is None:
            record.first_token_ms = (time.monotonic() - started) * 1000

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        record, started = self.pending.pop(run_id, (None, 0.0))
        if record is None:
            return
        message = getattr(response.generations[0][0], "message", None) if response.generations else None
        record.response = _text(message) if message is not None else ""
        if message is not None and getattr(message, "tool_calls", None):
            record.response += "\n" + "\n".join(f"→ {call['name']}({call['args']})" for call in message.tool_calls)
        usage = getattr(message, "usage_metadata", None) or {}
        record.prompt_tokens, record.completion_tokens = usage.get("input_tokens"), usage.get("output_tokens")
        self._save(record, started)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        record, started = self.pending.pop(run_id, (None, 0.0))
        if record is None:
            return
        record.status, record.error = "error", f"{type(error).__name__}: {error}"[:500]
        self._save(record, started)

    def _save(self, record: CallRecord, started: float) -> None:
        """Stamp the latency and hand the record over."""
        record.latency_ms = (time.monotonic() - started) * 1000
        self.save(record)


def _text(message: Any) -> str:
    """A message's text content (multi-part contents joined)."""
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
