"""A model's reply in the form the user reads: an answer some models wrap in a JSON object or a code fence
(```json {"answer": "…", "source": "S1"} ```) is unwrapped to its answer text, keyed to the sources it names.

The first characters of a stream decide: a reply opening with a fence or a brace is held whole and unwrapped
when it ends; any other reply streams through untouched. What cannot be read as an answer (a fence around
something that is no JSON object) is passed on without its fence, for the guards to judge.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from ..text.citations import insert_key, keys_in

_WRAPPED = ("```", "{")
_DECIDE_AFTER = 3                      # characters of a reply that say whether it is wrapped
_FENCE = re.compile(r"^\s*```[\w-]*[ \t]*\n?|\n?[ \t]*```\s*$")
_ANSWER_FIELDS = ("answer", "回答", "答案", "content", "text", "response")
_SOURCE_FIELDS = ("source", "sources", "citation", "citations", "来源", "出处", "引用")
_ENDED = re.compile(r"[。！？!?…；;][”’」』）)]*\s*(?:\[[^\]]*\]\s*)*$")
_SOURCE_KEY = re.compile(r"^\[?\s*([SFM]\d+)\s*\]?$", re.IGNORECASE)


def unwrapped(pieces: Iterator[str]) -> Iterator[str]:
    """The reply's pieces, a wrapped reply's answer in one piece at its end."""
    pieces = iter(pieces)
    head = ""
    for piece in pieces:
        head += piece
        if len(head.lstrip()) >= _DECIDE_AFTER:
            break
    if not head.lstrip().startswith(_WRAPPED):
        if head:
            yield head
        yield from pieces
        return
    yield answer_text("".join([head, *pieces]))


def answer_text(reply: str) -> str:
    """The answer a wrapped reply holds (its sources as [S#] keys when the answer cites none), or the reply
    without its code fence."""
    bare = _FENCE.sub("", reply.strip()).strip()
    try:
        document = json.loads(bare)
    except ValueError:
        return bare
    if not isinstance(document, dict):
        return bare
    answer = _field(document, _ANSWER_FIELDS)
    if isinstance(answer, list):
        answer = "\n".join(str(item) for item in answer if item)
    if not isinstance(answer, str) or not answer.strip():
        return ""   # {"answer": null}: nothing to show; the guards make it the refusal
    answer = answer.strip()
    if not _ENDED.search(answer):
        answer += "。"   # a field's value often stops without its full stop (its keys before it: …[S2]。)
    keys = _source_keys(_field(document, _SOURCE_FIELDS))
    if keys and not keys_in(answer):
        for key in keys:
            answer = insert_key(answer, key)
    return answer


def _field(document: dict[str, Any], names: tuple[str, ...]) -> Any:
    lowered = {str(name).lower(): value for name, value in document.items()}
    return next((lowered[name] for name in names if name in lowered), None)


def _source_keys(value: Any) -> list[str]:
    """[S#] keys a source field names ("S1", ["S1", "[S2]"]); none for anything else."""
    values = value if isinstance(value, list) else [value]
    found = [match.group(1).upper() for item in values if isinstance(item, str)
             and (match := _SOURCE_KEY.match(item.strip()))]
    return list(dict.fromkeys(found))
