"""The eval cases: YAML files per suite in evals/cases/, read into one shape (id, suite, input, expectations).

retrieval.yaml and ask.yaml are lists of cases; draft.yaml, brief.yaml and whole.yaml hold theirs under `cases:`. What a
case asks for is its input (query, question, section and facts, report); everything else is an expectation.

Cases are in the dev split unless they say `split: test`. The test split (kept in `<suite>.test.yaml`, written by
people who had not seen the engine or the dev cases) is never tuned on: no threshold, rule or thesaurus entry may
be chosen by looking at it; the report shows it beside dev, and a gap between them is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError

SUITES = ("retrieval", "ask", "draft", "brief", "whole", "check", "compare")
DEV, TEST = "dev", "test"
SPLITS = (DEV, TEST)
_INPUT_KEYS = {"retrieval": ("query",), "ask": ("question",), "draft": ("section", "facts", "year", "org"),
               "brief": ("report", "max_chars"), "whole": ("materials", "year", "org"),
               "check": ("draft", "materials", "facts", "year"), "compare": ("section", "reports")}


@dataclass(frozen=True)
class Case:
    """One eval case."""

    id: str
    suite: str
    input: dict[str, Any]
    expect: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """An expectation (or `default` when the case does not state it)."""
        return self.expect.get(name, default)

    @property
    def split(self) -> str:
        """dev (may be tuned on) or test (held out)."""
        return self.expect.get("split", DEV)


def load_suite(cases_dir: Path, suite: str) -> list[Case]:
    """The cases of one suite, in file order: `<suite>.yaml`, then the held-out `<suite>.test*.yaml` if any (a
    further held-out set, written after the one before was seen, is `<suite>.test2.yaml`, `.test3.yaml`…)."""
    path = cases_dir / f"{suite}.yaml"
    if not path.is_file():
        raise UserError(f"找不到评测用例文件：{path}")
    held_out = held_out_files(cases_dir, suite)
    return _read_cases(path, suite) + [case for file in held_out for case in _read_cases(file, suite)]


def held_out_files(directory: Path, suite: str) -> list[Path]:
    """A suite's held-out files in `directory` (cases, cassettes): `<suite>.test.yaml`, `.test2.yaml`…, in order."""
    return sorted(directory.glob(f"{suite}.test*.yaml"))


def _read_cases(path: Path, suite: str) -> list[Case]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise UserError(f"评测用例文件 {path} 不是有效的 YAML：{error}") from None
    items = raw.get("cases", []) if isinstance(raw, dict) else raw
    return [_case(suite, item) for item in items]


def _case(suite: str, item: dict[str, Any]) -> Case:
    inputs = {key: item[key] for key in _INPUT_KEYS[suite] if key in item}
    expect = {key: value for key, value in item.items() if key != "id" and key not in inputs}
    return Case(id=str(item["id"]), suite=suite, input=inputs, expect=expect)


def load_cases(cases_dir: Path, suites: tuple[str, ...] = SUITES) -> list[Case]:
    """The cases of the given suites; ids must be unique across them (goldens and replies are keyed by id)."""
    cases = [case for suite in suites for case in load_suite(cases_dir, suite)]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise UserError(f"评测用例编号重复：{case.id}")
        seen.add(case.id)
    return cases
