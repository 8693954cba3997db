"""/checkdupes <text or link>: a parent message in the channel, the report in its thread.

`/checkdupes help` shows the usage and `/checkdupes archive …` / `forget …` look after the
archive (bot.slack.archive_commands); both answer the user alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.render.slack import usage_message
from bot.slack.archive_commands import ArchiveCommands, parse_archive_command
from bot.slack.listeners.timing import ms_since_received, received_at
from bot.slack.request import CheckRequest, Content, delivery_keys
from bot.slack.service import CheckService

COMMAND = "/checkdupes"


def register(app: App, service: CheckService, archive_commands: ArchiveCommands) -> None:
    @app.command(COMMAND)
    def on_command(
        ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext
    ) -> None:
        text = command.get("text") or ""
        if text.strip().lower() in ("", "help", "?"):
            ack(**usage_message())  # the ack's body is shown to the user alone
            return
        asked = parse_archive_command(text)
        if asked is not None:
            # Ack first: the archive may be a database across the network, and Slack gives
            # the ack 3 seconds. The answer goes to the user alone, through response_url.
            ack()
            reply = archive_commands.answer(
                asked, team=command.get("team_id") or "", channel=command["channel_id"],
                user=command.get("user_id"),
            )
            respond(response_type="ephemeral", **reply)
            return
        ack()
        service.submit(CheckRequest(
            entry="command",
            channel=command["channel_id"],
            content=Content(text),
            team=command.get("team_id"),
            user=command.get("user_id"),
            response_url=command.get("response_url"),
            dedupe_keys=delivery_keys(trigger_id=command.get("trigger_id")),
            ack_ms=ms_since_received(context),
            received=received_at(context),
        ))
