"""The command line with an archive: `checkdupes --archive PATH INPUT` and
`checkdupes archive add|list|forget` (hashing encoder, SQLite archive in a temp folder)."""

from __future__ import annotations

import json

import pytest

from bot import cli
from tests.fakes import HashingEncoder

MONDAY = (
    "The council met on Monday to discuss the budget.\n\n"
    "Councillors approved a new library for the east side of town.\n\n"
    "The meeting ran for three hours."
)
TUESDAY = (
    "Residents welcomed the plan on Tuesday.\n\n"
    "Councillors approved a new library for the east side of town.\n\n"
    "Building work starts in the spring."
)


@pytest.fixture(autouse=True)
def archive_settings(monkeypatch):
    monkeypatch.delenv("CHECKDUPES_ARCHIVE", raising=False)
    monkeypatch.delenv("CHECKDUPES_ARCHIVE_RETENTION_DAYS", raising=False)


@pytest.fixture
def stories(tmp_path):
    monday, tuesday = tmp_path / "monday.txt", tmp_path / "tuesday.txt"
    monday.write_text(MONDAY)
    tuesday.write_text(TUESDAY)
    return monday, tuesday


def run(capsys, *argv):
    # 384 dimensions: the archive's width (all-MiniLM-L6-v2's).
    code = cli.main(list(argv), encoder_factory=lambda: HashingEncoder(dimensions=384))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_with_an_archive_reports_what_was_seen_before(tmp_path, stories, capsys):
    archive = str(tmp_path / "archive.sqlite3")
    monday, tuesday = stories
    code, out, err = run(capsys, "--archive", archive, str(monday), "--json")
    assert code == 0, err
    assert json.loads(out)["seen_before"] == []

    code, out, err = run(capsys, "--archive", archive, str(tuesday), "--json")
    assert code == 0, err
    [seen] = json.loads(out)["seen_before"]
    assert seen["paragraph"] == {"doc": 0, "paragraph": 1} and seen["story_paragraph"] == 1
    assert seen["kind"] == "exact" and seen["story"]["source"] == monday.resolve().as_uri()
    assert seen["story"]["checked_at"].endswith("Z")

    code, out, _ = run(capsys, "--archive", archive, str(tuesday))  # a re-check: not itself
    assert code == 0
    assert "Seen before" in out and "¶2 ↔ old ¶2  same wording (exact repeat)" in out
    assert monday.resolve().as_uri() in out and out.count("old ¶") == 2


def test_archive_list_add_and_forget(tmp_path, stories, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default archive is ./checkdupes-archive.sqlite3
    monday, tuesday = stories
    code, out, err = run(capsys, "archive", "list")
    assert (code, out) == (2, "") and "there is no archive at checkdupes-archive.sqlite3" in err
    assert not (tmp_path / "checkdupes-archive.sqlite3").exists()  # looking creates nothing

    code, out, err = run(capsys, "archive", "add", str(monday), str(tuesday))
    assert code == 0, err
    assert out.count("added ") == 2 and "(3 paragraphs)" in out
    assert (tmp_path / "checkdupes-archive.sqlite3").exists()

    code, out, _ = run(capsys, "archive", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert all(" UTC  " in line and "  3 ¶  file://" in line for line in lines)

    code, out, _ = run(capsys, "archive", "forget", "monday.txt")  # a path finds its file URI
    assert code == 0 and out.startswith("forgot 1 story")
    _, out, _ = run(capsys, "archive", "list")
    assert "tuesday.txt" in out and "monday.txt" not in out

    story_id = out.split()[3]
    code, out, _ = run(capsys, "archive", "forget", story_id)
    assert code == 0
    assert run(capsys, "archive", "list")[1] == "The archive is empty.\n"


def test_archive_location_from_the_environment(tmp_path, stories, capsys, monkeypatch):
    path = tmp_path / "desk.sqlite3"
    monkeypatch.setenv("CHECKDUPES_ARCHIVE", str(path))
    assert run(capsys, "archive", "add", str(stories[0]))[0] == 0
    assert path.exists()
    _, out, _ = run(capsys, "archive", "list", "--team", "another-workspace")
    assert out == "The archive is empty.\n"


def test_forgetting_an_unknown_link_is_one_line_and_exit_2(tmp_path, stories, capsys):
    archive = str(tmp_path / "archive.sqlite3")
    assert run(capsys, "archive", "add", str(stories[0]), "--archive", archive)[0] == 0
    code, out, err = run(
        capsys, "archive", "forget", "https://news.example/x", "--archive", archive
    )
    assert code == 2 and out == ""
    assert err.startswith("checkdupes: no story in the archive") and err.count("\n") == 1


def test_an_archive_that_cannot_be_opened_is_one_line_and_exit_2(tmp_path, stories, capsys):
    code, out, err = run(
        capsys, "--archive", str(tmp_path / "missing" / "a.sqlite3"), str(stories[0])
    )
    assert code == 2 and out == ""
    assert "cannot open the archive" in err and err.count("\n") == 1


def test_bad_retention_setting_is_one_line(tmp_path, stories, capsys, monkeypatch):
    monkeypatch.setenv("CHECKDUPES_ARCHIVE_RETENTION_DAYS", "-3")
    code, _, err = run(capsys, "--archive", str(tmp_path / "a.sqlite3"), str(stories[0]))
    assert code == 2 and "CHECKDUPES_ARCHIVE_RETENTION_DAYS" in err and err.count("\n") == 1


def test_archive_needs_a_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["archive"])
    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_a_file_named_archive_is_still_checked(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive").write_text(MONDAY)
    code, out, _ = run(capsys, "./archive", "--json")
    assert code == 0 and "seen_before" not in json.loads(out)
