"""With REDIS_URL: two web apps and two ``python -m bot worker`` processes sharing a real
Redis. Every request is answered exactly once, whichever process Slack reaches, whichever
worker takes it, and even when that worker dies holding it."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fakes import CRASH
from tests.slack.harness import ARTICLE, DONE, FAILED, new_id, new_ts
from tests.slack.redis_server import scratch_queue
from tests.slack.scale_out import LOST_AFTER_S, RETRIES, ScaleOut, WorkerProcess, running_scale_out

BURST = 100


@pytest.fixture(scope="module")
def scale_out(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScaleOut]:
    with (
        scratch_queue(redis_url) as queue,
        running_scale_out(redis_url, queue, tmp_path_factory.mktemp("scale"),
                          CHECKDUPES_QUEUE_SIZE=str(2 * BURST)) as cluster,
    ):
        yield cluster


@pytest.fixture
def cluster(scale_out: ScaleOut) -> ScaleOut:
    """The module's processes, two workers alive (one killed by a test is replaced)."""
    missing = 2 - len(scale_out.live_workers())
    if missing > 0:
        scale_out.start_workers(missing)
    scale_out.fake.reset()
    return scale_out


def test_a_burst_of_100_mentions_is_answered_exactly_once_each(cluster: ScaleOut) -> None:
    stamps = [new_ts() for _ in range(BURST)]

    def mention(k: int) -> int:
        web = cluster.webs[k % 2]  # the load balancer spreads Slack's deliveries
        return web.mention(ARTICLE, ts=stamps[k])[1].status

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(mention, range(BURST)))

    assert statuses == [200] * BURST
    cluster.fake.wait_for("reactions.add", BURST, name=DONE, timeout=40)
    answered = Counter(c.body["thread_ts"] for c in cluster.fake.calls("chat.postMessage"))
    assert answered == Counter({ts: 1 for ts in stamps})
    # Both workers took a share.
    assert all(w.lines("event=job_started") for w in cluster.live_workers())


def test_slack_retries_to_either_web_process_get_one_answer(
    cluster: ScaleOut, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    ts, event_id = new_ts(), new_id("EvRetry")
    first, second = cluster.webs

    _, response = first.mention(ARTICLE, ts=ts, event_id=event_id)
    with ThreadPoolExecutor(2) as pool:  # Slack's retries, one reaching each process
        retries = list(pool.map(
            lambda args: args[0].mention(ARTICLE, ts=ts, event_id=event_id, retry_num=args[1]),
            [(second, 1), (first, 2)],
        ))

    assert [response.status] + [r.status for _, r in retries] == [200, 200, 200]
    assert first.finished(ts) == DONE
    # Each retry is dropped by the process it reached, after its ack.
    deadline = time.monotonic() + 5
    while len(_duplicates(caplog, event_id)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(_duplicates(caplog, event_id)) == 2
    assert len(cluster.fake.calls("chat.postMessage", thread_ts=ts)) == 1


def _duplicates(caplog: pytest.LogCaptureFixture, event_id: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if "result=duplicate" in r.getMessage() and f"event_id={event_id}" in r.getMessage()]


def test_a_job_that_keeps_failing_is_retried_then_the_user_is_told(cluster: ScaleOut) -> None:
    ts, event_id = new_ts(), new_id("EvCrash")

    cluster.webs[0].mention(f"{ARTICLE}\n\n{CRASH} one more paragraph.", ts=ts,
                            event_id=event_id)

    assert cluster.webs[0].finished(ts, timeout=20) == FAILED
    (reply,) = cluster.fake.calls("chat.postMessage", thread_ts=ts)
    assert reply.body["text"].startswith("⚠️ Something went wrong")
    assert "scripted crash" not in str(reply.body)
    attempts = cluster.worker_lines(rf"event=job_started .*event_id={event_id}")
    assert len(attempts) == 1 + RETRIES
    assert len(cluster.worker_lines(rf"event=request_given_up .*event_id={event_id}")) == 1


def test_a_failing_slash_command_keeps_one_parent_message_across_retries(
    cluster: ScaleOut,
) -> None:
    channel = "C0SLASH" + new_id("")

    cluster.webs[1].command(f"{ARTICLE}\n\n{CRASH} one more paragraph.", channel=channel)

    (warning,) = cluster.fake.wait_for("reactions.add", channel=channel, name=FAILED, timeout=20)
    # One parent (the retries answered under it instead of posting their own), one failure.
    parent, failure = cluster.fake.calls("chat.postMessage", channel=channel)
    assert "thread_ts" not in parent.body
    assert failure.body["thread_ts"] == warning.body["timestamp"]
    assert failure.body["text"].startswith("⚠️ Something went wrong")


def test_a_killed_workers_job_is_answered_by_the_other_worker(cluster: ScaleOut) -> None:
    ts, event_id = new_ts(), new_id("EvKill")
    cluster.webs[0].mention(f"{ARTICLE}\n\nThis one is slow to check. [[sleep 3]]", ts=ts,
                            event_id=event_id)

    holder = _worker_holding(cluster, event_id)
    time.sleep(0.3)  # inside the slow encode, well before any reply
    holder.kill()

    assert cluster.webs[0].finished(ts, timeout=30) == DONE
    assert len(cluster.fake.calls("chat.postMessage", thread_ts=ts)) == 1
    (other,) = cluster.live_workers()
    assert other.lines(rf"event=job_started .*event_id={event_id} attempt=2")


def test_a_job_longer_than_the_lost_after_time_is_not_taken_for_abandoned(
    cluster: ScaleOut,
) -> None:
    ts, event_id = new_ts(), new_id("EvSlow")
    seconds = 2 * LOST_AFTER_S  # the idle worker looks for dead workers' jobs meanwhile

    cluster.webs[1].mention(f"{ARTICLE}\n\nThis one takes a while. [[sleep {seconds}]]", ts=ts,
                            event_id=event_id)

    assert cluster.webs[1].finished(ts, timeout=20) == DONE
    assert len(cluster.fake.calls("chat.postMessage", thread_ts=ts)) == 1
    assert len(cluster.worker_lines(rf"event=job_started .*event_id={event_id}")) == 1


def _worker_holding(cluster: ScaleOut, event_id: str, timeout: float = 10) -> WorkerProcess:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in cluster.live_workers():
            if worker.lines(rf"event=job_started .*event_id={event_id}"):
                return worker
        time.sleep(0.02)
    raise AssertionError(f"no worker started {event_id}")

