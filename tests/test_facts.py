import pytest

from bot.core.facts import Conflict, find_conflicts


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("At least 11 people were injured.", "At least 15 people were injured.", [("11", "15")]),
        (
            "Eleven people were hurt in the blast.",
            "Fifteen people were hurt in the blast.",
            [("Eleven", "Fifteen")],
        ),
        ("Sales rose 4% in March.", "Sales fell 4% in March.", [("rose", "fell")]),
        ("Sales rose 4% in March.", "Sales rose 6% in March.", [("4%", "6%")]),
        ("The vote is on Tuesday.", "The vote is on Thursday.", [("Tuesday", "Thursday")]),
        ("It opened in March 2021.", "It opened in May 2021.", [("March", "May")]),
        (
            "Repairs will cost $2.3 million.",
            "Repairs will cost $3.2 million.",
            [("$2.3 million", "$3.2 million")],
        ),
        (
            "The plant manager, Maria Lopez, said the fire began at 3 p.m.",
            "The plant manager, Ana Ruiz, said the fire began at 3 p.m.",
            [("Maria Lopez", "Ana Ruiz")],
        ),
    ],
)
def test_a_replaced_fact_is_a_conflict(a, b, expected):
    assert find_conflicts(a, b) == [Conflict(x, y) for x, y in expected]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Eleven people were hurt.", "At least 11 people were injured."),  # same number, spelled
        ("Turnout was 40 percent.", "Turnout reached 40%."),
        ("The U.S. said it would act.", "The United States said it would act."),
        ("Vladimir Putin met Donald Trump.", "The Russian president met Trump."),  # omission
        ("Prices climbed 4% on Monday.", "On Monday prices rose 4%."),  # same direction
        ("The plant shut down for a week.", "The plant closed for a week."),  # not a direction
        (
            "Police said 12 people were hurt.",
            "Police said 12 people were hurt, 3 of them children.",
        ),
    ],
)
def test_same_facts_or_omissions_are_not_conflicts(a, b):
    assert find_conflicts(a, b) == []


def test_possessives_keep_their_facts():
    assert find_conflicts("Friday's vote was close.", "Monday's vote was close.") == [
        Conflict("Friday", "Monday")
    ]
