"""Taking a request in: the step every Slack entry point hands its request to after its ack.

Listeners ack, describe the request (``CheckRequest``) and call ``CheckService.submit``;
from there it is the same for all: drop a delivery seen before, show 👀, and queue the
request for a worker (bot.slack.checker), or say we are busy. Where the queue and the memory of
recent deliveries live is the caller's choice: threads and a dict in this process, or Redis
shared by any number of processes (bot.slack.scale).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from bot.render.slack import busy_message, failure_message
from bot.slack.logfmt import kv
from bot.slack.replies import FAILED, WORKING, Outcome, Replier
from bot.slack.request import CheckRequest

log = logging.getLogger("bot.requests")


class RequestQueue(Protocol):
    def submit(self, request: CheckRequest) -> bool:
        """Queue ``request`` for a worker; False (nothing queued) when the queue is full."""
        ...


class RecentDeliveries(Protocol):
    def first_time(self, keys: Iterable[str]) -> bool:
        """Remember every key; True when none of them was seen recently."""
        ...


class CheckService:
    def __init__(
        self, *, replies: Replier, queue: RequestQueue, recent: RecentDeliveries
    ) -> None:
        self._replies = replies
        self._queue = queue
        self._recent = recent

    def submit(self, request: CheckRequest) -> None:
        """Take a request after its ack: never blocks on the analysis, never raises."""
        try:
            fresh = self._recent.first_time(request.dedupe_keys)
        except Exception:
            # The store is down: an answer given twice beats a request dropped.
            log.exception(kv(event="dedupe_failed", event_id=request.event_id))
            fresh = True
        if not fresh:
            self._replies.log(request, Outcome(result="duplicate"))
            return
        self._replies.react(request.channel, request.message_ts, WORKING)
        request = replace(request, queued_at=time.time())
        try:
            if self._queue.submit(request):
                return
            outcome, message = Outcome(result="busy"), busy_message()
        except Exception:
            log.exception(kv(event="enqueue_failed", entry=request.entry,
                             channel=request.channel, event_id=request.event_id))
            outcome, message = Outcome(result="error"), failure_message()
        self._replies.finish(request, request.message_ts, [message], FAILED, outcome)
        self._replies.log(request, outcome)
