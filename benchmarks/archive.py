"""Archive search at scale: query latency and recall@10 against exact search, both stores.

Synthetic archives of random unit vectors (384 dimensions, all-MiniLM-L6-v2's width) in
stories of 100 paragraphs, loaded through the stores' own ``add``. Two kinds of query:
- ``near``: a stored paragraph with noise added (cosine about 0.9 to it): the seen-before
  case, where a true neighbour exists;
- ``random``: a fresh random vector, the hardest case for an approximate index (random
  vectors have no cluster structure; real embeddings have much more).
Recall@10 is the share of the exact top 10 (numpy over the same vectors) that a store
returns. Latency is one ``nearest(team, vector, 10)`` call, row details included, as the bot
makes it; "article" is one call for 30 paragraphs at k = 5, what one check costs. A second
workspace holding 1% of the rows measures a small team's search among a big team's rows
(pgvector filters after its index scan; the store then falls back to an exact search).

PostgreSQL comes from DATABASE_URL, else pgserver starts one in a temp folder. Its HNSW
index is built after loading (a bulk build is much faster than row-by-row inserts), with
maintenance_work_mem large enough to hold the graph and one parallel worker.

    python -m benchmarks.archive                          # 10k, 100k, 1M paragraphs
    python -m benchmarks.archive --sizes 10000 --queries 50
    python -m benchmarks.archive --postgres-max 100000    # skip pgvector above 100k
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from benchmarks.common import (
    DATA,
    RESULTS,
    machine,
    markdown_table,
    percentile,
    read_tsv,
    require,
    run_main,
    write_results,
)
from bot.archive.base import Archive, NewStory
from bot.archive.settings import open_archive
from bot.core.pairs import ParagraphRef, Passage

DIMENSIONS = 384
PER_STORY = 100
K = 10
TEAM, SMALL_TEAM = "big", "small"


@dataclass
class Row:
    store: str
    paragraphs: int
    load_s: float
    index_s: float | None  # HNSW build (PostgreSQL) or first search's matrix load (SQLite)
    p50_ms: float
    p95_ms: float
    found_near: float
    recall_near: float
    recall_random: float
    article_p50_ms: float | None = None
    after_add_ms: float | None = None
    small_team_recall: float | None = None
    small_team_p50_ms: float | None = None

    def cells(self) -> list[Any]:
        return [
            self.store, f"{self.paragraphs:,}", f"{self.load_s:.0f}",
            "" if self.index_s is None else f"{self.index_s:.1f}",
            f"{self.p50_ms:.1f}", f"{self.p95_ms:.1f}", f"{self.found_near:.3f}",
            f"{self.recall_near:.3f}",
            f"{self.recall_random:.3f}", _shown(self.article_p50_ms, ".0f"),
            _shown(self.after_add_ms, ".1f"),
            _shown(self.small_team_recall, ".3f"), _shown(self.small_team_p50_ms, ".1f"),
        ]


def _shown(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


HEADERS = [
    "store", "paragraphs", "load s", "index s", "p50 ms", "p95 ms", "original found",
    "recall@10 near",
    "recall@10 random", "article p50 ms", "after add ms", "small team recall@10",
    "small team p50 ms",
]


def unit_rows(count: int, rng: np.random.Generator) -> np.ndarray:
    rows = rng.standard_normal((count, DIMENSIONS), dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def near_queries(
    vectors: np.ndarray, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Stored rows plus noise (cosine about 0.9 to the original), and the originals' rows."""
    picked = rng.integers(0, len(vectors), count)
    noisy = vectors[picked] + 0.5 * unit_rows(count, rng)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True), picked


def load(archive: Archive, team: str, vectors: np.ndarray) -> dict[tuple[str, int], int]:
    """Add the vectors as stories of PER_STORY paragraphs; map (story id, paragraph) -> row."""
    where: dict[tuple[str, int], int] = {}
    for start in range(0, len(vectors), PER_STORY):
        chunk = vectors[start : start + PER_STORY]
        passages = [
            Passage(ParagraphRef(0, k), f"p{start + k}", (f"p{start + k}",), v[None, :], v)
            for k, v in enumerate(chunk)
        ]
        story_id = archive.add(team, NewStory(f"https://bench.example/{team}/{start}", None,
                                              passages))
        where.update({(story_id, k): start + k for k in range(len(chunk))})
    return where


def exact_top(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Each query's K nearest rows by exact search (the truth recall is measured against)."""
    scores = queries @ vectors.T
    return np.argpartition(-scores, K - 1, axis=1)[:, :K]  # order does not matter for recall


def measure(
    archive: Archive, team: str, vectors: np.ndarray, where: dict[tuple[str, int], int],
    queries: np.ndarray, planted: np.ndarray | None = None,
) -> tuple[list[float], float, float]:
    """Per-query latencies (ms), mean recall@K against exact search, and the share of queries
    whose planted original came back (the seen-before question)."""
    exact = exact_top(vectors, queries)
    latencies, hits, found = [], 0, 0
    for k, (query, truth) in enumerate(zip(queries, exact, strict=True)):
        started = time.perf_counter()
        [row] = archive.nearest(team, query[None, :], K)
        latencies.append((time.perf_counter() - started) * 1000)
        rows = {where[(p.story.id, p.paragraph)] for p in row}
        hits += len(rows & set(truth.tolist()))
        found += planted is not None and int(planted[k]) in rows
    return latencies, hits / (K * len(queries)), found / len(queries)


def article_latency(archive: Archive, team: str, vectors: np.ndarray,
                    rng: np.random.Generator, repeats: int = 10) -> float:
    times = []
    for _ in range(repeats):
        queries, _ = near_queries(vectors, 30, rng)
        started = time.perf_counter()
        archive.nearest(team, queries, 5)
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50)


def after_add_latency(archive: Archive, rng: np.random.Generator, repeats: int = 5) -> float:
    """A search right after a new story was added (the bot adds one after every check)."""
    times = []
    for n in range(repeats):
        extra = unit_rows(20, rng)
        passages = [
            Passage(ParagraphRef(0, k), f"x{k}", (f"x{k}",), v[None, :], v)
            for k, v in enumerate(extra)
        ]
        archive.add(TEAM, NewStory(f"https://bench.example/new/{n}", None, passages))
        started = time.perf_counter()
        archive.nearest(TEAM, extra[:1], K)
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50)


def bench(store: str, archive: Archive, size: int, queries: int, seed: int,
          build_index: Any = None) -> Row:
    rng = np.random.default_rng(seed)
    small_size = max(size // 100, PER_STORY)
    vectors, small = unit_rows(size, rng), unit_rows(small_size, rng)
    started = time.perf_counter()
    where = load(archive, TEAM, vectors)
    small_where = load(archive, SMALL_TEAM, small)
    load_s = time.perf_counter() - started
    print(f"  {store} {size:,}: loaded in {load_s:.0f} s", flush=True)
    index_s = None
    if build_index is not None:
        started = time.perf_counter()
        build_index()
        index_s = time.perf_counter() - started
        print(f"  {store} {size:,}: index built in {index_s:.1f} s", flush=True)
    else:  # the first search loads the team's matrix; time it apart from the queries
        started = time.perf_counter()
        archive.nearest(TEAM, vectors[:1], K)
        index_s = time.perf_counter() - started
    near, near_recall, near_found = measure(
        archive, TEAM, vectors, where, *near_queries(vectors, queries, rng)
    )
    _, random_recall, _ = measure(archive, TEAM, vectors, where, unit_rows(queries, rng))
    small_times, small_recall, _ = measure(
        archive, SMALL_TEAM, small, small_where, *near_queries(small, max(queries // 2, 10), rng)
    )
    row = Row(
        store, size, load_s, index_s, percentile(near, 50), percentile(near, 95), near_found,
        near_recall, random_recall, article_latency(archive, TEAM, vectors, rng),
        after_add_latency(archive, rng), small_recall, percentile(small_times, 50),
    )
    print("  " + " | ".join(str(c) for c in row.cells()), flush=True)
    return row


@contextmanager
def postgres_server() -> Iterator[str]:
    given = os.environ.get("DATABASE_URL", "").strip()
    if given:
        yield given
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver
    data = Path(tempfile.mkdtemp(prefix="checkdupes-bench-pg-"))
    server = pgserver.get_server(data, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def postgres_archive(server_url: str, name: str) -> Iterator[tuple[Archive, str]]:
    """An empty PostgreSQL archive in a schema of its own, dropped afterwards (a DATABASE_URL's
    own tables are never touched); yields it and its URL."""
    import psycopg

    schema = f"checkdupes_bench_{name}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server_url else "?"
    url = f"{server_url}{separator}options={quote(f'-c search_path={schema},public')}"
    archive = open_archive(url, None, retention_days=0)
    assert archive is not None
    try:
        yield archive, url
    finally:
        archive.close()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def sqlite_archive() -> Iterator[Archive]:
    folder = Path(tempfile.mkdtemp(prefix="checkdupes-bench-sqlite-"))
    archive = open_archive(None, str(folder / "archive.sqlite3"), retention_days=0)
    assert archive is not None
    try:
        yield archive
    finally:
        archive.close()
        shutil.rmtree(folder, ignore_errors=True)


def bench_postgres(server_url: str, size: int, queries: int, seed: int) -> Row:
    import psycopg

    from bot.archive.postgres_store import PARAGRAPHS, VECTOR_INDEX, VECTOR_INDEX_DDL

    with postgres_archive(server_url, str(size)) as (archive, url):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP INDEX {VECTOR_INDEX}")  # bulk load first, build once after

        def build_index() -> None:
            with psycopg.connect(url, autocommit=True) as conn:
                # The graph must fit in maintenance_work_mem or the build is many times slower.
                conn.execute("SET maintenance_work_mem = '6GB'")
                conn.execute("SET max_parallel_maintenance_workers = 1")  # 2 cores: leader + 1
                conn.execute(VECTOR_INDEX_DDL)
                conn.execute(f"ANALYZE {PARAGRAPHS}")

        return bench("postgres+pgvector", archive, size, queries, seed, build_index)


# --- real embeddings -------------------------------------------------------------------------


def mrpc_vectors() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MRPC sentences encoded with all-MiniLM-L6-v2 (cached in benchmarks/results).

    Returns (archive rows, paraphrase queries, each query's original row): the archive holds
    every pair's first sentence and the second of the non-paraphrase pairs; the queries are
    the second sentences of the paraphrase pairs, whose first sentence is the original.
    """
    cache = RESULTS / "archive-mrpc-vectors.npz"
    if cache.exists():
        saved = np.load(cache)
        return saved["rows"], saved["queries"], saved["originals"]
    pairs = []
    for name in ("mrpc_train.tsv", "mrpc_test.tsv"):
        path = require(DATA / "paraphrase" / "mrpc" / name)
        pairs += [(r["label"] == "1", r["s1"], r["s2"]) for r in read_tsv(path)]
    texts = [s1 for _, s1, _ in pairs] + [s2 for same, _, s2 in pairs if not same]
    queries = [s2 for same, _, s2 in pairs if same]
    originals = np.array([k for k, (same, _, _) in enumerate(pairs) if same])
    from bot.core.embed import SentenceTransformerEncoder

    print(f"  encoding {len(texts) + len(queries):,} MRPC sentences (once; cached)", flush=True)
    encoder = SentenceTransformerEncoder()
    rows, query_rows = encoder.encode(texts), encoder.encode(queries)
    RESULTS.mkdir(parents=True, exist_ok=True)
    np.savez(cache, rows=rows, queries=query_rows, originals=originals)
    return rows, query_rows, originals


def bench_real(store: str, archive: Archive, queries: int, seed: int) -> Row:
    """Recall on real embeddings: MRPC paraphrases looked up in an archive of MRPC sentences."""
    rows, all_queries, originals = mrpc_vectors()
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(all_queries), min(queries, len(all_queries)), replace=False)
    started = time.perf_counter()
    where = load(archive, TEAM, rows)
    load_s = time.perf_counter() - started
    # PostgreSQL: the HNSW index exists from the start and grows row by row, as in the bot.
    times, recall, found = measure(
        archive, TEAM, rows, where, all_queries[picked], originals[picked]
    )
    _, random_recall, _ = measure(archive, TEAM, rows, where, unit_rows(queries, rng))
    row = Row(
        f"{store} (MRPC, real)", len(rows), load_s, None, percentile(times, 50),
        percentile(times, 95), found, recall, random_recall,
    )
    print("  " + " | ".join(str(c) for c in row.cells()), flush=True)
    return row


def synthetic_rows(args: argparse.Namespace) -> list[Row]:
    rows = []
    if "sqlite" in args.stores:
        for size in args.sizes:
            with sqlite_archive() as archive:
                rows.append(bench("sqlite+numpy", archive, size, args.queries, args.seed))
    if "postgres" in args.stores:
        with postgres_server() as url:
            rows += [
                bench_postgres(url, size, args.queries, args.seed)
                for size in args.sizes
                if size <= args.postgres_max
            ]
    return rows


def real_rows(args: argparse.Namespace) -> list[Row]:
    rows = []
    if "sqlite" in args.stores:
        with sqlite_archive() as archive:
            rows.append(bench_real("sqlite+numpy", archive, args.queries, args.seed))
    if "postgres" in args.stores:
        with postgres_server() as server_url, postgres_archive(server_url, "real") as (archive, _):
            rows.append(bench_real("postgres+pgvector", archive, args.queries, args.seed))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"],
                        choices=["sqlite", "postgres"])
    parser.add_argument("--postgres-max", type=int, default=1_000_000,
                        help="largest synthetic archive to build in PostgreSQL")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--real", action="store_true",
                        help="instead: real all-MiniLM-L6-v2 vectors of MRPC sentences "
                        "(../shared/data), their paraphrases as queries")
    args = parser.parse_args()
    rows = real_rows(args) if args.real else synthetic_rows(args)
    print()
    print(markdown_table(HEADERS, [row.cells() for row in rows]))
    print(f"\nmachine: {machine()}")
    name = "archive-real" if args.real else "archive"
    write_results(name, {"args": vars(args), "rows": [vars(row) for row in rows]})


if __name__ == "__main__":
    run_main(main)
