"""Word-level differences: segments that read as both passages, marked values, windows."""

from __future__ import annotations

from bot.render.diff import Segment, changed, mark_values, plain, sides, window, word_diff

A = "Eleven people were hurt on Monday night, police said."
B = "Fifteen people were hurt on Monday, police said."


def test_a_word_diff_reads_as_both_passages() -> None:
    segments = word_diff(A, B)

    assert segments == (
        Segment("Eleven", "removed"),
        Segment("Fifteen", "added"),
        Segment(" people were hurt on Monday ", "same"),
        Segment("night", "removed"),
        Segment(", police said.", "same"),
    )
    without_added = "".join(s.text for s in segments if s.kind != "added")
    assert without_added == A


def test_sides_keep_each_passage_exactly_with_its_own_changes() -> None:
    first, second = sides(A, B)

    assert plain(first) == A and plain(second) == B
    assert [s.text for s in first if s.kind == "removed"] == ["Eleven", "night"]
    assert [s.text for s in second if s.kind == "added"] == ["Fifteen"]
    assert {s.kind for s in first} == {"same", "removed"}


def test_identical_passages_have_no_change() -> None:
    assert not changed(word_diff(A, A)) and plain(word_diff(A, A)) == A


def test_values_are_marked_as_whole_words_only() -> None:
    segments = mark_values("11 people, not 110; 11 in all. $2.3 million", ["11", "$2.3 million"])

    assert [s.text for s in segments if s.kind == "conflict"] == ["11", "11", "$2.3 million"]
    assert plain(segments) == "11 people, not 110; 11 in all. $2.3 million"
    assert mark_values("nothing here", []) == (Segment("nothing here", "same"),)


def test_a_window_shows_the_first_difference_and_cuts_between_words() -> None:
    words = [f"word{i}" for i in range(300)]
    segments = word_diff(" ".join(words), " ".join(words).replace("word250", "CHANGED"))

    cut = window(segments, 120)

    text = plain(cut)
    assert len(text) <= 122  # the limit plus the two "…"
    assert text.startswith("…") and "CHANGED" in text
    assert Segment("word250", "removed") in cut and Segment("CHANGED", "added") in cut
    same = " ".join(s.text for s in cut if s.kind == "same").strip("…").split()
    assert all(piece in words for piece in same)  # no word cut in two
    assert window(segments[:1], 10_000) == segments[:1]  # what fits comes back whole


def test_a_window_near_the_end_is_filled_from_before() -> None:
    words = " ".join(f"w{i}" for i in range(200))
    cut = window(word_diff(words, words + " extra"), 100)

    assert plain(cut).endswith(" extra") and len(plain(cut)) > 80
