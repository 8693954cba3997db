"""Slack entry points, one module each; all of them hand over to bot.service.CheckService."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import commands, direct_messages, mentions, shortcuts
from bot.listeners.timing import stamp_received
from bot.service import CheckService


def register_all(app: App, service: CheckService) -> None:
    app.use(stamp_received)
    mentions.register(app, service)
    commands.register(app, service)
    direct_messages.register(app, service)
    shortcuts.register(app, service)
