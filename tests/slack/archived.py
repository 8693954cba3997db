"""An app with a temp SQLite archive and a clock the test moves, for the Seen-before tests
(the ``archived`` fixture in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.archive import Archive, open_archive
from bot.core.analyze import Analyzer
from tests.archive_stores import FakeClock
from tests.fakes import HashingEncoder
from tests.slack.fake_slack import TEAM_ID, Call
from tests.slack.harness import DONE, USER, SlackHarness, running_app, section_texts

# Repeats FIRE's third paragraph, and nothing of FOLLOW_UP.
RECAP = (
    "Harwick's council will meet on Monday to discuss the town's fire cover.\n\n"
    "Investigators said it was too early to say what caused the blaze at the plant.\n\n"
    "Councillors want a second engine stationed at the Harwick depot."
)


@dataclass
class Archived:
    slack: SlackHarness
    archive: Archive
    clock: FakeClock

    def check(
        self, text: str, channel: str, *, team: str = TEAM_ID, user: str = USER
    ) -> tuple[str, Call]:
        """`user` mentions the bot with `text` in `channel`; the ts asked from and the one
        reply."""
        ts, _ = self.slack.mention(text, channel=channel, team=team, user=user)
        assert self.slack.finished(ts) == DONE
        (reply,) = self.slack.replies(ts)
        return ts, reply


@contextmanager
def archived_app(folder: Path) -> Iterator[Archived]:
    clock = FakeClock()
    archive = open_archive(None, str(folder / "archive.sqlite3"), clock=clock)
    assert archive is not None
    # 384 dimensions: the archive's width (all-MiniLM-L6-v2's).
    analyzer = Analyzer(HashingEncoder(dimensions=384))
    try:
        with running_app(analyzer=analyzer, archive=archive) as slack:
            yield Archived(slack, archive, clock)
    finally:
        archive.close()


def everything(reply: Call) -> str:
    """All the reply says: its blocks and its plain-text fallback."""
    return "\n".join([*section_texts(reply.blocks), reply.body["text"]])
