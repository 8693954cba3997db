"""key=value log lines: one line per request that grep, Loki or Datadog can parse."""

from __future__ import annotations

import logging
import sys
from typing import Any

# Libraries that log each request's full URL at INFO.
URL_LOGGERS = ("httpx", "httpcore")


def kv(**fields: Any) -> str:
    """``a=1 b="two words"``; None values are left out."""
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}"
        text = str(value)
        if not text or any(ch.isspace() or ch in '"=' for ch in text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


def configure_logging(level: str) -> None:
    """Send logfmt-style lines to stderr; quiet the libraries that log each HTTP call."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("ts=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # At DEBUG slack_sdk and urllib3 log request bodies (article text) and full URLs; keep
    # them at INFO or above. Bolt's loggers are set in bot.slack.app.bolt_logger.
    for noisy in ("slack_sdk", "urllib3", "waitress.queue"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
    # httpx logs every request's URL at INFO, query string included: Slack's file URLs carry
    # a token there (?t=xoxe-...), and article links may carry anything.
    for url_logger in URL_LOGGERS:
        logging.getLogger(url_logger).setLevel(logging.WARNING)

