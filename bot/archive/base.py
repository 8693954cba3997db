"""The archive's one interface, the records it takes and gives, and what both stores share.

Every method takes a team (Slack workspace) id and touches only that team's rows: one
workspace never sees another's stories. The CLI uses the team "local".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np

from bot.core.embed import Vectors
from bot.core.errors import CheckdupesError
from bot.core.pairs import Passage
from bot.core.seen_before import ArchiveIndex, StoryRef

DIMENSIONS = 384  # all-MiniLM-L6-v2; fixed per archive because the pgvector index needs it
RETENTION_DAYS = 90
LOCAL_TEAM = "local"  # the command line's one workspace

Clock = Callable[[], datetime]


class ArchiveError(CheckdupesError):
    """The archive cannot be opened or used as asked (one line for the CLI or the log)."""


@dataclass(frozen=True)
class NewStory:
    """A checked article as it goes into the archive."""

    source: str  # the link it is found and forgotten by; re-adding it replaces the old copy
    title: str | None
    passages: Sequence[Passage]  # its paragraphs with their vectors (Analyzer.embed)
    channel: str | None = None  # where it was checked (Slack)
    # Checked in a private channel, a group DM or a DM: shown only to later checks in that
    # same channel, never in another one (its title, link and text would leak).
    private: bool = False
    # Who asked for the check (a Slack user id): the one person, besides a workspace admin,
    # who may forget the story. None (the CLI, stories kept before it was recorded): admins.
    asked_by: str | None = None


@dataclass(frozen=True)
class StoryListing:
    story: StoryRef
    channel: str | None
    paragraphs: int


class Archive(ArchiveIndex, Protocol):
    """A workspace-partitioned store of checked stories (SQLite or PostgreSQL); its
    ``nearest`` is the engine's ArchiveIndex search."""

    retention_days: int

    def add(self, team: str, story: NewStory) -> str:
        """Keep a checked story (replacing one with the same source); return its id."""
        ...

    def list(self, team: str) -> Sequence[StoryListing]:
        """The team's stories, newest first."""
        ...

    def forget(self, team: str, link: str, *, asked_by: str | None = None) -> int:
        """Remove the team's stories whose source (or id) is `link`; return how many.
        With `asked_by`, only the stories that user asked to check."""
        ...

    def prune(self) -> int:
        """Delete stories older than the retention period (all teams); return how many."""
        ...

    def set_channel_archiving(self, team: str, channel: str, on: bool) -> None: ...

    def channel_archiving(self, team: str, channel: str) -> bool:
        """Whether stories checked in this channel are kept (on unless turned off)."""
        ...

    def close(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_story_id() -> str:
    return uuid.uuid4().hex


def retention_cutoff(now: datetime, days: int) -> datetime | None:
    """Stories checked before this instant are deleted; None keeps everything (days = 0)."""
    return now - timedelta(days=days) if days > 0 else None


def story_scope(story: NewStory) -> str | None:
    """The one channel a story's paragraphs may be shown in; None: any channel of the team."""
    return story.channel if story.private else None


def check_team(team: str) -> None:
    # An empty team id would pool every caller that forgot to pass one into one archive.
    if not team:
        raise ArchiveError("the archive needs a team (workspace) id")


def check_vectors(vectors: Vectors, dimensions: int) -> Vectors:
    """Unit float32 rows of the archive's width, or an ArchiveError naming the mismatch."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    if matrix.ndim != 2 or matrix.shape[1] != dimensions:
        raise ArchiveError(
            f"the archive holds {dimensions}-dimensional vectors but the encoder gives "
            f"{matrix.shape[-1]}: it was built with another model; use a new archive"
        )
    return matrix


def story_vectors(story: NewStory, dimensions: int) -> Vectors:
    if story.private and not story.channel:
        # It could be shown nowhere, and a store must never guess where it may be shown.
        raise ArchiveError(f"{story.source}: a private story needs the channel it came from")
    if not story.passages:
        raise ArchiveError(f"{story.source}: a story with no paragraphs cannot be archived")
    if not story.source:
        raise ArchiveError("a story needs a source link to be archived")
    return check_vectors(np.stack([p.vector for p in story.passages]), dimensions)


def validate_retention(days: int) -> int:
    if days < 0:
        raise ArchiveError(f"retention must be 0 (keep forever) or more days, not {days}")
    return days
