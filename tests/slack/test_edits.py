"""An edited direct message that the bot answered is checked again, its report updated."""

from __future__ import annotations

from tests.slack.harness import (
    ARTICLE,
    DONE,
    SlackHarness,
    group_names,
    new_ts,
    section_texts,
)

# ARTICLE with its repeated paragraph (¶3) rewritten: nothing repeats any more.
FIXED = ARTICLE.replace(
    "The city council approved the new budget on Tuesday after a long debate.\n\nCritics",
    "Several amendments were rejected before the vote.\n\nCritics",
)


def test_editing_a_checked_dm_so_the_repeat_is_gone_updates_its_report(
    slack: SlackHarness,
) -> None:
    ts, _ = slack.direct_message(ARTICLE)
    assert slack.finished(ts) == DONE
    (report,) = slack.replies(ts)
    assert group_names(report.blocks) == {"¶1 = ¶3"}

    slack.edit_direct_message(ts, FIXED, previous=ARTICLE)

    slack.fake.wait_for("reactions.add", 2, timestamp=ts, name=DONE)
    (updated,) = slack.fake.wait_for("chat.update", ts=slack.fake.posted_ts(report))
    texts = section_texts(updated.blocks)
    assert texts[:2] == ["🔄 Checked again after your edit.", "No repeats found"]
    assert group_names(updated.blocks) == set()
    assert len(slack.replies(ts)) == 1  # updated in place, not posted again


def test_a_second_edit_updates_the_same_report_again(slack: SlackHarness) -> None:
    ts, _ = slack.direct_message(ARTICLE)
    slack.finished(ts)
    report_ts = slack.fake.posted_ts(slack.replies(ts)[0])

    slack.edit_direct_message(ts, FIXED, previous=ARTICLE)
    slack.fake.wait_for("chat.update", ts=report_ts)
    slack.edit_direct_message(ts, ARTICLE, previous=FIXED)

    updates = slack.fake.wait_for("chat.update", 2, ts=report_ts)
    assert group_names(updates[-1].blocks) == {"¶1 = ¶3"}


def test_changes_that_are_not_edits_of_an_answered_message_are_ignored(
    slack: SlackHarness,
) -> None:
    ts, _ = slack.direct_message(ARTICLE)
    slack.finished(ts)
    # Slack sends message_changed when the bot's reply lands under the message (its reply
    # count changes): the text is the same.
    slack.edit_direct_message(ts, ARTICLE, previous=ARTICLE)
    # An edit of a message the bot never answered.
    slack.edit_direct_message(new_ts(), FIXED, previous=ARTICLE)
    # Then a real edit, so that once it is answered everything before it was seen.
    slack.edit_direct_message(ts, FIXED, previous=ARTICLE)

    slack.fake.wait_for("chat.update")
    slack.fake.wait_for("reactions.add", 2, timestamp=ts, name=DONE)
    assert len(slack.fake.calls("chat.update")) == 1
    assert len(slack.fake.calls("chat.postMessage")) == 1
