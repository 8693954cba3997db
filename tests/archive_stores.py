"""Fixtures for the archive: the same tests run on SQLite and on PostgreSQL + pgvector.

PostgreSQL comes from DATABASE_URL when it is set; otherwise the PyPI package pgserver
starts a private server (with pgvector) for the session. Each test gets its own schema, so
tests never see each other's rows. Loaded by tests/conftest.py (pytest_plugins).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from bot.archive.base import RETENTION_DAYS, Archive, Clock, utc_now
from bot.archive.settings import open_archive
from bot.core.analyze import Analyzer
from bot.core.pairs import Passage
from bot.core.segment import segment
from tests.fakes import HashingEncoder

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand (retention, "checked yesterday")."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server with pgvector: DATABASE_URL, or one pgserver starts."""
    given = os.environ.get("DATABASE_URL", "").strip()
    if given:
        yield given
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        try:
            import pgserver
        except ImportError:
            pytest.skip("PostgreSQL tests need DATABASE_URL or the pgserver package (pip install "
                        "pgserver psycopg[binary] pgvector)")
    data = Path(tempfile.mkdtemp(prefix="checkdupes-pg-"))
    try:
        server = pgserver.get_server(data, cleanup_mode="stop")
    except Exception as error:  # any start failure is an environment problem, not a bug
        shutil.rmtree(data, ignore_errors=True)
        pytest.skip(f"pgserver could not start PostgreSQL: {error}")
    url = server.get_uri()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    yield url
    server.cleanup()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """The server's URL with a fresh schema first on the search path, dropped afterwards."""
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_server_url else "?"
    options = quote(f"-c search_path={schema},public")
    yield f"{postgres_server_url}{separator}options={options}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


OpenStore = Callable[..., Archive]


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """open_store(clock=..., retention_days=...) -> an empty archive of the parametrized kind.

    Calling it twice opens the same archive again (as a second process would).
    """
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    path = str(tmp_path / "archive.sqlite3")
    opened: list[Archive] = []

    def open_(*, clock: Clock = utc_now, retention_days: int = RETENTION_DAYS) -> Archive:
        archive = open_archive(
            url, None if url else path, clock=clock, retention_days=retention_days
        )
        assert archive is not None
        opened.append(archive)
        return archive

    yield open_
    for archive in opened:
        archive.close()


@pytest.fixture
def store(open_store: OpenStore) -> Archive:
    return open_store()


def hashing_analyzer() -> Analyzer:
    return Analyzer(HashingEncoder(dimensions=384))


def passages_of(text: str, analyzer: Analyzer | None = None) -> list[Passage]:
    """An article's paragraphs with vectors, as the archive receives them."""
    return (analyzer or hashing_analyzer()).embed([segment(text)])


def unit_rows(count: int, seed: int = 0, dimensions: int = 384) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dimensions)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)
