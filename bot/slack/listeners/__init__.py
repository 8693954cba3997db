"""Slack entry points, one module each; all of them hand checks to service.CheckService."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack.actions import ReportActions
from bot.slack.archive_commands import ArchiveCommands
from bot.slack.listeners import actions, commands, direct_messages, mentions, shortcuts
from bot.slack.listeners.timing import stamp_received
from bot.slack.logfmt import kv
from bot.slack.service import CheckService

log = logging.getLogger("bot.requests")


def register_all(
    app: App, service: CheckService, archive_commands: ArchiveCommands,
    report_actions: ReportActions,
) -> None:
    app.use(ack_rate_limited)
    app.use(stamp_received)
    mentions.register(app, service)
    commands.register(app, service, archive_commands)
    direct_messages.register(app, service, report_actions)
    shortcuts.register(app, service)
    actions.register(app, report_actions)


def ack_rate_limited(body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
    """Slack's notice that it is holding back events (``app_rate_limited``, no ``event`` in
    it): 200 and one line. Unanswered it gets Bolt's 404, which Slack counts as a failed
    delivery."""
    if body.get("type") != "app_rate_limited":
        next_()
        return None
    log.warning(kv(event="app_rate_limited", team=body.get("team_id"),
                   minute=body.get("minute_rate_limited"), app=body.get("api_app_id")))
    return BoltResponse(status=200, body="")
