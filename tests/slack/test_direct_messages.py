"""Direct messages, including long pastes that Slack turned into snippet files."""

from __future__ import annotations

from tests.slack.harness import (
    ARTICLE,
    DONE,
    EXACT_REPEAT,
    FAILED,
    SlackHarness,
    first_lines,
    new_id,
    section_texts,
)


def test_direct_message_is_answered_in_its_thread(slack: SlackHarness) -> None:
    ts, _ = slack.direct_message(ARTICLE)

    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    assert reply.body["channel"] == "D0DM"


def test_bot_messages_edits_and_deletions_are_ignored(slack: SlackHarness) -> None:
    slack.direct_message(ARTICLE, bot_id="B0OTHER")
    slack.direct_message(ARTICLE, subtype="message_changed")
    slack.direct_message(ARTICLE, subtype="message_deleted")
    slack.direct_message(ARTICLE, subtype="channel_join")
    ts, _ = slack.direct_message(ARTICLE)  # a real one last: once it is done, all were seen

    slack.finished(ts)
    assert [c.body["thread_ts"] for c in slack.fake.calls("chat.postMessage")] == [ts]


def test_messages_in_channels_are_not_direct_messages(slack: SlackHarness) -> None:
    slack.direct_message(ARTICLE, channel_type="channel", channel="C0NEWS")
    ts, _ = slack.direct_message(ARTICLE)

    slack.finished(ts)
    assert len(slack.fake.calls("chat.postMessage")) == 1


def _snippet(slack: SlackHarness, content: bytes, name: str = "article.txt") -> dict[str, object]:
    url = slack.fake.add_file(name, content)
    return {
        "id": new_id("F"), "name": name, "title": name, "mimetype": "text/plain",
        "filetype": "text", "pretty_type": "Plain Text", "mode": "snippet",
        "size": len(content), "url_private": url, "url_private_download": url,
    }


def test_snippet_file_is_downloaded_with_the_bot_token_and_checked(slack: SlackHarness) -> None:
    snippet = _snippet(slack, ARTICLE.encode())
    ts, _ = slack.direct_message("", subtype="file_share", files=[snippet])

    assert slack.finished(ts) == DONE
    (download,) = slack.fake.calls("file")
    assert download.authorization == f"Bearer {slack.settings.bot_token}"
    (reply,) = slack.replies(ts)
    assert EXACT_REPEAT in first_lines(reply.blocks)


def test_two_snippets_are_compared(slack: SlackHarness) -> None:
    first = _snippet(slack, b"Alpha beta gamma delta.\n\nThe bridge reopened on Monday.", "a.txt")
    second = _snippet(slack, b"The bridge reopened on Monday.\n\nEpsilon zeta eta theta.", "b.md")

    ts, _ = slack.direct_message("compare", subtype="file_share", files=[first, second])

    assert slack.finished(ts) == DONE
    texts = section_texts(slack.replies(ts)[0].blocks)
    assert any("*A¶2 = B¶1*" in t for t in texts)


def test_a_file_stub_is_completed_with_files_info(slack: SlackHarness) -> None:
    full = _snippet(slack, ARTICLE.encode())
    slack.fake.add_file_info(full)

    stub = {"id": full["id"], "mode": "hidden_by_limit", "file_access": "check_file_info"}
    ts, _ = slack.direct_message("", subtype="file_share", files=[stub])

    assert slack.finished(ts) == DONE
    assert slack.fake.calls("files.info")[0].body["file"] == full["id"]


def test_unsupported_file_type_gets_a_clear_reply(slack: SlackHarness) -> None:
    pdf = {
        "id": new_id("F"), "name": "report.pdf", "mimetype": "application/pdf",
        "filetype": "pdf", "pretty_type": "PDF", "size": 1234,
        "url_private": slack.fake.add_file("report.pdf", b"%PDF-1.7", "application/pdf"),
    }
    ts, _ = slack.direct_message("", subtype="file_share", files=[pdf])

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert "report.pdf is not a snippet or a .txt/.md file" in reply.body["text"]
    assert slack.fake.calls("file") == []


def test_oversize_file_is_refused_before_download(slack: SlackHarness) -> None:
    big = _snippet(slack, b"x" * 10)
    big["size"] = slack.settings.max_file_bytes + 1

    ts, _ = slack.direct_message("", subtype="file_share", files=[big])

    assert slack.finished(ts) == FAILED
    assert "over the 1,000,000-byte limit" in slack.replies(ts)[0].body["text"]
    assert slack.fake.calls("file") == []


def test_file_on_another_host_is_never_fetched_with_the_token(slack: SlackHarness) -> None:
    evil = _snippet(slack, ARTICLE.encode())
    evil["url_private"] = evil["url_private_download"] = "http://127.0.0.2:9/steal.txt"

    ts, _ = slack.direct_message("", subtype="file_share", files=[evil])

    assert slack.finished(ts) == FAILED
    assert "could not download" in slack.replies(ts)[0].body["text"]

