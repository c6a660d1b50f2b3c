"""A real OpenAI-compatible HTTP server on 127.0.0.1, for the tests and for replaying recorded replies in `zongjie eval`.

It speaks the wire protocol (embeddings, chat completions with and without SSE streaming, tool calls, model
listing), records every request, answers chat from a script or a responder, checks the API key, the model
name and the context length when told to, and serves injected faults (error statuses, hangs, cut
connections, bodies that are not JSON) in order.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

import numpy as np

DIMENSION = 64
DEFAULT_MODEL = "test-model"
NOT_FOUND_REPLY = "资料中未找到相关内容。"
BAD_GATEWAY_BODY = b"<html>bad gateway</html>"


def fake_vector(text: str) -> list[float]:
    """A deterministic unit vector from the text's character bigrams (similar texts, similar vectors)."""
    vector = np.zeros(DIMENSION)
    for start in range(max(len(text) - 1, 1)):
        bucket = int(hashlib.md5(text[start: start + 2].encode("utf-8")).hexdigest()[:8], 16) % DIMENSION
        vector[bucket] += 1.0
    norm = np.linalg.norm(vector)
    return (vector / norm if norm else vector).tolist()


def token_count(text: str) -> int:
    """The server's deterministic token estimate: one token per 1.5 characters, rounded up."""
    return math.ceil(len(text) / 1.5)


@dataclass
class ToolCall:
    """A function call the scripted assistant makes; `id` defaults to call_1, call_2, … per server."""

    name: str
    arguments: dict[str, Any]
    id: str | None = None


@dataclass
class Reply:
    """One assistant turn: text, tool calls, or both."""

    content: str = ""
    tool_calls: list[ToolCall] | None = None


@dataclass
class Fault:
    """A misbehaviour served instead of (or in the middle of) the next POST's normal answer.

    kind: "status" (error JSON with `status` and `headers`), "hang" (say nothing for `seconds`, then close),
    "cut" (stream: headers and `after_chunks` content chunks, then close with no [DONE]; JSON: a
    Content-Length larger than the body, then close), "invalid_json" (200 whose body, or whose stream's
    data line, is not JSON). `headers` are added to whatever is sent.
    """

    kind: str = "status"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 5.0
    after_chunks: int = 2


Responder = Callable[[dict], Reply]


@dataclass
class Recorded:
    """What the server saw and what it has been told to do next; the compound operations take the lock."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: list[tuple[int, dict[str, str]] | Fault] = field(default_factory=list)  # served in order
    replies: deque[Reply] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: set[socket.socket] = field(default_factory=set)
    closing: threading.Event = field(default_factory=threading.Event)
    counters: dict[str, int] = field(default_factory=dict)

    def record(self, entry: dict[str, Any]) -> None:
        """Remember one request."""
        with self.lock:
            self.requests.append(entry)

    def next_fault(self) -> Fault | None:
        """Take the next injected fault, turning the legacy (status, headers) tuple into a Fault."""
        with self.lock:
            fault = self.faults.pop(0) if self.faults else None
        if isinstance(fault, tuple):
            return Fault(kind="status", status=fault[0], headers=dict(fault[1]))
        return fault

    def next_reply(self, consume: bool) -> Reply | None:
        """The next scripted reply (left in the queue when `consume` is false), or None."""
        with self.lock:
            if not self.replies:
                return None
            return self.replies.popleft() if consume else self.replies[0]

    def next_id(self, prefix: str) -> str:
        """A fresh identifier such as call_1 or chatcmpl-1."""
        with self.lock:
            self.counters[prefix] = self.counters.get(prefix, 0) + 1
            return f"{prefix}{self.counters[prefix]}"


def message_text(message: dict) -> str:
    """The text of a chat message whose content is a string, a list of parts, or null."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def messages_text(body: dict) -> str:
    """All message contents of a chat request, concatenated."""
    return "".join(message_text(message) for message in body.get("messages") or [])


_SOURCE_HEADER = re.compile(r"^\s*\[S\d+\]")


def evidence_passage(text: str, key: str = "S1") -> str | None:
    """The passage under the `[key]` header line of an evidence block, or None when there is none."""
    lines = text.splitlines()
    header = re.compile(rf"^\s*\[{re.escape(key)}\]")
    for number, line in enumerate(lines):
        if header.match(line):
            passage: list[str] = []
            for following in lines[number + 1:]:
                if _SOURCE_HEADER.match(following) or following.lstrip().startswith("</"):
                    break
                passage.append(following.strip())
            return "".join(passage) or None
    return None


def grounded_echo(body: dict) -> Reply:
    """Answer by quoting the first sentence of passage [S1] in the last user message, key before the 。."""
    users = [message for message in body.get("messages") or [] if message.get("role") == "user"]
    passage = evidence_passage(message_text(users[-1])) if users else None
    if passage is None:
        return Reply(content=NOT_FOUND_REPLY)
    sentence = passage.split("。", 1)[0]
    return Reply(content=f"{sentence}[S1]。")


def _error_payload(status: int, message: str | None = None, code: str | None = None) -> dict:
    """An OpenAI-style error body for a status."""
    kinds = {401: ("invalid_request_error", "invalid_api_key"), 404: ("invalid_request_error", "not_found"),
             429: ("rate_limit_error", "rate_limit_exceeded")}
    kind, default_code = kinds.get(status, ("server_error", None) if status >= 500 else
                                   ("invalid_request_error", None))
    return {"error": {"message": message or f"injected fault (HTTP {status})", "type": kind,
                      "param": None, "code": code or default_code}}


def _tool_call_json(call: ToolCall) -> dict:
    """The wire form of a tool call (arguments as a JSON string)."""
    return {"id": call.id, "type": "function",
            "function": {"name": call.name, "arguments": json.dumps(call.arguments, ensure_ascii=False)}}


def _usage(body: dict, reply: Reply) -> dict:
    """Deterministic usage for a request and its reply."""
    prompt = token_count(messages_text(body))
    produced = reply.content + "".join(call.name + json.dumps(call.arguments, ensure_ascii=False)
                                       for call in reply.tool_calls or [])
    completion = token_count(produced)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _finish_reason(reply: Reply) -> str:
    return "tool_calls" if reply.tool_calls else "stop"


def chat_completion(body: dict, reply: Reply, completion_id: str) -> dict:
    """A non-streaming chat.completion response."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [_tool_call_json(call) for call in reply.tool_calls]
    elif not reply.content:
        message["content"] = ""
    return {"id": completion_id, "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model"), "system_fingerprint": "fp_test",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": _finish_reason(reply)}],
            "usage": _usage(body, reply)}


def _embeddings(body: dict) -> dict:
    """An OpenAI embeddings response for the request's input texts."""
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = [{"object": "embedding", "index": index, "embedding": fake_vector(text)}
            for index, text in enumerate(texts)]
    return {"object": "list", "data": data, "model": body.get("model"),
            "usage": {"prompt_tokens": 0, "total_tokens": 0}}


class _Chunks:
    """Builds the chat.completion.chunk objects of one streamed reply."""

    def __init__(self, body: dict, reply: Reply, completion_id: str, chunk_size: int) -> None:
        self.body, self.reply, self.id, self.chunk_size = body, reply, completion_id, max(chunk_size, 1)
        self.with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        self.created = int(time.time())

    def chunk(self, delta: dict, finish_reason: str | None = None) -> dict:
        """One chunk carrying a delta; `usage: null` appears when usage was asked for, as the real API does."""
        chunk: dict[str, Any] = {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                                 "model": self.body.get("model"), "system_fingerprint": "fp_test",
                                 "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                              "finish_reason": finish_reason}]}
        if self.with_usage:
            chunk["usage"] = None
        return chunk

    def first(self) -> dict:
        """The opening chunk: the role, no text yet."""
        return self.chunk({"role": "assistant", "content": "", "refusal": None})

    def pieces(self) -> Iterator[dict]:
        """Content in `chunk_size`-character pieces, then each tool call with its arguments in two pieces."""
        content = self.reply.content
        for start in range(0, len(content), self.chunk_size):
            yield self.chunk({"content": content[start: start + self.chunk_size]})
        for index, call in enumerate(self.reply.tool_calls or []):
            arguments = json.dumps(call.arguments, ensure_ascii=False)
            half = len(arguments) // 2
            yield self.chunk({"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                              "function": {"name": call.name, "arguments": arguments[:half]}}]})
            yield self.chunk({"tool_calls": [{"index": index, "function": {"arguments": arguments[half:]}}]})

    def tail(self) -> Iterator[dict]:
        """The finish_reason chunk and, when asked for, the usage chunk with no choices."""
        yield self.chunk({}, _finish_reason(self.reply))
        if self.with_usage:
            yield {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                   "model": self.body.get("model"), "system_fingerprint": "fp_test", "choices": [],
                   "usage": _usage(self.body, self.reply)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streaming, like real endpoints
    owner: "OpenAITestServer"

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    @property
    def state(self) -> Recorded:
        return self.owner.state

    def setup(self) -> None:
        super().setup()
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:  # the connection may already be gone after a cut
            pass
        with self.state.lock:
            self.state.connections.discard(self.connection)

    def do_GET(self) -> None:
        self._record(None)
        if not self._authorized():
            return
        models = sorted(self.owner.models or {DEFAULT_MODEL})
        if self.path.rstrip("/") == "/v1/models":
            self._send_json(200, {"object": "list", "data": [_model_json(name) for name in models]})
        elif self.path.startswith("/v1/models/") and self.path[len("/v1/models/"):] in models:
            self._send_json(200, _model_json(self.path[len("/v1/models/"):]))
        else:
            self._send_json(404, _error_payload(404, f"unknown path {self.path}"))

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        self._record(body)
        fault = self.state.next_fault()
        if fault and fault.kind in ("status", "hang"):
            self._serve_fault(fault)
        elif body is None:
            self._send_json(400, _error_payload(400, "We could not parse the JSON body of your request."))
        elif self._authorized() and self._known_model(body):
            self._route(body, fault)

    def _route(self, body: dict, fault: Fault | None) -> None:
        if self.path.endswith("/chat/completions"):
            self._chat(body, fault)
        elif self.path.endswith("/embeddings"):
            self._send_json(200, _embeddings(body), fault=fault)
        else:
            self._send_json(404, _error_payload(404, f"unknown path {self.path}"))

    def _record(self, body: dict | None) -> None:
        self.state.record({"method": self.command, "path": self.path, "body": body,
                           "authorization": self.headers.get("Authorization"),
                           "headers": {name.lower(): value for name, value in self.headers.items()}})

    def _serve_fault(self, fault: Fault) -> None:
        if fault.kind == "status":
            self._send_json(fault.status, _error_payload(fault.status), fault.headers)
        else:  # hang: the closing event lets server shutdown cut the wait short
            self.state.closing.wait(fault.seconds)
            self.close_connection = True

    def _authorized(self) -> bool:
        key = self.owner.api_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._send_json(401, _error_payload(401, "Incorrect API key provided", "invalid_api_key"))
        return False

    def _known_model(self, body: dict) -> bool:
        models, model = self.owner.models, body.get("model")
        if models is None or model is None or model in models:
            return True
        message = f"The model `{model}` does not exist or you do not have access to it."
        self._send_json(404, _error_payload(404, message, "model_not_found"))
        return False

    def _within_context(self, body: dict) -> bool:
        limit, size = self.owner.context_limit, len(messages_text(body))
        if limit is None or size <= limit:
            return True
        message = (f"This model's maximum context length is {limit} tokens. However, your messages resulted in "
                   f"{size} tokens. Please reduce the length of the messages.")
        self._send_json(400, _error_payload(400, message, "context_length_exceeded"))
        return False

    def _chat(self, body: dict, fault: Fault | None) -> None:
        if not self._within_context(body):
            return
        reply = self._reply_for(body, consume=fault is None)  # a faulty answer leaves the script for the retry
        completion_id = self.state.next_id("chatcmpl-")
        if body.get("stream"):
            self._stream(_Chunks(body, reply, completion_id, self.owner.chunk_size), fault)
        else:
            self._send_json(200, chat_completion(body, reply, completion_id), fault=fault)

    def _reply_for(self, body: dict, consume: bool) -> Reply:
        reply = self.state.next_reply(consume) or self.owner.responder(body)
        calls = [ToolCall(call.name, call.arguments, call.id or self.state.next_id("call_"))
                 for call in reply.tool_calls or []]
        return Reply(reply.content, calls or None)

    def _send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None,
                   fault: Fault | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        content_type, length = "application/json", len(data)
        if fault and fault.kind == "invalid_json":
            data, content_type, length = BAD_GATEWAY_BODY, "text/html", len(BAD_GATEWAY_BODY)
        elif fault and fault.kind == "cut":
            data = data[: len(data) // 2]
        self._send_headers(status, {"Content-Type": content_type, "Content-Length": str(length),
                                    **(headers or {}), **(fault.headers if fault else {})})
        self.wfile.write(data)
        self.wfile.flush()
        if fault and fault.kind == "cut":
            self._hang_up()

    def _send_headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("x-request-id", self.state.next_id("req_"))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _stream(self, chunks: _Chunks, fault: Fault | None) -> None:
        self._send_headers(200, {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache",
                                 "Transfer-Encoding": "chunked", **(fault.headers if fault else {})})
        self._event(json.dumps(chunks.first(), ensure_ascii=False))
        if fault and fault.kind == "invalid_json":
            self._event(BAD_GATEWAY_BODY.decode())
        else:
            for sent, chunk in enumerate(chunks.pieces()):
                if fault and fault.kind == "cut" and sent >= fault.after_chunks:
                    break
                time.sleep(self.owner.chunk_delay)
                self._event(json.dumps(chunk, ensure_ascii=False))
            if fault and fault.kind == "cut":  # even with fewer pieces than after_chunks: no finish, no [DONE]
                self._hang_up()
                return
            for chunk in chunks.tail():
                self._event(json.dumps(chunk, ensure_ascii=False))
        self._event("[DONE]")
        self._write_chunk(b"")  # the zero-length chunk ends the chunked body

    def _event(self, data: str) -> None:
        self._write_chunk(f"data: {data}\n\n".encode("utf-8"))

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):X}\r\n".encode("ascii") + data + b"\r\n")
        self.wfile.flush()

    def _hang_up(self) -> None:
        """Close the connection mid-body, so the client sees a truncated response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up on a kept-alive connection is normal here (faults, shutdown): no traceback for it."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def _model_json(name: str) -> dict:
    return {"id": name, "object": "model", "created": 0, "owned_by": "test"}


class OpenAITestServer:
    """Start/stop the server; `base_url` ends in /v1 like a real endpoint.

    Chat answers come from `script()`-queued replies, else from `responder(body)` (default `grounded_echo`).
    Streams send content in `chunk_size`-character pieces, each preceded by `chunk_delay` seconds.
    `api_key`, `models` and `context_limit`, when set, make the server refuse requests as the real API does.
    """

    def __init__(self) -> None:
        self.state = Recorded()
        self.responder: Responder = grounded_echo
        self.chunk_size = 4
        self.chunk_delay = 0.0
        self.api_key: str | None = None
        self.models: set[str] | None = None
        self.context_limit: int | None = None
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.httpd.block_on_close = False  # a hanging handler must not hold up shutdown
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def script(self, *replies: Reply | str) -> None:
        """Queue replies for the next chat completions, in order; a str is Reply(content=str)."""
        with self.state.lock:
            self.state.replies.extend(Reply(content=reply) if isinstance(reply, str) else reply
                                      for reply in replies)

    def chat_requests(self) -> list[dict]:
        """The bodies of the chat-completion requests received so far."""
        with self.state.lock:
            return [request["body"] for request in self.state.requests
                    if request["path"].endswith("/chat/completions")]

    def __enter__(self) -> "OpenAITestServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.state.closing.set()
        self.httpd.shutdown()
        with self.state.lock:
            connections = list(self.state.connections)
        for connection in connections:  # wake handlers idling on keep-alive connections
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.httpd.server_close()
