"""slack-manifest.yml, .env.example and the Procfile agree with the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.settings import ENV_VARIABLES, Settings
from bot.slack.listeners.commands import COMMAND
from bot.slack.listeners.shortcuts import CALLBACK_ID
from bot.slack.server import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_matches_the_listeners() -> None:
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))

    features, settings = manifest["features"], manifest["settings"]
    (command,) = features["slash_commands"]
    (shortcut,) = features["shortcuts"]
    assert command["command"] == COMMAND
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", CALLBACK_ID)
    assert shortcut["name"] == "Check for duplicates"
    urls = {command["url"], settings["event_subscriptions"]["request_url"],
            settings["interactivity"]["request_url"]}
    assert urls == {f"https://YOUR-HOST{EVENTS_PATH}"}
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "chat:write", "commands", "im:history", "reactions:write",
        "files:read", "channels:history", "channels:read", "files:write", "users:read",
    }


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    names = [line.split("=", 1)[0] for line in lines if re.match(r"^[A-Z_]+=", line)]

    assert sorted(names) == sorted(ENV_VARIABLES)
    for k, line in enumerate(lines):
        if re.match(r"^[A-Z_]+=", line):
            assert lines[k - 1].startswith("#"), f"{line} has no comment above it"


def test_every_variable_settings_reads_is_listed() -> None:
    # Settings reads the archive's variables through ArchiveSettings (shared with the CLI).
    sources = [ROOT / "bot" / "settings.py", ROOT / "bot" / "archive" / "settings.py"]
    read = {
        node.value for source in sources
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and re.fullmatch(r"(SLACK|CHECKDUPES)_[A-Z_]+|PORT|REDIS_URL|DATABASE_URL", node.value)
    }
    assert read == set(ENV_VARIABLES)
    assert Settings.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"})


def test_procfile_runs_the_same_commands_as_everyone() -> None:
    assert (ROOT / "Procfile").read_text(encoding="utf-8").splitlines() == [
        "web: python -m bot",
        "worker: python -m bot worker",
    ]
