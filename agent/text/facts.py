"""This year's facts, as the user supplies them (`--facts FILE`): the only source of a draft's figures.

The file is YAML a staffer can write by hand, one figure or event per line, in their own wording:

    开展警示教育: 12次
    召开党风廉政建设工作会议: 4次
    事件:
      - 获评市级清廉机关建设示范单位

A mapping of wording → value is a figure (the value is kept verbatim, "12次"); a list of strings is events.
Each fact is cited as 用户提供 under a key F1, F2 ….
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import LoadError, UserError
from .encoding import decode_text

USER_SOURCE = "用户提供"


@dataclass(frozen=True)
class Fact:
    """One user-supplied figure ("开展警示教育" → "12次") or event (value empty)."""

    key: str
    label: str
    value: str = ""

    @property
    def wording(self) -> str:
        """The fact as it reads in a sentence: label and value joined ("开展警示教育12次")."""
        return f"{self.label}{self.value}"

    def citation(self) -> dict[str, Any]:
        """The contract's citation object: the user, quoted verbatim."""
        return {"key": self.key, "chunk_id": None, "source": USER_SOURCE, "report_title": USER_SOURCE,
                "heading_path": [], "quote": self.wording}


@dataclass(frozen=True)
class Facts:
    """Every fact of one facts file, in file order."""

    items: tuple[Fact, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def texts(self) -> list[str]:
        """Each fact's wording: what figures in a draft may be checked against."""
        return [fact.wording for fact in self.items]

    def get(self, key: str) -> Fact | None:
        """The fact under `key`, or None."""
        return next((fact for fact in self.items if fact.key == key), None)

    def digest(self) -> str:
        """A short hash of the facts, for run folders."""
        return hashlib.sha256("\n".join(f"{f.label}\t{f.value}" for f in self.items).encode()).hexdigest()[:12]


def load_facts(path: Path | None) -> Facts:
    """Read a facts file; None gives no facts. Bad YAML or an unexpected shape is a UserError saying where."""
    if path is None:
        return Facts()
    if not path.is_file():
        raise UserError(f"找不到事实文件 {path}")
    try:
        text, _encoding = decode_text(path.read_bytes())
    except LoadError as error:
        raise UserError(f"事实文件 {path} 读不出来：{error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f"第 {where.line + 1} 行" if where else ""
        raise UserError(f"事实文件 {path} {line}不是有效的 YAML：每行写成“事项: 数字”，如“开展警示教育: 12次”") from None
    return Facts(tuple(_numbered(_read_entries(data, path))))


def _read_entries(data: Any, path: Path) -> Iterable[tuple[str, str]]:
    """(label, value) pairs from the parsed YAML, in order."""
    if data is None:
        return
    if isinstance(data, list):
        for item in data:
            yield from _read_entries(item, path)
    elif isinstance(data, dict):
        for label, value in data.items():
            yield from _read_pair(str(label), value, path)
    elif isinstance(data, (str, int, float)):
        yield _clean(str(data)), ""
    else:
        raise UserError(f"事实文件 {path} 的格式看不懂：请每行写“事项: 数字”，事件写在列表里")


def _read_pair(label: str, value: Any, path: Path) -> Iterable[tuple[str, str]]:
    """A `label: value` line; a list under a label is a group of events (the label is only a heading)."""
    if isinstance(value, (list, dict)):
        yield from _read_entries(value, path)
    elif value is None or value == "":
        yield _clean(label), ""
    elif isinstance(value, bool):
        raise UserError(f"事实文件 {path} 中“{label}”的值是“{value}”，请写成具体数字或说明")
    else:
        yield _clean(label), _clean(str(value))


def _clean(text: str) -> str:
    """Trim spaces and a trailing 。 (the draft adds its own punctuation)."""
    return text.strip().rstrip("。；;").strip()


def _numbered(entries: Iterable[tuple[str, str]]) -> Iterable[Fact]:
    """Facts keyed F1, F2 … in file order, empty labels dropped."""
    number = 0
    for label, value in entries:
        if label:
            number += 1
            yield Fact(key=f"F{number}", label=label, value=value)
