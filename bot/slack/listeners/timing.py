"""When a request arrived, so each listener can log how long its ack took."""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_bolt import BoltContext

from bot.core.timing import ms

_KEY = "checkdupes_received"


def stamp_received(context: BoltContext, next_: Callable[[], None]) -> None:
    """Global middleware: runs on the request thread, before Bolt hands the listener over."""
    context[_KEY] = time.perf_counter()
    next_()


def received_at(context: BoltContext) -> float:
    return float(context.get(_KEY) or time.perf_counter())


def ms_since_received(context: BoltContext) -> float:
    return ms(time.perf_counter() - received_at(context))
