"""@mentions in a channel: the reply goes in the thread of the message that asked."""

from __future__ import annotations

import logging
import time

import pytest

from tests.slack.harness import (
    ARTICLE,
    CHANNEL,
    DONE,
    EXACT_REPEAT,
    FAILED,
    SlackHarness,
    first_lines,
    new_ts,
    section_texts,
)


def test_mention_replies_in_the_thread_of_the_mention(slack: SlackHarness) -> None:
    ts, response = slack.mention(ARTICLE)

    assert response.status == 200
    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    assert reply.body["channel"] == CHANNEL
    assert reply.authorization == f"Bearer {slack.settings.bot_token}"
    texts = section_texts(reply.blocks)
    assert texts[0] == "1 repeat to cut"
    assert EXACT_REPEAT in [t.split("\n")[0] for t in texts]
    assert "¶1 = ¶3" in reply.body["text"]  # the plain-text fallback says it too
    assert any(t.startswith("*Summary*") for t in texts)
    # 👀 while working, then ✅ with 👀 removed.
    reactions = [(c.method, c.body["name"]) for c in slack.fake.calls(timestamp=ts)]
    assert reactions == [("reactions.add", "eyes"), ("reactions.remove", "eyes"),
                         ("reactions.add", DONE)]


def test_mention_inside_a_thread_answers_in_that_thread(slack: SlackHarness) -> None:
    parent = new_ts()
    ts, _ = slack.mention(ARTICLE, thread_ts=parent)

    slack.finished(ts)
    assert len(slack.replies(parent)) == 1
    assert slack.fake.calls("conversations.replies") == []  # it had its own article


def test_mention_in_a_thread_without_text_checks_the_thread_parent(slack: SlackHarness) -> None:
    parent = new_ts()
    slack.fake.set_thread(CHANNEL, parent, [{"type": "message", "ts": parent, "text": ARTICLE}])

    ts, _ = slack.mention("can you check this?", thread_ts=parent)

    assert slack.finished(ts) == DONE
    (lookup,) = slack.fake.calls("conversations.replies")
    body = lookup.body
    assert (body["channel"], body["ts"], body["limit"]) == (CHANNEL, parent, "1")
    (reply,) = slack.replies(parent)
    assert EXACT_REPEAT in first_lines(reply.blocks)


def test_a_thread_parent_the_bot_cannot_read_gets_a_friendly_reply(slack: SlackHarness) -> None:
    parent = new_ts()
    slack.fake.fail("conversations.replies", "missing_scope")

    ts, _ = slack.mention("", thread_ts=parent)

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(parent)
    assert "could not read the first message of this thread (missing_scope)" in reply.body["text"]


def test_retried_event_is_answered_once(slack: SlackHarness) -> None:
    ts = new_ts()
    _, first = slack.mention(ARTICLE, ts=ts, event_id="EvRETRY1")
    _, retry = slack.mention(ARTICLE, ts=ts, event_id="EvRETRY1", retry_num=1)

    assert first.status == retry.status == 200
    slack.finished(ts)
    assert len(slack.replies(ts)) == 1


def test_one_message_delivered_as_mention_and_dm_is_answered_once(slack: SlackHarness) -> None:
    ts = new_ts()
    slack.mention(ARTICLE, channel="D0DM", ts=ts)
    slack.direct_message(f"<@UBOT> {ARTICLE}", channel="D0DM", ts=ts)

    slack.finished(ts)
    assert len(slack.replies(ts)) == 1
    assert len(slack.fake.calls("reactions.add", name="eyes")) == 1


def test_empty_mention_explains_what_to_send(slack: SlackHarness) -> None:
    ts, _ = slack.mention("")

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert reply.body["text"].startswith("⚠️ There is no article here to check")


def test_one_paragraph_gets_a_friendly_reply(slack: SlackHarness) -> None:
    ts, _ = slack.mention("Just one paragraph about the budget vote on Tuesday.")

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert "only one paragraph" in reply.body["text"]


def test_no_repeats_is_a_clear_answer(slack: SlackHarness) -> None:
    text = (
        "Storms closed the harbour overnight.\n\nFarmers expect record apple harvests.\n\n"
        "A new library opens downtown in spring.\n\nLocal runners won three medals."
    )
    ts, _ = slack.mention(text)

    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    assert section_texts(reply.blocks)[0] == "No repeats found"


def test_two_articles_separated_by_dashes_are_compared(slack: SlackHarness) -> None:
    first = "The bridge reopened on Monday after repairs.\n\nTraffic was light in the morning."
    second = "Officials cut a ribbon at noon.\n\nThe bridge reopened on Monday after repairs."
    ts, _ = slack.mention(f"{first}\n---\n{second}")

    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    texts = section_texts(reply.blocks)
    assert texts[1].startswith("4 paragraphs of 2 articles")
    assert any("*A¶1 = B¶2*" in t for t in texts)



def test_one_log_line_per_request_with_ids_and_timings_but_no_text_or_token(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    ts, _ = slack.mention(ARTICLE, event_id="EvLOGGED")
    slack.finished(ts)

    def request_lines() -> list[str]:
        return [m for r in caplog.records
                if (m := r.getMessage()).startswith("event=request") and f"ts={ts}" in m]

    deadline = time.monotonic() + 5  # the line is written just after the last reaction
    while not request_lines() and time.monotonic() < deadline:
        time.sleep(0.01)
    (line,) = request_lines()
    for field in ("entry=mention", "result=ok", f"channel={CHANNEL}", "event_id=EvLOGGED",
                  "team=T0001", "ack_ms=", "queue_ms=", "analysis_ms=", "paragraphs=4", "pairs=1"):
        assert field in line
    everything = caplog.text
    assert slack.settings.bot_token not in everything
    assert "city council" not in everything
