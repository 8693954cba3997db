"""@checkdupes in a channel: check the text after the mention, or the thread's first message.

Another bot's mention is never answered (nor this bot's own): bots answering bots loop.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.listeners.message_events import from_a_bot, request_from_message
from bot.slack.service import CheckService


def register(app: App, service: CheckService) -> None:
    @app.event("app_mention")
    def on_mention(ack: Ack, event: dict[str, Any], body: dict[str, Any],
                   context: BoltContext) -> None:
        ack()
        if from_a_bot(event):
            return
        thread_ts = event.get("thread_ts")
        in_thread = thread_ts if thread_ts and thread_ts != event["ts"] else None
        service.submit(request_from_message("mention", event, body, context,
                                            thread_parent_ts=in_thread))
