"""The HTTP surface: /slack/events (signed), /healthz, 404 elsewhere, and ack time."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import pytest

from tests.slack.harness import ARTICLE, SECRET, SlackHarness, new_id


def test_healthz_answers_ok(slack: SlackHarness) -> None:
    response = slack.get("/healthz")

    assert (response.status, response.text) == (200, "ok")
    assert response.headers["content-type"].startswith("text/plain")


def test_other_paths_are_not_found(slack: SlackHarness) -> None:
    assert slack.get("/").status == 404
    assert slack.get("/slack/events").status == 404  # Slack only ever POSTs here


def test_bad_signature_is_refused_and_nothing_reaches_slack(slack: SlackHarness) -> None:
    _, response = slack.mention(ARTICLE, signature="v0=" + "0" * 64)

    assert response.status == 401
    time.sleep(0.2)  # give a wrongly accepted request the time to call Slack
    assert slack.fake.calls() == []


def test_stale_timestamp_is_refused_and_nothing_reaches_slack(slack: SlackHarness) -> None:
    # Correctly signed, but ten minutes old: a replayed request.
    _, response = slack.mention(ARTICLE, timestamp=int(time.time()) - 600)

    assert response.status == 401
    time.sleep(0.2)
    assert slack.fake.calls() == []


def test_unsigned_request_is_refused(slack: SlackHarness) -> None:
    response = slack.post('{"type": "event_callback"}', "application/json", signature="")

    assert response.status == 401


def test_url_verification_challenge_is_answered(slack: SlackHarness) -> None:
    body = '{"type": "url_verification", "challenge": "c-123", "token": "x"}'

    response = slack.post(body, "application/json")

    assert response.status == 200
    assert "c-123" in response.text


def test_event_ack_is_well_within_three_seconds(slack: SlackHarness) -> None:
    ts, response = slack.mention(ARTICLE * 10, event_id=new_id("Ev"))

    assert response.status == 200
    assert response.seconds < 3.0
    slack.finished(ts)


def test_a_refused_request_is_logged_without_its_body(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    slack.mention("Secret draft about the mayor.\n\nSecond paragraph.", signature="v0=bad")

    assert any("event=http_refused status=401" in r.getMessage() for r in caplog.records)
    assert "Secret draft" not in caplog.text


GARBAGE = [
    pytest.param(b'{"type": "event_callback", "event": {"type": "app_me', "application/json", {},
                 id="truncated-json"),
    pytest.param(b'{"type": "event_callback"}', "application/json", {"timestamp": "soon"},
                 id="non-numeric-timestamp"),
    pytest.param(b'{"type": "\xff\xfe\x80"}', "application/json", {}, id="not-utf8"),
    pytest.param(b"payload=notjson", "application/x-www-form-urlencoded", {},
                 id="payload-not-json"),
    pytest.param(b"payload=%7B%22type", "application/x-www-form-urlencoded", {"signature": ""},
                 id="unsigned-truncated-payload"),
]


@pytest.mark.parametrize(("body", "content_type", "options"), GARBAGE)
def test_garbage_with_a_bad_signature_gets_401_and_one_line_without_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str,
    options: dict[str, str],
) -> None:
    caplog.set_level(logging.INFO)
    options = {"signature": "v0=" + "1" * 64, **options}

    response = slack.post(body, content_type, **options)  # type: ignore[arg-type]

    assert response.status == 401
    refused = [r for r in caplog.records if "event=http_refused" in r.getMessage()]
    assert len(refused) == 1 and "status=401" in refused[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert slack.fake.calls() == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b'{"type": "event_callback", "event": {', "application/json"),
     (b"payload=notjson", "application/x-www-form-urlencoded")],
)
def test_signed_garbage_gets_400_not_a_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.INFO)

    response = slack.post(body, content_type)

    assert response.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_bytes_that_are_not_utf8_are_never_slack_s_even_signed(slack: SlackHarness) -> None:
    body, ts = b'{"type": "\xff\xfe"}', str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)

    response = slack.post(body, "application/json", timestamp=ts,
                          signature="v0=" + digest.hexdigest())

    assert response.status == 401
