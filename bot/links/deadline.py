"""One wall-clock deadline for a whole fetch: DNS, connect, headers, body and extraction.

Per-read timeouts alone do not bound a fetch: a server that sends one byte just before every read
timeout keeps it alive for ever. Two layers make the bound hard:

- ``Deadline.bound`` caps every blocking socket call at the time left (see ``transport``), so the
  network part of a fetch stops on time by itself and leaves nothing behind;
- ``call_within`` runs the whole fetch in a worker thread and stops waiting for it at the
  deadline, for the steps that cannot be interrupted: a system DNS lookup and trafilatura.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.at = clock() + seconds

    def remaining(self) -> float:
        return self.at - self._clock()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def bound(self, timeout: float | None, on_expiry: Callable[[str], Exception]) -> float:
        """``timeout`` capped at the time left; raises ``on_expiry(...)`` once none is left."""
        left = self.remaining()
        if left <= 0:
            raise on_expiry("the fetch deadline has passed")
        return left if timeout is None else min(timeout, left)


def call_within(deadline: Deadline, work: Callable[[], T], on_expiry: Callable[[], Exception]) -> T:
    """``work()``'s result or exception, or ``on_expiry()`` raised once ``deadline`` passes.

    The worker is a daemon thread: work still running at the deadline is abandoned (it ends on
    its own; its network reads fail at the same deadline) and never holds up the process's exit.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the caller's thread as it is
            failure.append(exc)

    worker = threading.Thread(target=run, name="checkdupes-fetch", daemon=True)
    worker.start()
    # A little grace, so that an answer the work itself gives at the deadline (a size cap, a
    # refusal) wins over the generic "took too long".
    worker.join(max(deadline.remaining(), 0) + 0.2)
    if worker.is_alive():
        raise on_expiry()
    if failure:
        raise failure[0]
    return outcome[0]
