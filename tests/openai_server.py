"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: it speaks the wire protocol, records every
request, and can be told to fail (429 with Retry-After, 500) a given number of times."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

DIMENSION = 64


def fake_vector(text: str) -> list[float]:
    """A deterministic unit vector from the text's character bigrams (similar texts, similar vectors)."""
    vector = np.zeros(DIMENSION)
    for start in range(max(len(text) - 1, 1)):
        bucket = int(hashlib.md5(text[start: start + 2].encode("utf-8")).hexdigest()[:8], 16) % DIMENSION
        vector[bucket] += 1.0
    norm = np.linalg.norm(vector)
    return (vector / norm if norm else vector).tolist()


@dataclass
class Recorded:
    """What the server saw and what it has been told to do next."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) served in order
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: Recorded

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with self.state.lock:
            self.state.requests.append({"path": self.path, "body": body,
                                        "authorization": self.headers.get("Authorization")})
            fault = self.state.faults.pop(0) if self.state.faults else None
        if fault:
            self._reply(fault[0], {"error": {"message": "injected fault", "type": "rate_limit"}}, fault[1])
        elif self.path.endswith("/embeddings"):
            self._reply(200, _embeddings(body))
        else:
            self._reply(404, {"error": {"message": f"unknown path {self.path}"}})

    def _reply(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _embeddings(body: dict) -> dict:
    """An OpenAI embeddings response for the request's input texts."""
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = [{"object": "embedding", "index": index, "embedding": fake_vector(text)}
            for index, text in enumerate(texts)]
    return {"object": "list", "data": data, "model": body.get("model"),
            "usage": {"prompt_tokens": 0, "total_tokens": 0}}


class OpenAITestServer:
    """Start/stop the server; `base_url` ends in /v1 like a real endpoint."""

    def __init__(self) -> None:
        self.state = Recorded()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "OpenAITestServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
