"""Replay cassettes: the model replies of a case, one per chat request in the order the LLM path makes them.

evals/replay/<suite>.yaml holds `cases: {<case id>: {flaw, note, expect, replies}}`; `<suite>.test*.yaml` hold the
held-out cases' cassettes, written blind and never rewritten by a recording. Hand-written replies imitate
what real models answer, bad ones included (an invented figure, a stray citation key, broken format); `flaw` says
which, `expect` what the guarded output must then show. `zongjie eval --mode live --record` replaces the replies
of well-behaved cases with a real endpoint's; hand-written flawed ones are kept, since they test the guards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..answer.guard import is_refusal
from ..errors import UserError
from ..files import write_text_atomically
from . import checks
from .cases import Case, held_out_files
from .checks import Check

RECORDED = "recorded"


@dataclass
class Cassette:
    """One case's replies and what they are meant to test."""

    replies: list[str]
    flaw: str = "none"
    note: str = ""
    expect: dict[str, Any] = field(default_factory=dict)

    def to_yaml(self) -> dict[str, Any]:
        document: dict[str, Any] = {"flaw": self.flaw, "note": self.note}
        if self.expect:
            document["expect"] = self.expect
        return document | {"replies": self.replies}


class Cassettes:
    """The cassette files of a replay folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.suites: dict[str, dict[str, Cassette]] = {}
        self.held_out: dict[str, set[str]] = {}   # per suite, the ids read from its `.test*.yaml` files

    def _suite(self, suite: str) -> dict[str, Cassette]:
        if suite not in self.suites:
            held_out = {case_id: cassette for path in held_out_files(self.root, suite)
                        for case_id, cassette in _read(path).items()}
            self.held_out[suite] = set(held_out)
            self.suites[suite] = _read(self.root / f"{suite}.yaml") | held_out
        return self.suites[suite]

    def has(self, case: Case) -> bool:
        return case.id in self._suite(case.suite)

    def get(self, case: Case) -> Cassette:
        return self._suite(case.suite)[case.id]

    def record(self, case: Case, replies: list[str], model: str) -> bool:
        """Keep a real endpoint's replies for the case, unless it holds a hand-written flaw; True when kept."""
        cassettes = self._suite(case.suite)
        existing = cassettes.get(case.id)
        if existing and existing.flaw not in ("none", RECORDED):
            return False
        note = f"录制于 {time.strftime('%Y-%m-%d')}，模型 {model}"
        cassettes[case.id] = Cassette(replies, RECORDED, note, existing.expect if existing else {})
        return True

    def save(self) -> None:
        for suite, cassettes in self.suites.items():
            document = {"cases": {case_id: cassette.to_yaml() for case_id, cassette in cassettes.items()
                                  if case_id not in self.held_out.get(suite, set())}}
            text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)
            path = self.root / f"{suite}.yaml"
            write_text_atomically(path, (_leading_comments(path) or _HEADER) + text)


_HEADER = ("# Model replies for `zongjie eval --mode replay`, one per chat request, in order (see agent/evals/"
           "cassettes.py).\n# flaw: what is wrong with the reply on purpose; expect: what the guarded output must show.\n")


def _leading_comments(path: Path) -> str:
    """The comment block a cassette file opens with (what its cases test), kept when it is rewritten."""
    if not path.is_file():
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _read(path: Path) -> dict[str, Cassette]:
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise UserError(f"回放记录 {path} 不是有效的 YAML：{error}") from None
    return {str(case_id): Cassette(replies=[str(reply) for reply in item.get("replies") or []],
                                   flaw=item.get("flaw", "none"), note=item.get("note", ""),
                                   expect=item.get("expect") or {})
            for case_id, item in (raw.get("cases") or {}).items()}


def check_replay(output: str, cassette: Cassette, requests: int) -> tuple[list[Check], str]:
    """The cassette's own expectations on the guarded output, and why the replay is stale ('' when it is not):
    the LLM path asked a different number of times than the replies were written for (an answer refused before
    any request, the reports holding none, is not stale: its replies were simply not needed)."""
    found = []
    if cassette.expect.get("must_contain"):
        found.append(checks.must_contain(output, cassette.expect["must_contain"], "replay_must_contain"))
    if cassette.expect.get("must_not_contain"):
        found.append(checks.must_not_contain(output, cassette.expect["must_not_contain"], "replay_must_not_contain"))
    stale = ""
    refused_unasked = requests == 0 and is_refusal(output)   # the reports hold no answer: no model was needed
    if requests != len(cassette.replies) and not refused_unasked:
        stale = (f"回放记录有 {len(cassette.replies)} 条回复，实际请求了 {requests} 次：调用方式已变，请重新录制"
                 "（zongjie eval --mode live --record）或改写 evals/replay/ 中的回复")
    return found, stale
