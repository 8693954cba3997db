"""The archive's contract, on both stores (SQLite and PostgreSQL + pgvector): add, list,
forget, retention, per-workspace isolation, the per-channel opt-out, nearest neighbours."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from bot.archive import ArchiveError, ArchiveSettings, NewStory, open_archive
from bot.archive.base import Archive
from bot.archive.sqlite_store import SqliteArchive
from bot.core.pairs import ParagraphRef, Passage
from tests.archive_stores import START, FakeClock, OpenStore, passages_of, unit_rows

FIRE = (
    "A fire destroyed the Brennan Plastics factory in Harwick late on Tuesday.\n\n"
    "Eleven workers were injured, three of them taken to hospital.\n\n"
    "Investigators have not said what caused the blaze."
)
FLOOD = "The river burst its banks on Sunday.\n\nAbout 70 homes were evacuated overnight."


def story(source: str, text: str = FIRE, title: str | None = "A story") -> NewStory:
    return NewStory(source, title, passages_of(text), channel="C1")


def synthetic(source: str, vectors: np.ndarray) -> NewStory:
    """A story whose paragraph vectors are given (one sentence each), for search tests."""
    passages = [
        Passage(ParagraphRef(0, k), f"paragraph {k}", (f"paragraph {k}",), v[None, :], v)
        for k, v in enumerate(vectors)
    ]
    return NewStory(source, None, passages)


def sources(archive: Archive, team: str) -> list[str]:
    return [listing.story.source for listing in archive.list(team)]


def test_add_returns_an_id_and_list_shows_newest_first(open_store: OpenStore):
    clock = FakeClock()
    archive = open_store(clock=clock)
    first = archive.add("T1", story("https://news.example/fire", title="Fire at the plant"))
    clock.advance(hours=2)
    second = archive.add("T1", story("https://news.example/flood", FLOOD, title=None))
    assert first != second
    [newest, oldest] = archive.list("T1")
    assert newest.story.id == second and newest.story.title is None
    assert newest.paragraphs == 2 and newest.channel == "C1"
    assert oldest.story.id == first and oldest.story.source == "https://news.example/fire"
    assert oldest.story.title == "Fire at the plant" and oldest.paragraphs == 3
    assert oldest.story.checked_at == START  # timezone-aware UTC, as it went in
    assert newest.story.checked_at == START.replace(hour=12)


def test_adding_the_same_source_again_replaces_the_old_copy(store: Archive):
    old = store.add("T1", story("https://news.example/fire"))
    new = store.add("T1", story("https://news.example/fire", FLOOD))
    [listing] = store.list("T1")
    assert listing.story.id == new != old and listing.paragraphs == 2
    # The old copy's paragraphs went with it.
    vectors = np.stack([p.vector for p in passages_of(FIRE)])
    found = store.nearest("T1", vectors, 5)
    assert {p.story.id for row in found for p in row} == {new}


def test_forget_by_link_or_id(store: Archive):
    fire = store.add("T1", story("https://news.example/fire"))
    store.add("T1", story("https://news.example/flood", FLOOD))
    assert store.forget("T1", "https://news.example/flood") == 1
    assert sources(store, "T1") == ["https://news.example/fire"]
    assert store.forget("T1", "https://news.example/nothing") == 0
    assert store.forget("T1", fire) == 1
    assert store.list("T1") == []
    assert store.nearest("T1", unit_rows(1), 5) == [[]]


def test_retention_deletes_old_stories_on_add_and_on_prune(open_store: OpenStore):
    clock = FakeClock()
    archive = open_store(clock=clock, retention_days=90)
    archive.add("T1", story("https://news.example/a"))
    archive.add("T2", story("https://news.example/t2"))
    clock.advance(days=60)
    archive.add("T1", story("https://news.example/b"))
    clock.advance(days=31)  # a is 91 days old, b 31
    archive.add("T1", story("https://news.example/c"))
    assert sources(archive, "T1") == ["https://news.example/c", "https://news.example/b"]
    assert archive.list("T2") == []  # retention applies to every workspace
    clock.advance(days=60)  # b is 91 days old, c 60
    assert archive.prune() == 1
    assert sources(archive, "T1") == ["https://news.example/c"]
    vectors = np.stack([p.vector for p in passages_of(FIRE)])
    assert {p.story.source for row in archive.nearest("T1", vectors, 5) for p in row} == {
        "https://news.example/c"
    }


def test_retention_zero_keeps_everything(open_store: OpenStore):
    clock = FakeClock()
    archive = open_store(clock=clock, retention_days=0)
    archive.add("T1", story("https://news.example/a"))
    clock.advance(days=3650)
    assert archive.prune() == 0
    assert sources(archive, "T1") == ["https://news.example/a"]


def test_a_team_never_sees_another_teams_archive(store: Archive):
    store.add("T1", story("https://news.example/fire"))
    vectors = np.stack([p.vector for p in passages_of(FIRE)])
    assert store.list("T2") == []
    assert store.nearest("T2", vectors, 5) == [[], [], []]
    assert store.forget("T2", "https://news.example/fire") == 0
    assert sources(store, "T1") == ["https://news.example/fire"]
    # The same link in another workspace is another story: adding it replaces nothing.
    store.add("T2", story("https://news.example/fire", FLOOD))
    assert [x.paragraphs for x in store.list("T1")] == [3]
    assert {p.story.id for row in store.nearest("T1", vectors, 5) for p in row} == {
        store.list("T1")[0].story.id
    }


def test_channel_archiving_is_on_until_turned_off_per_team_and_channel(store: Archive):
    assert store.channel_archiving("T1", "C1") is True
    store.set_channel_archiving("T1", "C1", False)
    assert store.channel_archiving("T1", "C1") is False
    assert store.channel_archiving("T1", "C2") is True
    assert store.channel_archiving("T2", "C1") is True
    store.set_channel_archiving("T1", "C1", True)
    assert store.channel_archiving("T1", "C1") is True


def test_nearest_matches_exact_search_and_returns_what_the_judge_needs(store: Archive):
    vectors = unit_rows(120, seed=1)
    for s in range(6):  # six stories of twenty paragraphs
        store.add("T1", synthetic(f"https://news.example/{s}", vectors[s * 20 : (s + 1) * 20]))
    noise = unit_rows(3, seed=2) * 0.3
    queries = vectors[[5, 47, 111]] + noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    found = store.nearest("T1", queries, 4)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :4]
    for row, expected in zip(found, exact, strict=True):
        assert [int(p.story.source.rsplit("/", 1)[1]) * 20 + p.paragraph for p in row] == list(
            expected
        )
    best = found[0][0]
    assert best.paragraph == 5 and best.text == "paragraph 5"
    assert best.sentences == ("paragraph 5",)
    np.testing.assert_allclose(best.vector, vectors[5], atol=1e-6)
    assert best.sentence_vectors.shape == (1, 384)
    assert best.story.checked_at == START or best.story.checked_at.tzinfo is not None


def test_nearest_leaves_out_excluded_sources(store: Archive):
    vectors = unit_rows(10, seed=3)
    store.add("T1", synthetic("https://news.example/a", vectors[:5]))
    store.add("T1", synthetic("https://news.example/b", vectors[5:]))
    [row] = store.nearest("T1", vectors[:1], 10, exclude_sources=["https://news.example/a"])
    assert len(row) == 5 and {p.story.source for p in row} == {"https://news.example/b"}


def test_a_second_handle_on_the_same_archive_sees_new_stories(open_store: OpenStore):
    first, second = open_store(), open_store()
    vectors = unit_rows(4, seed=4)
    assert second.nearest("T1", vectors[:1], 3) == [[]]
    first.add("T1", synthetic("https://news.example/a", vectors))
    [row] = second.nearest("T1", vectors[:1], 3)  # no stale cache in the other handle
    assert [p.paragraph for p in row][0] == 0 and len(row) == 3


def test_vectors_of_another_width_are_refused(store: Archive):
    with pytest.raises(ArchiveError, match="384-dimensional"):
        store.nearest("T1", unit_rows(1, dimensions=512), 5)


def test_an_empty_team_id_is_refused(store: Archive):
    with pytest.raises(ArchiveError, match="team"):
        store.add("", story("https://news.example/fire"))


def test_settings_from_the_environment(tmp_path):
    assert not ArchiveSettings.from_env({}).enabled
    assert ArchiveSettings.from_env({}).retention_days == 90
    path = str(tmp_path / "a.sqlite3")
    settings = ArchiveSettings.from_env(
        {"CHECKDUPES_ARCHIVE": path, "CHECKDUPES_ARCHIVE_RETENTION_DAYS": "7"}
    )
    assert settings.enabled and settings.retention_days == 7
    archive = settings.open()
    assert archive is not None and archive.retention_days == 7
    archive.close()
    with_password = ArchiveSettings.from_env({"DATABASE_URL": "postgresql://u:secret@h/d"})
    assert "secret" not in repr(with_password)
    with pytest.raises(ArchiveError, match="RETENTION_DAYS"):
        ArchiveSettings.from_env({"CHECKDUPES_ARCHIVE_RETENTION_DAYS": "a week"})
    with pytest.raises(ArchiveError, match="postgresql://"):
        ArchiveSettings.from_env({"DATABASE_URL": "mysql://db/x"})
    assert open_archive(None, None) is None


def test_an_archive_file_in_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(ArchiveError, match="cannot open the archive"):
        open_archive(None, str(tmp_path / "no" / "such" / "archive.sqlite3"))


def test_a_second_handle_sees_removals_and_replacements(open_store: OpenStore):
    clock = FakeClock()
    writer, reader = open_store(clock=clock), open_store(clock=clock)
    vectors = unit_rows(9, seed=5)
    writer.add("T1", synthetic("https://news.example/a", vectors[:3]))
    writer.add("T1", synthetic("https://news.example/b", vectors[3:6]))
    assert {p.story.source for p in reader.nearest("T1", vectors[:1], 9)[0]} == {
        "https://news.example/a", "https://news.example/b"
    }
    writer.forget("T1", "https://news.example/a")
    writer.add("T1", synthetic("https://news.example/b", vectors[6:]))  # replaces b's rows
    [row] = reader.nearest("T1", vectors[6:7], 9)
    assert [p.paragraph for p in row][0] == 0 and len(row) == 3
    assert {p.story.source for p in row} == {"https://news.example/b"}
    np.testing.assert_allclose(row[0].vector, vectors[6], atol=1e-6)


def test_a_handle_idle_past_the_change_log_still_sees_the_archive(open_store: OpenStore):
    clock = FakeClock()
    writer, reader = open_store(clock=clock), open_store(clock=clock)
    vectors = unit_rows(6, seed=6)
    writer.add("T1", synthetic("https://news.example/a", vectors[:3]))
    assert len(reader.nearest("T1", vectors[:1], 6)[0]) == 3
    clock.advance(days=5)  # the log of a's addition is trimmed by the next add
    writer.forget("T1", "https://news.example/a")
    writer.add("T1", synthetic("https://news.example/b", vectors[3:]))
    [row] = reader.nearest("T1", vectors[:1], 6)
    assert {p.story.source for p in row} == {"https://news.example/b"}


def test_a_private_story_is_searched_only_from_its_own_channel(store: Archive):
    vectors = unit_rows(6, seed=7)
    public, private = synthetic("https://news.example/public", vectors[:3]), synthetic(
        "https://team.slack.com/archives/G1/p1", vectors[3:]
    )
    store.add("T1", public)
    store.add("T1", NewStory(private.source, None, private.passages, "G1", private=True))

    def seen_from(channel: str | None) -> set[str]:
        return {p.story.source for row in store.nearest("T1", vectors, 6, channel=channel)
                for p in row}

    assert seen_from("G1") == {"https://news.example/public", private.source}
    assert seen_from("C2") == {"https://news.example/public"}
    assert seen_from(None) == {"https://news.example/public"}  # no channel: public only
    # Another workspace's channel of the same id sees nothing of T1's.
    assert store.nearest("T2", vectors[:1], 6, channel="G1") == [[]]


def test_a_private_story_needs_its_channel(store: Archive):
    with pytest.raises(ArchiveError, match="private story needs the channel"):
        store.add("T1", NewStory("https://x.example/a", None, passages_of(FIRE), private=True))


def test_a_sqlite_archive_from_before_private_stories_opens_with_them_public(tmp_path):
    path = str(tmp_path / "old.sqlite3")
    archive = open_archive(None, path)
    assert archive is not None
    archive.add("T1", story("https://news.example/fire"))
    archive.close()
    with sqlite3.connect(path) as db:  # the schema as the first release made it
        db.execute("ALTER TABLE paragraphs DROP COLUMN scope")

    reopened = open_archive(None, path)
    assert reopened is not None
    vectors = np.stack([p.vector for p in passages_of(FIRE)])
    assert len(reopened.nearest("T1", vectors, 5, channel="C9")[0]) == 3
    reopened.close()


def test_forget_for_one_asker_removes_only_the_stories_they_asked_for(store: Archive):
    store.add("T1", NewStory("https://news.example/fire", None, passages_of(FIRE), "C1",
                             asked_by="U1"))
    store.add("T1", NewStory("https://news.example/flood", None, passages_of(FLOOD), "C1",
                             asked_by="U2"))
    store.add("T1", story("https://news.example/old"))  # kept before askers were recorded

    assert store.forget("T1", "https://news.example/flood", asked_by="U1") == 0
    assert store.forget("T1", "https://news.example/old", asked_by="U1") == 0
    assert store.forget("T1", "https://news.example/old", asked_by="") == 0
    assert store.forget("T2", "https://news.example/fire", asked_by="U1") == 0
    assert store.forget("T1", "https://news.example/fire", asked_by="U1") == 1
    assert sorted(sources(store, "T1")) == ["https://news.example/flood",
                                            "https://news.example/old"]
    assert store.forget("T1", "https://news.example/old") == 1  # an admin's: anyone's


def test_an_archive_from_before_askers_were_kept_opens_and_keeps_them(open_store: OpenStore):
    archive = open_store()
    archive.add("T1", story("https://news.example/fire"))
    if isinstance(archive, SqliteArchive):
        with archive._transaction() as db:  # the schema as it was before
            db.execute("ALTER TABLE stories DROP COLUMN asked_by")
    else:
        with archive._transaction() as conn:
            conn.execute("ALTER TABLE checkdupes_stories DROP COLUMN asked_by")
    archive.close()

    reopened = open_store()
    reopened.add("T1", NewStory("https://news.example/flood", None, passages_of(FLOOD), "C1",
                                asked_by="U1"))
    assert reopened.forget("T1", "https://news.example/fire", asked_by="U1") == 0
    assert reopened.forget("T1", "https://news.example/flood", asked_by="U1") == 1
    assert sources(reopened, "T1") == ["https://news.example/fire"]
