"""A direct message to the bot: check it and answer in its thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.check_request import CheckRequest, delivery_keys
from bot.inputs import Content
from bot.listeners.timing import ms_since_received, received_at
from bot.service import CheckService

# A plain message, or one that shares a file (a long paste Slack turned into a snippet).
# Edits, deletions, joins and the like are not requests.
_CHECKED_SUBTYPES = (None, "file_share")


def register(app: App, service: CheckService) -> None:
    # Every message event is acked here, including the ones ignored, so Bolt does not
    # report them as unhandled.
    @app.event("message")
    def on_message(ack: Ack, event: dict[str, Any], body: dict[str, Any],
                   context: BoltContext) -> None:
        ack()
        if (
            event.get("channel_type") != "im"
            or event.get("subtype") not in _CHECKED_SUBTYPES
            or event.get("bot_id")
        ):
            return
        channel, ts = event["channel"], event["ts"]
        service.submit(CheckRequest(
            entry="dm",
            channel=channel,
            content=Content(event.get("text") or "", tuple(event.get("files") or ())),
            team=body.get("team_id"),
            user=event.get("user"),
            thread_ts=event.get("thread_ts") or ts,
            message_ts=ts,
            event_id=body.get("event_id"),
            dedupe_keys=delivery_keys(event_id=body.get("event_id"), channel=channel, ts=ts),
            ack_ms=ms_since_received(context),
            received=received_at(context),
        ))
