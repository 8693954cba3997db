"""The terminal report: groups with what to cut, differences marked, wrapped, capped, safe.

Exact and near-verbatim copies and their conflicts are decided on the text, so these
plumbing tests use the hashing encoder; what needs meaning runs in tests/test_cli.py.
"""

from __future__ import annotations

import random
import re

from bot.core.analyze import Analyzer, Report
from bot.core.segment import segment
from bot.render.terminal import MAX_ENTRIES, render_text
from tests.fakes import HashingEncoder

FILLER = (
    "The council spent most of the evening on the budget for the coming year, hearing from "
    "residents, business owners and the heads of several departments who asked for more "
    "money than the city expects to collect. "
)
COPY = FILLER + "In the end the members voted to delay the decision until the spring session."
EDITED = FILLER + "In the end the members voted to delay the decision until the autumn session."
INJURED = "Eleven residents were treated for minor injuries after the flood, the fire chief said."
INJURED_B = INJURED.replace("Eleven", "Fifteen")
OTHER = [
    "Ferries to the islands will not run until Friday because of the storm damage at the pier.",
    "The mayor visited the docks on Tuesday and promised help for the fishing fleet.",
    "Schools in the district reopened after two days, with buses running on shorter routes.",
]


def report_of(*paragraphs: str, source: str = "story.txt") -> Report:
    document = segment("\n\n".join(paragraphs), source=source)
    return Analyzer(HashingEncoder()).analyze([document])


def test_a_paragraph_pasted_four_times_is_one_group_printed_once() -> None:
    report = report_of(COPY, OTHER[0], COPY, OTHER[1], COPY, COPY)

    out = render_text(report, 100)

    assert len(report.pairs) == 6
    assert "¶1 = ¶3 = ¶5 = ¶6  same wording (exact repeat)" in out
    assert "Cut ¶3, ¶5, ¶6; keep ¶1." in out
    report_part = out.split("Summary")[0]
    assert report_part.count("The council spent most") == 1  # once, not six times
    assert out.count("same wording as ¶1") == 3
    assert "↔" not in out and "1.00" not in out


def test_a_near_verbatim_copy_shows_the_changed_word_beyond_the_cut() -> None:
    report = report_of(COPY, OTHER[0], EDITED, OTHER[1])
    assert [p.kind for p in report.pairs] == ["near_verbatim"]

    out = render_text(report, 80)
    full = render_text(report, 80, full=True)

    assert "same wording, a few words changed (near-verbatim copy, similarity" in out
    assert "[-spring-]{+autumn+}" in out  # past the first 300 characters, still shown
    assert "Cut ¶3; keep ¶1." in out
    assert "…" in out and "The council spent most" in full.split("¶3")[-1]


def test_conflicting_values_are_marked_in_both_passages_and_nothing_is_cut() -> None:
    report = report_of(INJURED, OTHER[0], INJURED_B, OTHER[1])
    assert [p.kind for p in report.pairs] == ["conflicting"]

    out = render_text(report, 100)

    assert "«Eleven» residents" in out and "«Fifteen» residents" in out
    assert "¶1 ≠ ¶3  same claim, different facts" in out
    assert "decide which is right" in out and "Cut " not in out
    assert "⚠" not in out


def test_colour_marks_the_words_and_never_the_indentation() -> None:
    report = report_of(COPY, OTHER[0], EDITED, OTHER[1])

    out = render_text(report, 60, color=True)

    assert "\x1b[31;9mspring\x1b[0m" in out and "\x1b[32;1mautumn\x1b[0m" in out
    assert "[-" not in out
    assert not any(line.startswith(" \x1b") for line in out.splitlines())


def test_every_line_fits_the_width_and_no_word_is_broken() -> None:
    long_name = "newsroom-drafts/2026-12-01/a file name with spaces in it.txt"
    report = report_of(COPY, OTHER[0], EDITED, INJURED, INJURED_B, OTHER[1], source=long_name)

    def words(text: str) -> set[str]:
        return set(text.replace("…", " ").split())

    wide = words(render_text(report, 1000, full=True))  # nothing needs wrapping at this width
    for width in (40, 80):
        out = render_text(report, width)
        assert all(len(line) <= width for line in out.splitlines()), out
        assert words(out) <= wide  # every word printed whole


def test_control_characters_never_reach_the_terminal() -> None:
    sneaky = "The lights went out\x1b[2J at nine\x07 and came back at ten.\u202e backwards"
    report = report_of(sneaky, OTHER[0], sneaky, OTHER[1], source="evil\x1b]0;pwned\x07.txt")

    for color in (False, True):
        out = render_text(report, 80, color=color)
        assert "\x07" not in out and "\u202e" not in out
        escapes = re.findall(r"\x1b[^a-zA-Z]*[a-zA-Z]?", out)
        assert all(re.fullmatch(r"\x1b\[[0-9;]*m", e) for e in escapes)
        if not color:
            assert "\x1b" not in out
    assert "The lights went out[2J at nine and came back" in render_text(report, 200)


def test_groups_are_capped_unless_all_is_asked() -> None:
    count = 2 * MAX_ENTRIES + 20
    rng = random.Random(7)
    # A large vocabulary: random paragraphs share few words, so only the copies are groups.
    vocabulary = [f"{a}{b}" for a in ("ka", "lo", "mu", "ri", "te", "vo") for b in range(400)]
    paragraphs = [" ".join(rng.sample(vocabulary, 12)) + "." for _ in range(count)]
    report = report_of(*paragraphs, *paragraphs)
    assert len(report.groups) == count

    out = render_text(report, 80)
    everything = render_text(report, 80, show_all=True)

    assert out.count(" same wording (exact repeat)") == MAX_ENTRIES
    assert f"… {MAX_ENTRIES + 20} more groups (--all to show)" in out
    assert everything.count(" same wording (exact repeat)") == count
    assert "--all to show" not in everything


def test_a_paragraph_copied_many_times_lists_some_copies() -> None:
    report = report_of(*OTHER, *[COPY] * 25)

    out = render_text(report, 80)

    assert "… and 14 more paragraphs (--all to show)" in out
    assert out.count("same wording as ¶4") == 10
    assert "(25 paragraphs)" in " ".join(out.split())
    assert all(len(line) <= 80 for line in out.splitlines())


def test_two_articles_get_a_summary_each() -> None:
    first = segment("\n\n".join([COPY, OTHER[0]]), source="a.txt")
    second = segment("\n\n".join([OTHER[1], OTHER[2], COPY]), source="b.txt")
    report = Analyzer(HashingEncoder()).analyze([first, second])

    out = render_text(report, 100)

    assert len(report.summaries) == 2 and report.summary == report.summaries[0]
    a_part = out.split("Summary of article A")[1].split("Summary of article B")[0]
    b_part = out.split("Summary of article B")[1]
    assert "Ferries" not in b_part and "The council" in a_part
    assert "Schools" not in a_part and "mayor" not in a_part and "Schools" in b_part
    assert "A¶1 = B¶3" in out and "Cut B¶3; keep A¶1." in out
