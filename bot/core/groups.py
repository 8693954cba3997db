"""Groups: paragraphs that all say the same thing, with the suggested edit.

Reported pairs connect paragraphs; each connected set is one group, reported once
("¶1 = ¶14 = ¶27") instead of as every pair inside it. The suggestion keeps the first
occurrence in reading order and cuts the later restatements, except that a paragraph in a
conflicting pair is never cut: which figure is right is the editor's call, not ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.pairs import Kind, Pair, ParagraphRef

# The order kinds are named in: the one that needs the editor most comes first.
_KIND_ORDER: tuple[Kind, ...] = ("conflicting", "paraphrase", "near_verbatim", "exact")


@dataclass(frozen=True)
class Group:
    paragraphs: tuple[ParagraphRef, ...]  # reading order (document, then paragraph)
    kinds: tuple[Kind, ...]  # the kinds of the pairs inside, conflicting first
    keep: ParagraphRef
    cut: tuple[ParagraphRef, ...]  # reading order; never a paragraph of a conflicting pair
    pairs: tuple[Pair, ...]  # the reported pairs that make the group, in report order

    @property
    def conflicting(self) -> bool:
        return "conflicting" in self.kinds


def group_pairs(pairs: Sequence[Pair]) -> tuple[Group, ...]:
    """The connected sets of paragraphs that ``pairs`` link, in reading order of their first."""
    parent: dict[ParagraphRef, ParagraphRef] = {}

    def root(ref: ParagraphRef) -> ParagraphRef:
        parent.setdefault(ref, ref)
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]  # path halving keeps the trees flat
            ref = parent[ref]
        return ref

    for pair in pairs:
        a, b = root(pair.a), root(pair.b)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[ParagraphRef, list[ParagraphRef]] = {}
    for ref in sorted(parent):
        members.setdefault(root(ref), []).append(ref)
    inside: dict[ParagraphRef, list[Pair]] = {}
    for pair in pairs:
        inside.setdefault(root(pair.a), []).append(pair)
    return tuple(_group(members[top], inside[top]) for top in sorted(members))


def cuts(groups: Iterable[Group]) -> set[ParagraphRef]:
    """Every paragraph the groups suggest cutting."""
    return {ref for group in groups for ref in group.cut}


def _group(paragraphs: list[ParagraphRef], pairs: list[Pair]) -> Group:
    disputed = {ref for p in pairs if p.kind == "conflicting" for ref in (p.a, p.b)}
    kinds = {p.kind for p in pairs}
    keep = paragraphs[0]
    return Group(
        paragraphs=tuple(paragraphs),
        kinds=tuple(k for k in _KIND_ORDER if k in kinds),
        keep=keep,
        cut=tuple(ref for ref in paragraphs[1:] if ref not in disputed),
        pairs=tuple(pairs),
    )
