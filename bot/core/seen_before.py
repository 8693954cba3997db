"""Seen before: paragraphs of a new article that repeat a paragraph of a story checked earlier.

Storage is somebody else's business (bot/archive): the engine only needs an index that
answers "the k archived paragraphs nearest to these vectors" for one workspace
(``ArchiveIndex``). Nearest neighbours are candidates, not verdicts: each candidate is
judged by the same rules as two paragraphs of one article (bot.core.pairs), in an evidence
table over the new article and its archived candidates together, so margins and rare words
mean what they mean inside one article and no second threshold exists.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np

from bot.core.embed import Vectors
from bot.core.facts import Conflict

# judge is the one place that decides "repeat" for a paragraph pair; reusing it (rather than
# mine() on everything) judges only new-vs-archived pairs, not the archive against itself.
from bot.core.pairs import EvidenceTable, Kind, ParagraphRef, Passage, Rules, judge

NEIGHBOURS = 5  # archived paragraphs judged per new paragraph


@dataclass(frozen=True)
class StoryRef:
    """An archived story as a report cites it."""

    id: str
    source: str  # a URL, a Slack permalink, a file:// URI, or "stdin:<hash>"
    title: str | None
    checked_at: datetime  # timezone-aware, UTC


@dataclass(frozen=True)
class ArchivedParagraph:
    """One paragraph of an archived story, with what the judge needs to compare it again."""

    story: StoryRef
    paragraph: int  # 0-based position in the story
    text: str
    sentences: tuple[str, ...]
    sentence_vectors: Vectors
    vector: Vectors


@dataclass(frozen=True)
class SeenBefore:
    paragraph: ParagraphRef  # in the report being made
    story: StoryRef
    story_paragraph: int  # 0-based position in the archived story
    story_text: str  # the archived paragraph, for showing both sides
    kind: Kind
    score: float
    # What differs, read in time order: a is the archived story's value, b this article's.
    conflicts: tuple[Conflict, ...] = ()


class ArchiveIndex(Protocol):
    def nearest(
        self,
        team: str,
        vectors: Vectors,
        k: int,
        *,
        exclude_sources: Collection[str] = (),
        channel: str | None = None,
    ) -> Sequence[Sequence[ArchivedParagraph]]:
        """For each row of `vectors`, up to k archived paragraphs of `team`, nearest first.

        Stories whose source is in `exclude_sources` are left out (the article being checked
        may already be archived from an earlier check: it must not match itself). Only public
        stories and private ones from `channel` are searched (None: public ones only).
        """
        ...


def search_archive(
    index: ArchiveIndex,
    team: str,
    passages: Sequence[Passage],
    rules: Rules,
    *,
    k: int = NEIGHBOURS,
    exclude_sources: Collection[str] = (),
    channel: str | None = None,
) -> list[SeenBefore]:
    """Look the article's paragraphs up in one workspace's archive and judge the candidates
    (those visible from `channel`: see ArchiveIndex.nearest)."""
    if not passages:
        return []
    vectors = np.stack([p.vector for p in passages]).astype(np.float32, copy=False)
    neighbours = index.nearest(
        team, vectors, k, exclude_sources=exclude_sources, channel=channel
    )
    return find_seen_before(passages, neighbours, rules)


def find_seen_before(
    passages: Sequence[Passage],
    candidates: Sequence[Sequence[ArchivedParagraph]],
    rules: Rules,
) -> list[SeenBefore]:
    """Which new paragraphs repeat their archived candidates (candidates[i] for passages[i]).

    Archived paragraphs become passages of extra documents (one per story) after the new
    ones, so every pair judged is (new, archived) with the new side first.
    """
    archived: dict[tuple[str, int], int] = {}  # (story id, paragraph) -> index in `olds`
    olds: list[ArchivedParagraph] = []
    for row in candidates:
        for candidate in row:
            key = (candidate.story.id, candidate.paragraph)
            if key not in archived:
                archived[key] = len(olds)
                olds.append(candidate)
    if not olds:
        return []
    first_doc = max(p.ref.doc for p in passages) + 1
    story_doc: dict[str, int] = {}
    for old in olds:
        story_doc.setdefault(old.story.id, first_doc + len(story_doc))
    everything = [*passages, *(_as_passage(old, story_doc[old.story.id]) for old in olds)]
    table = EvidenceTable(everything, features=rules.features)

    best: dict[tuple[ParagraphRef, str], SeenBefore] = {}
    for i, row in enumerate(candidates):
        for candidate in row:
            j = len(passages) + archived[(candidate.story.id, candidate.paragraph)]
            pair = judge(everything[i], everything[j], table, i, j, rules)
            if pair is None:
                continue
            found = SeenBefore(
                paragraph=passages[i].ref,
                story=candidate.story,
                story_paragraph=candidate.paragraph,
                story_text=candidate.text,
                kind=pair.kind,
                score=pair.score,
                conflicts=tuple(Conflict(c.b, c.a) for c in pair.conflicts),
            )
            # One entry per (paragraph, story): a story that says it twice is cited once.
            cited = (found.paragraph, found.story.id)
            if cited not in best or found.score > best[cited].score:
                best[cited] = found
    return sorted(best.values(), key=lambda s: (s.paragraph, -s.score, s.story.id))


def _as_passage(old: ArchivedParagraph, doc: int) -> Passage:
    return Passage(
        ParagraphRef(doc, old.paragraph),
        old.text,
        old.sentences,
        old.sentence_vectors,
        old.vector,
    )
