"""@checkdupes in a channel: check the text after the mention, or the thread's first message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.check_request import CheckRequest, delivery_keys
from bot.inputs import Content
from bot.listeners.timing import ms_since_received, received_at
from bot.service import CheckService


def register(app: App, service: CheckService) -> None:
    @app.event("app_mention")
    def on_mention(ack: Ack, event: dict[str, Any], body: dict[str, Any],
                   context: BoltContext) -> None:
        ack()
        channel, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts")
        service.submit(CheckRequest(
            entry="mention",
            channel=channel,
            content=Content(event.get("text") or "", tuple(event.get("files") or ())),
            team=body.get("team_id"),
            user=event.get("user"),
            thread_ts=thread_ts or ts,
            message_ts=ts,
            thread_parent_ts=thread_ts if thread_ts and thread_ts != ts else None,
            event_id=body.get("event_id"),
            dedupe_keys=delivery_keys(event_id=body.get("event_id"), channel=channel, ts=ts),
            ack_ms=ms_since_received(context),
            received=received_at(context),
        ))
