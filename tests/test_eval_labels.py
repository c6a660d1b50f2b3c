"""Validate the labelled retrieval set evals/cases/retrieval.yaml against corpus/."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
CASES_FILE = ROOT / "evals" / "cases" / "retrieval.yaml"
CORPUS_DIR = ROOT / "corpus"

STYLES = {"paraphrase", "keyword", "question"}
MIN_CASES = 50
MIN_PARAPHRASE = 25
QUOTE_MIN, QUOTE_MAX = 6, 40
MAX_EXPECT = 4


@lru_cache(maxsize=1)
def load_cases() -> list[dict]:
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list), "retrieval.yaml must be a YAML list of cases"
    return data


@lru_cache(maxsize=None)
def corpus_text(name: str) -> str:
    return (CORPUS_DIR / name).read_text(encoding="utf-8")


def corpus_files() -> set[str]:
    return {p.name for p in CORPUS_DIR.glob("*.txt")}


def _ids(cases: list[dict]) -> list[str]:
    return [str(c.get("id")) for c in cases]


def test_case_count():
    assert len(load_cases()) >= MIN_CASES


def test_ids_unique_and_well_formed():
    ids = _ids(load_cases())
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    bad = [i for i in ids if not re.fullmatch(r"r\d{3}", i)]
    assert not bad, f"ids must look like r001: {bad}"


def test_case_shape():
    problems = []
    for c in load_cases():
        cid = c.get("id")
        if set(c) - {"id", "query", "expect", "style", "note"}:
            problems.append(f"{cid}: unknown keys {set(c) - {'id', 'query', 'expect', 'style', 'note'}}")
        if not isinstance(c.get("query"), str) or not c["query"].strip():
            problems.append(f"{cid}: empty query")
        if c.get("style") not in STYLES:
            problems.append(f"{cid}: style {c.get('style')!r} not in {sorted(STYLES)}")
        exp = c.get("expect")
        if not isinstance(exp, list) or not 1 <= len(exp) <= MAX_EXPECT:
            problems.append(f"{cid}: expect must list 1..{MAX_EXPECT} passages")
            continue
        for e in exp:
            if not isinstance(e, dict) or set(e) != {"source", "quote"}:
                problems.append(f"{cid}: expect entry must have exactly source and quote: {e!r}")
        pairs = [(e.get("source"), e.get("quote")) for e in exp if isinstance(e, dict)]
        if len(pairs) != len(set(pairs)):
            problems.append(f"{cid}: duplicate expect entries")
    assert not problems, "\n".join(problems)


def test_queries_unique():
    queries = [c["query"].strip() for c in load_cases()]
    dupes = [q for q, n in Counter(queries).items() if n > 1]
    assert not dupes, f"duplicate queries: {dupes}"


def test_enough_paraphrase():
    styles = Counter(c.get("style") for c in load_cases())
    assert styles["paraphrase"] >= MIN_PARAPHRASE, styles


def test_sources_exist():
    files = corpus_files()
    missing = [
        (c["id"], e["source"]) for c in load_cases() for e in c["expect"] if e["source"] not in files
    ]
    assert not missing, f"sources not in corpus/: {missing}"


def test_quotes_verbatim_and_unique():
    files = corpus_files()
    problems = []
    for c in load_cases():
        for e in c["expect"]:
            src, quote = e["source"], e["quote"]
            if src not in files:
                continue  # reported by test_sources_exist
            if not isinstance(quote, str):
                problems.append(f"{c['id']}: quote is not a string: {quote!r}")
                continue
            if quote != quote.strip():
                problems.append(f"{c['id']}: quote has surrounding whitespace: {quote!r}")
            if not QUOTE_MIN <= len(quote) <= QUOTE_MAX:
                problems.append(f"{c['id']}: quote length {len(quote)} outside {QUOTE_MIN}-{QUOTE_MAX}: {quote}")
            n = corpus_text(src).count(quote)
            if n != 1:
                problems.append(f"{c['id']}: quote occurs {n}x in {src} (need exactly 1): {quote}")
    assert not problems, "\n".join(problems)


def test_all_sources_covered():
    used = {e["source"] for c in load_cases() for e in c["expect"]}
    assert corpus_files() <= used, f"reports without any case: {sorted(corpus_files() - used)}"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_used(style):
    assert any(c.get("style") == style for c in load_cases())
