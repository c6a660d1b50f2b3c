"""The chat-model seam: any OpenAI-compatible endpoint (DeepSeek, Qwen, GLM, Moonshot, OpenAI, Ollama, vLLM …)
through langchain-openai's `ChatOpenAI`.

We retry here rather than in the SDK (its retries are switched off) so the user is told what is happening,
Retry-After is honoured up to a cap, and a retry never repeats text already shown. Every failure a user can
act on (unreachable, bad key, unknown model, context too long, rate limit) becomes one `ModelError` line, exit 3.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Protocol, Sequence

from ..errors import ModelError
from ..settings import Settings
from .egress import EgressPolicy, SensitiveIndex, guarded_client, refusal_behind
from .endpoints import chat_endpoint
from .runlog import CallRecord, RunLog
from .tokens import count_tokens

Messages = Sequence[dict[str, str]]
Notify = Callable[[str], None]


class ChatModel(Protocol):
    """What the answering code needs of a chat model."""

    name: str
    supports_tools: bool
    run_id: int | None  # the run its calls are logged under

    def stream(self, messages: Messages, purpose: str = "answer") -> Iterator[str]:
        """The reply, piece by piece."""

    def complete(self, messages: Messages, purpose: str = "answer") -> str:
        """The whole reply."""


class StreamInterrupted(ModelError):
    """The endpoint stopped part-way through a reply that was already being shown."""


@dataclass(frozen=True)
class Problem:
    """What went wrong with a request, in words a user can act on, and whether trying again can help."""

    message: str
    retryable: bool
    retry_after: float | None = None


class OpenAICompatibleModel:
    """A chat model behind an OpenAI-compatible URL, with retries, timeouts and a run log."""

    def __init__(self, settings: Settings, run_log: RunLog | None = None, notify: Notify | None = None,
                 egress: EgressPolicy | None = None) -> None:
        self.settings = settings
        self.name = settings.chat_model
        self.base_url = settings.chat_base_url
        self.supports_tools = settings.use_tools
        self.run_log = run_log
        self.egress = egress or chat_egress(settings, run_log)
        self.run_id: int | None = None
        self.notify = notify or (lambda message: None)
        self.client = self.langchain_model()

    def langchain_model(self, **overrides: Any) -> Any:
        """The underlying `ChatOpenAI` (also what the tool-calling agent drives), logging every call."""
        from langchain_openai import ChatOpenAI

        from .llm_log import RunLogCallback

        settings = self.settings
        options: dict[str, Any] = dict(
            model=self.name, base_url=self.base_url, api_key=settings.api_key or "not-needed",
            timeout=settings.timeout, max_retries=0, temperature=settings.temperature,
            max_tokens=settings.answer_tokens, stream_usage=True,
            http_client=guarded_client(self.egress, settings.timeout),
            callbacks=[RunLogCallback(self._new_record, self._save_record)] if self.run_log else None)
        options.update(overrides)
        return ChatOpenAI(**options)

    def stream(self, messages: Messages, purpose: str = "answer") -> Iterator[str]:
        """The reply piece by piece; transient failures before the first piece are retried."""
        return self.retrying(lambda: self._stream_once(messages, purpose))

    def retrying(self, start: Callable[[], Iterator[str]]) -> Iterator[str]:
        """Run a streamed request, retrying transient failures (429, 5xx, timeouts, broken connections) as long
        as nothing has been shown yet; after that a failure is a StreamInterrupted."""
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            shown = False
            try:
                for piece in start():
                    shown = True
                    yield piece
                return
            except Exception as error:  # noqa: BLE001 - every failure is classified below
                problem = describe_failure(error, self)
                if shown:
                    raise StreamInterrupted(f"回答传输中断：{problem.message}") from None
                if not problem.retryable or attempt == attempts:
                    suffix = f"（已重试 {attempt - 1} 次）" if attempt > 1 else ""
                    raise ModelError(problem.message + suffix) from None
                self._wait_before_retry(problem, attempt, attempts - 1)

    def complete(self, messages: Messages, purpose: str = "answer") -> str:
        """The whole reply (streamed underneath, so the same retries apply). Nobody sees a reply before it is
        whole, so one cut off part-way is asked for again as well."""
        def whole_reply() -> Iterator[str]:
            yield "".join(self._stream_once(messages, purpose))

        return "".join(self.retrying(whole_reply))

    def _stream_once(self, messages: Messages, purpose: str) -> Iterator[str]:
        """One streamed request; the callback logs it under `purpose`."""
        from .llm_log import purpose_config

        for chunk in self.client.stream(to_langchain(messages), config=purpose_config(purpose)):
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                yield text

    def _wait_before_retry(self, problem: Problem, attempt: int, retries: int) -> None:
        """Sleep as the endpoint asked (Retry-After) or with exponential backoff, capped, and say so."""
        backoff = self.settings.retry_wait * (2 ** (attempt - 1))
        wait = min(problem.retry_after if problem.retry_after is not None else backoff,
                   self.settings.max_retry_wait)
        self.notify(f"{problem.message}；{wait:.1f} 秒后重试（第 {attempt}/{retries} 次）")
        time.sleep(wait)

    def _new_record(self, messages: Messages, purpose: str) -> CallRecord:
        """A log record for a request about to be made."""
        return CallRecord(purpose=purpose, model=self.name, base_url=self.base_url, messages=list(messages),
                          counted_prompt_tokens=count_prompt_tokens(messages))

    def _save_record(self, record: CallRecord) -> None:
        """Append a finished call to the log under the current run."""
        if self.run_log is not None:
            self.run_log.record_call(self.run_id, record)

    def check(self) -> str:
        """Call the endpoint once with a tiny request; returns the model's reply or raises a clear ModelError."""
        probe = self.langchain_model(max_tokens=8, callbacks=None)
        try:
            reply = probe.invoke(to_langchain([{"role": "user", "content": "请回复：好"}]))
        except Exception as error:  # noqa: BLE001
            raise ModelError(describe_failure(error, self).message) from None
        return reply.content if isinstance(reply.content, str) else str(reply.content)


def chat_egress(settings: Settings, run_log: RunLog | None = None) -> EgressPolicy:
    """The egress rules for the configured chat endpoint, over what the store knows of its reports."""
    return EgressPolicy(chat_endpoint(settings), lambda: SensitiveIndex.load(settings.store),
                        run_log.record_egress if run_log else None)


def to_langchain(messages: Messages) -> list[Any]:
    """Role/content dicts as LangChain messages."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[message["role"]](content=message["content"]) for message in messages]


def describe_failure(error: BaseException, model: OpenAICompatibleModel) -> Problem:
    """Turn an SDK/transport exception into a Chinese message and a retry decision (unknown errors re-raised)."""
    import openai  # imported when needed: it costs half a second at start-up, and offline runs never need it

    where = model.base_url or "（未设置接口地址）"
    refused = refusal_behind(error)
    if refused is not None:
        return Problem(str(refused), False)
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return Problem(f"接口 {where} 拒绝了 API 密钥（{error.status_code}）：请检查 ZONGJIE_API_KEY 或 "
                       "OPENAI_API_KEY", False)
    if isinstance(error, openai.NotFoundError):
        if "model" in _error_code(error) or "model" in str(error).lower():
            return Problem(f"接口上没有模型“{model.name}”（404）：请用 --model 指定该服务提供的模型名", False)
        return Problem(f"接口地址 {where} 下找不到对话服务（404）：请检查 --base-url（通常以 /v1 结尾）", False)
    if isinstance(error, openai.BadRequestError):
        if "context" in _error_code(error) or "context length" in str(error).lower():
            return Problem(f"提示超出了模型“{model.name}”的上下文长度：请调小 evidence_tokens，或把 context_window "
                           "设为该模型的实际上限", False)
        return Problem(f"接口拒绝了请求（400）：{_error_message(error)}", False)
    if isinstance(error, openai.RateLimitError):
        return Problem("接口限流（429）", True, _retry_after(error.response.headers))
    if isinstance(error, openai.APIStatusError):
        return Problem(f"接口出错（{error.status_code}）：{_error_message(error)}", error.status_code >= 500,
                       _retry_after(error.response.headers))
    if isinstance(error, openai.APITimeoutError):
        return Problem(f"接口 {where} 在 {model.settings.timeout:g} 秒内没有响应", True)
    if isinstance(error, openai.APIConnectionError):
        return Problem(f"无法连接接口 {where}：请检查地址、网络或服务是否已启动", True)
    if isinstance(error, json.JSONDecodeError | openai.APIResponseValidationError) or _unexpected_body(error):
        return Problem(f"接口 {where} 返回了无法解析的内容（不是 OpenAI 兼容格式？）", True)
    if _is_transport_error(error):
        return Problem(f"与接口 {where} 的连接中断", True)
    raise error


def _unexpected_body(error: BaseException) -> bool:
    """langchain-openai's ValueError for a reply that is not a chat completion (e.g. an HTML error page)."""
    return isinstance(error, ValueError) and "unexpected response" in str(error).lower()


def _is_transport_error(error: BaseException) -> bool:
    """A broken connection mid-response, from whichever HTTP library the SDK uses."""
    return isinstance(error, ConnectionError) or any(
        kind.__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "httpcore2", "h11")
        for kind in type(error).__mro__)


def _error_body(error: Any) -> dict[str, Any]:
    """The inner object of an OpenAI-style error body ({"error": {...}}), or {}."""
    body = error.body if isinstance(error.body, dict) else {}
    inner = body.get("error", body)
    return inner if isinstance(inner, dict) else body


def _error_code(error: Any) -> str:
    """The `code` of an OpenAI-style error body, lower-cased ("" when absent)."""
    return str(_error_body(error).get("code") or "").lower()


def _error_message(error: Any) -> str:
    """The endpoint's own error message, shortened."""
    return str(_error_body(error).get("message") or error.message)[:200]


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(float(milliseconds) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            return max(email.utils.parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            return None


def count_prompt_tokens(messages: Messages) -> int:
    """Our own count of a prompt's tokens (tiktoken cl100k; endpoints that report usage are logged as well)."""
    return sum(count_tokens(message["content"]) + 4 for message in messages)

