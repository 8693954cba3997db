"""The embedded archive: one SQLite file, exact nearest-neighbour search with numpy.

Vectors are stored as float32 blobs. The first search of a team loads its vectors into an
in-memory ExactIndex; later searches first apply the change log (stories added or removed
since, by this process or another one on the same file) to it, so a new story costs a read
of its own rows, not of the whole team. Exact search is a matrix product: about 0.1 s a
query at a million paragraphs on two cores (docs/benchmarks.md); past that, or for
several machines, use PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

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
from bot.archive.exact_index import ExactIndex
from bot.core.embed import Vectors
from bot.core.seen_before import ArchivedParagraph, StoryRef

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    channel TEXT,
    checked_at REAL NOT NULL,  -- seconds since the epoch, UTC
    asked_by TEXT,  -- the Slack user who asked for the check; NULL: unknown
    UNIQUE (team, source)
);
CREATE INDEX IF NOT EXISTS stories_checked_at ON stories (checked_at);
CREATE TABLE IF NOT EXISTS paragraphs (
    -- AUTOINCREMENT: an id is never reused (nor renumbered by VACUUM, as a plain rowid can
    -- be), so the ids a process holds in memory keep naming the same paragraph.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    team TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    sentences TEXT NOT NULL,  -- JSON list of the sentences' texts
    vector BLOB NOT NULL,  -- float32[dimensions]
    sentence_vectors BLOB NOT NULL,  -- float32[len(sentences) * dimensions]
    -- A private story's channel, the only one its paragraphs are shown in; NULL: public.
    -- Kept per paragraph so that loading a team's index needs no join.
    scope TEXT,
    UNIQUE (story_id, position)
);
CREATE INDEX IF NOT EXISTS paragraphs_team ON paragraphs (team);
-- What happened to whose stories, in order: what a process's in-memory index has to apply.
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team TEXT NOT NULL,
    story_id TEXT NOT NULL,
    added INTEGER NOT NULL,  -- 1: added, 0: removed
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_team ON changes (team, id);
CREATE INDEX IF NOT EXISTS changes_at ON changes (at);
CREATE TABLE IF NOT EXISTS channels (
    team TEXT NOT NULL,
    channel TEXT NOT NULL,
    archiving INTEGER NOT NULL,
    PRIMARY KEY (team, channel)
);
"""


CHANGES_KEPT = timedelta(days=2)  # a process idle for longer reloads its index
RELOAD_SHARE = 0.25  # reload once this share of an index's rows belongs to removed stories


@dataclass
class _TeamIndex:
    index: ExactIndex
    last_change: int  # changes.id applied up to


class SqliteArchive:
    def __init__(
        self,
        path: str | Path,
        *,
        dimensions: int = DIMENSIONS,
        retention_days: int = RETENTION_DAYS,
        clock: Clock = utc_now,
    ) -> None:
        self.dimensions = dimensions
        self.retention_days = validate_retention(retention_days)
        self._clock = clock
        # One connection shared by the bot's worker threads, serialised by a lock: SQLite
        # serialises writes anyway, and the search itself (numpy) runs outside the lock.
        self._lock = threading.RLock()
        self._indexes: dict[str, _TeamIndex] = {}
        try:
            self._db = sqlite3.connect(
                str(path), check_same_thread=False, isolation_level=None, timeout=30
            )
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
            # With WAL this cannot corrupt the file; a power cut may lose the last story added.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)
            self._add_missing_columns()
            self._check_dimensions()
        except sqlite3.Error as error:
            raise ArchiveError(f"cannot open the archive {path}: {error}") from None

    def _check_dimensions(self) -> None:
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'dimensions'").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('dimensions', ?)",
                    (str(self.dimensions),),
                )
            elif int(row[0]) != self.dimensions:
                raise ArchiveError(
                    f"the archive holds {row[0]}-dimensional vectors, not {self.dimensions}: "
                    "it was built with another model"
                )

    def _add_missing_columns(self) -> None:
        # Files made before private stories existed (their stories were all public), or
        # before the asker was kept (their stories can be forgotten by admins only). In a
        # transaction, so that two processes opening an old file at once add each once.
        with self._transaction() as db:
            for table, column in (("paragraphs", "scope"), ("stories", "asked_by")):
                columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that must agree with each other (the change log and the rows it names)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- stories ---------------------------------------------------------------------------

    def add(self, team: str, story: NewStory) -> str:
        check_team(team)
        vectors = story_vectors(story, self.dimensions)
        scope = story_scope(story)
        story_id = new_story_id()
        now = self._clock()
        with self._transaction() as db:
            self._prune(db, now)
            self._delete(db, now, "team = ? AND source = ?", (team, story.source))
            db.execute(
                "INSERT INTO stories (id, team, source, title, channel, checked_at, asked_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (story_id, team, story.source, story.title, story.channel, now.timestamp(),
                 story.asked_by),
            )
            db.executemany(
                "INSERT INTO paragraphs (story_id, team, position, text, sentences, vector, "
                "sentence_vectors, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        story_id,
                        team,
                        k,
                        p.text,
                        json.dumps(list(p.sentences), ensure_ascii=False),
                        vector.tobytes(),
                        check_vectors(p.sentence_vectors, self.dimensions).tobytes(),
                        scope,
                    )
                    for k, (p, vector) in enumerate(zip(story.passages, vectors, strict=True))
                ],
            )
            self._log(db, now, [(team, story_id)], added=True)
        return story_id

    def list(self, team: str) -> Sequence[StoryListing]:
        check_team(team)
        with self._lock:
            rows = self._db.execute(
                "SELECT s.id, s.source, s.title, s.checked_at, s.channel, "
                "(SELECT count(*) FROM paragraphs p WHERE p.story_id = s.id) "
                "FROM stories s WHERE s.team = ? ORDER BY s.checked_at DESC, s.rowid DESC",
                (team,),
            ).fetchall()
        return [StoryListing(_story(*row[:4]), row[4], row[5]) for row in rows]

    def forget(self, team: str, link: str, *, asked_by: str | None = None) -> int:
        check_team(team)
        where = "team = ? AND (source = ? OR id = ?)"
        parameters: tuple[str, ...] = (team, link, link)
        if asked_by is not None:
            where, parameters = where + " AND asked_by = ?", (*parameters, asked_by)
        with self._transaction() as db:
            return self._delete(db, self._clock(), where, parameters)

    def prune(self) -> int:
        with self._transaction() as db:
            return self._prune(db, self._clock())

    def _prune(self, db: sqlite3.Connection, now: datetime) -> int:
        old = now - CHANGES_KEPT
        trimmed = db.execute("SELECT max(id) FROM changes WHERE at < ?", (old.timestamp(),))
        last = trimmed.fetchone()[0]
        if last is not None:
            db.execute("DELETE FROM changes WHERE id <= ?", (last,))
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('changes_trimmed_to', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(last),),
            )
        cutoff = retention_cutoff(now, self.retention_days)
        if cutoff is None:
            return 0
        return self._delete(db, now, "checked_at < ?", (cutoff.timestamp(),))

    def _delete(
        self, db: sqlite3.Connection, now: datetime, where: str, parameters: tuple[object, ...]
    ) -> int:
        """Delete the stories matching `where` (their paragraphs go with them) and log it."""
        doomed = db.execute(f"SELECT team, id FROM stories WHERE {where}", parameters).fetchall()
        if doomed:
            db.executemany("DELETE FROM stories WHERE id = ?", [(i,) for _, i in doomed])
            self._log(db, now, doomed, added=False)
        return len(doomed)

    def _log(
        self, db: sqlite3.Connection, now: datetime, stories: Sequence[tuple[str, str]],
        *, added: bool,
    ) -> None:
        db.executemany(
            "INSERT INTO changes (team, story_id, added, at) VALUES (?, ?, ?, ?)",
            [(team, story_id, int(added), now.timestamp()) for team, story_id in stories],
        )

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
        index = self._index(team)
        excluded = self._story_ids(team, exclude_sources)
        ids = index.search(queries, k, exclude=excluded, channel=channel)
        found = self._paragraphs({i for row in ids for i in row})
        return [[found[i] for i in row] for row in ids]

    def _index(self, team: str) -> ExactIndex:
        """The team's in-memory index, brought up to date with the change log."""
        with self._snapshot() as db:
            cached = self._indexes.get(team)
            trimmed = db.execute("SELECT value FROM meta WHERE key = 'changes_trimmed_to'")
            row = trimmed.fetchone()
            if cached is None or cached.last_change < (int(row[0]) if row else 0):
                cached = self._load(db, team)  # never loaded, or the log moved on without us
            else:
                self._catch_up(db, team, cached)
                if cached.index.removed_share > RELOAD_SHARE:
                    cached = self._load(db, team)
            self._indexes[team] = cached
        return cached.index

    def _load(self, db: sqlite3.Connection, team: str) -> _TeamIndex:
        last = db.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
        index = ExactIndex(self.dimensions)
        self._append(db, index, "team = ?", (team,))
        return _TeamIndex(index, last)

    def _catch_up(self, db: sqlite3.Connection, team: str, cached: _TeamIndex) -> None:
        changes = db.execute(
            "SELECT id, story_id, added FROM changes WHERE team = ? AND id > ? ORDER BY id",
            (team, cached.last_change),
        ).fetchall()
        if not changes:
            return
        removed = {story_id for _, story_id, added in changes if not added}
        added = [story_id for _, story_id, was_added in changes if was_added]
        added = [story_id for story_id in added if story_id not in removed]
        if added:
            marks = ",".join("?" * len(added))
            self._append(db, cached.index, f"story_id IN ({marks})", tuple(added))
        cached.index.remove(removed)
        cached.last_change = changes[-1][0]

    def _append(
        self, db: sqlite3.Connection, index: ExactIndex, where: str, parameters: tuple[str, ...]
    ) -> None:
        rows = db.execute(
            f"SELECT id, story_id, vector, scope FROM paragraphs WHERE {where}", parameters
        ).fetchall()
        index.append(
            [r[0] for r in rows],
            [r[1] for r in rows],
            np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32),
            [r[3] for r in rows],
        )

    def _story_ids(self, team: str, sources: Collection[str]) -> set[str]:
        if not sources:
            return set()
        marks = ",".join("?" * len(sources))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM stories WHERE team = ? AND source IN ({marks})",
                (team, *sources),
            ).fetchall()
        return {row[0] for row in rows}

    def _paragraphs(self, ids: set[int]) -> dict[int, ArchivedParagraph]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                "SELECT p.id, s.id, s.source, s.title, s.checked_at, p.position, p.text, "
                "p.sentences, p.sentence_vectors, p.vector FROM paragraphs p "
                f"JOIN stories s ON s.id = p.story_id WHERE p.id IN ({marks})",
                tuple(ids),
            ).fetchall()
        found = {}
        for paragraph_id, *story, position, text, sentences, svec, vec in rows:
            found[paragraph_id] = ArchivedParagraph(
                story=_story(*story),
                paragraph=position,
                text=text,
                sentences=tuple(json.loads(sentences)),
                sentence_vectors=np.frombuffer(svec, dtype=np.float32).reshape(
                    -1, self.dimensions
                ),
                vector=np.frombuffer(vec, dtype=np.float32),
            )
        return found

    # --- per-channel opt-out ---------------------------------------------------------------

    def set_channel_archiving(self, team: str, channel: str, on: bool) -> None:
        check_team(team)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO channels (team, channel, archiving) VALUES (?, ?, ?) "
                "ON CONFLICT (team, channel) DO UPDATE SET archiving = excluded.archiving",
                (team, channel, int(on)),
            )

    def channel_archiving(self, team: str, channel: str) -> bool:
        check_team(team)
        with self._lock:
            row = self._db.execute(
                "SELECT archiving FROM channels WHERE team = ? AND channel = ?", (team, channel)
            ).fetchone()
        return True if row is None else bool(row[0])


def _story(story_id: str, source: str, title: str | None, checked_at: float) -> StoryRef:
    return StoryRef(story_id, source, title, datetime.fromtimestamp(checked_at, UTC))
