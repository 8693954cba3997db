"""A Slack message event (a mention or a DM) described as a CheckRequest, the one way."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.listeners.timing import ms_since_received, received_at
from bot.slack.message_text import message_text
from bot.slack.request import CheckRequest, Content, delivery_keys


def from_a_bot(event: dict[str, Any]) -> bool:
    """Posted by a bot (another app, or this one): never a request to answer. Bots answering
    bots loop."""
    return bool(
        event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message"
    )


def request_from_message(
    entry: str,
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    *,
    thread_parent_ts: str | None = None,
) -> CheckRequest:
    """Answer in the message's thread (or start one under it); react on the message itself."""
    channel, ts = event["channel"], event["ts"]
    return CheckRequest(
        entry=entry,
        channel=channel,
        content=Content(message_text(event), tuple(event.get("files") or ())),
        team=body.get("team_id"),
        user=event.get("user"),
        thread_ts=event.get("thread_ts") or ts,
        message_ts=ts,
        thread_parent_ts=thread_parent_ts,
        event_id=body.get("event_id"),
        dedupe_keys=delivery_keys(event_id=body.get("event_id"), channel=channel, ts=ts),
        ack_ms=ms_since_received(context),
        received=received_at(context),
    )
