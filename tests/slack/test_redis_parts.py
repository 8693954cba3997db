"""The pieces of the Redis mode one at a time: the job payload, the shared deduper, the queue
bound, the settings, and the one-line startup failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from redis import Redis

from bot.core.errors import BadSetting
from bot.settings import ConfigError, Settings
from bot.slack.checker import build_analyzer
from bot.slack.request import CheckRequest, Content, delivery_keys
from bot.slack.scale.redis_queue import RedisRecentKeys, job_queue, redacted
from tests.slack.harness import ARTICLE, FAILED, running_app
from tests.slack.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_a_request_crosses_to_a_worker_as_plain_json() -> None:
    request = CheckRequest(
        entry="mention", channel="C1", content=Content("text", ({"id": "F1", "name": "a.txt"},)),
        team="T1", user="U1", thread_ts="1.1", message_ts="1.1", response_url="https://r/1",
        event_id="Ev1", dedupe_keys=delivery_keys(event_id="Ev1", channel="C1", ts="1.1"),
        ack_ms=1.5, queued_at=1700000000.0,
    )

    back = CheckRequest.from_payload(json.loads(json.dumps(request.to_payload())))

    assert back == CheckRequest(**{**request.__dict__, "received": back.received})
    assert abs(back.received - request.received) < 1.0  # the same moment, in this process


def test_unknown_payload_keys_are_ignored() -> None:
    request = CheckRequest.from_payload({"entry": "dm", "channel": "D1", "text": "hi",
                                         "added_by_a_newer_version": True})

    assert (request.entry, request.channel, request.content) == ("dm", "D1", Content("hi"))


def test_redis_dedupe_matches_on_any_shared_key_and_expires(
    redis_url: str, queue_name: str
) -> None:
    recent = RedisRecentKeys(Redis.from_url(redis_url), queue_name, ttl=600)

    assert recent.first_time(["event:1", "message:C:1"])
    assert not recent.first_time(["event:1"])
    assert not recent.first_time(["event:2", "message:C:1"])
    assert recent.first_time(["event:3", "message:C:2"])
    assert recent.first_time([])
    assert 590 <= Redis.from_url(redis_url).ttl(f"{queue_name}:seen:event:1") <= 600


def test_redis_dedupe_lets_exactly_one_of_many_racing_deliveries_through(
    redis_url: str, queue_name: str
) -> None:
    recent = RedisRecentKeys(Redis.from_url(redis_url), queue_name)
    start, wins = threading.Barrier(16), []

    def deliver(k: int) -> None:
        keys = ["event:race", "message:C:race"][:: 1 if k % 2 else -1]  # both key orders
        start.wait()
        wins.append(recent.first_time(keys))

    threads = [threading.Thread(target=deliver, args=(k,)) for k in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(wins) == [False] * 15 + [True]


def test_beyond_the_shared_queue_size_the_user_is_told_to_retry(
    redis_url: str, queue_name: str
) -> None:
    env = {"REDIS_URL": redis_url, "CHECKDUPES_QUEUE": queue_name, "CHECKDUPES_QUEUE_SIZE": "1"}
    waiting = job_queue(Redis.from_url(redis_url), Settings.from_env({**HTTP, **env}))
    with running_app(env=env) as slack:  # no worker: the first request stays queued
        queued, _ = slack.mention(ARTICLE)
        # Listeners queue after their ack, on threads of their own: wait for the first.
        deadline = time.monotonic() + 5
        while waiting.count < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        refused, _ = slack.mention(ARTICLE)

        assert slack.finished(refused) == FAILED
        (busy,) = slack.replies(refused)
        assert "busy" in busy.body["text"]
        assert not slack.replies(queued)


def test_when_redis_is_down_the_user_gets_a_short_failure() -> None:
    env = {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    with running_app(env=env) as slack:
        ts, response = slack.mention(ARTICLE)

        assert response.status == 200
        assert slack.finished(ts) == FAILED
        (reply,) = slack.replies(ts)
        assert reply.body["text"].startswith("⚠️ Something went wrong")


def test_scale_out_settings_defaults_and_values() -> None:
    default = Settings.from_env(HTTP)
    assert not default.scaled_out
    assert (default.queue_name, default.job_retries, default.job_timeout_s) == (
        "checkdupes", 2, 120)
    assert default.worker_lost_after_s == 30

    settings = Settings.from_env({
        **HTTP, "REDIS_URL": "redis://:pw@cache:6379/2", "CHECKDUPES_QUEUE": "staging",
        "CHECKDUPES_JOB_RETRIES": "0", "CHECKDUPES_JOB_TIMEOUT_S": "30",
        "CHECKDUPES_WORKER_LOST_AFTER_S": "10",
        "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:HashingEncoder",
    })
    assert settings.scaled_out and settings.queue_name == "staging"
    assert (settings.job_retries, settings.job_timeout_s, settings.worker_lost_after_s) == (
        0, 30, 10)
    assert "pw" not in repr(settings)
    assert type(build_analyzer(settings).encoder).__name__ == "HashingEncoder"


def test_a_worker_needs_the_token_and_redis_but_no_signing_secret() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "x", "REDIS_URL": "redis://r"}, worker=True)
    assert settings.scaled_out

    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"SLACK_BOT_TOKEN": "x"}, worker=True)
    assert str(raised.value) == (
        "REDIS_URL is not set (python -m bot worker takes its jobs from Redis and answers in "
        "Slack); see .env.example."
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL must start with redis://"),
        ({"CHECKDUPES_JOB_RETRIES": "11"}, "CHECKDUPES_JOB_RETRIES must be between 0 and 10"),
        ({"CHECKDUPES_JOB_TIMEOUT_S": "0"}, "CHECKDUPES_JOB_TIMEOUT_S must be at least 1"),
        ({"CHECKDUPES_QUEUE": "a queue"}, "CHECKDUPES_QUEUE must be letters"),
        ({"CHECKDUPES_ENCODER_FACTORY": "tests.fakes"}, "must be module:callable"),
    ],
)
def test_bad_scale_out_settings_fail_with_one_clear_line(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({**HTTP, **env})

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_encoder_factory_that_cannot_be_imported_is_one_line() -> None:
    settings = Settings.from_env({**HTTP, "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:Nope"})

    with pytest.raises(BadSetting, match=r"CHECKDUPES_ENCODER_FACTORY='tests.fakes:Nope' cannot"):
        build_analyzer(settings)


def test_redis_passwords_stay_out_of_messages() -> None:
    assert redacted("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert redacted("rediss://bot:s3cret@cache/0") == "rediss://bot:***@cache/0"
    assert redacted("redis://cache:6379/0") == "redis://cache:6379/0"


def _python_m_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "CHECKDUPES_")) and k != "REDIS_URL"}
    # tmp_path as working directory: no .env there to fill the gap.
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True, timeout=30,
    )


def test_python_m_bot_worker_stops_at_once_without_redis_url(tmp_path: Path) -> None:
    result = _python_m_bot(tmp_path, "worker", SLACK_BOT_TOKEN="xoxb-1")

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "checkdupes: REDIS_URL is not set (python -m bot worker takes its jobs from Redis and "
        "answers in Slack); see .env.example."
    )


@pytest.mark.parametrize("command", [["worker"], []])
def test_an_unreachable_redis_stops_web_and_worker_with_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    port = free_port()
    result = _python_m_bot(tmp_path, *command, SLACK_BOT_TOKEN="xoxb-1",
                           SLACK_SIGNING_SECRET="s", REDIS_URL=f"redis://:pw@127.0.0.1:{port}/0")

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"checkdupes: cannot reach Redis at redis://:***@127.0.0.1:{port}/0")
    assert "pw" not in result.stderr


def test_python_m_bot_refuses_unknown_commands(tmp_path: Path) -> None:
    result = _python_m_bot(tmp_path, "wrker")

    assert result.returncode == 2
    assert result.stderr.strip() == "usage: python -m bot [web|worker]"
