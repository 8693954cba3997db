"""The message shortcut "Check for duplicates": check that message, answer in its thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.listeners.timing import ms_since_received, received_at
from bot.slack.message_text import message_text
from bot.slack.request import CheckRequest, Content, delivery_keys
from bot.slack.service import CheckService

CALLBACK_ID = "check_duplicates"


def register(app: App, service: CheckService) -> None:
    @app.message_shortcut(CALLBACK_ID)
    def on_shortcut(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
        ack()
        message = shortcut.get("message") or {}
        ts = message["ts"]
        service.submit(CheckRequest(
            entry="shortcut",
            channel=shortcut["channel"]["id"],
            content=Content(message_text(message), tuple(message.get("files") or ())),
            team=(shortcut.get("team") or {}).get("id"),
            user=(shortcut.get("user") or {}).get("id"),
            thread_ts=message.get("thread_ts") or ts,
            message_ts=ts,
            response_url=shortcut.get("response_url"),
            dedupe_keys=delivery_keys(trigger_id=shortcut.get("trigger_id")),
            ack_ms=ms_since_received(context),
            received=received_at(context),
        ))
