"""Token-level soft alignment: what it scores, what it ignores, where it stops."""

from __future__ import annotations

import numpy as np

from bot.core import alignment
from bot.core.alignment import soft_alignment, soft_margins
from bot.core.analyze import Analyzer
from bot.core.segment import segment
from tests.fakes import HashingEncoder


def tokens(*pieces: int, dimensions: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Word pieces whose states are one-hot by id: the same piece aligns, others do not."""
    ids = np.array(pieces, dtype=np.int64)
    return ids, np.eye(dimensions, dtype=np.float32)[ids % dimensions]


def test_the_same_pieces_align_fully_and_disjoint_ones_not_at_all():
    scores = soft_alignment([tokens(1, 2, 3), tokens(3, 2, 1), tokens(4, 5)])
    assert scores is not None
    assert np.isclose(scores[0, 1], 1.0) and scores[0, 1] == scores[1, 0]
    assert scores[0, 2] == 0.0 and scores[0, 0] == 0.0


def test_pieces_every_paragraph_has_weigh_little():
    # Piece 7 (the story's name) is in all three; 1 and 2 are in two each.
    scores = soft_alignment([tokens(7, 7, 7, 1), tokens(7, 7, 7, 1), tokens(7, 7, 7, 2),
                             tokens(7, 2)])
    assert scores is not None
    assert scores[0, 1] > 0.99  # their shared rare piece carries them
    assert scores[0, 2] < 0.1  # sharing only the name is next to nothing


def test_a_paragraph_without_pieces_aligns_with_nothing():
    scores = soft_alignment([tokens(1, 2), tokens(), tokens(1, 2)])
    assert scores is not None
    assert scores[0, 1] == 0.0 and np.isclose(scores[0, 2], 1.0)


def test_a_request_past_the_token_cap_is_not_aligned(monkeypatch):
    monkeypatch.setattr(alignment, "MAX_TOKENS", 4)
    assert soft_alignment([tokens(1, 2, 3), tokens(1, 2)]) is None


def test_the_margin_is_the_lead_over_the_next_best_partner():
    scores = np.array([[0, 0.9, 0.5, 0.2], [0.9, 0, 0.6, 0.1], [0.5, 0.6, 0, 0.3],
                       [0.2, 0.1, 0.3, 0]], dtype=np.float32)
    margins = soft_margins(scores)
    assert np.isclose(margins.of(0, 1), 0.9 - 0.6)
    assert np.isclose(margins.of(2, 3), 0.3 - 0.6)


def test_blocks_give_the_same_scores_as_one_product(monkeypatch):
    rng = np.random.default_rng(0)
    texts = []
    for n in (700, 300, 20):  # more tokens than one 512-row block
        states = rng.normal(size=(n, 16)).astype(np.float32)
        texts.append((rng.integers(0, 50, n), states / np.linalg.norm(states, axis=1)[:, None]))
    scores = soft_alignment(texts)
    assert scores is not None
    # The first paragraph against the second, directly.
    ids_a, a = texts[0]
    ids_b, b = texts[1]
    n = len(texts)
    frequency = {t: sum(t in set(ids.tolist()) for ids, _ in texts) for t in range(50)}

    def idf(ids):
        return np.log((n + 1) / (np.array([frequency[t] for t in ids.tolist()]) + 1))

    sims = a @ b.T
    recall = idf(ids_a) @ sims.max(axis=1) / idf(ids_a).sum()
    precision = idf(ids_b) @ sims.max(axis=0) / idf(ids_b).sum()
    assert np.isclose(scores[0, 1], 2 * recall * precision / (recall + precision), atol=1e-5)


def test_passages_carry_token_states_only_from_an_encoder_that_gives_them(analyzer):
    document = segment("The council met on Tuesday. It voted.\n\nThe mayor spoke.")
    with_tokens = analyzer.embed([document])
    first = with_tokens[0].tokens
    assert first is not None
    ids, states = first
    assert len(ids) == len(states) > 5  # both sentences' pieces, end to end
    assert Analyzer(HashingEncoder()).embed([document])[0].tokens is None
