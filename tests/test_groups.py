"""Groups: connected paragraphs reported once, keep the first, never cut a disputed one."""

from __future__ import annotations

from bot.core.groups import cuts, group_pairs
from bot.core.pairs import Kind, Pair, ParagraphRef


def ref(paragraph: int, doc: int = 0) -> ParagraphRef:
    return ParagraphRef(doc, paragraph)


def pair(a: int, b: int, kind: Kind = "paraphrase", doc_b: int = 0) -> Pair:
    return Pair(ref(a), ref(b, doc_b), kind, 0.9)


def test_copies_of_one_paragraph_are_one_group_cut_after_the_first() -> None:
    pairs = [pair(0, 13, "exact"), pair(0, 26, "exact"), pair(13, 26, "exact")]

    [group] = group_pairs(pairs)

    assert group.paragraphs == (ref(0), ref(13), ref(26))
    assert group.kinds == ("exact",)
    assert group.keep == ref(0) and group.cut == (ref(13), ref(26))
    assert len(group.pairs) == 3


def test_groups_come_in_reading_order_and_chains_connect() -> None:
    groups = group_pairs([pair(7, 9), pair(2, 5, "near_verbatim"), pair(5, 11)])

    assert [g.paragraphs for g in groups] == [(ref(2), ref(5), ref(11)), (ref(7), ref(9))]
    assert groups[0].kinds == ("paraphrase", "near_verbatim")


def test_a_paragraph_in_a_conflicting_pair_is_never_cut() -> None:
    [group] = group_pairs([pair(1, 4, "exact"), pair(1, 8, "conflicting")])

    assert group.conflicting and group.kinds[0] == "conflicting"
    assert group.keep == ref(1)
    assert group.cut == (ref(4),)  # ¶9 disagrees with ¶2: the editor decides
    assert cuts([group]) == {ref(4)}


def test_across_two_articles_the_second_articles_copy_is_cut() -> None:
    [group] = group_pairs([pair(3, 0, "near_verbatim", doc_b=1)])

    assert group.keep == ref(3) and group.cut == (ref(0, doc=1),)


def test_no_pairs_no_groups() -> None:
    assert group_pairs([]) == ()
