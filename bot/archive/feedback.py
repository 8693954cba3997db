"""What editors told the bot through its buttons, and what the buttons need to answer.

Two kinds of row, per workspace (team):

- verdicts: "not a repeat" on a pair of passages, known by their normalised text
  (``bot.core.lexical.normalize``, hashed), so the pair is recognised in any later article
  wherever it stands. Checks drop those pairs before grouping (``drop_not_repeats``);
  ``checkdupes feedback export`` turns them into labelled hard negatives.
- reports: what one posted report showed (its paragraphs and groups), the request that asked
  for it and the messages it was posted in, keyed by an id the buttons carry. Any process with
  the store can answer a button, a worker in Redis mode included. Kept REPORT_DAYS.

Where it lives: the archive's database when there is one (PostgreSQL with DATABASE_URL, the
CHECKDUPES_ARCHIVE SQLite file), else a SQLite file of its own (CHECKDUPES_FEEDBACK).
Tables are prefixed ``checkdupes_feedback_`` so they sit beside the archive's.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from bot.archive.base import ArchiveError
from bot.core.analyze import Report
from bot.core.groups import group_pairs
from bot.core.lexical import normalize
from bot.core.pairs import ParagraphRef

DEFAULT_PATH = "checkdupes-feedback.sqlite3"
REPORT_DAYS = 30  # a button older than this answers that the report is too old
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")

PairKey = tuple[str, str]  # the two passages' text hashes, in order


def text_key(text: str) -> str:
    """A passage as verdicts know it: its normalised text, hashed (fixed size for an index)."""
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:32]


def pair_key(a: str, b: str) -> PairKey:
    ka, kb = text_key(a), text_key(b)
    return (ka, kb) if ka <= kb else (kb, ka)


@dataclass(frozen=True)
class GroupRecord:
    paragraphs: tuple[ParagraphRef, ...]
    cut: tuple[ParagraphRef, ...]
    kinds: tuple[str, ...]
    pairs: tuple[tuple[ParagraphRef, ParagraphRef], ...]


@dataclass(frozen=True)
class ReportRecord:
    """One posted report, as its buttons need it (no vectors, no Slack objects)."""

    id: str
    team: str
    channel: str
    asker: str | None  # who asked for the check: may undo "not a repeat" besides admins
    source_ts: str | None  # the message checked (an edit of it is checked again)
    thread_ts: str | None  # where the report is
    messages: tuple[str, ...]  # ts of the report's messages, in order
    request: Mapping[str, Any]  # CheckRequest.to_payload(), for "Check again"
    titles: tuple[str, ...]
    paragraphs: tuple[tuple[str, ...], ...]  # per document
    groups: tuple[GroupRecord, ...]
    created_at: float = 0.0

    def text(self, ref: ParagraphRef) -> str:
        return self.paragraphs[ref.doc][ref.paragraph]

    def to_json(self) -> str:
        def ref(r: ParagraphRef) -> list[int]:
            return [r.doc, r.paragraph]

        return json.dumps({
            "team": self.team, "channel": self.channel, "asker": self.asker,
            "source_ts": self.source_ts, "thread_ts": self.thread_ts,
            "messages": list(self.messages), "request": dict(self.request),
            "titles": list(self.titles), "paragraphs": [list(p) for p in self.paragraphs],
            "groups": [{"paragraphs": [ref(r) for r in g.paragraphs],
                        "cut": [ref(r) for r in g.cut], "kinds": list(g.kinds),
                        "pairs": [[ref(a), ref(b)] for a, b in g.pairs]} for g in self.groups],
        })

    @classmethod
    def from_json(cls, report_id: str, body: str, created_at: float) -> ReportRecord:
        data = json.loads(body)

        def refs(items: Sequence[Sequence[int]]) -> tuple[ParagraphRef, ...]:
            return tuple(ParagraphRef(int(d), int(p)) for d, p in items)

        groups = tuple(
            GroupRecord(refs(g["paragraphs"]), refs(g["cut"]), tuple(g["kinds"]),
                        tuple((ParagraphRef(*a), ParagraphRef(*b)) for a, b in g["pairs"]))
            for g in data["groups"]
        )
        return cls(
            id=report_id, team=data["team"], channel=data["channel"], asker=data.get("asker"),
            source_ts=data.get("source_ts"), thread_ts=data.get("thread_ts"),
            messages=tuple(data.get("messages") or ()), request=data.get("request") or {},
            titles=tuple(data.get("titles") or ()),
            paragraphs=tuple(tuple(p) for p in data["paragraphs"]), groups=groups,
            created_at=created_at,
        )


def new_report_id() -> str:
    return uuid.uuid4().hex[:16]


def record_report(
    report: Report,
    *,
    report_id: str,
    team: str,
    channel: str,
    asker: str | None,
    source_ts: str | None,
    thread_ts: str | None,
    request: Mapping[str, Any],
    messages: Sequence[str] = (),
) -> ReportRecord:
    return ReportRecord(
        id=report_id, team=team, channel=channel, asker=asker, source_ts=source_ts,
        thread_ts=thread_ts, messages=tuple(messages), request=request,
        titles=tuple(d.title or d.source for d in report.documents),
        paragraphs=tuple(tuple(p.text for p in d.paragraphs) for d in report.documents),
        groups=tuple(
            GroupRecord(g.paragraphs, g.cut, tuple(g.kinds), tuple((p.a, p.b) for p in g.pairs))
            for g in report.groups
        ),
    )


def drop_not_repeats(report: Report, not_repeats: Collection[PairKey]) -> Report:
    """``report`` without the pairs a workspace marked "not a repeat", grouped again."""
    if not not_repeats or not report.pairs:
        return report

    def text(ref: ParagraphRef) -> str:
        return report.documents[ref.doc].paragraphs[ref.paragraph].text

    kept = tuple(p for p in report.pairs if pair_key(text(p.a), text(p.b)) not in not_repeats)
    if len(kept) == len(report.pairs):
        return report
    return replace(report, pairs=kept, groups=group_pairs(kept))


@dataclass(frozen=True)
class Verdict:
    team: str
    text_a: str
    text_b: str
    user: str | None
    created_at: float


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS checkdupes_feedback_verdicts (
        team TEXT NOT NULL,
        key_a TEXT NOT NULL,
        key_b TEXT NOT NULL,
        text_a TEXT NOT NULL,
        text_b TEXT NOT NULL,
        user_id TEXT,
        report_id TEXT,
        group_index INTEGER,
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (team, key_a, key_b)
    )""",
    """CREATE INDEX IF NOT EXISTS checkdupes_feedback_verdicts_report
        ON checkdupes_feedback_verdicts (report_id, group_index)""",
    """CREATE TABLE IF NOT EXISTS checkdupes_feedback_reports (
        id TEXT PRIMARY KEY,
        team TEXT NOT NULL,
        channel TEXT NOT NULL,
        source_ts TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        body TEXT NOT NULL
    )""",
    """CREATE INDEX IF NOT EXISTS checkdupes_feedback_reports_source
        ON checkdupes_feedback_reports (channel, source_ts)""",
)


class FeedbackStore:
    """SQLite or PostgreSQL behind the same SQL (``?`` placeholders, rewritten for psycopg).

    One connection, serialised by a lock: every statement is a short key lookup or write.
    """

    def __init__(
        self,
        connect: Callable[[], Any],
        *,
        placeholder: str = "?",
        where: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._connect = connect
        self._placeholder = placeholder
        self._clock = clock
        self.where = where  # for messages: which file or database
        self._lock = threading.RLock()
        self._db: Any = None
        with self._cursor() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- verdicts ---------------------------------------------------------------------------

    def add_verdict(self, team: str, text_a: str, text_b: str, *, user: str | None,
                    report_id: str | None = None, group: int | None = None) -> None:
        (key_a, key_b), (first, second) = pair_key(text_a, text_b), _ordered(text_a, text_b)
        with self._cursor() as db:
            db.execute(self._sql(
                """INSERT INTO checkdupes_feedback_verdicts
                   (team, key_a, key_b, text_a, text_b, user_id, report_id, group_index,
                    created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (team, key_a, key_b) DO UPDATE SET user_id = excluded.user_id,
                   report_id = excluded.report_id, group_index = excluded.group_index,
                   created_at = excluded.created_at"""),
                (team, key_a, key_b, first, second, user, report_id, group, self._clock()))

    def remove_verdict(self, team: str, text_a: str, text_b: str) -> None:
        key_a, key_b = pair_key(text_a, text_b)
        with self._cursor() as db:
            db.execute(self._sql("""DELETE FROM checkdupes_feedback_verdicts
                                    WHERE team = ? AND key_a = ? AND key_b = ?"""),
                       (team, key_a, key_b))

    def not_repeats(self, team: str) -> set[PairKey]:
        with self._cursor() as db:
            db.execute(self._sql("""SELECT key_a, key_b FROM checkdupes_feedback_verdicts
                                    WHERE team = ?"""), (team,))
            return {(str(a), str(b)) for a, b in db.fetchall()}

    def verdicts(self, team: str | None = None) -> list[Verdict]:
        """Every verdict (of ``team``, or of all), oldest first."""
        query = "SELECT team, text_a, text_b, user_id, created_at FROM checkdupes_feedback_verdicts"
        args: tuple[str, ...] = ()
        if team is not None:
            query, args = query + " WHERE team = ?", (team,)
        with self._cursor() as db:
            db.execute(self._sql(query + " ORDER BY created_at, key_a, key_b"), args)
            return [Verdict(str(t), str(a), str(b), u, float(at))
                    for t, a, b, u, at in db.fetchall()]

    # -- reports ----------------------------------------------------------------------------

    def save_report(self, record: ReportRecord) -> None:
        now = self._clock()
        with self._cursor() as db:
            db.execute(self._sql("DELETE FROM checkdupes_feedback_reports WHERE created_at < ?"),
                       (now - REPORT_DAYS * 86400,))
            db.execute(self._sql(
                """INSERT INTO checkdupes_feedback_reports
                   (id, team, channel, source_ts, created_at, body) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET body = excluded.body"""),
                (record.id, record.team, record.channel, record.source_ts, now,
                 record.to_json()))

    def report(self, report_id: str) -> ReportRecord | None:
        with self._cursor() as db:
            db.execute(self._sql("""SELECT id, body, created_at FROM checkdupes_feedback_reports
                                    WHERE id = ?"""), (report_id,))
            row = db.fetchone()
        return ReportRecord.from_json(str(row[0]), str(row[1]), float(row[2])) if row else None

    def report_for_message(self, channel: str, source_ts: str) -> ReportRecord | None:
        """The latest report on message ``source_ts`` (an edited DM finds its report so)."""
        with self._cursor() as db:
            db.execute(self._sql(
                """SELECT id, body, created_at FROM checkdupes_feedback_reports
                   WHERE channel = ? AND source_ts = ? ORDER BY created_at DESC LIMIT 1"""),
                (channel, source_ts))
            row = db.fetchone()
        return ReportRecord.from_json(str(row[0]), str(row[1]), float(row[2])) if row else None

    def marked_groups(self, report_id: str) -> dict[int, str | None]:
        """The groups of a report marked "not a repeat" from it, and by whom."""
        with self._cursor() as db:
            db.execute(self._sql("""SELECT group_index, user_id FROM checkdupes_feedback_verdicts
                                    WHERE report_id = ? AND group_index IS NOT NULL"""),
                       (report_id,))
            return {int(g): u for g, u in db.fetchall()}

    # -- plumbing ---------------------------------------------------------------------------

    def _sql(self, query: str) -> str:
        return query if self._placeholder == "?" else query.replace("?", self._placeholder)

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._lock:
            try:
                if self._db is None:
                    self._db = self._connect()
                cursor = self._db.cursor()
                try:
                    yield cursor
                    self._db.commit()
                except BaseException:
                    self._db.rollback()
                    raise
                finally:
                    cursor.close()
            except ArchiveError:
                raise
            except Exception as error:
                if _is_database_error(error):
                    self._drop_connection()
                    raise ArchiveError(f"the feedback store {self.where} failed: {error}") from None
                raise

    def _drop_connection(self) -> None:
        # A database restart leaves a dead connection: the next call opens a new one.
        try:
            if self._db is not None:
                self._db.close()
        except Exception:
            pass
        self._db = None


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if text_key(a) <= text_key(b) else (b, a)


def _is_database_error(error: Exception) -> bool:
    if isinstance(error, sqlite3.Error):
        return True
    module = type(error).__module__
    return module.startswith("psycopg")


def feedback_location(*, path: str = "", database_url: str = "", archive_path: str = "") -> str:
    """Where the store is: ``path`` (CHECKDUPES_FEEDBACK) when given, else the archive's
    database (a postgresql:// URL, or its SQLite file), else DEFAULT_PATH."""
    return path or database_url or archive_path or DEFAULT_PATH


def open_feedback(
    *, path: str = "", database_url: str = "", archive_path: str = "",
    clock: Callable[[], float] = time.time,
) -> FeedbackStore:
    """The store at feedback_location(...), its tables made if missing."""
    location = feedback_location(path=path, database_url=database_url, archive_path=archive_path)
    if location.startswith(_POSTGRES_SCHEMES):
        try:
            import psycopg
        except ImportError:
            raise ArchiveError(
                "feedback in PostgreSQL needs psycopg: pip install 'checkdupes[postgres]'"
            ) from None
        return FeedbackStore(lambda: psycopg.connect(location), placeholder="%s",
                             where="in PostgreSQL", clock=clock)

    def connect() -> sqlite3.Connection:
        db = sqlite3.connect(location, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode = WAL")  # the archive's readers and ours never block
        return db

    return FeedbackStore(connect, where=location, clock=clock)
