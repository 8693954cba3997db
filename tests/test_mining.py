"""Pair mining at scale: block products give the same evidence as the dense matrices, copies
are judged once, and pathological pastes stay bounded (pairs judged O(n k), lists capped)."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from bot.core import pairs as pairs_module
from bot.core.analyze import Analyzer
from bot.core.embed import pool_sentences
from bot.core.lexical import rare_word_similarity
from bot.core.mining import MiningLimits, neighbours, rare_word_matrix, top_pairs
from bot.core.pairs import EvidenceTable, Rules, mine
from bot.core.segment import segment
from bot.render.json_report import report_to_json
from tests.fakes import HashingEncoder

COPY = (
    "A water main burst beneath Harbor Street early Monday, flooding three blocks and "
    "forcing the evacuation of 40 homes, officials said."
)
TEXTS = [
    "The council approved the budget on Tuesday after a long debate about the harbour.",
    "On Tuesday councillors passed the budget after hours of argument about the harbour.",
    "A fire tore through the plastics factory late on Tuesday, injuring 11 workers.",
    "Eleven workers were hurt when fire swept the plastics plant on Tuesday night.",
    "Shares of Lumora rose 3.4% in after-hours trading following the announcement.",
    "The mayor said the harbour works would start in spring and last two years.",
]


def _unit_rows(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, 16)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _dense_runner_up(cosine: np.ndarray) -> np.ndarray:
    """The dense reference the block version replaces: runner_up[i, j] by brute force."""
    n = len(cosine)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            others = [cosine[i, m] for m in range(n) if m not in (i, j)]
            out[i, j] = max(max(others, default=0.0), 0.0)
    return out


def test_neighbours_give_the_dense_runner_up() -> None:
    vectors = _unit_rows(23)
    found = neighbours(vectors, block=5)  # several blocks
    reference = _dense_runner_up(vectors @ vectors.T)
    for i in range(23):
        for j in range(23):
            if i != j:
                assert found.runner_up(i, j) == pytest.approx(reference[i, j], abs=1e-6)


def test_rare_word_rows_give_the_same_similarity() -> None:
    texts = [*TEXTS, COPY, "Nothing in common here at all.", ""]
    rows = rare_word_matrix(texts)
    reference = rare_word_similarity(texts)
    off_diagonal = ~np.eye(len(texts), dtype=bool)
    np.testing.assert_allclose((rows @ rows.T)[off_diagonal], reference[off_diagonal], atol=1e-5)
    table = EvidenceTable(Analyzer(HashingEncoder()).embed([segment("\n\n".join(texts[:-1]))]))
    np.testing.assert_allclose(table.rare_words, rare_word_similarity(texts[:-1]), atol=1e-5)


def test_top_pairs_with_a_large_k_are_every_pair_over_the_threshold() -> None:
    vectors = _unit_rows(40, seed=3)
    cosine = vectors @ vectors.T
    expected = {(i, j) for i in range(40) for j in range(i + 1, 40) if cosine[i, j] >= 0.3}
    found = top_pairs(vectors, 0.3, k=39, block=7)
    assert {tuple(p) for p in found.tolist()} == expected


def test_top_pairs_keep_each_rows_closest_only() -> None:
    vectors = _unit_rows(40, seed=4)
    found = top_pairs(vectors, -1.0, k=3)
    assert len(found) <= 40 * 3
    cosine = vectors @ vectors.T
    np.fill_diagonal(cosine, -np.inf)
    pairs = {tuple(p) for p in found.tolist()}
    for i in range(40):  # every row's best neighbour is among the candidates
        j = int(cosine[i].argmax())
        assert (min(i, j), max(i, j)) in pairs


def test_evidence_without_dense_matrices_matches_the_dense_table() -> None:
    document = segment("\n\n".join(TEXTS))
    passages = Analyzer(HashingEncoder()).embed([document])
    dense, rows = EvidenceTable(passages), EvidenceTable(passages, dense=False)
    assert not hasattr(rows, "cosine")
    for i in range(len(passages)):
        for j in range(i + 1, len(passages)):
            assert rows.of(i, j) == pytest.approx(dense.of(i, j))
            assert dense.of(i, j).cosine == pytest.approx(float(dense.cosine[i, j]))


def test_copies_of_one_paragraph_are_judged_once_and_capped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged: list[tuple[int, int]] = []
    real_judge = pairs_module.judge

    def counting_judge(*args: object, **kwargs: object) -> object:
        judged.append((args[3], args[4]))  # type: ignore[arg-type]
        return real_judge(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pairs_module, "judge", counting_judge)
    document = segment("\n\n".join([COPY] * 500))
    passages = Analyzer(HashingEncoder()).embed([document])
    mined = mine(passages, Rules(), MiningLimits(max_pairs=300))
    assert judged == []  # one distinct text: nothing to judge on meaning
    assert mined.truncated and len(mined.pairs) == 300  # 124,750 before the cap
    assert all(p.kind == "exact" for p in mined.pairs)
    refs = [(p.a.paragraph, p.b.paragraph) for p in mined.pairs]
    assert refs == sorted(refs) and refs[:2] == [(0, 1), (0, 2)]
    assert mined.sentence_pairs == []  # its sentences repeat inside repeated paragraphs


def test_a_judged_pair_holds_for_every_copy() -> None:
    # Paragraphs 0 and 3 are the same text; 1 is a near copy of it with light edits.
    edited = COPY.replace("early Monday", "on Monday morning")
    document = segment("\n\n".join([COPY, edited, TEXTS[2], COPY, TEXTS[4]]))
    passages = Analyzer(HashingEncoder()).embed([document])
    found = {(p.a.paragraph, p.b.paragraph): p.kind for p in mine(passages, Rules()).pairs}
    assert found == {(0, 3): "exact", (0, 1): "near_verbatim", (1, 3): "near_verbatim"}


def test_small_vocabulary_paste_judges_o_n_k_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real_judge = pairs_module.judge

    def counting_judge(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return real_judge(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pairs_module, "judge", counting_judge)
    rng = random.Random(1)
    vocabulary = "the council said water main road fire police school budget plan rose".split()
    text = "\n\n".join(
        " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 12))) + "."
        for _ in range(300)
    )
    passages = Analyzer(HashingEncoder()).embed([segment(text)])
    limits = MiningLimits()
    mined = mine(passages, Rules(), limits)
    assert calls <= len(passages) * limits.paragraph_neighbours  # 44,850 pairs before
    assert len(mined.pairs) <= limits.max_pairs
    assert len(mined.sentence_pairs) <= limits.max_sentence_pairs


def test_truncation_is_in_the_json_only_when_it_happened() -> None:
    analyzer = Analyzer(HashingEncoder())
    small = json.loads(report_to_json(analyzer.analyze([segment("\n\n".join(TEXTS))])))
    assert "truncated" not in small
    report = analyzer.analyze([segment("\n\n".join([COPY] * 60))])  # 1,770 exact pairs
    data = json.loads(report_to_json(report))
    assert data["truncated"] is True and len(data["pairs"]) == MiningLimits().max_pairs


def test_each_sentence_is_encoded_once_and_paragraphs_pool_them() -> None:
    encoder = HashingEncoder()
    document = segment(f"{TEXTS[0]} {TEXTS[2]}\n\n{TEXTS[4]}\n\n{TEXTS[0]}")
    passages = Analyzer(encoder).embed([document])
    assert encoder.calls == [3]  # three distinct sentences, no paragraph encoded on its own
    one = passages[1]
    np.testing.assert_allclose(one.vector, one.sentence_vectors[0], atol=1e-6)
    two = passages[0]
    expected = pool_sentences(two.sentence_vectors, [len(s) for s in two.sentences])
    np.testing.assert_allclose(two.vector, expected, atol=1e-6)
    assert float(np.linalg.norm(two.vector)) == pytest.approx(1.0, abs=1e-5)


def test_a_paragraph_opening_in_short_restates_the_earlier_one_most_like_it() -> None:
    texts = [
        "The council will charge owners of empty homes a premium on their council tax.",
        "Bus fares across the county network rise by ten pence next month.",
        "In short, owners who leave homes empty will pay a premium on council tax.",
        "Fares on the county bus network go up next month, the operator said.",
    ]
    passages = Analyzer(HashingEncoder()).embed([segment("\n\n".join(texts))])
    table = EvidenceTable(passages, features=frozenset({"restates"}))
    assert table.of(0, 2).restates == table.of(2, 0).restates == 1.0
    assert table.of(1, 2).restates == 0.0  # not the paragraph it restates
    assert table.of(1, 3).restates == 0.0  # a restatement that does not announce itself
    assert EvidenceTable(passages).of(0, 2).restates == 0.0  # measured only when asked for
    # "Likewise," adds a parallel point: it announces no restatement
    parallel = [*texts[:2], texts[2].replace("In short,", "Likewise,"), texts[3]]
    passages = Analyzer(HashingEncoder()).embed([segment("\n\n".join(parallel))])
    assert EvidenceTable(passages, features=frozenset({"restates"})).of(0, 2).restates == 0.0


def _passages_with_sentence_cosines(cross: list[list[float]]) -> tuple[pairs_module.Passage, ...]:
    """Two two-sentence passages whose sentence vectors have these cosines across (0.3 within)."""
    gram = np.eye(4)
    gram[0, 1] = gram[1, 0] = gram[2, 3] = gram[3, 2] = 0.3
    gram[:2, 2:] = cross
    gram[2:, :2] = np.array(cross).T
    vectors = np.linalg.cholesky(gram).astype(np.float32)  # rows: unit vectors with that Gram
    sentences = ("A sentence of some length here.", "Another sentence of about that length.")
    return tuple(
        pairs_module.Passage(pairs_module.ParagraphRef(0, k), " ".join(sentences), sentences,
                             vectors[2 * k : 2 * k + 2], vectors[2 * k])
        for k in range(2)
    )


def test_a_sure_model_outweighs_one_restated_sentence_but_not_one_copied():
    # Reordered restatement: the best-aligned sentences are not one of the two true links,
    # so the rest looks unrelated (0.24) though each sentence has its counterpart (0.62, 0.60).
    a, b = _passages_with_sentence_cosines([[0.64, 0.62], [0.60, 0.24]])
    rules = Rules()
    assert pairs_module._one_sentence_in_common(a, b, rules)
    assert not pairs_module._one_sentence_in_common(a, b, rules, sure=True)
    # One sentence copied, the other unrelated: a repeated sentence however sure the model is.
    a, b = _passages_with_sentence_cosines([[0.97, 0.2], [0.2, 0.3]])
    assert pairs_module._one_sentence_in_common(a, b, rules, sure=True)


def test_coverage_beyond_the_closest_sentences_tells_a_shared_sentence_from_a_repeat() -> None:
    shared = "The council will charge owners of empty homes a premium on their council tax."
    texts = [
        f"{shared} Bus fares across the county network rise by ten pence next month.",
        f"{shared} The library in Marsh Lane will close on Sundays from April.",
        f"{shared} Bus fares across the county network rise by ten pence next month, too.",
        "Owners of empty homes will pay more council tax.",
    ]
    passages = Analyzer(HashingEncoder()).embed([segment("\n\n".join(texts))])
    table = EvidenceTable(passages, features=frozenset({"coverage_rest"}))
    repeat, one_sentence = table.of(0, 2).coverage_rest, table.of(0, 1).coverage_rest
    assert repeat > 0.9 > 0.5 > one_sentence
    assert table.of(0, 3).coverage_rest == 1.0  # a one-sentence side is all its closest sentence
    assert EvidenceTable(passages).of(0, 2).coverage_rest == 0.0  # measured only when asked for
