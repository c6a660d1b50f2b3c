"""Scale: ingest many generated reports with the real embedder, and hybrid search latency at 100k passages.

(a) `--reports N`: generate N reports, ingest them with the real embedder into a fresh embedded store, then time
    `Workspace.search` (hybrid) over the labelled queries of evals/cases/retrieval.yaml.
(b) `--chunks N`: N passages from generated reports (real parser and chunker) with precomputed vectors: a pool of
    distinct passages is embedded once with the real embedder and every passage takes its pool vector plus small
    gaussian noise, re-normalised. They are written through `ReportStore.add_chunks` / `save_report` one report at
    a time, as ingest does; then hybrid search latency (real query embedding + Chroma HNSW + BM25 + fusion):
    unfiltered, with the `lianzheng` topic filter on every query (the worst case: most queries are about other
    topics), and with each query's own topic as filter (as `--section` is used); the BM25 build on its own, where
    a search spends its time, and peak memory.
Given both flags, each part runs in its own process so peak memory is its own.

    python benchmarks/bench_scale.py --reports 1000
    python benchmarks/bench_scale.py --chunks 100000 [--store DIR]   # DIR kept; reused for queries if filled
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
from common import (
    OUT,
    format_table,
    labelled_queries,
    load_average,
    median,
    peak_rss_mib,
    percentile,
    progress,
    verdict,
    write_outputs,
)
from generate_corpus import UNITS, generate_report, generate_reports, load_pool, write_reports

from agent.library.chunking import Chunk, report_id_for
from agent.library.ingest import read_report
from agent.library.lexical import TermsCache, tokenize
from agent.library.loaders import DEFAULT_MAX_BYTES
from agent.library.retrieve import SearchFilters
from agent.library.store import ReportRecord
from agent.library.topics import topics_in_query
from agent.model.embedders import LocalEmbedder
from agent.settings import Settings
from agent.workspace import Workspace

TARGET_P95_MS = 150.0
MIN_QUERIES = 200
POOL_SIZE = 5000
NOISE_SIGMA = 0.005  # per dimension: the noisy copy keeps cosine ~0.994 with its pool vector
TOPIC = "lianzheng"
_VARIANT_PARTS = re.compile("|".join([r"\d{4}", r"[一二三四五六七八九十]+[、是]", r"[（(][一二三四五六七八九十]+[)）]",
                                      *(re.escape(unit) for unit in UNITS)]))

Report = tuple[ReportRecord, list[Chunk]]


# --- shared ----------------------------------------------------------------------------------------------------
def load_model(embedder: LocalEmbedder) -> float:
    """Load the embedding model before anything is timed; returns the seconds it took."""
    started = time.perf_counter()
    embedder.embed(["模型预热"])
    return time.perf_counter() - started


def timed_queries(workspace: Workspace, queries: list[str], filters: SearchFilters | None) -> list[float]:
    """Milliseconds per `Workspace.search` call, the query list repeated to at least MIN_QUERIES calls."""
    return timed_filtered_queries(workspace, [(query, filters) for query in queries])


def timed_filtered_queries(workspace: Workspace, searches: list[tuple[str, SearchFilters | None]]) -> list[float]:
    """Milliseconds per `Workspace.search` call, each (query, filters) pair, repeated to at least MIN_QUERIES."""
    repeated = searches * math.ceil(MIN_QUERIES / len(searches))
    latencies = []
    for query, filters in repeated:
        started = time.perf_counter()
        workspace.search(query, k=8, filters=filters)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def latency_summary(latencies: list[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds, and how many queries."""
    return {"n": len(latencies), "p50_ms": percentile(latencies, 0.50), "p95_ms": percentile(latencies, 0.95),
            "max_ms": max(latencies)}


def first_search(workspace: Workspace, query: str) -> dict[str, float]:
    """Seconds to build the BM25 index (first use) and then the first (warm-up) search."""
    started = time.perf_counter()
    workspace.retriever.lexical_index()
    bm25_build = time.perf_counter() - started
    started = time.perf_counter()
    workspace.search(query, k=8)
    return {"bm25_build_s": bm25_build, "first_search_s": time.perf_counter() - started}


# --- (a) ingest N generated reports ----------------------------------------------------------------------------
def run_reports(count: int, seed: int) -> dict:
    """Generate, ingest with the real embedder (progress on stderr), then time searches."""
    work = Path(tempfile.mkdtemp(prefix="zongjie-bench-scale-a-"))
    try:
        write_reports(generate_reports(count, seed), work / "reports")
        embedder = LocalEmbedder()
        numbers = {"reports": count, "model_load_s": load_model(embedder)}
        workspace = Workspace(Settings(store=work / "store"), embedder=embedder)
        workspace.store  # open before timing
        started = time.perf_counter()
        result = workspace.ingest([work / "reports"], on_file=_ingest_progress(count))
        numbers["ingest_s"] = time.perf_counter() - started
        numbers.update({f"{phase}_s": seconds for phase, seconds in result.timings.items()})
        numbers.update(chunks=result.chunks, failed=len(result.failed))
        numbers["chunks_per_s"] = result.chunks / numbers["ingest_s"]
        queries = labelled_queries()
        numbers.update(first_search(workspace, queries[0]))
        numbers["hybrid"] = latency_summary(timed_queries(workspace, queries, None))
        numbers.update(peak_rss_mib=peak_rss_mib(), load_average=load_average())
        return numbers
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ingest_progress(total: int):
    """An on_file callback printing files done, rate and time left every 50 files."""
    started, done = time.perf_counter(), [0]

    def on_file(path: Path, outcome: str) -> None:
        done[0] += 1
        if done[0] % 50 == 0 or done[0] == total:
            elapsed = time.perf_counter() - started
            left = elapsed / done[0] * (total - done[0])
            progress(f"ingested {done[0]}/{total} reports in {elapsed:.0f} s (about {left:.0f} s left)")
    return on_file


def reports_table(numbers: dict) -> str:
    """Table for part (a)."""
    hybrid = numbers["hybrid"]
    rows = [
        ("reports generated and ingested", f"{numbers['reports']:,}", ""),
        ("passages (chunks) stored", f"{numbers['chunks']:,}", ""),
        ("model load (before timing)", f"{numbers['model_load_s']:.2f} s", ""),
        ("ingest total", f"{numbers['ingest_s']:.1f} s", ""),
        ("  parse + chunk + tag", f"{numbers.get('parse_s', 0):.1f} s", ""),
        ("  embed", f"{numbers.get('embed_s', 0):.1f} s", ""),
        ("  store (Chroma writes)", f"{numbers.get('store_s', 0):.1f} s", ""),
        ("ingest throughput", f"{numbers['chunks_per_s']:.0f} chunks/s", ""),
        ("BM25 index build (first search)", f"{numbers['bm25_build_s']:.2f} s", ""),
        ("first search after the build", f"{numbers['first_search_s'] * 1000:.0f} ms", ""),
        (f"hybrid search p50 (n={hybrid['n']})", f"{hybrid['p50_ms']:.1f} ms", ""),
        (f"hybrid search p95 (n={hybrid['n']})", f"{hybrid['p95_ms']:.1f} ms", f"<= {TARGET_P95_MS:.0f} ms "
         f"{verdict(hybrid['p95_ms'] <= TARGET_P95_MS)}"),
        ("peak RSS of this process", f"{numbers['peak_rss_mib']:.0f} MiB", ""),
    ]
    return (f"bench_scale (a): {numbers['reports']:,} generated reports, real embedder, embedded Chroma; "
            f"load average at the end {numbers['load_average']}\n\n"
            + format_table(("measure", "value", "target"), rows))


# --- (b) N passages with precomputed vectors -------------------------------------------------------------------
def run_chunks(target: int, seed: int, store_dir: Path | None) -> dict:
    """Build (unless `store_dir` already holds a store) and query a store of `target` passages."""
    keep = store_dir is not None
    store_dir = store_dir or Path(tempfile.mkdtemp(prefix="zongjie-bench-scale-b-"))
    try:
        embedder = LocalEmbedder()
        numbers = {"model_load_s": load_model(embedder)}
        workspace = Workspace(Settings(store=store_dir), embedder=embedder)
        if workspace.store.count_chunks() == 0:
            numbers.update(build_store(workspace, target, seed, embedder))
        numbers.update(chunks=workspace.store.count_chunks(), reports=len(workspace.store.list_reports()),
                       peak_rss_after_build_mib=peak_rss_mib(),
                       bm25_cached=any(workspace.settings.cache_dir.glob("bm25-*/fields.json")))
        numbers.update(query_numbers(workspace))
        numbers.update(peak_rss_mib=peak_rss_mib(), load_average=load_average())
        return numbers
    finally:
        if not keep:
            shutil.rmtree(store_dir, ignore_errors=True)


def build_store(workspace: Workspace, target: int, seed: int, embedder: LocalEmbedder) -> dict:
    """Chunk generated reports up to `target` passages, give them pooled vectors, write them; returns timings."""
    numbers: dict[str, float] = {}
    started = time.perf_counter()
    reports = synthetic_reports(target, seed)
    numbers["chunking_s"] = time.perf_counter() - started
    started = time.perf_counter()
    save_terms(workspace, reports)
    numbers["terms_s"] = time.perf_counter() - started
    started = time.perf_counter()
    vectors, numbers["pool_texts"] = pooled_vectors(reports, embedder, np.random.default_rng(seed))
    numbers["pool_embed_s"] = time.perf_counter() - started
    started = time.perf_counter()
    write_reports_to_store(workspace, reports, vectors)
    numbers["store_write_s"] = time.perf_counter() - started
    numbers["store_chunks_per_s"] = sum(len(chunks) for _, chunks in reports) / numbers["store_write_s"]
    return numbers


def synthetic_reports(target: int, seed: int) -> list[Report]:
    """Generated reports run through the real loader, parser, chunker and tagger, cut at exactly `target` passages."""
    reports: list[Report] = []
    total, pool = 0, load_pool()
    with tempfile.TemporaryDirectory(prefix="zongjie-bench-gen-") as directory:
        while total < target:
            [path] = write_reports([generate_report(pool, len(reports), seed)], Path(directory))
            record, chunks = chunk_file(path)
            chunks = chunks[: target - total]
            reports.append((replace(record, chunks=len(chunks)), chunks))
            total += len(chunks)
            if len(reports) % 500 == 0 or total >= target:
                progress(f"chunked {len(reports):,} reports, {total:,} passages")
    return reports


def chunk_file(path: Path) -> Report:
    """What ingest makes of one file before embedding it (agent/library/ingest.py `read_report`)."""
    read = read_report(path, max_bytes=DEFAULT_MAX_BYTES)
    parsed = read.parsed
    record = ReportRecord(report_id=report_id_for(path.name), source=path.name, title=parsed.title,
                          year=parsed.year, doc_type=parsed.doc_type, unit=parsed.unit, sha256=path.name,
                          chunks=len(read.chunks), format=read.document.format)
    return record, read.chunks


def save_terms(workspace: Workspace, reports: list[Report]) -> None:
    """Record each passage's BM25 words beside the store, as ingest does (so the first search need not tokenise)."""
    terms = TermsCache(workspace.retriever.cache_dir / "terms")
    for record, chunks in reports:
        terms.save(record.report_id, {chunk.chunk_id: tokenize(chunk.embedding_text()) for chunk in chunks})


def pooled_vectors(reports: list[Report], embedder: LocalEmbedder,
                   rng: np.random.Generator) -> tuple[list[np.ndarray], int]:
    """Per report, one vector per passage: its pool vector plus noise, re-normalised; and the pool size.

    Passages differing only in years, unit names and point numbers share a pool entry; the POOL_SIZE most
    frequent such variants are embedded (once, for real), rarer ones borrow a pool entry by hash."""
    keys = [[_variant_key(chunk) for chunk in chunks] for _, chunks in reports]
    counts: dict[str, int] = {}
    representative: dict[str, str] = {}
    for (_, chunks), report_keys in zip(reports, keys):
        for chunk, key in zip(chunks, report_keys):
            counts[key] = counts.get(key, 0) + 1
            representative.setdefault(key, chunk.embedding_text())
    pool_keys = sorted(counts, key=lambda key: -counts[key])[:POOL_SIZE]
    progress(f"embedding a pool of {len(pool_keys):,} distinct passages ({len(counts):,} variants in all)")
    pool = embedder.embed([representative[key] for key in pool_keys])
    slot = {key: index for index, key in enumerate(pool_keys)}
    vectors = []
    for report_keys in keys:
        rows = [slot.get(key, zlib.crc32(key.encode()) % len(pool_keys)) for key in report_keys]
        noisy = pool[rows] + rng.normal(0.0, NOISE_SIGMA, size=(len(rows), pool.shape[1])).astype(np.float32)
        vectors.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    return vectors, len(pool_keys)


def _variant_key(chunk: Chunk) -> str:
    """A passage's breadcrumb and text with years, unit names and point numbers removed."""
    return _VARIANT_PARTS.sub("", chunk.embedding_text())


def write_reports_to_store(workspace: Workspace, reports: list[Report], vectors: list[np.ndarray]) -> None:
    """Write each report's passages, then its record (title vector: the mean of its passages), as ingest does."""
    store, written, started = workspace.store, 0, time.perf_counter()
    for number, ((record, chunks), report_vectors) in enumerate(zip(reports, vectors), 1):
        store.add_chunks(chunks, report_vectors, record)
        title_vector = report_vectors.mean(axis=0)
        store.save_report(record, title_vector / np.linalg.norm(title_vector))
        written += len(chunks)
        if number % 250 == 0 or number == len(reports):
            progress(f"stored {written:,} passages ({number:,} reports) in {time.perf_counter() - started:.0f} s")


def query_numbers(workspace: Workspace) -> dict:
    """BM25 build, first search, hybrid latency without and with a topic filter, and a per-part breakdown."""
    queries = labelled_queries()
    numbers: dict = first_search(workspace, queries[0])
    progress("timing searches …")
    numbers["hybrid"] = latency_summary(timed_queries(workspace, queries, None))
    numbers["hybrid_topic"] = latency_summary(timed_queries(workspace, queries, SearchFilters(topic=TOPIC)))
    own_topic = [(query, SearchFilters(topic=topics[0])) for query in queries if (topics := topics_in_query(query))]
    numbers["hybrid_own_topic"] = latency_summary(timed_filtered_queries(workspace, own_topic))
    numbers["parts_ms"] = search_parts(workspace, queries)
    numbers["profile"] = profile_searches(workspace, queries[:50])
    return numbers


def search_parts(workspace: Workspace, queries: list[str]) -> dict[str, float]:
    """Median milliseconds of each step a hybrid search takes, each timed on its own over the queries."""
    store, lexical, parts = workspace.store, workspace.retriever.lexical_index(), {}
    vectors = {query: workspace.embedder.embed([query])[0] for query in queries}
    tokens = {query: tokenize(query) for query in queries}
    topic_where = {f"t_{TOPIC}": True}
    hits = {query: [chunk_id for chunk_id, _ in store.vector_search(vectors[query], 8, None)] for query in queries}
    steps = {
        "query embedding (USE)": lambda q: workspace.embedder.embed([q]),
        "store.fingerprint() (BM25 cache key)": lambda q: store.fingerprint(),
        "store.count_chunks() (inside fingerprint)": lambda q: store.count_chunks(),
        "store.vector_search, 60 nearest": lambda q: store.vector_search(vectors[q], 60, None),
        "store.vector_search, 300 nearest (over-fetch to filter)": lambda q: store.vector_search(vectors[q], 300, None),
        f"store.vector_search, Chroma where t_{TOPIC}": lambda q: store.vector_search(vectors[q], 60, topic_where),
        "jieba tokenize query": lambda q: tokenize(q),
        "BM25 scores over all passages": lambda q: lexical.scores(tokens[q]),
        "store.get_chunks(8 hits)": lambda q: store.get_chunks(hits[q]),
    }
    for name, step in steps.items():
        timings = []
        for query in queries:
            started = time.perf_counter()
            step(query)
            timings.append((time.perf_counter() - started) * 1000)
        parts[name] = median(timings)
    return parts


def profile_searches(workspace: Workspace, queries: list[str]) -> list[tuple[str, float]]:
    """cProfile over unfiltered searches: cumulative ms per search of the agent/ functions (full dump in out/)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        workspace.search(query, k=8)
    profiler.disable()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "bench_scale_chunks_profile.txt", "w", encoding="utf-8") as handle:
        pstats.Stats(profiler, stream=handle).sort_stats("cumulative").print_stats(60)
    rows = [(f"{Path(file).name}:{function}", cumulative * 1000 / len(queries))
            for (file, _, function), (_, _, _, cumulative, _) in pstats.Stats(profiler).stats.items()
            if "/agent/" in file]
    return sorted(rows, key=lambda row: -row[1])[:12]


def chunks_table(numbers: dict) -> str:
    """Tables for part (b): numbers with targets, then where a search spends its time."""
    hybrid, topic, own = numbers["hybrid"], numbers["hybrid_topic"], numbers["hybrid_own_topic"]
    rows = [("passages (chunks) stored", f"{numbers['chunks']:,}", ""),
            ("reports", f"{numbers['reports']:,}", "")]
    if "store_write_s" in numbers:
        rows += [("chunking generated reports (real chunker)", f"{numbers['chunking_s']:.1f} s", ""),
                 ("BM25 words (jieba) saved beside the store", f"{numbers['terms_s']:.1f} s", ""),
                 (f"embedding the pool ({numbers['pool_texts']:,} passages)", f"{numbers['pool_embed_s']:.1f} s", ""),
                 ("store writes (add_chunks + save_report)", f"{numbers['store_write_s']:.1f} s", ""),
                 ("store write throughput", f"{numbers['store_chunks_per_s']:.0f} chunks/s", "")]
    rows += [
        ("BM25 index " + ("loaded from its disk cache" if numbers["bm25_cached"] else "build (first search)"),
         f"{numbers['bm25_build_s']:.1f} s", ""),
        ("first search after that", f"{numbers['first_search_s'] * 1000:.0f} ms", ""),
        (f"hybrid search p50 (n={hybrid['n']})", f"{hybrid['p50_ms']:.1f} ms", ""),
        (f"hybrid search p95 (n={hybrid['n']})", f"{hybrid['p95_ms']:.1f} ms",
         f"<= {TARGET_P95_MS:.0f} ms {verdict(hybrid['p95_ms'] <= TARGET_P95_MS)}"),
        (f"hybrid + topic filter {TOPIC} p50 (n={topic['n']})", f"{topic['p50_ms']:.1f} ms", ""),
        (f"hybrid + topic filter {TOPIC} p95 (n={topic['n']})", f"{topic['p95_ms']:.1f} ms",
         f"<= {TARGET_P95_MS:.0f} ms {verdict(topic['p95_ms'] <= TARGET_P95_MS)}"),
        (f"hybrid + the query's own topic as filter p50 (n={own['n']})", f"{own['p50_ms']:.1f} ms", ""),
        (f"hybrid + the query's own topic as filter p95 (n={own['n']})", f"{own['p95_ms']:.1f} ms",
         f"<= {TARGET_P95_MS:.0f} ms {verdict(own['p95_ms'] <= TARGET_P95_MS)}"),
        ("peak RSS after build (before searches)", f"{numbers['peak_rss_after_build_mib']:.0f} MiB", ""),
        ("peak RSS of this process", f"{numbers['peak_rss_mib']:.0f} MiB", ""),
    ]
    parts = [(name, f"{ms:.2f} ms") for name, ms in numbers["parts_ms"].items()]
    profile = [(name, f"{ms:.1f} ms") for name, ms in numbers["profile"]]
    return (f"bench_scale (b): {numbers['chunks']:,} passages, precomputed vectors, real query embedding; "
            f"load average at the end {numbers['load_average']}\n\n"
            + format_table(("measure", "value", "target"), rows)
            + "\n\nsearch steps timed on their own (median per query)\n\n"
            + format_table(("step", "median"), parts)
            + "\n\ncProfile of 50 unfiltered searches (cumulative per search, agent/ functions; profiling inflates "
              "Python-heavy calls)\n\n"
            + format_table(("function", "per search"), profile))


# --- entry point -----------------------------------------------------------------------------------------------
def main() -> None:
    """Run part (a), part (b), or both, each in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, help="(a) ingest this many generated reports")
    parser.add_argument("--chunks", type=int, help="(b) store and search this many passages")
    parser.add_argument("--store", type=Path, help="(b) keep the store here; if it is filled, only search it")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.reports and args.chunks:
        for flag, value in (("--reports", args.reports), ("--chunks", args.chunks)):
            extra = ["--store", str(args.store)] if flag == "--chunks" and args.store else []
            subprocess.run([sys.executable, __file__, flag, str(value), "--seed", str(args.seed), *extra], check=True)
    elif args.reports:
        numbers = run_reports(args.reports, args.seed)
        write_outputs("bench_scale_reports", reports_table(numbers), numbers)
    elif args.chunks:
        numbers = run_chunks(args.chunks, args.seed, args.store)
        name = "bench_scale_chunks" if "store_write_s" in numbers else "bench_scale_chunks_reused_store"
        write_outputs(name, chunks_table(numbers), numbers)
    else:
        parser.error("give --reports N and/or --chunks N")


if __name__ == "__main__":
    main()
