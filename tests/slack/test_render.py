"""Report -> Slack messages: labels, kinds, conflicts, escaping, and Block Kit limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.pairs import AlignedSentences, Kind, Pair, ParagraphRef, SentencePair, SentenceRef
from bot.core.segment import segment
from bot.render.slack import (
    MAX_BLOCKS,
    MAX_FIELD_CHARS,
    MAX_HEADER_CHARS,
    MAX_LISTED,
    MAX_SECTION_CHARS,
    MAX_TEXT_CHARS,
    render_report,
)
from tests.slack.harness import section_texts


def _report(texts: list[str], pairs: Sequence[Pair], sentence_pairs: Sequence[SentencePair] = (),
            summary: tuple[str, ...] = ("A summary sentence.",)) -> Report:
    documents = tuple(segment(t, source=f"doc{k}") for k, t in enumerate(texts))
    return Report(documents, tuple(pairs), tuple(sentence_pairs), summary)


def _pair(a: int, b: int, kind: Kind = "paraphrase", doc_b: int = 0, **kw: Any) -> Pair:
    return Pair(ParagraphRef(0, a), ParagraphRef(doc_b, b), kind, 0.9123, **kw)


def _within_limits(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        assert len(message["blocks"]) <= MAX_BLOCKS
        assert len(message["text"]) < MAX_TEXT_CHARS
        for block in message["blocks"]:
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= MAX_HEADER_CHARS
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
                assert len(block.get("fields", [])) <= 10
                assert all(len(f["text"]) <= MAX_FIELD_CHARS for f in block.get("fields", []))


def test_pair_shows_numbers_kind_score_and_both_passages() -> None:
    report = _report(["First para.\n\nSecond para.\n\nThird para."],
                     [_pair(0, 2, sentences=(AlignedSentences(0, 0, 0.9),))])

    (message,) = render_report(report)

    texts = section_texts(message["blocks"])
    assert texts[0] == "1 repeated passage in 3 paragraphs"
    assert texts[1] == "*¶1 ↔ ¶3* · ♻️ paraphrase · 0.91"
    assert texts[2:4] == ["*¶1*\n>First para.", "*¶3*\n>Third para."]
    assert texts[-1] == "*Summary*\n• A summary sentence."
    assert "¶1 ↔ ¶3" in message["text"] and "First para." in message["text"]


def test_every_kind_has_its_emoji_and_word() -> None:
    kinds: list[Kind] = ["exact", "near_verbatim", "paraphrase", "conflicting"]
    report = _report(["\n\n".join(f"P{n}." for n in range(8))],
                     [_pair(2 * k, 2 * k + 1, kind) for k, kind in enumerate(kinds)])

    texts = section_texts(render_report(report)[0]["blocks"])

    labels = ("🔁 exact repeat", "📝 near-verbatim copy", "♻️ paraphrase", "⚠️ conflicting facts")
    for label in labels:
        assert any(label in t for t in texts)


def test_conflicts_show_what_differs() -> None:
    report = _report(
        ["11 people were hurt on Tuesday.\n\n15 people were hurt on Thursday."],
        [_pair(0, 1, "conflicting",
               conflicts=(Conflict("11", "15"), Conflict("Tuesday", "Thursday")))],
    )

    texts = section_texts(render_report(report)[0]["blocks"])

    assert "Differs: 11 → 15, Tuesday → Thursday" in texts[1]
    assert "1 with differing facts" in texts[0]


def test_two_articles_are_labelled_a_and_b() -> None:
    report = _report(["One.\n\nTwo.", "Three.\n\nFour.\n\nFive."], [_pair(1, 2, doc_b=1)])

    texts = section_texts(render_report(report)[0]["blocks"])

    assert texts[0] == "1 repeated passage in 5 paragraphs of 2 articles"
    assert texts[1] == "*A*: doc0 · *B*: doc1"
    assert texts[2].startswith("*A¶2 ↔ B¶3*")


def test_sentence_pairs_name_their_sentences() -> None:
    report = _report(
        ["Alpha one. Alpha two.\n\nBeta one. Beta two."], [],
        [SentencePair(SentenceRef(0, 0, 1), SentenceRef(0, 1, 0), "near_verbatim", 0.95)],
    )

    texts = section_texts(render_report(report)[0]["blocks"])

    assert texts[0] == "1 repeated sentence in 2 paragraphs"
    assert texts[1] == "*¶1 s2 ↔ ¶2 s1* · 📝 near-verbatim copy · 0.95"
    assert texts[2] == "*¶1 s2*\n>Alpha two."


def test_no_pairs_is_a_clear_answer() -> None:
    report = _report(["\n\n".join(f"P{n}." for n in range(12))], [])

    texts = section_texts(render_report(report)[0]["blocks"])

    assert texts[0] == "No repeated passages in 12 paragraphs."


def test_passages_are_trimmed_and_escaped() -> None:
    long = "If a < b and b > c then Tom & Jerry " + "word " * 200
    report = _report([f"{long}\n\nShort one."], [_pair(0, 1)])

    fields = render_report(report)[0]["blocks"][1]["fields"]

    assert fields[0]["text"].startswith("*¶1*\n>If a &lt; b and b &gt; c then Tom &amp; Jerry word")
    assert fields[0]["text"].endswith("…")
    assert len(fields[0]["text"]) < 340


def test_a_huge_report_is_split_into_messages_within_limits() -> None:
    paragraph = "Lorem ipsum dolor sit amet " * 40
    report = _report(
        ["\n\n".join(f"{n} {paragraph}" for n in range(120))],
        [_pair(n, n + 60) for n in range(60)],
        summary=tuple("A very long summary sentence. " * 100 for _ in range(3)),
    )

    messages = render_report(report)

    assert len(messages) > 1
    _within_limits(messages)
    headings = [t for m in messages for t in section_texts(m["blocks"]) if "↔" in t and "·" in t]
    assert len(headings) == 60
    assert messages[0]["blocks"][-1]["elements"][0]["text"] == f"Part 1 of {len(messages)}"


def test_more_pairs_than_listed_are_counted() -> None:
    n = MAX_LISTED + 30
    report = _report(["\n\n".join(f"P{k}." for k in range(2 * n))],
                     [_pair(k, k + n) for k in range(n)])

    messages = render_report(report)

    _within_limits(messages)
    texts = [t for m in messages for t in section_texts(m["blocks"])]
    assert f"…and 30 more, not listed (the first {MAX_LISTED} are above)." in texts
