"""A direct message to the bot: check it and answer in its thread; an edit of one the bot
answered is checked again and its report updated (bot.slack.actions.ReportActions.edited)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.actions import ReportActions
from bot.slack.listeners.message_events import from_a_bot, request_from_message
from bot.slack.listeners.timing import ms_since_received, received_at
from bot.slack.service import CheckService

# A plain message, one that shares a file (a long paste Slack turned into a snippet), or a
# thread reply also sent to the conversation. Edits, deletions, joins are not requests.
_CHECKED_SUBTYPES = (None, "file_share", "thread_broadcast")


def register(app: App, service: CheckService, actions: ReportActions) -> None:
    # Every message event is acked here, including the ones ignored, so Bolt does not
    # report them as unhandled.
    @app.event("message")
    def on_message(ack: Ack, event: dict[str, Any], body: dict[str, Any],
                   context: BoltContext) -> None:
        ack()
        if event.get("channel_type") == "im" and event.get("subtype") == "message_changed":
            actions.edited(event, body, ack_ms=ms_since_received(context),
                           received=received_at(context))
            return
        if (
            event.get("channel_type") != "im"
            or event.get("subtype") not in _CHECKED_SUBTYPES
            or from_a_bot(event)
        ):
            return
        service.submit(request_from_message("dm", event, body, context))
