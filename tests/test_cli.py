"""The checkdupes command line: exit codes, messages and the JSON contract.

Plumbing tests run `main()` in-process with the hashing encoder; one test runs the
installed console script end to end on the shipped example with the real model.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.core.sources import split_articles
from tests.conftest import shared_path
from tests.fakes import HashingEncoder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "water-main-break.txt"
ARTICLE = "The council met on Monday.\n\nIt approved the budget.\n\nThe council met on Monday.\n"


def run(capsys, *argv, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = cli.main(list(argv), encoder_factory=HashingEncoder)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_follows_the_contract(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE)
    code, out, err = run(capsys, str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {
        "documents", "pairs", "sentence_pairs", "groups", "summary", "summaries", "timings_ms"
    }
    assert report["documents"] == [
        {
            "source": str(path),
            "title": None,
            "paragraphs": [
                "The council met on Monday.",
                "It approved the budget.",
                "The council met on Monday.",
            ],
        }
    ]
    [pair] = report["pairs"]
    assert pair["a"] == {"doc": 0, "paragraph": 0} and pair["b"] == {"doc": 0, "paragraph": 2}
    assert pair["kind"] == "exact" and pair["score"] == 1.0
    assert pair["sentences"] == [{"a": 0, "b": 0, "score": 1.0}] and pair["conflicts"] == []
    assert set(report["timings_ms"]) == {"embed", "mine", "summarize", "total"}
    assert 1 <= len(report["summary"]) <= 3 and report["summaries"] == [report["summary"]]
    [group] = report["groups"]
    assert group["keep"] == {"doc": 0, "paragraph": 0} and group["cut"] == [pair["b"]]


def test_two_inputs_compare_across_documents(tmp_path, capsys):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Storm closes the harbor.\n\nFerries will not run until Friday.\n")
    second.write_text("Ferries will not run until Friday.\n\nThe mayor visited the docks.\n")
    code, out, _ = run(capsys, str(first), str(second), "--json")
    assert code == 0
    report = json.loads(out)
    pairs = report["pairs"]
    assert [(p["a"], p["b"], p["kind"]) for p in pairs] == [
        ({"doc": 0, "paragraph": 1}, {"doc": 1, "paragraph": 0}, "exact")
    ]
    # One summary per article, each from its own text; summary stays the first one's.
    first_summary, second_summary = report["summaries"]
    assert report["summary"] == first_summary
    assert "Storm closes the harbor." in first_summary
    assert "The mayor visited the docks." in second_summary
    assert "The mayor visited the docks." not in first_summary


def test_stdin_and_readable_report(capsys, monkeypatch):
    code, out, _ = run(capsys, "-", stdin=ARTICLE.encode(), monkeypatch=monkeypatch)
    assert code == 0
    assert "¶1 = ¶3  same wording (exact repeat)" in out
    assert "Cut ¶3; keep ¶1." in out and "¶3    same wording as ¶1" in out
    assert "Summary" in out and "\x1b" not in out  # not a terminal: no colour


def test_colour_is_asked_for_or_not(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(
        "The council met on Monday and approved the budget for the year.\n\n"
        "Ferries will not run until Friday.\n\n"
        "The council met on Tuesday and approved the budget for the year.\n"
    )
    code, coloured, _ = run(capsys, str(path), "--color")
    assert code == 0 and "\x1b[" in coloured
    code, plain, _ = run(capsys, str(path), "--no-color")
    assert code == 0 and "\x1b" not in plain and "«Monday»" in plain


def test_clean_prints_the_article_without_the_cuts(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE)
    code, out, err = run(capsys, str(path), "--clean")
    assert code == 0, err
    assert out == "The council met on Monday.\n\nIt approved the budget.\n"


def test_clean_with_two_articles_separates_them_as_a_paste_does(tmp_path, capsys):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Storm closes the harbor.\n\nFerries will not run until Friday.\n")
    second.write_text("Ferries will not run until Friday.\n\nThe mayor visited the docks.\n")
    code, out, _ = run(capsys, str(first), str(second), "--clean")
    assert code == 0
    assert out == (
        "Storm closes the harbor.\n\nFerries will not run until Friday.\n"
        "\n---\n\n"
        "The mayor visited the docks.\n"
    )
    assert split_articles(out) == [
        "Storm closes the harbor.\n\nFerries will not run until Friday.\n\n",
        "\n\nThe mayor visited the docks.\n",
    ]


def test_clean_with_json_is_refused_in_one_line(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE)
    code, out, err = run(capsys, str(path), "--clean", "--json")
    assert code == 2 and out == ""
    assert err.startswith("checkdupes: ") and err.count("\n") == 1 and "--json" in err


def test_a_long_text_prints_a_bounded_report(tmp_path, capsys):
    """150 kB of text with hundreds of repeats: the groups are capped, --all shows them all."""
    rng = random.Random(3)
    # A wide vocabulary: two random paragraphs share 3% of their words, so only the copies
    # repeat (at 18%, the hashing encoder's pairs sat at the paraphrase threshold).
    vocabulary = [f"{a}{b}" for a in ("ka", "lo", "mu", "ri", "te", "vo") for b in range(500)]
    paragraphs = [" ".join(rng.sample(vocabulary, 90)) + "." for _ in range(250)]
    text = "\n\n".join(paragraphs + paragraphs[:100]) + "\n"
    path = tmp_path / "long.txt"
    path.write_text(text)
    assert len(text) >= 150_000
    code, out, err = run(capsys, str(path))
    assert code == 0, err
    groups = int(re.search(r"(\d+) groups of paragraphs", " ".join(out.split()))[1])
    assert groups > 50 and f"… {groups - 50} more groups (--all to show)" in out
    assert len(out.splitlines()) < 1000 and len(out) < 60_000
    code, everything, _ = run(capsys, str(path), "--all")
    assert "--all to show" not in everything and everything.count("same wording as") == 100


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "there is no text to check"),
        (b"   \n\n  \n", "there is no text to check"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        ("caf\xe9 au lait\n\nsecond".encode("latin-1"), "is not UTF-8 text"),
        (b"Just one paragraph here.", "only one paragraph"),
        (b"x" * 200_001, "over the limit of 200,000 characters"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and err.startswith("checkdupes: ")


def test_missing_file_and_directory(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "nope.txt"))
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_more_than_two_inputs_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["a", "b", "c"])
    assert exit_info.value.code == 2


def test_console_script_on_the_example_with_the_real_model():
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Nothing but the notice a machine's first run prints while it exports the int8 model.
    assert result.stderr in ("", "checkdupes: preparing the model, once: ~10 s\n")
    found = {
        (p["a"]["paragraph"], p["b"]["paragraph"]): p["kind"]
        for p in json.loads(result.stdout)["pairs"]
    }
    assert found == {
        (0, 1): "paraphrase",
        (2, 5): "conflicting",
        (3, 7): "paraphrase",
        (4, 9): "near_verbatim",
    }


def seed_three_times() -> str:
    seed = shared_path("seeds", "putin-trump-talks.txt").read_text().strip("\n")
    return "\n".join([seed] * 3) + "\n"


def test_a_seed_pasted_three_times_gives_one_group_per_restated_paragraph(
    tmp_path, capsys, real_encoder
):
    """Exact copies count once as neighbours, so the three paraphrases are still found and
    each connects its six paragraphs; the rest are groups of three exact repeats."""
    path = tmp_path / "three.txt"
    path.write_text(seed_three_times())
    code = cli.main([str(path), "--json"], encoder_factory=lambda: real_encoder)
    out, err = capsys.readouterr()
    assert code == 0, err
    groups = [[p["paragraph"] for p in g["paragraphs"]] for g in json.loads(out)["groups"]]
    six = [g for g in groups if len(g) == 6]
    assert six == [[0, 1, 13, 14, 26, 27], [4, 5, 17, 18, 30, 31], [10, 11, 23, 24, 36, 37]]
    rest = sorted(p for g in groups if len(g) != 6 for p in g)
    assert all(len(g) in (3, 6) for g in groups)
    assert rest == sorted({*range(39)} - {p for g in six for p in g})


def check_json(path: Path, capsys, encoder) -> dict:
    code = cli.main([str(path), "--json"], encoder_factory=lambda: encoder)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def clean(path: Path, capsys, encoder) -> str:
    code = cli.main([str(path), "--clean"], encoder_factory=lambda: encoder)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_cleaned_seed_checks_clean(tmp_path, capsys, real_encoder):
    seed = shared_path("seeds", "putin-trump-talks.txt")
    cleaned = tmp_path / "cleaned.txt"
    cleaned.write_text(clean(seed, capsys, real_encoder))

    report = check_json(cleaned, capsys, real_encoder)

    paragraphs = report["documents"][0]["paragraphs"]
    lines = seed.read_text().strip().split("\n")
    assert paragraphs == [line for k, line in enumerate(lines) if k not in (1, 5, 11)]
    assert report["pairs"] == [] and report["sentence_pairs"] == [] and report["groups"] == []


def test_clean_cuts_the_copies_and_keeps_both_sides_of_a_conflict(tmp_path, capsys, real_encoder):
    paragraphs = EXAMPLE.read_text().strip().split("\n\n")
    path = tmp_path / "story.txt"
    path.write_text("\n\n".join([*paragraphs, paragraphs[6]]) + "\n")  # ¶12: an exact copy of ¶7
    report = check_json(path, capsys, real_encoder)
    kinds = {(p["a"]["paragraph"], p["b"]["paragraph"]): p["kind"] for p in report["pairs"]}
    assert kinds[(6, 11)] == "exact" and kinds[(4, 9)] == "near_verbatim"
    assert kinds[(2, 5)] == "conflicting"

    kept = clean(path, capsys, real_encoder).rstrip("\n").split("\n\n")

    assert paragraphs[2] in kept and paragraphs[5] in kept  # the editor decides: 11 or 15
    assert kept.count(paragraphs[6]) == 1 and paragraphs[9] not in kept  # the copies go
    assert paragraphs[4] in kept


def test_prepare_says_it_once_then_the_model_is_ready(tmp_path, capsys, monkeypatch):
    from bot.core import embed_onnx

    def fake_ensure(model_dir=None, *, directory=None, quantize=True, on_prepare=None):
        target = embed_onnx.onnx_file(model_dir or embed_onnx.model_path(), quantize=quantize)
        if not target.is_file():  # as the real one does, but without the ~10 s export
            on_prepare()
            target.parent.mkdir(parents=True)
            target.write_bytes(b"onnx")
        return target

    monkeypatch.setattr(embed_onnx, "ensure_onnx", fake_ensure)
    monkeypatch.setenv("CHECKDUPES_CACHE_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("CHECKDUPES_ENCODER", "onnx")

    assert cli.main(["--prepare"]) == 0
    out, err = capsys.readouterr()
    assert err == "checkdupes: preparing the model, once: ~10 s\n"
    assert out == "The onnx model is prepared.\n"

    assert cli.main(["--prepare"]) == 0
    assert capsys.readouterr() == ("The onnx model is ready.\n", "")


def test_prepare_takes_no_input(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--prepare", "story.txt"])
    assert exited.value.code == 2 and "--prepare takes no INPUT" in capsys.readouterr().err
