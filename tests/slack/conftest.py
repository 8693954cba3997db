from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack.archived import Archived, archived_app
from tests.slack.harness import SlackHarness, running_app
from tests.slack.redis_server import redis_server, redis_server_binary, scratch_queue


@pytest.fixture(scope="module")
def slack_app() -> Iterator[SlackHarness]:
    """One app and server per test module (HashingEncoder: instant, deterministic)."""
    with running_app() as harness:
        yield harness


@pytest.fixture
def slack(slack_app: SlackHarness) -> SlackHarness:
    """The module's app with the fake's record and failure plans cleared for this test."""
    slack_app.fake.reset()
    return slack_app


@pytest.fixture
def archived(tmp_path: Path) -> Iterator[Archived]:
    """An app of its own with an empty SQLite archive and a FakeClock (Seen-before tests)."""
    with archived_app(tmp_path) as app:
        yield app


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL from the environment, else a redis-server started for this session."""
    given = os.environ.get("REDIS_URL", "").strip()
    if given:
        yield given
        return
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server) "
                    "and REDIS_URL is not set")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def queue_name(redis_url: str) -> Iterator[str]:
    with scratch_queue(redis_url) as name:
        yield name
