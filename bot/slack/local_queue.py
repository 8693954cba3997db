"""The single-process queue: a bounded worker pool, and a delivery deduper in memory.

bot.slack.scale has the Redis counterparts, for web and worker processes on several machines.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from bot.core.cache import TTLCache
from bot.slack.request import CheckRequest

log = logging.getLogger(__name__)

# Slack retries a delivery for about five minutes: remember deliveries twice as long.
DEDUPE_TTL_S = 600


class WorkQueue:
    """Runs jobs on ``workers`` threads with at most ``size`` more waiting.

    ThreadPoolExecutor's own queue is unbounded: a burst would pile up behind the CPU-bound
    analysis and users would wait minutes without knowing. Here ``submit`` answers at once
    whether the job was taken, so the caller can tell the user to retry instead.
    """

    def __init__(self, workers: int, size: int) -> None:
        self._slots = threading.BoundedSemaphore(workers + size)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checkdupes")
        self._idle = threading.Condition()
        self._pending = 0  # jobs taken and not yet finished
        self._closed = False

    def submit(self, job: Callable[[], None]) -> bool:
        """Queue ``job``; False (and nothing queued) when every slot is taken or draining."""
        if not self._slots.acquire(blocking=False):
            return False
        with self._idle:
            if self._closed:
                self._slots.release()
                return False
            self._pending += 1
        try:
            self._pool.submit(self._run, job)
        except RuntimeError:  # shut down
            self._finished()
            return False
        return True

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:  # a job handles its own errors; this only keeps the pool alive
            log.exception("event=job_crashed")
        finally:
            self._finished()

    def _finished(self) -> None:
        self._slots.release()
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def drain(self, timeout: float) -> int:
        """Take no more jobs, wait up to ``timeout`` seconds for those taken (running or
        waiting) to finish; return how many did not."""
        with self._idle:
            self._closed = True
            self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)
            return self._pending

    def shutdown(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


class LocalQueue:
    """Requests run by ``run`` on this process's WorkQueue threads (no REDIS_URL)."""

    def __init__(self, pool: WorkQueue, run: Callable[[CheckRequest], None]) -> None:
        self._pool = pool
        self._run = run

    def submit(self, request: CheckRequest) -> bool:
        return self._pool.submit(lambda: self._run(request))

    def drain(self, timeout: float) -> int:
        return self._pool.drain(timeout)


class RecentKeys:
    """A thread-safe set that forgets keys after ``ttl`` seconds and holds at most ``capacity``.

    Slack redelivers an event it thinks we missed (X-Slack-Retry-Num) and delivers one
    message twice when two subscriptions match it (app_mention and message.im); both carry
    a key we have seen recently.
    """

    def __init__(
        self,
        ttl: float = DEDUPE_TTL_S,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(ttl, capacity, clock=clock)
        self._lock = threading.Lock()  # check-and-remember is one step for concurrent deliveries

    def first_time(self, keys: Iterable[str]) -> bool:
        """Remember every key; True when none of them was seen within the TTL."""
        keys = [k for k in keys if k]
        with self._lock:
            fresh = not any(self._seen.get(k) for k in keys)
            for key in keys:
                self._seen.put(key, True)
        return fresh
