"""Report -> Slack messages: the verdict, one section per group with what differs marked,
kinds in words, conflicts, escaping, buttons, and Block Kit limits."""

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
    MAX_GROUPS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    MAX_TEXT_CHARS,
    NOT_A_REPEAT,
    UNDO,
    mark_group,
    render_report,
    unmark_group,
)
from tests.slack.harness import buttons, section_texts


def _report(texts: list[str], pairs: Sequence[Pair], sentence_pairs: Sequence[SentencePair] = (),
            summary: tuple[str, ...] = ("A summary sentence.",),
            summaries: tuple[tuple[str, ...], ...] = ()) -> Report:
    documents = tuple(segment(t, source=f"doc{k}") for k, t in enumerate(texts))
    return Report(documents, tuple(pairs), tuple(sentence_pairs), summary,
                  summaries=summaries or (summary,))


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


def _group_text(messages: list[dict[str, Any]], start: str) -> str:
    texts = [t for m in messages for t in section_texts(m["blocks"])]
    return next(t for t in texts if t.split("\n")[0].startswith(start))


def test_a_group_shows_its_paragraphs_the_cut_both_passages_and_the_kind_in_words() -> None:
    report = _report(["First para.\n\nSecond para.\n\nThird para."],
                     [_pair(0, 2, sentences=(AlignedSentences(0, 0, 0.9),))])

    (message,) = render_report(report)

    texts = section_texts(message["blocks"])
    assert texts[0] == "1 repeat to cut"
    assert texts[1] == "3 paragraphs · 1 group of passages that say the same thing"
    assert texts[2] == (
        "♻️ *¶1 = ¶3* · same point in other words — cut ¶3\n"
        ">*¶1* First para.\n"
        ">*¶3* Third para.\n"
        "_paraphrase (similarity 0.91)_"
    )
    assert texts[-1] == "*Summary*\n• A summary sentence."
    assert "¶1 = ¶3" in message["text"] and "First para." in message["text"]


def test_three_paragraphs_saying_the_same_are_one_group_and_an_exact_copy_is_shown_once() -> None:
    text = "Alpha said it.\n\nBeta.\n\nAlpha said it.\n\nGamma.\n\nAlpha said it."
    report = _report([text], [_pair(0, 2, "exact"), _pair(0, 4, "exact"), _pair(2, 4, "exact")])

    (message,) = render_report(report)

    assert section_texts(message["blocks"])[0] == "2 repeats to cut"
    group = _group_text([message], "🔁")
    assert group.split("\n") == [
        "🔁 *¶1 = ¶3 = ¶5* · same wording — cut ¶3, ¶5",
        ">*¶1* Alpha said it.",
        ">¶3 and ¶5 repeat ¶1 word for word",
        "_exact repeat (similarity 0.91)_",
    ]
    assert group.count("Alpha said it.") == 1


def test_every_kind_has_its_emoji_and_word_and_conflicts_are_not_failures() -> None:
    kinds: list[Kind] = ["exact", "near_verbatim", "paraphrase", "conflicting"]
    report = _report(["\n\n".join(f"P{n}." for n in range(8))],
                     [_pair(2 * k, 2 * k + 1, kind) for k, kind in enumerate(kinds)])

    texts = section_texts(render_report(report)[0]["blocks"])

    labels = ("🔁 *¶1 = ¶2* · same wording", "📝 *¶3 = ¶4* · nearly the same wording",
              "♻️ *¶5 = ¶6* · same point in other words",
              "⚖️ *¶7 = ¶8* · same claim, different facts")
    for label in labels:
        assert any(t.startswith(label) for t in texts), label
    assert not any("⚠️" in t for t in texts)  # ⚠️ says the check failed, nothing else


def test_near_verbatim_copies_mark_the_words_that_differ_even_past_the_first_300_chars() -> None:
    start = " ".join(f"word{k}" for k in range(60))  # ~480 characters the two share
    a = f"{start} The council approved the plan on Tuesday."
    b = f"{start} The council passed the plan on Tuesday night."
    report = _report([f"{a}\n\nSomething else.\n\n{b}"], [_pair(0, 2, "near_verbatim")])

    group = _group_text(render_report(report), "📝")

    lines = group.split("\n")
    assert lines[1].startswith(">*¶1* …")
    assert lines[1].endswith("council ~approved~ the plan on Tuesday.")
    assert lines[2].startswith(">*¶3* …")
    assert lines[2].endswith("council *passed* the plan on Tuesday *night*.")  # not the stop


def test_conflicts_mark_the_values_in_both_passages_and_say_what_differs() -> None:
    report = _report(
        ["11 people were hurt on Tuesday.\n\n15 people were hurt on Thursday."],
        [_pair(0, 1, "conflicting",
               conflicts=(Conflict("11", "15"), Conflict("Tuesday", "Thursday")))],
    )

    messages = render_report(report)

    assert section_texts(messages[0]["blocks"])[0] == "1 conflicting fact to check"
    lines = _group_text(messages, "⚖️").split("\n")
    assert lines[0] == "⚖️ *¶1 = ¶2* · same claim, different facts — check which figure is right"
    assert lines[1] == ">*¶1* *11* people were hurt on *Tuesday*."
    assert lines[2] == ">*¶2* *15* people were hurt on *Thursday*."
    assert lines[3] == "Differs: 11 → 15, Tuesday → Thursday"


def test_two_articles_are_labelled_a_and_b_with_a_summary_each() -> None:
    report = _report(["One said. Uno.\n\nTwo.", "Three.\n\nFour.\n\nFive."],
                     [_pair(1, 2, doc_b=1)], summary=("One said.",),
                     summaries=(("One said.",), ("Three.", "Four.")))

    texts = section_texts(render_report(report)[0]["blocks"])

    assert texts[0] == "1 repeat to cut"
    assert texts[1] == ("5 paragraphs of 2 articles · *A*: doc0 · *B*: doc1 · "
                        "1 group of passages that say the same thing")
    assert texts[2].startswith("♻️ *A¶2 = B¶3* ·")
    # Each article's summary under its own letter.
    assert texts[-2:] == ["*Summary of A*\n• One said.", "*Summary of B*\n• Three.\n• Four."]


def test_sentence_pairs_name_their_sentences() -> None:
    report = _report(
        ["Alpha one. Alpha two.\n\nBeta one. Beta two."], [],
        [SentencePair(SentenceRef(0, 0, 1), SentenceRef(0, 1, 0), "near_verbatim", 0.95)],
    )

    texts = section_texts(render_report(report)[0]["blocks"])

    assert texts[0] == "1 repeated sentence"
    assert texts[2].split("\n")[1:] == [
        "📝 *¶1 s2 = ¶2 s1* · nearly the same wording _(near-verbatim copy, similarity 0.95)_",
        ">Beta one.",
    ]


def test_no_pairs_is_a_clear_answer() -> None:
    report = _report(["\n\n".join(f"P{n}." for n in range(12))], [])

    texts = section_texts(render_report(report)[0]["blocks"])

    assert texts[:2] == ["No repeats found", "12 paragraphs"]


def test_passages_are_trimmed_and_escaped() -> None:
    long = "If a < b and b > c then Tom & Jerry " + "word " * 200
    report = _report([f"{long}\n\nShort one."], [_pair(0, 1)])

    line = _group_text(render_report(report), "♻️").split("\n")[1]

    assert line.startswith(">*¶1* If a &lt; b and b &gt; c then Tom &amp; Jerry word")
    assert line.endswith("…") and len(line) < 260


def test_buttons_carry_the_report_id_and_group_number_never_article_text() -> None:
    report = _report(["Secret one.\n\nOther.\n\nSecret one."], [_pair(0, 2, "exact")])

    (message,) = render_report(report, report_id="r1", note="Checked again after your edit.")

    found = buttons(message["blocks"])
    assert [b["value"] for b in found[NOT_A_REPEAT]] == ["r1:0"]
    assert [b["value"] for bs in found.values() for b in bs] == ["r1:0", "r1", "r1", "r1"]
    assert [b["text"]["text"] for b in message["blocks"][-1]["elements"]] == [
        "Cleaned copy", "Show passages", "Check again"]
    assert section_texts(message["blocks"])[0] == "🔄 Checked again after your edit."
    assert not render_report(report)[0]["blocks"][-1].get("elements")  # no id, no buttons


def test_marking_a_group_swaps_its_button_for_undo_and_back() -> None:
    report = _report(["One.\n\nTwo.\n\nOne.\n\nThree.\n\nThree."],
                     [_pair(0, 2, "exact"), _pair(3, 4, "exact")])
    (message,) = render_report(report, report_id="r1")

    marked = mark_group(message["blocks"], 1, "U9", "r1")

    assert [b["value"] for b in buttons(marked)[UNDO]] == ["r1:1"]
    assert [b["value"] for b in buttons(marked)[NOT_A_REPEAT]] == ["r1:0"]
    assert any("not a repeat* by <@U9>" in t for t in section_texts(marked))
    assert unmark_group(marked, 1, "r1") == message["blocks"]


def test_a_huge_report_is_split_into_messages_within_limits_even_once_groups_are_marked() -> None:
    paragraph = "Lorem ipsum dolor sit amet " * 40
    report = _report(
        ["\n\n".join(f"{n} {paragraph}" for n in range(120))],
        [_pair(n, n + 60) for n in range(60)],
        summary=tuple("A very long summary sentence. " * 100 for _ in range(3)),
    )

    messages = render_report(report, report_id="r1")

    assert len(messages) > 1
    _within_limits(messages)
    headings = [t for m in messages for t in section_texts(m["blocks"]) if t.startswith("♻️ *¶")]
    assert len(headings) == 60
    assert messages[0]["blocks"][-1]["elements"][0]["text"] == f"Part 1 of {len(messages)}"
    for message in messages:  # every group marked: the updated messages still fit
        blocks = message["blocks"]
        for number in range(60):
            blocks = mark_group(blocks, number, "U1", "r1")
        assert len(blocks) <= MAX_BLOCKS


def test_more_groups_than_listed_are_counted() -> None:
    n = MAX_GROUPS + 30
    report = _report(["\n\n".join(f"P{k}." for k in range(2 * n))],
                     [_pair(k, k + n) for k in range(n)])

    messages = render_report(report, report_id="r1")

    _within_limits(messages)
    texts = [t for m in messages for t in section_texts(m["blocks"])]
    assert "…and 30 more groups, not listed (the cleaned copy applies all the cuts)." in texts
