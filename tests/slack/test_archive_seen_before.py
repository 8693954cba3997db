"""Seen before in Slack: a story checked in one channel is cited, with its permalink and date,
when a later article repeats it; never across workspaces, and a private conversation's stories
only in that conversation. A temp SQLite archive, a hand-moved clock, the hashing encoder."""

from __future__ import annotations

import pytest

from tests.slack.archived import RECAP, Archived, everything
from tests.slack.fake_slack import permalink
from tests.slack.harness import DONE, new_ts, section_texts
from tests.stories import FIRE, FOLLOW_UP


def test_an_article_checked_yesterday_is_seen_before_in_another_channel(
    archived: Archived,
) -> None:
    yesterday, first = archived.check(FIRE, "C1")
    assert "🗄️ Seen before: nothing here repeats a story checked earlier." in everything(first)
    archived.clock.advance(days=1)

    _, reply = archived.check(FOLLOW_UP, "C2")

    link = permalink("C1", yesterday)
    texts = section_texts(reply.blocks)
    assert texts[:2] == ["1 seen before", "3 paragraphs"]
    assert "*Seen before* · passages that repeat stories checked earlier" in texts
    assert any(
        t.startswith("*¶2 ↔ ¶2 of a Slack message* · 🔁 exact repeat · 1.00\n"
                     f"🔗 <{link}|a Slack message> · checked <!date^1795514400^")
        and t.endswith("|2026-11-24 10:00 UTC>")
        for t in texts
    ), texts
    assert "*¶2 of a Slack message*\n>Police closed the Harwick bypass overnight" in "\n".join(
        texts
    )
    fallback = reply.body["text"]
    assert "Seen before" in fallback and link in fallback and "2026-11-24 10:00 UTC" in fallback
    # The permalink asked for is the message that was checked, in the channel it was in.
    assert archived.slack.fake.calls("chat.getPermalink", channel="C1", message_ts=yesterday)


def test_a_conflicting_fact_reads_before_and_now(archived: Archived) -> None:
    archived.check(FIRE, "C1")
    changed = FIRE.replace("injuring 11 workers", "injuring 15 workers")

    _, reply = archived.check(FOLLOW_UP + "\n\n" + changed.split("\n\n")[0], "C2")

    assert "Differs: before 11 → now 15" in everything(reply)
    assert "⚖️ conflicting facts" in everything(reply)


@pytest.mark.parametrize(
    "private_channel",
    ["C0PRIVATE", "G0GROUP", "D0DIRECT"],  # private channel, group DM, DM
)
def test_a_private_conversations_story_is_seen_only_there(
    archived: Archived, private_channel: str
) -> None:
    fake = archived.slack.fake
    fake.set_conversation("C0PRIVATE", is_channel=True, is_private=True)
    secret_ts, _ = archived.check(FIRE, private_channel)
    secret = permalink(private_channel, secret_ts)

    _, elsewhere = archived.check(FOLLOW_UP, "C2")

    shown = everything(elsewhere)
    assert "nothing here repeats a story checked earlier" in shown
    # Neither its link nor its channel nor a word only it has.
    assert secret not in shown and private_channel not in shown
    assert "11 workers" not in shown and "too early to say" not in shown
    # In its own conversation it is cited (FOLLOW_UP, public, is cited too).
    _, at_home = archived.check(RECAP + "\n\nPolice closed the Harwick bypass overnight and "
                                "told people nearby to keep their windows shut until the "
                                "smoke cleared.", private_channel)
    assert secret in everything(at_home)
    asked = fake.calls("conversations.info", channel=private_channel)
    assert len(asked) == (1 if private_channel.startswith("C") else 0)  # ids D…, G… suffice


def test_when_privacy_cannot_be_told_the_story_stays_in_its_channel(
    archived: Archived,
) -> None:
    archived.slack.fake.fail("conversations.info", "missing_scope",
                             when=lambda body: body.get("channel") == "C0UNKNOWN")
    ts, _ = archived.check(FIRE, "C0UNKNOWN")

    _, reply = archived.check(FOLLOW_UP, "C2")

    assert permalink("C0UNKNOWN", ts) not in everything(reply)
    assert "nothing here repeats" in everything(reply)


def test_a_workspace_never_sees_another_workspaces_stories(archived: Archived) -> None:
    archived.check(FIRE, "C1", team="T0001")

    _, other = archived.check(FOLLOW_UP, "C1", team="T0002")
    _, same = archived.check(RECAP, "C2", team="T0001")

    assert "nothing here repeats" in everything(other)
    assert "1 seen before" in section_texts(same.blocks)[0]
    [kept] = archived.archive.list("T0002")
    assert kept.story.source.startswith("https://fake.slack.com/archives/C1/")
    assert len(archived.archive.list("T0001")) == 2


def test_a_slash_commands_text_is_known_by_the_parent_message_posted_for_it(
    archived: Archived,
) -> None:
    archived.slack.command(FIRE, channel="C1")
    parent = archived.slack.fake.wait_for("chat.postMessage", channel="C1")[0]
    parent_ts = archived.slack.fake.wait_for("reactions.add", name="eyes")[0].body["timestamp"]
    assert archived.slack.finished(parent_ts) == DONE
    assert "thread_ts" not in parent.body

    _, reply = archived.check(FOLLOW_UP, "C2")

    assert permalink("C1", parent_ts) in everything(reply)


def test_a_thread_parent_checked_by_a_mention_is_known_by_its_own_permalink(
    archived: Archived,
) -> None:
    fake, parent = archived.slack.fake, new_ts()
    fake.set_thread("C1", parent, [{"type": "message", "ts": parent, "text": FIRE}])
    ts, _ = archived.slack.mention("is this new?", channel="C1", thread_ts=parent)
    assert archived.slack.finished(ts) == DONE

    _, reply = archived.check(FOLLOW_UP, "C2")

    assert permalink("C1", parent) in everything(reply)
    assert permalink("C1", ts) not in everything(reply)


def test_a_shortcut_on_a_message_keeps_it_under_that_messages_permalink(
    archived: Archived,
) -> None:
    ts = new_ts()
    archived.slack.shortcut({"ts": ts, "text": FIRE, "user": "U0WRITER"}, channel="C1")
    assert archived.slack.finished(ts) == DONE

    _, reply = archived.check(FOLLOW_UP, "C2")

    assert permalink("C1", ts) in everything(reply)
