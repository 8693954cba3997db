from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.slack.harness import SlackHarness, running_app


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
