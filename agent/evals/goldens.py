"""Golden outputs: the reviewed offline output of each deterministic case, in evals/goldens/<suite>/<id>.md.

evals/goldens/manifest.json records, for each golden, the corpus and prompt hashes it was approved under. An
output that differs from a golden made under another corpus is *stale* (re-approve it after reading the diff),
not a quality failure; one that differs under the same corpus is a change nobody reviewed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import write_text_atomically

MATCH, DIFFERS, STALE, MISSING = "match", "differs", "stale", "missing"


@dataclass(frozen=True)
class Fingerprint:
    """What a golden depends on besides the code: the sample corpus and the suite's prompts."""

    corpus: str
    prompts: str

    def to_json(self) -> dict[str, str]:
        return {"corpus": self.corpus, "prompts": self.prompts}


@dataclass(frozen=True)
class GoldenCheck:
    """How an output compares with its golden."""

    status: str
    golden: str | None = None
    diff: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "diff": self.diff}


def tree_hash(paths: list[Path], root: Path) -> str:
    """A short hash of files' names (relative to `root`) and bytes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fingerprints(corpus_dir: Path, prompts_dir: Path, suites: tuple[str, ...]) -> dict[str, Fingerprint]:
    """Per suite: the corpus's hash (read once) and the hash of the suite's prompt files."""
    corpus = tree_hash([path for path in corpus_dir.rglob("*") if path.is_file()], corpus_dir)
    found = {}
    for suite in suites:
        prompts = sorted((prompts_dir / suite).rglob("*.md")) if (prompts_dir / suite).is_dir() else []
        found[suite] = Fingerprint(corpus, tree_hash(prompts, prompts_dir) if prompts else "")
    return found


class Goldens:
    """The goldens folder and its manifest."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_path = root / "manifest.json"
        self.manifest: dict[str, dict[str, Any]] = (
            json.loads(self.manifest_path.read_text(encoding="utf-8")) if self.manifest_path.is_file() else {})

    def path(self, suite: str, case_id: str) -> Path:
        return self.root / suite / f"{case_id}.md"

    def read(self, suite: str, case_id: str) -> str | None:
        path = self.path(suite, case_id)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def compare(self, suite: str, case_id: str, output: str, current: Fingerprint) -> GoldenCheck:
        """Match, differs (same corpus: an unreviewed change), stale (made under another corpus) or missing."""
        golden = self.read(suite, case_id)
        if golden is None:
            return GoldenCheck(MISSING)
        if golden == output:
            return GoldenCheck(MATCH, golden)
        made_under = self.manifest.get(case_id, {}).get("corpus")
        status = STALE if made_under and made_under != current.corpus else DIFFERS
        return GoldenCheck(status, golden, unified_diff(golden, output))

    def approve(self, suite: str, case_id: str, output: str, current: Fingerprint) -> None:
        """Make `output` the golden of the case, recording what it was made under."""
        self.path(suite, case_id).parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(self.path(suite, case_id), output)
        self.manifest[case_id] = {"suite": suite, **current.to_json()}
        ordered = dict(sorted(self.manifest.items()))
        write_text_atomically(self.manifest_path, json.dumps(ordered, ensure_ascii=False, indent=2) + "\n")


def unified_diff(golden: str, output: str) -> str:
    """The change from golden to output, line by line."""
    lines = difflib.unified_diff(golden.splitlines(), output.splitlines(), "golden", "output", lineterm="", n=1)
    return "\n".join(lines)
