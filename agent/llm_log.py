"""A LangChain callback that writes every chat-model call to the run log (also the agent's own calls)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from .runlog import CallRecord

if TYPE_CHECKING:
    from .llm import OpenAICompatibleModel

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}


class RunLogCallback(BaseCallbackHandler):
    """Times each call, notes its first token, and records prompt, reply and token usage when it ends."""

    def __init__(self, model: "OpenAICompatibleModel") -> None:
        self.model = model
        self.pending: dict[UUID, tuple[CallRecord, float]] = {}

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[Any]], *, run_id: UUID,
                            **kwargs: Any) -> None:
        from .llm import new_call_record

        plain = [{"role": _ROLES.get(message.type, message.type), "content": _text(message)}
                 for message in messages[0]]
        self.pending[run_id] = (new_call_record(self.model, plain), time.monotonic())

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
        """Stamp the latency and append the call to the log under the current run."""
        record.latency_ms = (time.monotonic() - started) * 1000
        if self.model.run_log is not None:
            self.model.run_log.record_call(self.model.run_id, record)


def _text(message: Any) -> str:
    """A message's text content (multi-part contents joined)."""
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
