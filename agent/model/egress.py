"""What leaves the machine, decided in one place: an httpx transport under every model client (chat, the chat
agent, the judge, embeddings).

Before a request goes out it is read as the OpenAI-compatible JSON it is. To an endpoint that is not on this
machine (endpoints.py): text of a classified report (admitted with --allow-classified) stops the request before a
byte is sent; personal data is replaced by typed placeholders (〔身份证号〕…). Every request, wherever it goes, is
recorded in the run log: endpoint, bytes, the reports whose text it carries, the redactions made.
"""

from __future__ import annotations

import contextvars
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx

from ..errors import UserError
from ..files import write_text_atomically
from ..text.sensitive import redact
from .endpoints import Endpoint

INDEX_FILE = "sensitive.json"
_FINGERPRINT_CHARS = 24   # a classified passage is recognised by any of its sentences this long or longer


_CARRIED: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("egress_sources", default=())


@contextmanager
def carrying(*sources: str) -> Iterator[None]:
    """Within the block, requests are recorded as carrying these reports' text (ingest's embedding calls)."""
    token = _CARRIED.set(_CARRIED.get() + sources)
    try:
        yield
    finally:
        _CARRIED.reset(token)


class EgressRefused(UserError):
    """A request would have carried classified text off the machine; nothing was sent."""


@dataclass
class EgressRecord:
    """One outbound request as the run log keeps it (no text, only what was sent where)."""

    endpoint: str
    reach: str
    kind: str
    bytes: int
    sources: list[str]
    redactions: dict[str, int]
    refused: str = ""


@dataclass
class SensitiveIndex:
    """What the store knows that egress needs: each report's title, and the classified ones' sentences."""

    titles: dict[str, str] = field(default_factory=dict)             # title → source
    classified: dict[str, dict[str, Any]] = field(default_factory=dict)  # source → {marks, fingerprints}

    @classmethod
    def load(cls, store: Path) -> "SensitiveIndex":
        """The store's index as last saved (read again only when the file has changed: it is asked for on every
        outbound request)."""
        path = store / INDEX_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return cls()
        return _read_index(path, stamp)

    def save(self, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        document = {"titles": self.titles, "classified": self.classified}
        write_text_atomically(store / INDEX_FILE, json.dumps(document, ensure_ascii=False, indent=1) + "\n")

    def remember(self, source: str, title: str, marks: list[str], sentences: list[str]) -> None:
        """Note an ingested report (and, when classified, how to recognise its text). New dicts each time: a
        loaded index is shared by every request that read the same file."""
        self.titles = {name: known for name, known in self.titles.items() if known != source} | {title: source}
        self.classified = {known: entry for known, entry in self.classified.items() if known != source}
        if marks:
            fingerprints = sorted({s.strip() for s in sentences if len(s.strip()) >= _FINGERPRINT_CHARS})
            self.classified[source] = {"marks": marks, "title": title, "fingerprints": fingerprints}

    def forget(self, source: str) -> None:
        """Drop a removed report's title and fingerprints (new dicts, as in `remember`)."""
        self.titles = {name: known for name, known in self.titles.items() if known != source}
        self.classified = {known: entry for known, entry in self.classified.items() if known != source}

    def sources_in(self, text: str) -> set[str]:
        """Reports whose title or classified sentences the text contains."""
        found = {source for title, source in self.titles.items() if len(title) >= 4 and title in text}
        return found | set(self.classified_in(text))

    def classified_in(self, text: str) -> list[str]:
        """Classified reports whose text appears in `text`."""
        return [source for source, entry in self.classified.items()
                if any(sentence in text for sentence in entry["fingerprints"])
                or (len(entry["title"]) >= 6 and entry["title"] in text)]


@lru_cache(maxsize=8)
def _read_index(path: Path, stamp: int) -> SensitiveIndex:
    data = json.loads(path.read_text(encoding="utf-8"))
    return SensitiveIndex(titles=data.get("titles", {}), classified=data.get("classified", {}))


@dataclass
class EgressPolicy:
    """The rules for one endpoint, and where to record what was sent."""

    endpoint: Endpoint
    index: Callable[[], SensitiveIndex] = SensitiveIndex
    record: Callable[[EgressRecord], None] | None = None

    def prepare(self, kind: str, payload: dict[str, Any]) -> tuple[bytes, EgressRecord]:
        """The body as it may be sent (redacted off the machine), and its record; EgressRefused if it may not."""
        index = self.index()
        texts = list(_texts(payload))
        joined = "\n".join(text for text, _ in texts)
        sources = sorted(index.sources_in(joined) | set(_CARRIED.get()))
        counts: dict[str, int] = {}
        if not self.endpoint.is_local:
            leaked = index.classified_in(joined)
            if leaked:
                self.log(EgressRecord(self.endpoint.url, self.endpoint.reach, kind, 0, sources, {}, refused="密级"))
                raise EgressRefused(
                    f"请求中含有带密级标志的报告（{'、'.join(leaked)}），不能发往非本机接口 {self.endpoint.url}，"
                    "未发送任何内容；请改用本机模型（如 Ollama）或离线引擎")
            for text, put in texts:
                redacted = redact(text)
                put(redacted.text)
                for name, count in redacted.counts.items():
                    counts[name] = counts.get(name, 0) + count
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return body, EgressRecord(self.endpoint.url, self.endpoint.reach, kind, len(body), sources, counts)

    def log(self, record: EgressRecord) -> None:
        """Keep the record (when there is somewhere to keep it)."""
        if self.record:
            self.record(record)


class GuardedTransport(httpx.BaseTransport):
    """Applies an EgressPolicy to each POST before handing it to the real transport."""

    def __init__(self, policy: EgressPolicy, inner: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if request.method != "POST" or not body:
            return self.inner.handle_request(request)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise EgressRefused("无法核查要发送的内容（不是 JSON），未发送")
        kind = "embeddings" if request.url.path.endswith("/embeddings") else "chat"
        content, record = self.policy.prepare(kind, payload)
        headers = [(name, value) for name, value in request.headers.raw if name.lower() != b"content-length"]
        outgoing = httpx.Request(request.method, request.url, headers=headers, content=content,
                                 extensions=request.extensions)
        self.policy.log(record)
        return self.inner.handle_request(outgoing)

    def close(self) -> None:
        self.inner.close()


def guarded_client(policy: EgressPolicy, timeout: float) -> httpx.Client:
    """An httpx client whose every request passes the policy."""
    return httpx.Client(transport=GuardedTransport(policy), timeout=timeout)


def refusal_behind(error: BaseException | None) -> EgressRefused | None:
    """The egress refusal an SDK error wraps (the SDK turns what the transport raises into its own error)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, EgressRefused):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def _texts(payload: dict[str, Any]) -> Iterator[tuple[str, Callable[[str], None]]]:
    """Every text of a chat or embeddings request, with a way to replace it in place."""
    for message in payload.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            yield content, lambda text, message=message: message.__setitem__("content", text)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    yield part["text"], lambda text, part=part: part.__setitem__("text", text)
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            if isinstance(function.get("arguments"), str):
                yield function["arguments"], lambda text, f=function: f.__setitem__("arguments", text)
    inputs = payload.get("input")
    if isinstance(inputs, str):
        yield inputs, lambda text: payload.__setitem__("input", text)
    elif isinstance(inputs, list):
        for number, item in enumerate(inputs):
            if isinstance(item, str):
                yield item, lambda text, number=number: inputs.__setitem__(number, text)
