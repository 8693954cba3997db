"""Settings.from_env: defaults, fail-fast messages, and the python -m bot entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}
ROOT = Path(__file__).resolve().parents[2]


def test_defaults() -> None:
    settings = Settings.from_env(HTTP)

    assert not settings.socket_mode
    assert settings.port == 3000
    assert settings.api_base_url == "https://slack.com/api/"
    assert settings.fetch_allow == ""
    assert (settings.max_chars, settings.workers, settings.queue_size) == (200_000, 2, 32)
    assert settings.max_file_bytes == 1_000_000
    assert settings.log_level == "INFO"
    assert settings.encoder == "onnx"
    assert settings.file_origins == {("https", "files.slack.com")}


def test_every_variable_is_read() -> None:
    settings = Settings.from_env({
        **HTTP,
        "PORT": "8080",
        "SLACK_API_BASE_URL": "http://127.0.0.1:9999/api",
        "CHECKDUPES_FETCH_ALLOW": "127.0.0.1,10.0.0.0/8",
        "CHECKDUPES_MAX_CHARS": "5000",
        "CHECKDUPES_WORKERS": "4",
        "CHECKDUPES_QUEUE_SIZE": "0",
        "CHECKDUPES_MAX_FILE_BYTES": "1234",
        "CHECKDUPES_LOG_LEVEL": "debug",
        "CHECKDUPES_ENCODER": "ONNX",
    })

    assert settings.port == 8080
    assert settings.api_base_url == "http://127.0.0.1:9999/api/"
    assert settings.fetch_allow == "127.0.0.1,10.0.0.0/8"
    assert (settings.max_chars, settings.workers, settings.queue_size) == (5000, 4, 0)
    assert settings.max_file_bytes == 1234
    assert settings.log_level == "DEBUG"
    assert settings.encoder == "onnx"
    # Files are downloaded from the API server's own origin too (tests, proxies).
    assert ("http", "127.0.0.1:9999") in settings.file_origins


def test_socket_mode_needs_the_app_token_not_the_secret() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-x"})

    assert settings.socket_mode


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set (HTTP mode"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set (HTTP mode needs"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is not set (HTTP mode needs"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is not set (Socket Mode needs "
                                        "SLACK_BOT_TOKEN and SLACK_APP_TOKEN)"),
        ({**HTTP, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN must be an app-level token"),
        ({**HTTP, "PORT": "http"}, "PORT must be a whole number, not 'http'."),
        ({**HTTP, "CHECKDUPES_WORKERS": "0"}, "CHECKDUPES_WORKERS must be between 1 and 64"),
        ({**HTTP, "CHECKDUPES_LOG_LEVEL": "LOUD"}, "CHECKDUPES_LOG_LEVEL must be one of"),
        ({**HTTP, "SLACK_API_BASE_URL": "slack.com/api"}, "SLACK_API_BASE_URL must be an http"),
        ({**HTTP, "CHECKDUPES_ENCODER": "gpt"}, "CHECKDUPES_ENCODER must be one of torch, onnx"),
    ],
)
def test_bad_settings_fail_with_one_clear_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_secrets_stay_out_of_repr() -> None:
    text = repr(Settings.from_env({**HTTP, "SLACK_APP_TOKEN": "xapp-1-secret"}))

    assert "xoxb-1" not in text and "s3cret" not in text and "xapp-1-secret" not in text


def test_python_m_bot_stops_at_once_on_a_missing_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHECKDUPES_"))}
    env["PYTHONPATH"] = str(ROOT)
    # tmp_path as working directory: no .env there to fill the gap.
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "checkdupes: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set (HTTP mode needs "
        "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET); see .env.example."
    )
