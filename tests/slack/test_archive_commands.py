"""`/checkdupes archive on|off` and `/checkdupes forget <link>`, answered to the user alone;
and what they say when the bot keeps no archive."""

from __future__ import annotations

import pytest

from bot.slack.archive_commands import ArchiveCommand, parse_archive_command
from tests.slack.archived import RECAP, Archived, everything
from tests.slack.fake_slack import permalink
from tests.slack.harness import ARTICLE, DONE, USER, SlackHarness, new_id, section_texts
from tests.stories import FIRE, FOLLOW_UP


def command(slack: SlackHarness, text: str, channel: str, *, user: str = USER) -> str:
    """`user` runs `/checkdupes text` in `channel`; the ephemeral answer's text."""
    name = new_id("cmd")
    response = slack.command(text, channel=channel, response_url=slack.fake.response_url(name),
                             user=user)
    assert response.status == 200 and response.text == ""  # acked at once, answered after
    (answer,) = slack.fake.wait_for("respond", name=name)
    assert answer.body["response_type"] == "ephemeral"
    assert answer.blocks and answer.body["text"]
    return str(answer.body["text"])


def test_archive_off_keeps_nothing_but_still_compares_and_on_restores(
    archived: Archived,
) -> None:
    slack, archive = archived.slack, archived.archive
    slack.fake.set_user(USER, is_admin=True)
    assert "Archiving is *on* in this channel" in command(slack, "archive", "C1")
    assert "for 90 days" in command(slack, "archive", "C1")

    assert "Archiving is *off* in this channel" in command(slack, "archive off", "C1")
    archived.check(FIRE, "C1")
    assert archive.list("T0001") == []  # checked, not kept
    _, elsewhere = archived.check(FOLLOW_UP, "C2")
    assert "nothing here repeats" in everything(elsewhere)  # a later check elsewhere: nothing

    # C1 is still compared with the archive: FOLLOW_UP (kept from C2) is seen before there.
    _, again = archived.check(RECAP + "\n\n" + FOLLOW_UP.split("\n\n")[2], "C1")
    assert "1 seen before" in section_texts(again.blocks)[0]
    assert len(archive.list("T0001")) == 1

    assert "Archiving is *on* in this channel" in command(slack, "Archive ON", "C1")
    ts, _ = archived.check(FIRE, "C1")
    _, later = archived.check(RECAP, "C3")
    assert permalink("C1", ts) in everything(later)
    assert archive.channel_archiving("T0001", "C2")  # the switch is per channel


def test_forget_removes_a_story_by_its_link(archived: Archived) -> None:
    ts, _ = archived.check(FIRE, "C1")
    link = permalink("C1", ts)

    assert command(archived.slack, f"forget {link}", "C2") == (
        f"🗑️ Removed 1 story from the archive: {link}"
    )
    assert archived.archive.list("T0001") == []
    _, reply = archived.check(FOLLOW_UP, "C2")
    assert "nothing here repeats" in everything(reply)

    again = command(archived.slack, f"forget <{link}>", "C2")  # as Slack sends an escaped link
    assert again.startswith(f"No story you asked me to check has the link {link}.")
    assert "Which story?" in command(archived.slack, "forget", "C2")


def test_forget_in_one_workspace_leaves_another_alone(archived: Archived) -> None:
    ts, _ = archived.check(FIRE, "C1", team="T0002")
    name = new_id("cmd")
    archived.slack.command(f"forget {permalink('C1', ts)}", channel="C1",
                           response_url=archived.slack.fake.response_url(name), team="T0001")
    (answer,) = archived.slack.fake.wait_for("respond", name=name)
    assert answer.body["text"].startswith("No story you asked me to check")
    assert len(archived.archive.list("T0002")) == 1


def refusal(text: str, link: str) -> str:
    """The answer with the link taken out: what tells one refusal from another."""
    return text.replace(link, "LINK")


def test_a_plain_user_cannot_forget_a_private_story_nor_tell_it_exists(
    archived: Archived,
) -> None:
    slack = archived.slack
    slack.fake.set_conversation("C0SECRET", is_private=True)
    ts, _ = archived.check(FIRE, "C0SECRET", user="U0REPORTER")
    private_dm, _ = archived.check(FOLLOW_UP, "D0REPORTER", user="U0REPORTER")
    secret, dm = permalink("C0SECRET", ts), permalink("D0REPORTER", private_dm)
    nowhere = permalink("C0SECRET", "1699999999.000001")

    answers = [command(slack, f"forget {link}", "C2") for link in (secret, dm, nowhere)]

    assert len(archived.archive.list("T0001")) == 2  # nothing was removed
    assert refusal(answers[0], secret) == refusal(answers[1], dm) == refusal(answers[2], nowhere)
    assert "No story you asked me to check" in answers[0]


def test_the_asker_forgets_their_own_private_story_anywhere(archived: Archived) -> None:
    archived.slack.fake.set_conversation("C0SECRET", is_private=True)
    ts, _ = archived.check(FIRE, "C0SECRET", user="U0REPORTER")

    answer = command(archived.slack, f"forget {permalink('C0SECRET', ts)}", "C2",
                     user="U0REPORTER")

    assert answer.startswith("🗑️ Removed 1 story")
    assert archived.archive.list("T0001") == []


@pytest.mark.parametrize("role", ["is_admin", "is_owner", "is_primary_owner"])
def test_a_workspace_admin_forgets_anyone_s_story(archived: Archived, role: str) -> None:
    ts, _ = archived.check(FIRE, "C1", user="U0REPORTER")
    archived.slack.fake.set_user("U0ADMIN", **{role: True})

    answer = command(archived.slack, f"forget {permalink('C1', ts)}", "C2", user="U0ADMIN")

    assert answer.startswith("🗑️ Removed 1 story")
    (lookup,) = archived.slack.fake.calls("users.info")
    assert lookup.body["user"] == "U0ADMIN"


def test_only_admins_switch_a_channel_s_archive(archived: Archived) -> None:
    slack, archive = archived.slack, archived.archive

    assert command(slack, "archive off", "C1").startswith("Only a workspace admin")
    assert archive.channel_archiving("T0001", "C1")
    assert "Archiving is *on*" in command(slack, "archive", "C1")  # anyone may look

    slack.fake.fail("users.info", "missing_scope")  # nobody can be told an admin: refused
    slack.fake.set_user(USER, is_admin=True)
    assert command(slack, "archive off", "C1").startswith("Only a workspace admin")
    slack.fake.reset()
    slack.fake.set_user(USER, is_admin=True)
    assert "Archiving is *off*" in command(slack, "archive off", "C1")
    assert not archive.channel_archiving("T0001", "C1")


def test_without_an_archive_the_commands_say_so_and_reports_are_unchanged(
    slack: SlackHarness,
) -> None:
    for text in ("archive off", "archive on", "archive", f"forget {permalink('C1', '1.2')}"):
        assert command(slack, text, "C1").startswith("🗄️ The archive is off for this bot")

    ts, _ = slack.mention(ARTICLE)
    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    assert "Seen before" not in everything(reply)
    assert not slack.fake.calls("chat.getPermalink") and not slack.fake.calls("conversations.info")


def test_help_mentions_the_archive_commands(slack: SlackHarness) -> None:
    usage = slack.command("help").json()["text"]
    assert "`/checkdupes archive off` (or `on`)" in usage
    assert "`/checkdupes forget &lt;link&gt;`" in usage
    assert "*Seen before*" in usage


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("archive", ArchiveCommand("status")),
        (" archive off ", ArchiveCommand("off")),
        ("ARCHIVE On", ArchiveCommand("on")),
        ("forget https://x.example/a?b=1&amp;c=2", ArchiveCommand("forget",
                                                                 "https://x.example/a?b=1&c=2")),
        ("forget <https://x.example/a|x.example/a>", ArchiveCommand("forget",
                                                                    "https://x.example/a")),
        ("forget", ArchiveCommand("forget")),
        ("archive everything", None),
        ("Archive footage showed the fire.\n\nIt spread fast.", None),
        ("Forget the rumours.\n\nHere is what happened.", None),
        (FIRE, None),
    ],
)
def test_only_whole_commands_are_taken_for_archive_commands(
    text: str, parsed: ArchiveCommand | None
) -> None:
    assert parse_archive_command(text) == parsed
