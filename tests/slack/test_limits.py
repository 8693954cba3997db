"""Input over the limits, and reports over Slack's message limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.render.slack import MAX_BLOCKS, MAX_FIELD_CHARS, MAX_SECTION_CHARS, MAX_TEXT_CHARS
from tests.slack.harness import DONE, FAILED, SlackHarness, running_app


@pytest.fixture(scope="module")
def small_limit_app() -> Iterator[SlackHarness]:
    with running_app(env={"CHECKDUPES_MAX_CHARS": "2000"}) as harness:
        yield harness


def test_oversize_text_gets_a_friendly_reply(small_limit_app: SlackHarness) -> None:
    slack = small_limit_app
    text = "\n\n".join(f"Paragraph {n} says something about topic {n}." for n in range(100))

    ts, _ = slack.mention(text)

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert "the limit is 2,000" in reply.body["text"]


def test_report_too_large_for_one_message_is_split_within_limits(slack: SlackHarness) -> None:
    # 40 distinct paragraphs, each said twice, each long: 40 exact pairs with 300-char quotes.
    paragraphs = [
        f"Story {n}: " + " ".join(f"w{n}x{k}" for k in range(80)) for n in range(40)
    ]
    ts, _ = slack.mention("\n\n".join(paragraphs + paragraphs))

    assert slack.finished(ts) == DONE
    replies = slack.replies(ts)
    assert len(replies) > 1
    pair_headings = 0
    for reply in replies:
        blocks = reply.blocks
        assert len(blocks) <= MAX_BLOCKS
        assert len(reply.body["text"]) < MAX_TEXT_CHARS
        for block in blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
                assert all(len(f["text"]) <= MAX_FIELD_CHARS for f in block.get("fields", []))
                pair_headings += block["text"]["text"].startswith("🔁 *¶")
    assert pair_headings == 40
    assert replies[-1].blocks[-1]["elements"][0]["text"] == f"Part {len(replies)} of {len(replies)}"


def test_an_oversize_snippet_gets_a_friendly_reply(small_limit_app: SlackHarness) -> None:
    slack = small_limit_app
    content = ("*a " * 2000).encode()  # 6,000 characters: over the 2,000 of this app
    url = slack.fake.add_file("paste.txt", content)
    snippet = {"id": "F0PASTE", "name": "paste.txt", "mimetype": "text/plain",
               "filetype": "text", "mode": "snippet", "size": len(content),
               "url_private": url, "url_private_download": url}
    ts, _ = slack.direct_message("", subtype="file_share", files=[snippet])

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert "6,000 characters; the limit is 2,000" in reply.body["text"]
