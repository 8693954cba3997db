"""The feedback store (SQLite and PostgreSQL), dropping pairs marked "not a repeat" from a
check, and `checkdupes feedback export` in the newsroom set's format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.archive.feedback import (
    REPORT_DAYS,
    FeedbackStore,
    drop_not_repeats,
    open_feedback,
    pair_key,
    record_report,
)
from bot.cli.main import main
from bot.core.analyze import Analyzer
from bot.core.segment import segment
from tests.fakes import HashingEncoder

A = "The council approved the budget on Tuesday."
B = "Critics said the plan ignored road repairs."
ARTICLE = f"{A}\n\nResidents packed the hall.\n\n{A}\n\n{B}\n\n{B}"

OpenFeedback = Callable[[], FeedbackStore]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> Iterator[OpenFeedback]:
    """open_store() -> the store of the parametrized kind; again: the same store reopened."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    opened: list[FeedbackStore] = []

    def open_() -> FeedbackStore:
        store = open_feedback(path="" if url else str(tmp_path / "feedback.sqlite3"),
                              database_url=url, clock=clock)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


def test_verdicts_are_per_workspace_and_known_by_normalised_text(
    open_store: OpenFeedback,
) -> None:
    store = open_store()
    store.add_verdict("T1", A, B, user="U1", report_id="r1", group=0)

    again = open_store()  # another process on the same store
    shouted = A.upper().replace(".", "!")  # case and punctuation do not make another passage
    assert pair_key(B, shouted) in again.not_repeats("T1")
    assert again.not_repeats("T2") == set()
    assert again.marked_groups("r1") == {0: "U1"}
    (verdict,) = again.verdicts()
    assert (verdict.team, verdict.user) == ("T1", "U1")
    assert {verdict.text_a, verdict.text_b} == {A, B}

    again.add_verdict("T1", B, A, user="U2")  # the same pair again: one verdict, newest wins
    assert [v.user for v in again.verdicts("T1")] == ["U2"]
    again.remove_verdict("T1", A, B)
    assert again.not_repeats("T1") == set() and again.verdicts() == []


def test_reports_are_kept_for_their_buttons_then_expire(
    open_store: OpenFeedback, clock: Clock
) -> None:
    store = open_store()
    analyzer = Analyzer(HashingEncoder())
    report = analyzer.analyze([segment(ARTICLE)])
    record = record_report(report, report_id="r1", team="T1", channel="D1", asker="U1",
                           source_ts="1.1", thread_ts="1.1", request={"entry": "dm"},
                           messages=["2.1", "2.2"])
    store.save_report(record)

    loaded = open_store().report("r1")
    assert loaded is not None
    assert (loaded.messages, loaded.asker, loaded.request) == (("2.1", "2.2"), "U1",
                                                               {"entry": "dm"})
    assert loaded.paragraphs == record.paragraphs and loaded.groups == record.groups
    assert [len(g.paragraphs) for g in loaded.groups] == [2, 2]
    assert store.report_for_message("D1", "1.1") == loaded
    assert store.report_for_message("D1", "9.9") is None

    clock.now += REPORT_DAYS * 86400 + 1
    store.save_report(record_report(report, report_id="r2", team="T1", channel="D1", asker="U1",
                                    source_ts="3.1", thread_ts="3.1", request={}))
    assert store.report("r1") is None and store.report("r2") is not None


def test_pairs_marked_not_a_repeat_are_dropped_before_grouping() -> None:
    analyzer = Analyzer(HashingEncoder())
    report = analyzer.analyze([segment(ARTICLE)])
    assert [len(g.paragraphs) for g in report.groups] == [2, 2]

    # The verdict came from another article, where the passages stood elsewhere.
    kept = drop_not_repeats(report, {pair_key(A, A.lower())})

    assert [(p.a.paragraph, p.b.paragraph) for p in kept.pairs] == [(3, 4)]
    assert [tuple(r.paragraph for r in g.paragraphs) for g in kept.groups] == [(3, 4)]
    assert drop_not_repeats(report, set()) is report


def test_export_writes_the_verdicts_as_hard_negatives_in_the_newsroom_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "feedback.sqlite3")
    store = open_feedback(path=path)
    c = "A third passage about the weather."
    store.add_verdict("T1", A, B, user="U1")
    store.add_verdict("T2", B, c, user="U2")
    store.close()
    out = tmp_path / "negatives.json"

    assert main(["feedback", "export", "--store", path, "--out", str(out)]) == 0

    assert capsys.readouterr().out == f"wrote 2 verdicts (3 paragraphs) to {out}\n"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["pairs"] == [] and data["sentence_pairs"] == []
    assert sorted(data["paragraphs"]) == sorted([A, B, c])
    labelled = {frozenset(data["paragraphs"][k] for k in pair) for pair in data["hard_negatives"]}
    assert labelled == {frozenset((A, B)), frozenset((B, c))}
    assert all(i < j for i, j in data["hard_negatives"])

    assert main(["feedback", "export", "--store", path, "--team", "T2"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert sorted(only["paragraphs"]) == sorted([B, c]) and only["hard_negatives"] == [[0, 1]]


def test_export_without_a_store_says_so_and_makes_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("CHECKDUPES_FEEDBACK", "DATABASE_URL", "CHECKDUPES_ARCHIVE"):
        monkeypatch.delenv(name, raising=False)

    assert main(["feedback", "export"]) == 2

    assert "there is no feedback store at checkdupes-feedback.sqlite3" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
