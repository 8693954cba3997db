"""Seen before: a new article's paragraphs that repeat a story checked earlier, on both stores.

The meaning test uses the real model; the others use the hashing encoder, since exact
copies, near-verbatim copies and conflicting facts need no model to be told apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.archive import ArchiveError, check_with_archive, message_links, story_link
from bot.archive.base import Archive
from bot.core.analyze import Analyzer, Report
from bot.core.embed import Encoder, Vectors
from bot.core.segment import segment
from bot.render.json_report import report_to_dict
from bot.render.terminal import render_text
from tests.archive_stores import START, FakeClock, OpenStore, hashing_analyzer
from tests.stories import FIRE, FOLLOW_UP

ARTICLES = Path(__file__).parent / "data" / "articles"
YESTERDAY_URL = "https://news.example/2026/11/24/harwick-fire"
TODAY_URL = "https://news.example/2026/11/25/harwick-fire-follow-up"


class _SentencesOnly:
    """The encoder without its token path, as the archive's stories are."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder

    def encode(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.encode(texts)


def check(
    analyzer: Analyzer,
    archive: Archive,
    text: str,
    link: str,
    *,
    team: str = "T1",
    channel: str | None = None,
    title: str | None = None,
) -> Report:
    document = segment(text, source=link, title=title)
    return check_with_archive(analyzer, [document], archive, team=team, channel=channel)


def found(report: Report) -> list[tuple[int, int, str]]:
    assert report.seen_before is not None
    return [(s.paragraph.paragraph, s.story_paragraph, s.kind) for s in report.seen_before]


def test_a_paraphrase_of_a_story_checked_yesterday_is_seen_before(
    analyzer: Analyzer, open_store: OpenStore
):
    # a01: paragraph 10 restates paragraph 3 in other words (cosine ≈ 0.91).
    a01 = json.loads((ARTICLES / "a01-factory-fire.json").read_text())
    paragraphs = a01["paragraphs"]
    yesterday, today = "\n\n".join(paragraphs[:6]), "\n\n".join(paragraphs[6:])
    clock = FakeClock()
    archive = open_store(clock=clock)
    first = check(analyzer, archive, yesterday, YESTERDAY_URL, title="Fire at Brennan Plastics")
    assert first.seen_before == ()
    clock.advance(days=1)

    report = check(analyzer, archive, today, TODAY_URL)

    seen = {(s.paragraph.paragraph, s.story_paragraph): s for s in report.seen_before or ()}
    paraphrase = seen[(4, 3)]  # today's ¶5 (the article's ¶11) repeats yesterday's ¶4
    assert paraphrase.kind == "paraphrase" and 0.6 < paraphrase.score < 1
    assert paraphrase.story.source == YESTERDAY_URL
    assert paraphrase.story.title == "Fire at Brennan Plastics"
    assert paraphrase.story.checked_at == START
    # The same rules as inside one article: every pair the engine finds across the split when
    # the halves are checked as one article is seen before, with its kind. The archive keeps no
    # token states, so that article is checked without them too (Rules.plain_model); margins
    # and rare words are measured among other paragraphs, so the archive may find more, and
    # what more it finds must be a labelled repeat.
    plain = Analyzer(_SentencesOnly(analyzer.encoder), rules=analyzer.rules)
    whole = plain.analyze([segment("\n\n".join(paragraphs))])
    across = {(p.b.paragraph - 6, p.a.paragraph): p.kind for p in whole.pairs
              if p.a.paragraph < 6 <= p.b.paragraph}
    kinds = {key: s.kind for key, s in seen.items()}
    assert kinds.items() >= across.items()
    labelled = {(p["b"] - 6, p["a"]) for p in a01["pairs"]}
    assert set(kinds) - set(across) <= labelled
    entry = next(e for e in report_to_dict(report)["seen_before"]
                 if e["paragraph"]["paragraph"] == 4)
    assert entry == {
        "paragraph": {"doc": 0, "paragraph": 4},
        "story": {
            "id": paraphrase.story.id,
            "source": YESTERDAY_URL,
            "title": "Fire at Brennan Plastics",
            "checked_at": "2026-11-24T10:00:00Z",
        },
        "story_paragraph": 3,
        "kind": "paraphrase",
        "score": paraphrase.score,
        "conflicts": [],
    }


def test_an_exact_copy_is_seen_before_with_its_link_and_date(open_store: OpenStore):
    clock = FakeClock()
    archive = open_store(clock=clock)
    analyzer = hashing_analyzer()
    check(analyzer, archive, FIRE, YESTERDAY_URL, title="Fire")
    clock.advance(days=1, hours=3)

    report = check(analyzer, archive, FOLLOW_UP, TODAY_URL)

    assert found(report) == [(1, 1, "exact")]
    [seen] = report.seen_before or ()
    assert seen.score == 1.0 and seen.story.source == YESTERDAY_URL
    assert seen.story.checked_at == datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert seen.story_text.startswith("Police closed the Harwick bypass")
    text = render_text(report)
    assert "Seen before" in text and "¶2 ↔ old ¶2  same wording (exact repeat)" in text
    assert f"from 'Fire', checked 2026-11-24 10:00 UTC: {YESTERDAY_URL}" in text


def test_the_same_claim_with_other_numbers_is_a_conflict(open_store: OpenStore):
    archive = open_store()
    analyzer = hashing_analyzer()
    check(analyzer, archive, FIRE, YESTERDAY_URL)
    changed = FIRE.replace("injuring 11 workers", "injuring 15 workers")
    report = check(analyzer, archive, FOLLOW_UP + "\n\n" + changed.split("\n\n")[0], TODAY_URL)
    assert (3, 0, "conflicting") in found(report)
    conflict = next(s for s in report.seen_before or () if s.kind == "conflicting")
    assert [(c.a, c.b) for c in conflict.conflicts] == [("11", "15")]  # then -> now
    assert report_to_dict(report)["seen_before"][1]["conflicts"] == [{"before": "11", "now": "15"}]
    assert "(conflicting facts, similarity 0.96)  ≠ 11 → 15" in render_text(report, 100)


def test_nothing_crosses_workspaces(open_store: OpenStore):
    archive = open_store()
    analyzer = hashing_analyzer()
    check(analyzer, archive, FIRE, YESTERDAY_URL, team="T1")
    assert check(analyzer, archive, FOLLOW_UP, TODAY_URL, team="T2").seen_before == ()
    assert found(check(analyzer, archive, FOLLOW_UP, TODAY_URL, team="T1")) == [(1, 1, "exact")]


def test_an_article_is_not_matched_against_its_own_earlier_copy(open_store: OpenStore):
    clock = FakeClock()
    archive = open_store(clock=clock)
    analyzer = hashing_analyzer()
    check(analyzer, archive, FIRE, YESTERDAY_URL)
    clock.advance(days=1)
    edited = FIRE.replace("late on Tuesday", "late on Tuesday night")
    assert check(analyzer, archive, edited, YESTERDAY_URL).seen_before == ()
    [kept] = archive.list("T1")  # the re-check replaced the old copy
    assert kept.story.checked_at == START.replace(day=25)
    # Text with no link of its own (stdin, a paste) is known by its content.
    pasted = segment(FOLLOW_UP, source="stdin")
    for _ in range(2):
        report = check_with_archive(analyzer, [pasted], archive, team="T1")
        assert found(report) == [(1, 1, "exact")]  # yesterday's story, never itself
    assert len(archive.list("T1")) == 2 and story_link(pasted).startswith("text:")


def test_two_articles_checked_together_are_kept_apart(open_store: OpenStore):
    archive = open_store()
    analyzer = hashing_analyzer()
    documents = [segment(FIRE, source=YESTERDAY_URL), segment(FOLLOW_UP, source=TODAY_URL)]
    report = check_with_archive(analyzer, documents, archive, team="T1")
    assert report.seen_before == ()  # their shared paragraph is a pair, not "seen before"
    assert [(p.a.doc, p.b.doc, p.kind) for p in report.pairs] == [(0, 1, "exact")]
    assert sorted(s.story.source for s in archive.list("T1")) == [YESTERDAY_URL, TODAY_URL]


def test_a_channel_with_archiving_off_is_checked_but_not_kept(open_store: OpenStore):
    archive = open_store()
    analyzer = hashing_analyzer()
    check(analyzer, archive, FIRE, YESTERDAY_URL, channel="C-news")
    archive.set_channel_archiving("T1", "C-private", False)
    report = check(analyzer, archive, FOLLOW_UP, TODAY_URL, channel="C-private")
    assert found(report) == [(1, 1, "exact")]
    assert [s.story.source for s in archive.list("T1")] == [YESTERDAY_URL]


def test_without_an_archive_the_report_keeps_its_keys():
    report = check_with_archive(hashing_analyzer(), [segment(FIRE)], None)
    assert report.seen_before is None
    assert "seen_before" not in report_to_dict(report)
    assert "Seen before" not in render_text(report)


class _BrokenArchive:
    """An archive whose database went away."""

    retention_days = 90

    def prune(self) -> int:
        raise ConnectionError("server closed the connection unexpectedly")

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"unexpected call: {name}")


@pytest.mark.parametrize("best_effort", [True, False])
def test_an_archive_failure_fails_the_cli_but_not_the_bot(best_effort: bool):
    documents: Sequence = [segment(FIRE, source=YESTERDAY_URL)]
    broken: Archive = _BrokenArchive()  # type: ignore[assignment]
    if best_effort:
        report = check_with_archive(hashing_analyzer(), documents, broken, best_effort=True)
        assert report.seen_before is None and report.summary
    else:
        with pytest.raises(ArchiveError, match="server closed the connection"):
            check_with_archive(hashing_analyzer(), documents, broken)


def test_links_for_a_slack_message():
    permalink = "https://team.slack.com/archives/C1/p1764000000000100"
    fetched = segment(FIRE, source=YESTERDAY_URL)
    pasted = [segment(FIRE, source="message (article 1)"), segment(FOLLOW_UP, source="x.txt")]
    assert message_links([fetched, *pasted], permalink) == [
        YESTERDAY_URL,
        permalink,
        f"{permalink}#2",
    ]
    assert message_links(pasted, None) == [story_link(d) for d in pasted]


def test_a_bad_archive_setting_does_not_fail_the_bot(store: Archive):
    documents = [segment(FIRE, source=YESTERDAY_URL)]
    report = check_with_archive(hashing_analyzer(), documents, store, team="", best_effort=True)
    assert report.seen_before is None and report.summary  # logged; the report still goes out
    with pytest.raises(ArchiveError, match="team"):
        check_with_archive(hashing_analyzer(), documents, store, team="")
