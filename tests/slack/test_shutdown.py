"""Stopping on SIGTERM: no new requests, the checks taken finish within a bound, then exit;
the same steps for HTTP and Socket Mode (bot.__main__.run_until_stopped)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.__main__ import run_until_stopped
from bot.slack.local_queue import WorkQueue
from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack
from tests.slack.harness import ARTICLE, CHANNEL, DONE, SECRET, TOKEN, USER, new_ts

ROOT = Path(__file__).resolve().parents[2]


def test_intake_stops_before_the_running_check_is_let_finish() -> None:
    pool, steps, stopped = WorkQueue(workers=1, size=2), [], threading.Event()
    started = threading.Event()

    def check() -> None:
        started.set()
        time.sleep(0.3)
        steps.append("check finished")

    def stop_intake() -> None:
        steps.append("intake stopped")

    assert pool.submit(check) and started.wait(2)
    stopped.set()  # as SIGTERM's handler does

    left = run_until_stopped(lambda: steps.append("started"), stop_intake, pool.drain, stopped)

    assert left == 0
    assert steps == ["started", "intake stopped", "check finished"]
    assert not pool.submit(lambda: None)  # draining: nothing new is taken


def test_a_check_longer_than_the_grace_is_given_up_in_time() -> None:
    pool, stopped = WorkQueue(workers=1, size=1), threading.Event()
    release = threading.Event()
    assert pool.submit(lambda: release.wait(10))
    assert pool.submit(lambda: None)  # waiting behind it: not finished either
    stopped.set()

    began = time.monotonic()
    left = run_until_stopped(lambda: None, lambda: None, pool.drain, stopped, grace_s=0.2)

    assert left == 2 and time.monotonic() - began < 2
    release.set()


def _signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                timestamp=ts, body=body)}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_lets_python_m_bot_finish_the_running_check(tmp_path: Path) -> None:
    import httpx

    fake = FakeSlack(TOKEN).start()
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_BASE_URL": fake.base_url, "PORT": "0", "PYTHONPATH": str(ROOT),
           "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:ScriptedEncoder"}
    for name in ("SLACK_APP_TOKEN", "REDIS_URL", "CHECKDUPES_ARCHIVE", "DATABASE_URL"):
        env.pop(name, None)
    stderr = (tmp_path / "stderr").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                               stderr=stderr, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60

    def logged() -> str:
        stderr.seek(0)
        return stderr.read()

    def wait_for_log(pattern: str) -> re.Match[str]:
        while (found := re.search(pattern, logged())) is None:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        return found

    try:
        port = int(wait_for_log(r"event=http_listening host=\S+ port=(\d+)").group(1))
        ts = new_ts()
        event = {"type": "app_mention", "user": USER, "ts": ts, "channel": CHANNEL,
                 "text": f"<@{BOT_USER_ID}> [[sleep 2]] {ARTICLE}", "event_ts": ts}
        body = json.dumps({"type": "event_callback", "team_id": TEAM_ID, "event": event,
                           "event_id": "EvSHUTDOWN", "api_app_id": "A0APP"})
        response = httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body,
                              headers=_signed(body), timeout=10)
        assert response.status_code == 200
        fake.wait_for("reactions.add", timestamp=ts, name="eyes", timeout=10)
        # The eyes go on before the check is admitted: a stop between the two answers "busy"
        # (the right answer during a deploy). This test is about the check already running.
        wait_for_log("scripted_sleep")

        process.send_signal(signal.SIGTERM)  # mid-check: the encoder sleeps 2 s

        assert process.wait(timeout=30) == 0
        assert [c.body["name"] for c in fake.calls("reactions.add", timestamp=ts)] == [
            "eyes", DONE]
        assert len(fake.calls("chat.postMessage", thread_ts=ts)) == 1
        log = logged()
        assert "event=stopping signal=SIGTERM" in log and "event=stopped" in log
        with pytest.raises(httpx.TransportError):  # no new requests once stopping
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr.close()
        fake.close()
