"""What the logs may never hold: URLs with their query strings (Slack file URLs carry a token
there), with logging set up as ``python -m bot`` sets it up."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from bot.slack.logfmt import URL_LOGGERS, configure_logging
from tests.slack.harness import ARTICLE, DONE, SlackHarness, new_id

FILE_TOKEN = "xoxe-1-file-token-not-real"


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"logger={record.name} {record.getMessage()}")


@pytest.fixture
def production_logging() -> Iterator[Captured]:
    """configure_logging("INFO") as the bot runs it, a handler on the root logger, and every
    level and handler restored afterwards."""
    root = logging.getLogger()
    names = ("slack_sdk", "urllib3", "waitress.queue", *URL_LOGGERS)
    saved = (list(root.handlers), root.level, {n: logging.getLogger(n).level for n in names})
    configure_logging("INFO")
    captured = Captured()
    root.addHandler(captured)
    try:
        yield captured
    finally:
        handlers, level, levels = saved
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)


def test_a_file_download_logs_no_url_query_string(
    slack: SlackHarness, production_logging: Captured
) -> None:
    url = slack.fake.add_file("paste.txt", ARTICLE.encode()) + f"?t={FILE_TOKEN}"
    snippet = {
        "id": new_id("F"), "name": "paste.txt", "mode": "snippet", "filetype": "text",
        "size": len(ARTICLE), "url_private": url, "url_private_download": url,
    }

    ts, _ = slack.direct_message("", subtype="file_share", files=[snippet])

    assert slack.finished(ts) == DONE
    (download,) = slack.fake.calls("file")
    assert download.body["t"] == FILE_TOKEN  # the URL did carry it
    deadline = time.monotonic() + 5  # the request's line comes just after the ✅
    while not any(f"ts={ts}" in line for line in production_logging.lines):
        assert time.monotonic() < deadline, production_logging.lines
        time.sleep(0.01)
    logged = "\n".join(production_logging.lines)
    assert FILE_TOKEN not in logged
    assert "?t=" not in logged


def test_url_loggers_stay_at_warning_even_at_debug() -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {n: logging.getLogger(n).level for n in URL_LOGGERS}
    try:
        configure_logging("DEBUG")
        assert all(logging.getLogger(n).level == logging.WARNING for n in URL_LOGGERS)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)
