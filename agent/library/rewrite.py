"""With a chat model, the question in the reports' own words: "班子决策不能一个人说了算" → 一言堂 民主集中制.

Offline retrieval bridges a reworded question through the thesaurus; a model knows more of the officialese. When
`query_rewrite = "on"` and a chat model is configured, the model names 3–8 words a report answering the question
would use (`prompts/search/rewrite.md`); they are searched as one more lexical ranking beside the question's own,
never instead of it. Each rewrite is cached beside the derived indexes (a question costs one call, ever, per
model) and logged in the run log like every model call; a failing endpoint leaves the search as it would be
offline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

from ..errors import ModelError
from ..files import write_text_atomically
from ..model.llm import ChatModel
from ..model.prompts import load_prompt

MAX_TERMS = 8
TERM_CHARS = (2, 12)
CACHE_FILE = "rewrites.json"
_SEPARATORS = re.compile(r"[\s,，、;；/|。]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"[0-9０-９]")
log = logging.getLogger(__name__)


class QueryRewriter:
    """Asks the chat model for the reports' words for a question, once per question and model."""

    def __init__(self, chat_model: ChatModel, cache_dir: Path | None) -> None:
        self.chat_model = chat_model
        self.cache_path = cache_dir / CACHE_FILE if cache_dir else None
        self._cache: dict[str, list[str]] | None = None

    def terms(self, question: str) -> list[str]:
        """The words, from the cache or the model; none when the model fails or says nothing usable."""
        key = hashlib.sha256(f"{self.chat_model.name}\0{question}".encode()).hexdigest()[:24]
        cache = self._load()
        if key in cache:
            return cache[key]
        prompt = load_prompt("search/rewrite").render(question=question)
        try:
            reply = self.chat_model.complete([{"role": "user", "content": prompt}], purpose="rewrite")
        except ModelError as error:
            log.warning("问题改写失败，按原问题检索：%s", error)
            return []
        cache[key] = parse_terms(reply, question)
        if self.cache_path is not None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(self.cache_path, json.dumps(cache, ensure_ascii=False))
        return cache[key]

    def _load(self) -> dict[str, list[str]]:
        if self._cache is None:
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8")) if self.cache_path else {}
            except (OSError, ValueError):
                self._cache = {}
        return self._cache


def parse_terms(reply: str, question: str) -> list[str]:
    """The reply's words: Chinese, 2–12 characters, no figures, not the question itself, no label ("以下是词语："),
    at most MAX_TERMS."""
    low, high = TERM_CHARS
    terms = [term.strip("“”\"'《》（）()") for term in _SEPARATORS.split(reply) if not term.endswith(("：", ":"))]
    kept = [term for term in terms if low <= len(term) <= high and _HAN.search(term) and not _DIGIT.search(term)
            and term != question]
    return list(dict.fromkeys(kept))[:MAX_TERMS]
