"""Bursts, a full queue, rate limits and crashes: every request gets exactly one answer."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.core.embed import Vectors
from bot.settings import Settings
from bot.slack.checker import build_analyzer
from tests.fakes import HashingEncoder
from tests.slack.harness import ARTICLE, DONE, FAILED, SlackHarness, new_ts, running_app


class GatedEncoder(HashingEncoder):
    """Holds every encode() until the test opens the gate: a worker that stays busy."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.entered.set()
        assert self.gate.wait(10), "the test never opened the gate"
        return super().encode(texts)


class CrashingEncoder(HashingEncoder):
    def encode(self, texts: Sequence[str]) -> Vectors:
        raise RuntimeError("model exploded: secret internals")


def test_a_burst_of_30_mentions_is_answered_exactly_once_each(slack: SlackHarness) -> None:
    stamps = [new_ts() for _ in range(30)]
    with ThreadPoolExecutor(30) as pool:
        responses = list(pool.map(lambda ts: slack.mention(ARTICLE, ts=ts)[1], stamps))

    assert [r.status for r in responses] == [200] * 30
    assert max(r.seconds for r in responses) < 3.0
    slack.fake.wait_for("reactions.add", 30, name=DONE, timeout=20)
    answered = Counter(c.body["thread_ts"] for c in slack.fake.calls("chat.postMessage"))
    assert answered == Counter({ts: 1 for ts in stamps})


def test_rate_limited_post_is_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=1)

    ts, _ = slack.mention(ARTICLE)

    assert slack.finished(ts) == DONE
    attempts = slack.fake.calls("chat.postMessage", thread_ts=ts)
    assert len(attempts) == 2  # the 429, then the one message that was posted
    assert attempts[1].at - attempts[0].at >= 1.0


@pytest.fixture
def one_busy_worker() -> Iterator[tuple[SlackHarness, GatedEncoder]]:
    encoder = GatedEncoder()
    env = {"CHECKDUPES_WORKERS": "1", "CHECKDUPES_QUEUE_SIZE": "1"}
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y", **env})
    with running_app(analyzer=build_analyzer(settings, encoder), env=env) as harness:
        try:
            yield harness, encoder
        finally:
            encoder.gate.set()


def test_when_the_queue_is_full_the_user_is_told_to_retry(
    one_busy_worker: tuple[SlackHarness, GatedEncoder],
) -> None:
    slack, encoder = one_busy_worker
    running, _ = slack.mention(ARTICLE)
    assert encoder.entered.wait(5)
    waiting, _ = slack.mention(ARTICLE)  # fills the queue's one slot
    # Listeners queue after the ack, on their own threads: the 👀 on `waiting` comes just
    # before it is queued, so waiting for it keeps the third mention from overtaking it.
    slack.fake.wait_for("reactions.add", timestamp=waiting, name="eyes")
    refused, response = slack.mention(ARTICLE)

    assert response.status == 200
    assert slack.finished(refused) == FAILED
    (busy,) = slack.replies(refused)
    assert "busy" in busy.body["text"] and "try again" in busy.body["text"]

    encoder.gate.set()
    assert slack.finished(running) == DONE
    assert slack.finished(waiting) == DONE


def test_an_unexpected_error_gets_a_warning_and_a_short_message() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"})
    with running_app(analyzer=build_analyzer(settings, CrashingEncoder())) as slack:
        ts, _ = slack.mention(ARTICLE)

        assert slack.finished(ts) == FAILED
        (reply,) = slack.replies(ts)
        assert reply.body["text"].startswith("⚠️ Something went wrong")
        assert "exploded" not in str(reply.body)


def test_a_slack_error_on_the_reply_is_logged_and_marked(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ts = new_ts()
    slack.fake.fail("chat.postMessage", "msg_too_long", times=1,
                    when=lambda body: body.get("thread_ts") == ts)

    slack.mention(ARTICLE, ts=ts)

    assert slack.finished(ts) == FAILED
    assert any("msg_too_long" in r.getMessage() for r in caplog.records)
    _, notice = slack.replies(ts)
    assert "Slack refused my reply (msg_too_long)" in notice.body["text"]
