"""CheckRequest: one ask to check something, as every Slack entry point describes it.

It is plain data, so it can cross a process boundary: ``to_payload`` gives a JSON-ready
dict (the Redis job's only argument) and ``from_payload`` rebuilds the request in a worker.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Content:
    """A message as far as checking goes: its text and the files shared with it."""

    text: str
    files: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CheckRequest:
    entry: str  # mention | command | dm | shortcut | edit | recheck: for logs
    channel: str
    content: Content
    team: str | None = None
    user: str | None = None
    # The reply goes under this ts; None (a slash command) posts a parent message first.
    thread_ts: str | None = None
    # The message that asked, which gets the 👀/✅/⚠️ reactions.
    message_ts: str | None = None
    # Set for a mention inside a thread: its first message is checked when the mention has
    # no article of its own.
    thread_parent_ts: str | None = None
    # Slash commands and shortcuts: the ephemeral way back where the bot may not post.
    response_url: str | None = None
    event_id: str | None = None
    # Deliveries with any key seen recently are the same request again (retries, or one
    # message arriving as both app_mention and message.im).
    dedupe_keys: tuple[str, ...] = ()
    ack_ms: float | None = None
    # time.perf_counter() when the request arrived: total_ms in the log line.
    received: float = field(default_factory=time.perf_counter)
    # time.time() when it was queued: queue_ms, also when a worker on another machine runs it.
    queued_at: float | None = None
    # A check again (the "Check again" button, an edited DM): the id of the report whose
    # messages are updated in place instead of a new report posted.
    replaces: str | None = None

    def to_payload(self) -> dict[str, Any]:
        """Everything a worker process needs, as JSON types (no clients, no models)."""
        # perf_counter means nothing in another process: send the wall-clock arrival time.
        received_at = time.time() - (time.perf_counter() - self.received)
        return {
            "entry": self.entry,
            "channel": self.channel,
            "text": self.content.text,
            "files": [dict(f) for f in self.content.files],
            "team": self.team,
            "user": self.user,
            "thread_ts": self.thread_ts,
            "message_ts": self.message_ts,
            "thread_parent_ts": self.thread_parent_ts,
            "response_url": self.response_url,
            "event_id": self.event_id,
            "dedupe_keys": list(self.dedupe_keys),
            "ack_ms": self.ack_ms,
            "received_at": received_at,
            "queued_at": self.queued_at,
            "replaces": self.replaces,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> CheckRequest:
        """The request ``to_payload`` described; keys it does not know are ignored, so web
        and worker processes of neighbouring versions can share a queue during a deploy."""
        received_at = payload.get("received_at")
        received = (
            time.perf_counter() - (time.time() - float(received_at))
            if received_at is not None else time.perf_counter()
        )
        return cls(
            entry=str(payload["entry"]),
            channel=str(payload["channel"]),
            content=Content(str(payload.get("text") or ""), tuple(payload.get("files") or ())),
            team=payload.get("team"),
            user=payload.get("user"),
            thread_ts=payload.get("thread_ts"),
            message_ts=payload.get("message_ts"),
            thread_parent_ts=payload.get("thread_parent_ts"),
            response_url=payload.get("response_url"),
            event_id=payload.get("event_id"),
            dedupe_keys=tuple(payload.get("dedupe_keys") or ()),
            ack_ms=payload.get("ack_ms"),
            received=received,
            queued_at=payload.get("queued_at"),
            replaces=payload.get("replaces"),
        )


def delivery_keys(
    *,
    event_id: str | None = None,
    channel: str | None = None,
    ts: str | None = None,
    trigger_id: str | None = None,
) -> tuple[str, ...]:
    """The keys a redelivery of the same request would share (see CheckRequest.dedupe_keys)."""
    keys = []
    if event_id:
        keys.append(f"event:{event_id}")
    if channel and ts:
        keys.append(f"message:{channel}:{ts}")
    if trigger_id:
        keys.append(f"trigger:{trigger_id}")
    return tuple(keys)
