"""The fitted decision ships as data: it loads, and names only features the engine computes."""

from __future__ import annotations

import pytest

from benchmarks import tune_rules
from bot.core.fitted import EvidenceModel, model_from_json, read_rules_file
from bot.core.pairs import FEATURES, TOKEN_FEATURES, Evidence, Rules


def test_the_shipped_rules_file_loads_with_the_fitting_codes_features():
    data = read_rules_file()
    rules = Rules()
    assert rules.model.features == tune_rules.MODEL_FEATURES
    assert rules.conflict_model is not None
    assert rules.conflict_model.features == tune_rules.CONFLICT_FEATURES
    assert rules.plain_model is not None  # requests without token states
    assert rules.plain_model.features == tuple(
        f for f in tune_rules.MODEL_FEATURES if f not in TOKEN_FEATURES)
    assert rules.features <= set(FEATURES)
    assert set(Evidence(0.5, 0.0, 0.5, 0.0, 0).features()) == set(FEATURES) - TOKEN_FEATURES
    measured = Evidence(0.5, 0.0, 0.5, 0.0, 0, soft_align=0.5, soft_margin=0.1).features()
    assert set(measured) == set(FEATURES)
    # It says what it was fitted on and how well that held out, for whoever reads it next.
    assert {"date", "encoder", "fitted_on", "held_out"} <= data.keys()
    assert data["held_out"]["newsroom"]["pairs"] == 60


def test_the_shipped_rules_were_fitted_on_every_extra_file_and_no_holdout_file():
    fitted = set(read_rules_file()["fitted_on"]["newsroom_extra"])
    assert fitted == {p.name for p in tune_rules.extra_files()}  # refit after adding files
    holdout = tune_rules.ROOT / "benchmarks" / "data" / "newsroom-holdout"
    assert fitted.isdisjoint(p.name for p in holdout.glob("*.json"))


def test_a_rules_file_naming_an_unknown_feature_is_refused():
    with pytest.raises(ValueError, match="features the engine lacks"):
        model_from_json({"features": ["cosine", "vibes"], "weights": [1, 2], "bias": 0}, FEATURES)


def test_the_model_decides_by_its_weights():
    model = EvidenceModel(("cosine",), (10.0,), -8.0)
    rules = Rules(model=model)
    assert rules.is_repeat(Evidence(0.9, 0.0, 0.0, 0.0, 0))
    assert not rules.is_repeat(Evidence(0.7, 0.0, 0.0, 0.0, 0))


def test_without_token_states_the_model_fitted_without_them_decides():
    rules = Rules(model=EvidenceModel(("cosine", "soft_align"), (10.0, 10.0), -14.0),
                  plain_model=EvidenceModel(("cosine",), (10.0,), -5.0))
    assert not rules.is_repeat(Evidence(0.6, 0.0, 0.0, 0.0, 0, soft_align=0.3, soft_margin=0))
    assert rules.is_repeat(Evidence(0.6, 0.0, 0.0, 0.0, 0))  # plain: 6 - 5 >= 0
    assert Rules(model=rules.model, plain_model=None).is_repeat(
        Evidence(0.6, 0.0, 0.0, 0.0, 0, soft_align=0.9, soft_margin=0))


def test_the_shipped_model_weighs_only_features_the_engine_measures_by_default():
    # specifics and mutual are computed only when the fit asks EvidenceTable for them.
    assert not {"specifics", "mutual"} & Rules().features


def test_masked_lexical_evidence_ignores_changed_figures_and_lead_ins():
    from bot.core.lexical import masked_content_words, masked_word_similarity, word_similarity

    a, b = "At least 12 people died in the fire on Tuesday.", (
        "In short, at least 15 people died in the fire on Wednesday.")
    assert word_similarity(a, b) < 0.8
    assert masked_word_similarity(a, b) == 1.0
    assert masked_content_words('"We will rebuild," she told reporters.') == [
        "rebuild", "reporter"]


def test_codes_with_digits_in_them_are_words_not_figures():
    # Masking every token with a digit made distinct coded paragraphs read as copies.
    from bot.core.lexical import masked_word_similarity

    assert masked_word_similarity("w0x1 w0x2 w0x3 w0x4", "w1x1 w1x2 w1x3 w1x4") == 0.0
    assert masked_word_similarity("Flight BA123 left at 9pm", "Flight BA123 left at 11pm") == 1.0


def test_every_shipped_weight_on_a_more_means_more_alike_feature_is_non_negative():
    # The round-2 fit put -10.3 on cosine and +13.7 on coverage (collinear), so a pair could
    # lose by being closer in meaning; the fit now bounds these weights at zero.
    for model in (Rules().model, Rules().conflict_model, Rules().plain_model):
        assert model is not None
        monotone = [w for f, w in zip(model.features, model.weights, strict=True)
                    if f in tune_rules.MONOTONE]
        assert len(monotone) == len([f for f in model.features if f != "other_period"])
        assert all(w >= 0 for w in monotone), model


def test_the_fit_keeps_weights_non_negative_on_collinear_evidence():
    import numpy as np

    rng = np.random.default_rng(0)
    examples = []
    for k in range(400):
        positive = k % 5 == 0
        coverage = rng.uniform(0.6, 0.9) if positive else rng.uniform(0.3, 0.8)
        # cosine tracks coverage closely, slightly less so for true pairs: an unbounded fit
        # (sklearn, same C) weighs it -0.42
        cosine = coverage + rng.normal(0, 0.01) - (0.04 if positive else 0.0)
        values = dict.fromkeys(FEATURES, 0.0) | {"cosine": cosine, "coverage": coverage}
        examples.append(tune_rules.Example("g", tuple(values[f] for f in FEATURES), positive))
    model = tune_rules.fit(examples, ("cosine", "coverage"))
    assert min(model.weights) >= 0 and max(model.weights) > 0, model


def test_a_lone_sentence_sharing_two_figures_needs_half_the_margin():
    # "He was made coxswain in 1974 ... at 38 ... until 1991" / "He was 38 when they gave him
    # the boat ... until 1991": the best match of each other, but only 0.07 above the next.
    rules = Rules()
    two = Evidence(0.75, 0.07, 0.75, 0.28, 2)
    one = Evidence(0.75, 0.07, 0.75, 0.28, 1)
    assert rules.is_sentence_paraphrase(two)
    assert not rules.is_sentence_paraphrase(one)


def test_a_pair_whose_facts_differ_is_decided_by_the_conflict_model():
    # An updated toll lowers the shared numbers and words the paraphrase model leans on.
    rules = Rules(model=EvidenceModel(("cosine",), (10.0,), -9.0),
                  conflict_model=EvidenceModel(("claim_cosine",), (10.0,), -6.0))
    same_facts = Evidence(0.7, 0.0, 0.0, 0.0, 0)
    updated = Evidence(0.7, 0.0, 0.0, 0.0, 0, claim_cosine=0.7)
    period = Evidence(0.95, 0.0, 0.0, 0.0, 0, claim_cosine=0.5)
    assert not rules.is_repeat(same_facts)
    assert rules.is_repeat(updated)
    assert not rules.is_repeat(period)  # the paraphrase model would have taken it
    # The closest sentences open with different periods: two claims compared, however alike.
    other_quarter = Evidence(0.7, 0.0, 0.0, 0.0, 0, claim_cosine=0.9, other_period=1.0)
    assert not rules.is_repeat(other_quarter)
    assert "other_period" in rules.features


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("A year earlier, sales fell 2% in the third quarter.", "a year earlier"),
        ("In the April-to-June quarter, visitors spent £1.2bn.", "in the april-to-june quarter"),
        ("Over the first nine months of the year, visitors spent £4.1bn.",
         "over the first nine months of the year"),
        ("Sales rose 2% between July and September.", ""),
        ("In a statement, the council said it would appeal.", ""),  # no period in it
        ("By Sunday evening, the toll had risen to 31.", ""),  # the same claim, updated
        # a clause that names a period on its way to the comma sets no frame
        ("The administrators said 12 stores would close next week, with 310 jobs lost.", ""),
        ("The six aircraft delivered in the half took the fleet to 146, with four due.", ""),
        ("Last year the group made £3m.", "last year"),
        # a period word joined after a hyphen describes a thing
        ("The fee for a five-year licence rises to £750 a property, from £650 now.", ""),
        # a possessive names the thing ("this year's festival"), not the period of the claim
        ("This year's festival will run for 17 days, four fewer than in 2024.", ""),
    ],
)
def test_a_sentence_opening_with_its_period_names_it(sentence, frame):
    from bot.core.lexical import period_frame

    assert period_frame(sentence) == frame
