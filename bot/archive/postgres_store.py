"""The shared archive: PostgreSQL with pgvector, for several bot processes or a big archive.

Paragraph vectors live in a ``vector(dimensions)`` column under an HNSW index
(vector_cosine_ops), so a search reads a few hundred index pages instead of every row.
pgvector before 0.8 filters *after* the index scan: a team holding a small share of the
rows could get fewer than k neighbours from the index, so a short answer is asked again
with the index turned off (an exact search over that team's rows, through its btree index).

Tables are prefixed ``checkdupes_`` so the archive can share a database with other things.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from bot.archive.base import (
    DIMENSIONS,
    RETENTION_DAYS,
    ArchiveError,
    Clock,
    NewStory,
    StoryListing,
    check_team,
    check_vectors,
    new_story_id,
    retention_cutoff,
    story_scope,
    story_vectors,
    utc_now,
    validate_retention,
)
from bot.core.embed import Vectors
from bot.core.seen_before import ArchivedParagraph, StoryRef

STORIES, PARAGRAPHS = "checkdupes_stories", "checkdupes_paragraphs"
VECTOR_INDEX = "checkdupes_paragraphs_embedding"
# m = 16, ef_construction = 64: pgvector's defaults.
VECTOR_INDEX_DDL = (
    f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON {PARAGRAPHS} "
    "USING hnsw (embedding vector_cosine_ops)"
)
EF_SEARCH = 100  # HNSW candidate list per search: recall vs latency (docs/benchmarks.md)


def schema(dimensions: int) -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS vector",
        "CREATE TABLE IF NOT EXISTS checkdupes_meta (key text PRIMARY KEY, value text NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS {STORIES} (
            id text PRIMARY KEY,
            team text NOT NULL,
            source text NOT NULL,
            title text,
            channel text,
            checked_at timestamptz NOT NULL,
            UNIQUE (team, source)
        )""",
        f"CREATE INDEX IF NOT EXISTS {STORIES}_checked_at ON {STORIES} (checked_at)",
        f"""CREATE TABLE IF NOT EXISTS {PARAGRAPHS} (
            id bigserial PRIMARY KEY,
            story_id text NOT NULL REFERENCES {STORIES} (id) ON DELETE CASCADE,
            team text NOT NULL,
            position integer NOT NULL,
            text text NOT NULL,
            sentences text[] NOT NULL,
            embedding vector({int(dimensions)}) NOT NULL,
            sentence_vectors bytea NOT NULL,  -- float32[len(sentences) * dimensions]
            UNIQUE (story_id, position)
        )""",
        # A private story's channel, the only one its paragraphs are shown in; NULL: public.
        # On the paragraph, so the vector search filters on it without a join. Added apart
        # from CREATE TABLE for archives made before private stories (all public).
        f"ALTER TABLE {PARAGRAPHS} ADD COLUMN IF NOT EXISTS scope text",
        # The Slack user who asked for the check, who may forget it; NULL (archives made
        # before it was kept, the CLI): only a workspace admin may.
        f"ALTER TABLE {STORIES} ADD COLUMN IF NOT EXISTS asked_by text",
        f"CREATE INDEX IF NOT EXISTS {PARAGRAPHS}_team ON {PARAGRAPHS} (team)",
        VECTOR_INDEX_DDL,
        """CREATE TABLE IF NOT EXISTS checkdupes_channels (
            team text NOT NULL,
            channel text NOT NULL,
            archiving boolean NOT NULL,
            PRIMARY KEY (team, channel)
        )""",
    ]


class PostgresArchive:
    def __init__(
        self,
        url: str,
        *,
        dimensions: int = DIMENSIONS,
        retention_days: int = RETENTION_DAYS,
        clock: Clock = utc_now,
        ef_search: int = EF_SEARCH,
    ) -> None:
        self.dimensions = dimensions
        self.retention_days = validate_retention(retention_days)
        self.ef_search = ef_search
        self._url = url
        self._clock = clock
        # One connection shared by the worker threads (psycopg connections are thread-safe
        # but run one statement at a time); reopened if the server dropped it.
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
        try:
            self._create_schema()
        except psycopg.Error as error:
            raise ArchiveError(f"cannot open the PostgreSQL archive: {_one_line(error)}") from None

    # --- connection ------------------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = psycopg.connect(self._url, autocommit=True)
            register_vector(self._conn)  # numpy arrays <-> vector, after the extension exists
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            conn = self._connection()
            with conn.transaction():
                yield conn

    def _create_schema(self) -> None:
        with self._lock:
            conn = psycopg.connect(self._url, autocommit=True)
            try:
                with conn.transaction():
                    # Two processes starting at once would race on CREATE ... IF NOT EXISTS.
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext('checkdupes_schema'))")
                    for statement in schema(self.dimensions):
                        conn.execute(statement)
                    row = conn.execute(
                        "SELECT value FROM checkdupes_meta WHERE key = 'dimensions'"
                    ).fetchone()
                    if row is None:
                        conn.execute(
                            "INSERT INTO checkdupes_meta (key, value) VALUES ('dimensions', %s)",
                            (str(self.dimensions),),
                        )
                    elif int(row[0]) != self.dimensions:
                        raise ArchiveError(
                            f"the archive holds {row[0]}-dimensional vectors, not "
                            f"{self.dimensions}: it was built with another model"
                        )
            finally:
                conn.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- stories ---------------------------------------------------------------------------

    def add(self, team: str, story: NewStory) -> str:
        check_team(team)
        vectors = story_vectors(story, self.dimensions)
        scope = story_scope(story)
        story_id = new_story_id()
        now = self._clock()
        with self._transaction() as conn:
            self._prune(conn, now)
            conn.execute(
                f"DELETE FROM {STORIES} WHERE team = %s AND source = %s", (team, story.source)
            )
            conn.execute(
                f"INSERT INTO {STORIES} (id, team, source, title, channel, checked_at, asked_by) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (story_id, team, story.source, story.title, story.channel, now, story.asked_by),
            )
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {PARAGRAPHS} (story_id, team, position, text, sentences, "
                    "embedding, sentence_vectors, scope) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            story_id,
                            team,
                            k,
                            p.text,
                            list(p.sentences),
                            vector,
                            check_vectors(p.sentence_vectors, self.dimensions).tobytes(),
                            scope,
                        )
                        for k, (p, vector) in enumerate(zip(story.passages, vectors, strict=True))
                    ],
                )
        return story_id

    def list(self, team: str) -> Sequence[StoryListing]:
        check_team(team)
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT s.id, s.source, s.title, s.checked_at, s.channel, "
                f"(SELECT count(*) FROM {PARAGRAPHS} p WHERE p.story_id = s.id) "
                f"FROM {STORIES} s WHERE s.team = %s ORDER BY s.checked_at DESC, s.id",
                (team,),
            ).fetchall()
        return [StoryListing(_story(*row[:4]), row[4], row[5]) for row in rows]

    def forget(self, team: str, link: str, *, asked_by: str | None = None) -> int:
        check_team(team)
        # asked_by = NULL is never true: stories of an unknown asker stay, as they should.
        mine = "" if asked_by is None else " AND asked_by = %s"
        parameters = (team, link, link) + (() if asked_by is None else (asked_by,))
        with self._transaction() as conn:
            cursor = conn.execute(
                f"DELETE FROM {STORIES} WHERE team = %s AND (source = %s OR id = %s){mine}",
                parameters,
            )
            return cursor.rowcount

    def prune(self) -> int:
        with self._transaction() as conn:
            return self._prune(conn, self._clock())

    def _prune(self, conn: psycopg.Connection[Any], now: datetime) -> int:
        cutoff = retention_cutoff(now, self.retention_days)
        if cutoff is None:
            return 0
        return conn.execute(f"DELETE FROM {STORIES} WHERE checked_at < %s", (cutoff,)).rowcount

    # --- search ----------------------------------------------------------------------------

    def nearest(
        self,
        team: str,
        vectors: Vectors,
        k: int,
        *,
        exclude_sources: Collection[str] = (),
        channel: str | None = None,
    ) -> Sequence[Sequence[ArchivedParagraph]]:
        check_team(team)
        queries = check_vectors(vectors, self.dimensions)
        if k <= 0:
            return [[] for _ in range(len(queries))]
        with self._transaction() as conn:
            excluded = [
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM {STORIES} WHERE team = %s AND source = ANY(%s)",
                    (team, list(exclude_sources)),
                )
            ]
            conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (str(self.ef_search),))
            ids = [
                self._nearest_ids(conn, team, query, k, excluded, channel) for query in queries
            ]
            short = [i for i, found in enumerate(ids) if len(found) < k]
            if short:
                # Post-filtering left some answers short: ask those again without the index.
                conn.execute("SELECT set_config('enable_indexscan', 'off', true)")
                for i in short:
                    ids[i] = self._nearest_ids(conn, team, queries[i], k, excluded, channel)
            found = self._paragraphs(conn, {pid for row in ids for pid in row})
        return [[found[pid] for pid in row] for row in ids]

    def _nearest_ids(
        self,
        conn: psycopg.Connection[Any],
        team: str,
        query: np.ndarray,
        k: int,
        excluded: Sequence[str],
        channel: str | None,
    ) -> Sequence[int]:
        # scope = NULL is never true: with no channel, only public stories are visible.
        rows = conn.execute(
            f"SELECT id FROM {PARAGRAPHS} WHERE team = %s AND story_id <> ALL(%s) "
            "AND (scope IS NULL OR scope = %s) ORDER BY embedding <=> %s LIMIT %s",
            (team, list(excluded), channel, query, k),
        ).fetchall()
        return [row[0] for row in rows]

    def _paragraphs(
        self, conn: psycopg.Connection[Any], ids: set[int]
    ) -> dict[int, ArchivedParagraph]:
        if not ids:
            return {}
        rows = conn.execute(
            f"SELECT p.id, s.id, s.source, s.title, s.checked_at, p.position, p.text, "
            f"p.sentences, p.sentence_vectors, p.embedding FROM {PARAGRAPHS} p "
            f"JOIN {STORIES} s ON s.id = p.story_id WHERE p.id = ANY(%s)",
            (list(ids),),
        ).fetchall()
        found = {}
        for pid, story_id, source, title, checked_at, position, text, sentences, svec, vec in rows:
            found[pid] = ArchivedParagraph(
                story=_story(story_id, source, title, checked_at),
                paragraph=position,
                text=text,
                sentences=tuple(sentences),
                sentence_vectors=np.frombuffer(svec, dtype=np.float32).reshape(
                    -1, self.dimensions
                ),
                vector=vec.to_numpy().astype(np.float32, copy=False),
            )
        return found

    # --- per-channel opt-out ---------------------------------------------------------------

    def set_channel_archiving(self, team: str, channel: str, on: bool) -> None:
        check_team(team)
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO checkdupes_channels (team, channel, archiving) VALUES (%s, %s, %s) "
                "ON CONFLICT (team, channel) DO UPDATE SET archiving = excluded.archiving",
                (team, channel, on),
            )

    def channel_archiving(self, team: str, channel: str) -> bool:
        check_team(team)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT archiving FROM checkdupes_channels WHERE team = %s AND channel = %s",
                (team, channel),
            ).fetchone()
        return True if row is None else bool(row[0])


def _story(story_id: str, source: str, title: str | None, checked_at: datetime) -> StoryRef:
    # timestamptz comes back in the session's time zone; reports speak UTC.
    return StoryRef(story_id, source, title, checked_at.astimezone(UTC))


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
