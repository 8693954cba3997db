"""/checkdupes: usage on help or nothing; otherwise a parent message and the report under it."""

from __future__ import annotations

import time

from slack_sdk import WebClient

from bot.render.slack import text_message
from bot.slack.replies import Outcome, Replier
from bot.slack.request import CheckRequest, Content
from tests.slack.harness import (
    ARTICLE,
    CHANNEL,
    DONE,
    EXACT_REPEAT,
    USER,
    SlackHarness,
    first_lines,
    new_id,
)


def test_command_posts_a_parent_and_the_report_in_its_thread(slack: SlackHarness) -> None:
    response = slack.command(ARTICLE)

    assert response.status == 200
    assert response.text == ""  # acked with an empty body: nothing shown yet
    parent, report = slack.fake.wait_for("chat.postMessage", 2)
    assert parent.body["channel"] == CHANNEL and "thread_ts" not in parent.body
    assert parent.body["text"].startswith(f"Checking 4 paragraphs from <@{USER}>…")
    parent_ts = slack.fake.wait_for("reactions.add", name="eyes")[0].body["timestamp"]
    assert report.body["thread_ts"] == parent_ts
    assert EXACT_REPEAT in first_lines(report.blocks)
    assert slack.finished(parent_ts) == DONE


def test_help_and_empty_command_explain_usage_in_the_ack(slack: SlackHarness) -> None:
    for text in ("help", "", "  HELP "):
        response = slack.command(text)
        assert response.status == 200
        body = response.json()
        assert "/checkdupes &lt;article text&gt;" in body["text"]
        assert body["blocks"][0]["type"] == "section"
    assert slack.fake.calls("chat.postMessage") == []


def test_command_where_the_bot_may_not_post_answers_ephemerally(slack: SlackHarness) -> None:
    slack.fake.fail("chat.postMessage", "not_in_channel", when=lambda b: b["channel"] == "C0OUT")
    url = slack.fake.response_url(new_id("cmd"))

    slack.command(ARTICLE, channel="C0OUT", response_url=url)

    (answer,) = slack.fake.wait_for("respond")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.authorization is None  # response_url is its own credential
    assert EXACT_REPEAT in first_lines(answer.blocks)
    assert slack.fake.calls("reactions.add") == []  # there is no message to react to


def test_command_with_bad_input_answers_ephemerally_without_a_parent(slack: SlackHarness) -> None:
    url = slack.fake.response_url(new_id("cmd"))

    slack.command("One short paragraph only.", response_url=url)

    (answer,) = slack.fake.wait_for("respond")
    assert "only one paragraph" in answer.body["text"]
    assert slack.fake.calls("chat.postMessage") == []


def test_command_is_acked_well_within_three_seconds(slack: SlackHarness) -> None:
    response = slack.command(ARTICLE * 20)

    assert response.status == 200
    assert response.seconds < 3.0
    parent_ts = slack.fake.wait_for("reactions.add", name="eyes")[0].body["timestamp"]
    slack.finished(parent_ts)


def test_a_long_ephemeral_report_stays_within_five_response_url_posts(slack: SlackHarness) -> None:
    # Reports are compact now (groups, short passages): eight messages are made by hand and
    # sent the way an ephemeral report goes, through the Replier and response_url.
    client = WebClient(token=slack.settings.bot_token, base_url=slack.fake.base_url)
    name = new_id("cmd")
    request = CheckRequest(entry="command", channel="C0GONE", content=Content("x"),
                           response_url=slack.fake.response_url(name))
    messages = [text_message(f"Part {n}") for n in range(8)]

    Replier(client).finish(request, None, messages, "white_check_mark", Outcome())

    answers = slack.fake.wait_for("respond", 5, name=name)
    time.sleep(0.2)  # a sixth post would be refused by Slack: make sure none comes
    assert len(slack.fake.calls("respond", name=name)) == 5
    assert [a.body["text"] for a in answers[:4]] == [f"Part {n}" for n in range(4)]
    assert "/invite @checkdupes" in answers[-1].body["text"]
