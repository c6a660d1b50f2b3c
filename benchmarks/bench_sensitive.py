"""Classification-mark and personal-data detectors (agent/text/sensitive.py): precision/recall, false alarms, speed.

  1. Precision and recall per kind and overall on evals/sensitive/labelled.yaml (per occurrence within an item).
  2. False alarms on the five sample reports (must be 0) and on the real government reports used as retrieval
     distractors (benchmarks/data/distractors/): marks and findings, each listed.
  3. Base rates: the share of uniformly random digit runs of each length that some detector takes for data
     (a random 1[3-9]… 11-digit run *is* shaped like a mobile; what matters is that 16-19 and 18 stay low).
  4. Time per 10,000 characters (median of --runs) for find_classification, find_personal and redact, on the
     sample reports and on text dense with data (the labelled positives), against one `\\d+` regex pass over the
     same text as the baseline.

    python benchmarks/bench_sensitive.py [--runs 5]
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path
from typing import Callable

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.text.sensitive import (  # noqa: E402
    MARK_KINDS, PERSONAL_KINDS, find_classification, find_personal, redact, score)
from benchmarks.common import (  # noqa: E402
    CORPUS, DISTRACTORS, ROOT, format_table, load_average, median, progress, runs_argument, verdict, write_outputs)

LABELLED = ROOT / "evals" / "sensitive" / "labelled.yaml"
RANDOM_RUNS = 20_000
RANDOM_LENGTHS = (11, 12, 15, 16, 17, 18, 19)


def labelled_table(items: list[dict]) -> tuple[str, dict]:
    """Per-kind and overall precision/recall on the labelled set."""
    scores = score((item["text"], item["expect"]) for item in items)
    rows, data = [], {}
    for kind in (*MARK_KINDS, *PERSONAL_KINDS, "overall"):
        kind_score = scores[kind]
        expected = kind_score.true_positives + kind_score.false_negatives
        found = kind_score.true_positives + kind_score.false_positives
        rows.append([kind, expected, found, kind_score.true_positives, kind_score.false_positives,
                     kind_score.false_negatives, f"{kind_score.precision:.3f}", f"{kind_score.recall:.3f}"])
        data[kind] = {"expected": expected, "found": found, "tp": kind_score.true_positives,
                      "fp": kind_score.false_positives, "fn": kind_score.false_negatives,
                      "precision": kind_score.precision, "recall": kind_score.recall}
    positives = sum(1 for item in items if item["expect"])
    title = (f"Labelled set {LABELLED.relative_to(ROOT)}: {len(items)} items, {positives} positive, "
             f"{len(items) - positives} negative")
    table = format_table(["kind", "expected", "found", "TP", "FP", "FN", "precision", "recall"], rows)
    return f"{title}\n{table}", data


def false_alarm_table() -> tuple[str, dict]:
    """Marks and findings on texts that hold none: the sample reports and the distractor reports."""
    rows, data, listed = [], {}, []
    for name, paths in (("sample reports (corpus/)", sorted(CORPUS.glob("*.txt"))),
                        ("distractors (real gov. reports)", sorted(DISTRACTORS.glob("*.txt")))):
        chars = marks = findings = 0
        for path in paths:
            text = path.read_text(encoding="utf-8")
            chars += len(text)
            for mark in find_classification(text):
                marks += 1
                listed.append(f"  {path.name}: mark {mark.kind} {mark.text!r} line {mark.line}")
            for finding in find_personal(text):
                findings += 1
                listed.append(f"  {path.name}: {finding.kind} at {finding.start}-{finding.end}")
        rows.append([name, len(paths), chars, marks, findings, verdict(marks == findings == 0)])
        data[name] = {"files": len(paths), "chars": chars, "marks": marks, "findings": findings}
    table = format_table(["texts", "files", "chars", "marks", "findings", "no false alarm"], rows)
    return "False alarms\n" + table + ("\n" + "\n".join(listed) if listed else ""), data


def random_runs_table() -> tuple[str, dict]:
    """Share of uniformly random digit runs (first digit 1-9) in a neutral sentence flagged as each kind."""
    generator = random.Random(8)
    rows, data = [], {}
    for length in RANDOM_LENGTHS:
        flagged: dict[str, int] = {kind: 0 for kind in ("身份证号", "手机号", "银行卡号")}
        for _ in range(RANDOM_RUNS):
            digits = str(generator.randint(1, 9)) + "".join(generator.choice("0123456789") for _ in range(length - 1))
            for finding in find_personal(f"相关数据为{digits}。"):
                if finding.kind in flagged:
                    flagged[finding.kind] += 1
        rates = {kind: count / RANDOM_RUNS for kind, count in flagged.items()}
        rows.append([length, *(f"{rates[kind]:.2%}" for kind in flagged)])
        data[str(length)] = rates
    title = f"Random digit runs ({RANDOM_RUNS} per length, no context word): share flagged as"
    return title + "\n" + format_table(["digits", "身份证号", "手机号", "银行卡号"], rows), data


def timing_table(runs: int, positives_text: str) -> tuple[str, dict]:
    """Median time per 10,000 characters of each detector, and its ratio to one `\\d+` pass."""
    corpus_text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt")))
    digit_run = re.compile(r"\d+")
    functions: dict[str, Callable[[str], object]] = {
        "baseline: re \\d+ findall": digit_run.findall, "find_classification": find_classification,
        "find_personal": find_personal, "redact": redact}
    rows, data = [], {}
    for label, text in (("sample reports", corpus_text), ("labelled positives", positives_text)):
        per_10k = {name: _per_10k(function, text, runs) for name, function in functions.items()}
        baseline = per_10k["baseline: re \\d+ findall"]
        for name, seconds in per_10k.items():
            rows.append([label, len(text), name, f"{seconds * 1000:.3f}", f"{seconds / baseline:.1f}x"])
        data[label] = {"chars": len(text), "ms_per_10k": {name: value * 1000 for name, value in per_10k.items()}}
    table = format_table(["text", "chars", "function", "ms / 10k chars", "vs baseline"], rows)
    return f"Time (median of {runs} runs, load {load_average()})\n{table}", data


def _per_10k(function: Callable[[str], object], text: str, runs: int) -> float:
    """Median seconds per 10,000 characters over `runs` runs (each repeating until at least 0.2 s have passed)."""
    results = []
    for _ in range(runs):
        repeats, started = 0, time.perf_counter()
        while True:
            function(text)
            repeats += 1
            elapsed = time.perf_counter() - started
            if elapsed >= 0.2:
                break
        results.append(elapsed / repeats / len(text) * 10_000)
    return median(results)


def main() -> None:
    runs = runs_argument(__doc__.splitlines()[0])
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    progress("labelled set …")
    labelled, labelled_data = labelled_table(items)
    progress("false alarms …")
    alarms, alarm_data = false_alarm_table()
    progress("random digit runs …")
    base_rates, base_rate_data = random_runs_table()
    progress("timing …")
    positives_text = "\n".join(item["text"] for item in items if item["expect"])
    timing, timing_data = timing_table(runs, positives_text)
    table = "\n\n".join([labelled, alarms, base_rates, timing])
    write_outputs("sensitive", table, {"labelled": labelled_data, "false_alarms": alarm_data,
                                       "random_runs": base_rate_data, "timing": timing_data})


if __name__ == "__main__":
    main()
