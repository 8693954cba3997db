"""Where the archive lives, read from the environment, and opening it.

``DATABASE_URL`` (postgresql://...) picks the shared PostgreSQL archive; otherwise
``CHECKDUPES_ARCHIVE`` names a SQLite file; with neither there is no archive and reports
have no "seen before".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.archive.base import DIMENSIONS, RETENTION_DAYS, Archive, ArchiveError, Clock, utc_now

ENV_VARIABLES = ("CHECKDUPES_ARCHIVE", "DATABASE_URL", "CHECKDUPES_ARCHIVE_RETENTION_DAYS")
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class ArchiveSettings:
    path: str = ""  # SQLite file; "" with no database_url: no archive
    database_url: str = field(default="", repr=False)  # may hold a password
    retention_days: int = RETENTION_DAYS

    @property
    def enabled(self) -> bool:
        return bool(self.database_url or self.path)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ArchiveSettings:
        """Read the three variables; raise ArchiveError (one line) on a bad value."""
        raw = env.get("CHECKDUPES_ARCHIVE_RETENTION_DAYS", "").strip()
        try:
            days = int(raw) if raw else RETENTION_DAYS
        except ValueError:
            days = -1
        if days < 0:
            raise ArchiveError(
                f"CHECKDUPES_ARCHIVE_RETENTION_DAYS must be a whole number of days (0 keeps "
                f"stories forever), not {raw!r}"
            )
        url = env.get("DATABASE_URL", "").strip()
        if url and not url.startswith(_POSTGRES_SCHEMES):
            raise ArchiveError("DATABASE_URL must be a postgresql:// URL")
        return cls(env.get("CHECKDUPES_ARCHIVE", "").strip(), url, days)

    def open(self, *, clock: Clock = utc_now) -> Archive | None:
        return open_archive(
            self.database_url or None, self.path or None, retention_days=self.retention_days,
            clock=clock,
        )


def open_archive(
    database_url: str | None,
    path: str | None,
    *,
    retention_days: int = RETENTION_DAYS,
    dimensions: int = DIMENSIONS,
    clock: Clock = utc_now,
) -> Archive | None:
    """PostgreSQL when a database URL is given, else SQLite at `path`, else None."""
    if database_url:
        if not database_url.startswith(_POSTGRES_SCHEMES):
            raise ArchiveError("the archive database URL must start with postgresql://")
        try:
            # Imported here: psycopg is only needed by deployments that use PostgreSQL.
            from bot.archive.postgres_store import PostgresArchive
        except ImportError as error:
            raise ArchiveError(
                f"a PostgreSQL archive needs psycopg and pgvector installed ({error.name} is "
                "missing): pip install 'checkdupes[postgres]'"
            ) from None
        return PostgresArchive(
            database_url, dimensions=dimensions, retention_days=retention_days, clock=clock
        )
    if path:
        from bot.archive.sqlite_store import SqliteArchive

        return SqliteArchive(
            path, dimensions=dimensions, retention_days=retention_days, clock=clock
        )
    return None
