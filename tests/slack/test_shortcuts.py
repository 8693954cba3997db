"""The message shortcut "Check for duplicates"."""

from __future__ import annotations

from tests.slack.harness import (
    ARTICLE,
    DONE,
    EXACT_REPEAT,
    SlackHarness,
    first_lines,
    new_id,
    new_ts,
)


def test_shortcut_checks_the_message_and_replies_in_its_thread(slack: SlackHarness) -> None:
    ts = new_ts()

    response = slack.shortcut({"ts": ts, "user": "U0OTHER", "text": ARTICLE})

    assert response.status == 200
    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    assert EXACT_REPEAT in first_lines(reply.blocks)


def test_shortcut_on_a_reply_answers_in_the_same_thread(slack: SlackHarness) -> None:
    parent, ts = new_ts(), new_ts()

    slack.shortcut({"ts": ts, "thread_ts": parent, "text": ARTICLE})

    slack.finished(ts)
    assert len(slack.replies(parent)) == 1


def test_shortcut_where_the_bot_is_not_a_member_answers_ephemerally(slack: SlackHarness) -> None:
    private = lambda body: body["channel"] == "C0PRIVATE"  # noqa: E731
    slack.fake.fail("chat.postMessage", "not_in_channel", when=private)
    slack.fake.fail("reactions.add", "not_in_channel", when=private)
    url = slack.fake.response_url(new_id("sc"))

    slack.shortcut({"ts": new_ts(), "text": ARTICLE}, channel="C0PRIVATE", response_url=url)

    (answer,) = slack.fake.wait_for("respond")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["replace_original"] is False
    assert EXACT_REPEAT in first_lines(answer.blocks)
