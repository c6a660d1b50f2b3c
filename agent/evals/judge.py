"""Judge metrics for `zongjie eval` when a model is configured: does each cited sentence follow from the passages it
cites (faithfulness), and does a draft cover each rubric point (rubric)?

The judge is asked at temperature 0, with the text and the evidence fenced as data like an answer's evidence, so
a sentence in a report cannot steer it. Replies are read leniently (a ```json fence, prose around the object, too
few or too many verdicts); what cannot be read is 无法判断 and a reply with no readable verdict scores None. Readable
replies are cached by the exact request, so a rerun of the same judgement makes no call.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..answer.evidence import defuse
from ..files import write_text_atomically
from ..model.llm import ChatModel, Messages, OpenAICompatibleModel
from ..model.prompts import load_prompt
from ..model.runlog import RunLog
from ..settings import Settings
from ..text.chinese import split_sentences
from ..text.citations import keys_in, strip_citations

SUPPORTED, UNSUPPORTED, COVERED, UNCOVERED, UNKNOWN = "支持", "不支持", "覆盖", "未覆盖", "无法判断"
NO_VERDICT = "评审没有给出可读的结论"
_OUR_TAGS = re.compile(r"</?\s*(资料|陈述|待评文本)\s*>")
_LEADING_KEYS = re.compile(r"^\s*(?:[\[［【]\s*[SFM]\s*\d+[^\]］】\n]*[\]］】]\s*)+", re.IGNORECASE)
_JSON_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_JSON_START = re.compile(r"[{\[]")


@dataclass
class JudgeScore:
    """A judge metric: the share supported/covered (None when nothing could be judged) and each item's verdict."""

    value: float | None
    details: list[dict] = field(default_factory=list)  # {"item", "verdict", "reason"} per claim / rubric point
    calls: int = 0                                      # model calls made
    cached: int = 0                                     # replies taken from the cache


class Judge:
    """Scores texts with a chat model, caching its replies in a JSON file."""

    def __init__(self, model: ChatModel, cache_path: Path) -> None:
        self.model = model
        self.cache_path = Path(cache_path)
        self.cache = _load_cache(self.cache_path)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, cache_path: Path, run_log: RunLog | None = None) -> "Judge":
        """A judge on the configured OpenAI-compatible model, asked at temperature 0."""
        return cls(OpenAICompatibleModel(replace(settings, temperature=0.0), run_log), cache_path)

    def faithfulness(self, text: str, citations: list[dict]) -> JudgeScore:
        """The share of the cited sentences of `text` that their cited passages support (one call)."""
        claims = cited_claims(text)
        if not claims:
            return JudgeScore(None)
        messages = [{"role": "user", "content": load_prompt("judge/faithfulness").render(
            claims=_numbered(f"{claim}（引用：{'、'.join(keys)}）" for claim, keys in claims),
            evidence=_evidence(claims, citations))}]
        return self._score(messages, [claim for claim, _ in claims], SUPPORTED, UNSUPPORTED)

    def rubric(self, text: str, items: list[str]) -> JudgeScore:
        """The share of the rubric points that `text` covers (one call)."""
        if not items:
            return JudgeScore(None)
        messages = [{"role": "user", "content": load_prompt("judge/rubric").render(
            items=_numbered(" ".join(item.split()) for item in items), text=_as_data(text))}]
        return self._score(messages, list(items), COVERED, UNCOVERED)

    def _score(self, messages: Messages, items: list[str], positive: str, negative: str) -> JudgeScore:
        """Ask (or take the cached reply), read one verdict per item, and count the positive ones among those judged."""
        key = cache_key(self.model.name, messages)
        if key in self.cache:
            reply, calls, cached = self.cache[key], 0, 1
        else:
            reply, calls, cached = self.model.complete(messages, purpose="judge"), 1, 0
        verdicts = parse_verdicts(reply, len(items), {positive, negative})
        if calls and any(verdict != UNKNOWN for verdict, _ in verdicts):
            self._remember(key, reply)  # an unreadable reply is not kept: the next run asks again
        details = [{"item": item, "verdict": verdict, "reason": reason}
                   for item, (verdict, reason) in zip(items, verdicts)]
        judged = [detail for detail in details if detail["verdict"] != UNKNOWN]
        value = sum(detail["verdict"] == positive for detail in judged) / len(judged) if judged else None
        return JudgeScore(value, details, calls, cached)

    def _remember(self, key: str, reply: str) -> None:
        """Add a reply to the cache file (rewritten whole, atomically)."""
        with self._lock:
            self.cache[key] = reply
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(self.cache_path, json.dumps(self.cache, ensure_ascii=False, indent=1,
                                                              sort_keys=True))


def cited_claims(text: str) -> list[tuple[str, list[str]]]:
    """The sentences of `text` that cite passages: each without its keys, on one line, with the keys it cites."""
    sentences: list[str] = []
    for line in text.splitlines():
        for sentence in split_sentences(line):
            leading = _LEADING_KEYS.match(sentence)
            if leading and sentences:  # "……3次。[S1]": a key after the full stop cites the sentence before it
                sentences[-1] += leading.group(0)
                sentence = sentence[leading.end():]
            if sentence.strip():
                sentences.append(sentence)
    return [(" ".join(strip_citations(sentence).split()), list(dict.fromkeys(keys_in(sentence))))
            for sentence in sentences if keys_in(sentence)]


def _evidence(claims: list[tuple[str, list[str]]], citations: list[dict]) -> str:
    """The cited passages, once each, as `[S#] 《title》 › heading` and the passage text (the quote when absent)."""
    by_key = {citation.get("key"): citation for citation in citations}
    cited = dict.fromkeys(key for _, keys in claims for key in keys if key in by_key)
    return "\n\n".join(_passage(key, by_key[key]) for key in cited) or "（无）"


def _passage(key: str, citation: dict) -> str:
    """One cited passage as it appears inside the evidence fence."""
    title = citation.get("title") or citation.get("report_title")
    location = " › ".join([*([f"《{title}》"] if title else []), *(citation.get("heading_path") or [])])
    body = citation.get("passage") or citation.get("quote") or ""
    return f"[{key}] {_as_data(location)}\n{_as_data(body)}"


def _as_data(text: str) -> str:
    """Report or draft text made safe to fence: no fence tags or citation-key look-alikes of ours left in it."""
    return _OUR_TAGS.sub(lambda match: f"〈{match.group(1)}〉", defuse(text))


def _numbered(lines: Iterable[str]) -> str:
    """`1. …` lines; each line is made safe as data, so nothing in it can pass for a fence or another number."""
    return "\n".join(f"{number}. {_as_data(line)}" for number, line in enumerate(lines, 1))


def cache_key(model_name: str, messages: Messages) -> str:
    """sha256 of the model name and the exact messages."""
    request = json.dumps([model_name, list(messages)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(request.encode("utf-8")).hexdigest()


def _load_cache(path: Path) -> dict[str, str]:
    """The cached replies by request key ({} when the file is missing or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)} if isinstance(data, dict) else {}


def parse_verdicts(reply: str, count: int, allowed: set[str]) -> list[tuple[str, str]]:
    """(verdict, reason) for items 1…count from a judge's reply; an item it skipped or garbled is 无法判断."""
    found: dict[int, tuple[str, str]] = {}
    for position, entry in enumerate(_verdict_entries(reply), 1):
        if not isinstance(entry, dict):
            continue
        number = _as_number(entry.get("id"), position)
        verdict = re.sub(r"[\s。.！!]+$", "", str(entry.get("verdict") or "").strip())
        if 1 <= number <= count and verdict in allowed and number not in found:
            found[number] = (verdict, str(entry.get("reason") or "").strip())
    return [found.get(number, (UNKNOWN, NO_VERDICT)) for number in range(1, count + 1)]


def _verdict_entries(reply: str) -> list[Any]:
    """The verdict list of the first JSON value in the reply that holds one ({"verdicts": [...]} or a bare list)."""
    for value in _json_values(reply):
        if isinstance(value, dict):
            value = value.get("verdicts", next((item for item in value.values() if isinstance(item, list)), None))
        if isinstance(value, list):
            return value
    return []


def _json_values(reply: str) -> Iterator[Any]:
    """Every JSON value that starts at a { or [ in the reply, those inside ``` fences first."""
    decoder = json.JSONDecoder()
    for text in [*_JSON_FENCE.findall(reply), reply]:
        for start in _JSON_START.finditer(text):
            try:
                yield decoder.raw_decode(text, start.start())[0]
            except ValueError:
                continue


def _as_number(value: Any, default: int) -> int:
    """A verdict's item number ("2", 2, "第2条" → 2); its position in the list when it has none."""
    digits = re.search(r"\d+", str(value)) if value is not None and not isinstance(value, bool) else None
    return int(digits.group(0)) if digits else default
