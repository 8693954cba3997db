"""The report's buttons through the real app: signed block_actions payloads as Slack sends
them, answered against the fake Web API (chat.update, files upload v2, users.info)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID, Call
from tests.slack.harness import (
    CHANNEL,
    DONE,
    USER,
    SlackHarness,
    buttons,
    group_names,
    new_id,
    section_texts,
)

# Two groups: ¶1 = ¶3 and ¶4 = ¶5.
TWO_GROUPS = (
    "The council approved the new budget on Tuesday after a long debate.\n\n"
    "Residents packed the hall to hear the mayor explain the spending plan.\n\n"
    "The council approved the new budget on Tuesday after a long debate.\n\n"
    "Critics said the plan ignored road repairs in the northern districts.\n\n"
    "Critics said the plan ignored road repairs in the northern districts."
)


@pytest.fixture
def slack(slack: SlackHarness) -> Iterator[SlackHarness]:
    """The module's app, as a workspace of this test's own: verdicts are per workspace, so no
    test sees another's (the store lives as long as the app)."""
    team = new_id("T")
    slack.team = team
    yield slack
    slack.team = TEAM_ID


def _report(slack: SlackHarness, text: str = TWO_GROUPS, **options: Any) -> tuple[str, Call]:
    ts, _ = slack.mention(text, **options)
    assert slack.finished(ts) == DONE
    (report,) = slack.replies(ts)
    return ts, report


def _press(slack: SlackHarness, message: Call, action: str, n: int = 0, **who: Any) -> None:
    assert slack.block_action(message, buttons(message.blocks)[action][n], **who).status == 200


def _updated(slack: SlackHarness, ts: str, count: int = 1) -> Call:
    return slack.fake.wait_for("chat.update", count, ts=ts)[-1]


def test_not_a_repeat_marks_the_group_and_later_checks_drop_that_group_only(
    slack: SlackHarness,
) -> None:
    _, report = _report(slack)
    assert group_names(report.blocks) == {"¶1 = ¶3", "¶4 = ¶5"}
    ts = slack.fake.posted_ts(report)

    _press(slack, report, "checkdupes_not_a_repeat", 0)

    updated = _updated(slack, ts)
    assert updated.body["channel"] == CHANNEL
    assert any(f"not a repeat* by <@{USER}>" in t for t in section_texts(updated.blocks))
    assert "checkdupes_undo" in buttons(updated.blocks)
    # The same passages anywhere in a later article of this workspace are not reported...
    moved = "Intro line for a new story.\n\n" + TWO_GROUPS
    _, again = _report(slack, moved)
    assert group_names(again.blocks) == {"¶5 = ¶6"}
    # ...but another workspace's checks still report them.
    ts_other, _ = slack.mention(TWO_GROUPS, team=new_id("T"))
    assert slack.finished(ts_other) == DONE
    assert group_names(slack.replies(ts_other)[0].blocks) == {"¶1 = ¶3", "¶4 = ¶5"}


def _marked(slack: SlackHarness) -> tuple[Call, Call]:
    """A report with group 0 marked "not a repeat" by its asker, and the updated message."""
    _, report = _report(slack)
    _press(slack, report, "checkdupes_not_a_repeat", 0)
    return report, _updated(slack, slack.fake.posted_ts(report))


def test_someone_else_cannot_undo_and_is_told_so_alone(slack: SlackHarness) -> None:
    report, updated = _marked(slack)

    _press(slack, updated, "checkdupes_undo", 0, user="U0INTERN")

    (refusal,) = slack.fake.wait_for("respond")
    assert refusal.body["response_type"] == "ephemeral"
    assert "Only the person who asked for this check" in refusal.body["text"]
    assert slack.fake.calls("users.info")[0].body["user"] == "U0INTERN"
    assert len(slack.fake.calls("chat.update")) == 1  # the report is unchanged
    _, again = _report(slack)
    assert group_names(again.blocks) == {"¶4 = ¶5"}  # still not reported


def test_the_asker_or_an_admin_can_undo(slack: SlackHarness) -> None:
    report, updated = _marked(slack)
    slack.fake.set_user("U0ADMIN", is_admin=True)

    _press(slack, updated, "checkdupes_undo", 0, user="U0ADMIN")

    restored = _updated(slack, slack.fake.posted_ts(report), 2)
    assert "checkdupes_undo" not in buttons(restored.blocks)
    assert not any("not a repeat* by" in t for t in section_texts(restored.blocks))
    _, again = _report(slack)
    assert group_names(again.blocks) == {"¶1 = ¶3", "¶4 = ¶5"}
    # The asker needs no admin rights: mark again, undo as the asker.
    _press(slack, again, "checkdupes_not_a_repeat", 0)
    marked = _updated(slack, slack.fake.posted_ts(again))
    _press(slack, marked, "checkdupes_undo", 0)
    assert "checkdupes_undo" not in buttons(_updated(slack, slack.fake.posted_ts(again), 2).blocks)


def test_cleaned_copy_uploads_the_article_with_the_cuts_applied_in_the_thread(
    slack: SlackHarness,
) -> None:
    ts, report = _report(slack)

    _press(slack, report, "checkdupes_cleaned_copy")

    (done,) = slack.fake.wait_for("files.completeUploadExternal")
    assert (done.body["channel_id"], done.body["thread_ts"]) == (CHANNEL, ts)
    assert "cut ¶3, ¶5" in done.body["initial_comment"]
    (asked,) = slack.fake.calls("files.getUploadURLExternal")
    assert asked.body["filename"] == "cleaned-copy.txt"
    assert asked.body["snippet_type"] == "text"
    (upload,) = slack.fake.calls("upload")
    paragraphs = TWO_GROUPS.split("\n\n")
    expected = "\n\n".join([paragraphs[0], paragraphs[1], paragraphs[3]]) + "\n"
    assert slack.fake.uploaded(upload.body["file_id"]).decode() == expected


def test_cleaned_copy_keeps_a_group_marked_not_a_repeat(slack: SlackHarness) -> None:
    report, updated = _marked(slack)

    _press(slack, updated, "checkdupes_cleaned_copy")

    slack.fake.wait_for("files.completeUploadExternal")
    (upload,) = slack.fake.calls("upload")
    content = slack.fake.uploaded(upload.body["file_id"]).decode()
    assert content.count("The council approved the new budget") == 2
    assert content.count("Critics said") == 1


def test_show_passages_uploads_them_in_full(slack: SlackHarness) -> None:
    long = "The council approved the budget " + "after a very long debate " * 30
    text = f"{long}\n\nSomething else entirely happened.\n\n{long}"
    _, report = _report(slack, text)

    _press(slack, report, "checkdupes_show_passages")

    slack.fake.wait_for("files.completeUploadExternal")
    (upload,) = slack.fake.calls("upload")
    content = slack.fake.uploaded(upload.body["file_id"]).decode()
    assert content.startswith("1. ¶1 = ¶3 (exact repeat): cut ¶3")
    assert content.count(long.strip()) == 2  # in full, not trimmed


def test_check_again_updates_the_report_in_place(slack: SlackHarness) -> None:
    ts, report = _report(slack)
    report_ts = slack.fake.posted_ts(report)

    _press(slack, report, "checkdupes_check_again")

    slack.fake.wait_for("reactions.add", 2, timestamp=ts, name=DONE)
    updated = _updated(slack, report_ts)
    assert section_texts(updated.blocks)[0] == "🔄 Checked again."
    assert group_names(updated.blocks) == {"¶1 = ¶3", "¶4 = ¶5"}
    assert len(slack.replies(ts)) == 1  # nothing new posted in the thread


def test_check_again_reads_the_message_as_it_is_now(slack: SlackHarness) -> None:
    ts, report = _report(slack)
    # Edited since in the channel (no event reaches the bot): the second repeat is gone.
    edited = TWO_GROUPS.rsplit("\n\n", 1)[0] + "\n\nThe roads will be repaired next year."
    slack.fake.set_thread(CHANNEL, ts, [{"type": "message", "ts": ts, "user": USER,
                                         "text": f"<@{BOT_USER_ID}> {edited}"}])

    _press(slack, report, "checkdupes_check_again")

    updated = _updated(slack, slack.fake.posted_ts(report))
    (history,) = slack.fake.calls("conversations.history")
    assert (history.body["channel"], history.body["latest"]) == (CHANNEL, ts)
    assert group_names(updated.blocks) == {"¶1 = ¶3"}


def test_a_button_of_a_report_the_bot_no_longer_has_gets_a_short_answer(
    slack: SlackHarness,
) -> None:
    _, report = _report(slack)
    button = dict(buttons(report.blocks)["checkdupes_cleaned_copy"][0], value="0123456789abcdef")

    slack.block_action(report, button)

    (answer,) = slack.fake.wait_for("respond")
    assert "no longer have what this report showed" in answer.body["text"]
    assert slack.fake.calls("files.getUploadURLExternal") == []


def test_buttons_are_signed_like_every_request(slack: SlackHarness) -> None:
    _, report = _report(slack)
    slack.fake.reset()
    button = buttons(report.blocks)["checkdupes_not_a_repeat"][0]
    body = urlencode({"payload": json.dumps({"type": "block_actions", "team": {"id": TEAM_ID},
                                             "user": {"id": USER}, "actions": [button]})})
    response = slack.post(body, "application/x-www-form-urlencoded", signature="v0=bad")

    assert response.status == 401
    assert slack.fake.calls("chat.update") == []
