"""The benchmarks' pure helpers: metrics, edits, the article builder, the loaders."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from benchmarks import edits
from benchmarks.common import PRF, best_threshold, markdown_table, prf_of_sets, run_main
from benchmarks.duplicates import shingles
from benchmarks.speed import flops_per_sequence
from benchmarks.summaries import cnndm_sentences
from tests.conftest import shared_path

# ---------------------------------------------------------------------------- metrics


def test_prf_on_tiny_sets() -> None:
    counts = prf_of_sets({(0, 1), (2, 3), (4, 5)}, {(0, 1), (2, 3), (6, 7), (8, 9)})
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 2)
    assert counts.precision == pytest.approx(2 / 3)
    assert counts.recall == pytest.approx(0.5)
    assert counts.f1 == pytest.approx(4 / 7)
    assert PRF(0, 0, 0).f1 == 0.0
    assert (PRF(1, 2, 3) + PRF(1, 1, 1)) == PRF(2, 3, 4)


def test_a_missing_baseline_package_is_one_line_not_a_traceback(capsys) -> None:
    def needs_minhash() -> None:
        raise ModuleNotFoundError("No module named 'datasketch'", name="datasketch")

    with pytest.raises(SystemExit) as exit_:
        run_main(needs_minhash)
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "datasketch is missing: install the benchmark extras with pip install -e '.[bench]'\n")

    def broken() -> None:
        raise ModuleNotFoundError("No module named 'bot.nowhere'", name="bot.nowhere")

    with pytest.raises(ModuleNotFoundError):  # our own missing module is a bug: let it show
        run_main(broken)


def test_best_threshold_separates_and_sits_between_scores() -> None:
    threshold, f1 = best_threshold([0.9, 0.8, 0.4, 0.3], [True, True, False, False])
    assert f1 == 1.0
    assert threshold == pytest.approx(0.6)
    # Ties are never split: with equal scores, one side takes both.
    threshold, f1 = best_threshold([0.5, 0.5, 0.1], [True, False, False])
    assert threshold < 0.5 and f1 == pytest.approx(2 / 3)


def test_markdown_table_escapes_and_formats() -> None:
    table = markdown_table(["a", "b"], [["x|y", 0.12345], ["z", 42.0]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | 0.123 |", "| z | 42.0 |"]


def test_flops_per_sequence_is_minilm_sized() -> None:
    # ~21 MFLOP per token for the dense part of 6 layers of width 384 / 1536.
    dense = 6 * 2 * (4 * 384 * 384 + 2 * 384 * 1536)
    assert flops_per_sequence(1) == pytest.approx(dense + 6 * 4 * 384)
    assert flops_per_sequence(200) > 200 * flops_per_sequence(1)  # attention grows faster


def test_shingles_and_cnndm_sentences() -> None:
    assert shingles("The cat sat on the mat") == {
        "the cat sat", "cat sat on", "sat on the", "on the mat"}
    assert shingles("Two words") == {"two words"}
    text = "( cnn ) two heroes survived . and they are struggling . it rained ."
    assert cnndm_sentences(text) == ["( cnn ) two heroes survived .", "and they are struggling .",
                                     "it rained ."]


# ---------------------------------------------------------------------------- edits


def test_swap_number_changes_one_figure_and_not_years() -> None:
    rng = random.Random(1)
    result = edits.swap_number("In 2004 the firm cut 1,200 jobs.", rng)
    edited, before, after = result or ("", "", "")
    assert before == "1,200" and after != before
    assert edited == f"In 2004 the firm cut {after} jobs."
    assert edits.swap_number("It happened in 1999.", rng) is None


def test_swap_direction_needs_a_figure() -> None:
    rng = random.Random(2)
    assert edits.swap_direction("Prices rose 4% in March.", rng) == (
        "Prices fell 4% in March.", "rose", "fell")
    assert edits.swap_direction("She ended up giving up.", rng) is None
    assert edits.swap_direction("The billing mix-up cost 3 jobs.", rng) is None
    assert edits.swap_direction("He appealed to a higher court.", rng) is None


def test_restate_number_keeps_the_value() -> None:
    rng = random.Random(3)
    edited, before, after = edits.restate_number("Sales grew 4% last year.", rng) or ("", "", "")
    assert (before, after) == ("4%", "4 percent") and edited == "Sales grew 4 percent last year."


def test_entity_swap_skips_multiword_names() -> None:
    rng = random.Random(4)
    assert edits.swap_entity("Fans in South Africa cheered loudly.", rng) is None
    edited, before, after = edits.swap_entity("Talks in Paris ended.", rng) or ("", "", "")
    assert before == "Paris" and after in edits.PLACES and edited == f"Talks in {after} ended."


def test_light_edit_and_detokenize() -> None:
    rng = random.Random(5)
    text = "The mayor said the council would start building new homes next year."
    edited = edits.light_edit(text, rng)
    assert edited != text and len(edited.split()) >= len(text.split()) - 1
    tokenised = "He said , `` we do n't '' ( again ) ."
    assert edits.detokenize(tokenised) == 'He said, "we don\'t" (again).'


# ---------------------------------------------------------------------------- articles


def test_handwritten_loader_reads_both_schemas(tmp_path: Path) -> None:
    from benchmarks.articles import load_handwritten

    single = {"title": "t", "paragraphs": ["p0", "p1", "p2"],
              "pairs": [{"a": 0, "b": 2, "kind": "paraphrase"}], "hard_negatives": [[0, 1]],
              "sentence_pairs": [{"a": {"paragraph": 1}, "b": {"paragraph": 2}, "kind": "exact"}]}
    (tmp_path / "a01.json").write_text(json.dumps(single))
    article = load_handwritten(tmp_path / "a01.json")
    assert article.documents == (("p0", "p1", "p2"),)
    assert list(article.truth) == [((0, 0), (0, 2))]
    assert article.hard_negatives[0].key == ((0, 0), (0, 1))
    assert article.sentence_pairs[0].b == (0, 2)

    double = {"a": {**single, "pairs": []}, "b": {"title": "u", "paragraphs": ["q0", "q1"],
                                                   "pairs": [{"a": 0, "b": 1, "kind": "exact"}]},
              "pairs": [{"a": 2, "b": 0, "kind": "conflicting", "values": [["11", "15"]]}],
              "hard_negatives": [[1, 1]]}
    (tmp_path / "x01.json").write_text(json.dumps(double))
    article = load_handwritten(tmp_path / "x01.json")
    assert len(article.documents) == 2
    assert set(article.truth) == {((1, 0), (1, 1)), ((0, 2), (1, 0))}
    assert article.truth[((0, 2), (1, 0))].values == (("11", "15"),)
    assert {p.key for p in article.hard_negatives} == {((0, 0), (0, 1)), ((0, 1), (1, 1))}


def test_built_articles_are_deterministic_and_consistent() -> None:
    shared_path("data", "paraphrase", "mrpc", "mrpc_test.tsv")
    from benchmarks.articles import built_articles

    first = built_articles("dev", 6)
    assert first == built_articles("dev", 6)  # same seed, same articles
    test = built_articles("test", 6)
    dev_text = {p for a in first for p in a.documents[0]}
    assert not dev_text & {p for a in test for p in a.documents[0] if not p.startswith('"')}
    for article in first + test:
        (paragraphs,) = article.documents
        assert len(article.origins[0]) == len(paragraphs)
        assert article.pairs, article.id
        keys = [p.key for p in article.pairs + article.hard_negatives]
        assert len(set(keys)) == len(keys)
        for pair in article.pairs + article.hard_negatives:
            assert pair.a[1] < len(paragraphs) and pair.b[1] < len(paragraphs)
            assert pair.a != pair.b
        for pair in article.pairs:
            if pair.kind == "exact":
                assert paragraphs[pair.a[1]] == paragraphs[pair.b[1]]


def test_built_paragraphs_survive_segmentation() -> None:
    shared_path("data", "paraphrase", "mrpc", "mrpc_test.tsv")
    from benchmarks.articles import built_articles
    from bot.core.segment import segment

    for article in built_articles("test", 10):
        document = segment("\n\n".join(article.documents[0]))
        assert len(document.paragraphs) == len(article.documents[0])
