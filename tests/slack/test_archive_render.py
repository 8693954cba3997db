"""Report -> Slack messages, the Seen-before section: both sides, the story's link and date,
conflicts read before -> now, escaping, and the same Block Kit limits as the rest."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.pairs import Kind, ParagraphRef
from bot.core.seen_before import SeenBefore, StoryRef
from bot.core.segment import segment
from bot.render.slack import MAX_LISTED, PASSAGE_CHARS, render_report
from tests.slack.harness import section_texts
from tests.slack.test_render import _within_limits

CHECKED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
DATE = "<!date^1795514400^{date_short_pretty} {time}|2026-11-24 10:00 UTC>"


def _story(source: str, title: str | None = None) -> StoryRef:
    return StoryRef("s1", source, title, CHECKED)


def _seen(paragraph: int, story: StoryRef, *, kind: Kind = "exact", old: str = "Old text.",
          conflicts: tuple[Conflict, ...] = ()) -> SeenBefore:
    return SeenBefore(ParagraphRef(0, paragraph), story, 4, old, kind, 0.97, conflicts)


def _report(*seen: SeenBefore, paragraphs: int = 3) -> Report:
    text = "\n\n".join(f"New paragraph {k + 1}." for k in range(paragraphs))
    return Report((segment(text, source="message"),), (), (), ("A summary.",),
                  seen_before=tuple(seen))


def test_an_entry_shows_both_sides_the_link_the_date_and_the_kind() -> None:
    story = _story("https://news.example/fire", "Fire at the plant")

    (message,) = render_report(_report(_seen(1, story)))

    texts = section_texts(message["blocks"])
    assert texts[:2] == ["1 seen before", "3 paragraphs"]
    assert texts[2:7] == [
        "*Seen before* · passages that repeat stories checked earlier",
        "*¶2 ↔ ¶5 of “Fire at the plant”* · 🔁 exact repeat · 0.97\n"
        f"🔗 <https://news.example/fire|Fire at the plant> · checked {DATE}",
        "*¶2*\n>New paragraph 2.",
        "*¶5 of “Fire at the plant”*\n>Old text.",
        "*Summary*\n• A summary.",
    ]
    assert [b["type"] for b in message["blocks"]] == [
        "header", "context", "divider", "section", "section", "divider", "section"
    ]
    assert "Seen before" in message["text"] and "Old text." in message["text"]


def test_a_story_without_a_title_is_named_by_its_link() -> None:
    permalink = "https://team.slack.com/archives/C1/p1764000000000100"
    entries = [
        _seen(0, _story(permalink)),
        _seen(1, _story("https://news.example/2026/fire?ref=x|y")),
        _seen(2, _story("text:0123456789abcdef")),
    ]

    text = "\n".join(section_texts(render_report(_report(*entries))[0]["blocks"]))

    assert f"🔗 <{permalink}|a Slack message> · checked" in text
    assert "*¶1 ↔ ¶5 of a Slack message*" in text
    # A | in the URL would end Slack's <url|name> early.
    assert "<https://news.example/2026/fire?ref=x%7Cy|news.example/2026/fire>" in text
    assert "🔗 an earlier paste · checked" in text  # nothing to link to
    assert "text:0123" not in text


def test_conflicts_read_before_and_now_and_titles_are_escaped() -> None:
    story = _story("https://news.example/a?x=1&y=2", "<!channel> Fire & smoke")
    seen = _seen(0, story, kind="conflicting", conflicts=(Conflict("11", "15"),))

    text = "\n".join(section_texts(render_report(_report(seen))[0]["blocks"]))

    assert "⚖️ conflicting facts · 0.97" in text
    assert "\nDiffers: before 11 → now 15" in text
    assert "“&lt;!channel&gt; Fire &amp; smoke”" in text and "<!channel>" not in text
    assert "<https://news.example/a?x=1&amp;y=2|" in text


def test_the_old_passage_is_trimmed() -> None:
    seen = _seen(0, _story("https://news.example/a"), old="word " * 400)

    texts = section_texts(render_report(_report(seen))[0]["blocks"])

    old = next(t for t in texts if t.startswith("*¶5 of"))
    assert old.endswith("…") and len(old) < PASSAGE_CHARS + 50


def test_nothing_seen_before_is_one_quiet_line_and_no_archive_is_none() -> None:
    (message,) = render_report(_report())
    assert "🗄️ Seen before: nothing here repeats a story checked earlier." in section_texts(
        message["blocks"]
    )

    report = Report((segment("One.\n\nTwo."),), (), (), ())
    assert "Seen before" not in render_report(report)[0]["text"]


def test_many_entries_split_across_messages_within_limits() -> None:
    story = _story("https://news.example/" + "long-path/" * 50, "T" * 300)
    entries = [_seen(k, story, old="old words " * 100, kind="paraphrase") for k in range(260)]

    messages = render_report(_report(*entries, paragraphs=260))

    assert len(messages) > 1
    _within_limits(messages)
    texts = [t for m in messages for t in section_texts(m["blocks"])]
    shown = [t for t in texts if " ♻️ paraphrase · 0.97" in t]
    assert len(shown) == MAX_LISTED  # the rest are counted, not listed
    assert any(t == f"…and {260 - MAX_LISTED} more, not listed (the first {MAX_LISTED} are "
               "above)." for t in texts)
    assert section_texts(messages[-1]["blocks"])[-2] == "*Summary*\n• A summary."
    assert section_texts(messages[0]["blocks"])[-1] == f"Part 1 of {len(messages)}"
