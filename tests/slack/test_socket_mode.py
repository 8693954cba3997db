"""Socket Mode wiring: the handler is built from the same app, without touching the network."""

from __future__ import annotations

from pathlib import Path

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.settings import Settings
from bot.slack.app import create_app, socket_mode_handler
from bot.slack.checker import build_analyzer
from tests.fakes import HashingEncoder
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import TOKEN


def test_socket_mode_handler_is_built_without_connecting(tmp_path: Path) -> None:
    fake = FakeSlack(TOKEN).start()
    try:
        settings = Settings.from_env({
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_APP_TOKEN": "xapp-1-A0APP-123-abc",
            "SLACK_API_BASE_URL": fake.base_url,
            "CHECKDUPES_FEEDBACK": str(tmp_path / "feedback.sqlite3"),
        })
        app = create_app(settings, analyzer=build_analyzer(settings, HashingEncoder()))

        handler = socket_mode_handler(app, settings)
        try:
            assert isinstance(handler, SocketModeHandler)
            assert handler.app is app
            assert handler.app_token == "xapp-1-A0APP-123-abc"
            # apps.connections.open would go through the app's client, to the configured base.
            assert handler.client.web_client.base_url == fake.base_url
            assert not handler.client.is_connected()
        finally:
            handler.close()
        assert [c.method for c in fake.calls()] == ["auth.test"]
    finally:
        fake.close()
