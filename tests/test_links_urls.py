"""Links in Slack message text: find_links, non_http_links, strip_links."""

from __future__ import annotations

import pytest

from bot.links import find_links, non_http_links, strip_links


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("check <https://news.example/a|this story>", ["https://news.example/a"]),
        ("check <https://news.example/a>", ["https://news.example/a"]),
        ("check https://news.example/a please", ["https://news.example/a"]),
        (
            "<http://x.example|x.example> and <https://y.example/b>",
            ["http://x.example", "https://y.example/b"],
        ),
        # Slack escapes & in links; the fetcher needs the real URL
        ("<https://x.example/?a=1&amp;b=2>", ["https://x.example/?a=1&b=2"]),
        # sentence punctuation is not part of a bare link; a bracket the URL opened is
        ("see https://x.example/a.", ["https://x.example/a"]),
        ("(see https://x.example/a)", ["https://x.example/a"]),
        (
            "https://en.wikipedia.org/wiki/Foo_(bar), ok",
            ["https://en.wikipedia.org/wiki/Foo_(bar)"],
        ),
        ("HTTPS://X.EXAMPLE/A", ["HTTPS://X.EXAMPLE/A"]),
    ],
)
def test_find_links_reads_slack_and_bare_forms(text: str, links: list[str]) -> None:
    assert find_links(text) == links


def test_find_links_keeps_order_and_drops_repeats() -> None:
    text = "<https://b.example> https://a.example <https://b.example|b> https://a.example"
    assert find_links(text) == ["https://b.example", "https://a.example"]


def test_find_links_ignores_mentions_channels_mail_and_other_schemes() -> None:
    text = "<@U123> <#C42|general> <!here> <mailto:ed@x.example|ed@x.example> <ftp://x.example/f>"
    assert find_links(text) == []


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("get <ftp://files.example/a.txt>", ["ftp://files.example/a.txt"]),
        ("read <file:///etc/passwd>", ["file:///etc/passwd"]),
        (
            "bare ftp://files.example/b and javascript:alert(1)",
            ["ftp://files.example/b", "javascript:alert(1)"],
        ),
        # prose, not links: mail and phone, a colon after a word, web links
        ("<mailto:a@x.example|a@x.example> <tel:+123> Note: https://x.example", []),
    ],
)
def test_non_http_links(text: str, links: list[str]) -> None:
    assert non_http_links(text) == links


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("check this <https://x.example>", "check this"),
        ("<https://x.example> please", "please"),
        ("check <https://x.example|x.example> now", "check now"),
        ("read <https://x.example/r|the report> today", "read the report today"),
        ("see https://x.example/a.", "see."),
        ("mail <mailto:ed@x.example|ed@x.example>", "mail ed@x.example"),
        ("hi <@U123> look <ftp://x.example/f>", "hi <@U123> look"),
        (
            "First para.\n\n<https://x.example>\n\nSecond  para   keeps spacing.",
            "First para.\n\nSecond  para   keeps spacing.",
        ),
        ("no links at all", "no links at all"),
    ],
)
def test_strip_links(text: str, stripped: str) -> None:
    assert strip_links(text) == stripped
