"""The archive's settings as the Slack app reads them, and a wrong one stopping startup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.archive import ArchiveSettings
from bot.settings import ConfigError, Settings

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}
ROOT = Path(__file__).resolve().parents[2]


def test_no_archive_by_default_and_the_three_variables_read() -> None:
    assert Settings.from_env(HTTP).archive == ArchiveSettings()
    assert not Settings.from_env(HTTP).archive.enabled

    settings = Settings.from_env({
        **HTTP, "CHECKDUPES_ARCHIVE": "news.sqlite3", "CHECKDUPES_ARCHIVE_RETENTION_DAYS": "30",
        "DATABASE_URL": "postgresql://bot:pw@db/news",
    })

    assert settings.archive == ArchiveSettings("news.sqlite3", "postgresql://bot:pw@db/news", 30)
    assert "pw" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHECKDUPES_ARCHIVE_RETENTION_DAYS": "-1"}, "CHECKDUPES_ARCHIVE_RETENTION_DAYS must"),
        ({"DATABASE_URL": "mysql://db/news"}, "DATABASE_URL must be a postgresql:// URL."),
    ],
)
def test_bad_archive_settings_fail_with_one_clear_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({**HTTP, **env})

    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_python_m_bot_stops_at_once_when_the_archive_cannot_be_opened(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "CHECKDUPES_")) and k not in ("REDIS_URL",
                                                                        "DATABASE_URL")}
    missing = tmp_path / "no" / "such" / "archive.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, capture_output=True, text=True, timeout=30,
        env={**env, **HTTP, "PYTHONPATH": str(ROOT), "CHECKDUPES_ARCHIVE": str(missing),
             "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:no_encoder"},
    )

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"checkdupes: cannot open the archive {missing}")
