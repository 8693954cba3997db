"""Slack entry points, one module each; all of them hand checks to service.CheckService."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.actions import ReportActions
from bot.slack.archive_commands import ArchiveCommands
from bot.slack.listeners import actions, commands, direct_messages, mentions, shortcuts
from bot.slack.listeners.timing import stamp_received
from bot.slack.service import CheckService


def register_all(
    app: App, service: CheckService, archive_commands: ArchiveCommands,
    report_actions: ReportActions,
) -> None:
    app.use(stamp_received)
    mentions.register(app, service)
    commands.register(app, service, archive_commands)
    direct_messages.register(app, service, report_actions)
    shortcuts.register(app, service)
    actions.register(app, report_actions)
