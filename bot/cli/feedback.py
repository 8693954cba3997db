"""checkdupes feedback export: the "not a repeat" verdicts editors gave in Slack, as labelled
data in the newsroom set's format (../shared/data/newsroom/README.md), for refitting.

One article-shaped file: the marked passages as ``paragraphs``, no ``pairs``, and each
verdict as a ``hard_negatives`` entry ``[i, j]`` (i < j): two passages that look alike and
are not repeats, the pairs the rules most need to learn from.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.archive import ArchiveError
from bot.archive.feedback import FeedbackStore, Verdict, feedback_location, open_feedback
from bot.cli.running import refuse, run
from bot.settings import ConfigError, Settings


def build_feedback_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checkdupes feedback",
        description="What editors told the Slack bot with its buttons.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    export = commands.add_parser(
        "export", help="write the \"not a repeat\" verdicts as labelled pairs (newsroom JSON)"
    )
    export.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    export.add_argument(
        "--store", metavar="PATH",
        help="the feedback store: a SQLite file or a postgresql:// URL (default: as the bot "
        "finds it: $CHECKDUPES_FEEDBACK, else $DATABASE_URL, else $CHECKDUPES_ARCHIVE, else "
        "./checkdupes-feedback.sqlite3)",
    )
    export.add_argument("--team", help="only this workspace's verdicts (default: all)")
    return parser


def feedback_main(argv: Sequence[str]) -> int:
    try:
        settings = Settings.from_env(os.environ, slack=False)
    except ConfigError as error:
        return refuse(error)
    args = build_feedback_parser().parse_args(argv)
    return run(lambda: export(settings, store_at=args.store, team=args.team, out=args.out))


def export(
    settings: Settings, *, store_at: str | None, team: str | None, out: str | None
) -> str:
    store = _open(settings, store_at)
    try:
        verdicts = store.verdicts(team)
    finally:
        store.close()
    data = labelled_pairs(verdicts)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    count = len(data["hard_negatives"])
    return f"wrote {count} verdict{'s' if count != 1 else ''} ({len(data['paragraphs'])} " \
           f"paragraphs) to {out}\n"


def labelled_pairs(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """The verdicts as one newsroom-format file: each passage once, a hard negative each."""
    index: dict[str, int] = {}
    negatives: list[list[int]] = []
    for verdict in verdicts:
        ends = sorted(index.setdefault(t, len(index)) for t in (verdict.text_a, verdict.text_b))
        if ends[0] != ends[1] and ends not in negatives:
            negatives.append(ends)
    return {
        "title": "Passages editors marked \u201cnot a repeat\u201d in Slack",
        "style": "checkdupes feedback",
        "paragraphs": list(index),
        "pairs": [],
        "sentence_pairs": [],
        "hard_negatives": negatives,
        "notes": "Exported by `checkdupes feedback export`: each hard negative is a pair the bot "
                 "reported and an editor marked not a repeat. The paragraphs are not one article.",
    }


def _open(settings: Settings, store_at: str | None) -> FeedbackStore:
    location = store_at or feedback_location(
        path=settings.feedback_path, database_url=settings.archive.database_url,
        archive_path=settings.archive.path,
    )
    is_url = location.startswith(("postgresql://", "postgres://"))
    if not is_url and not Path(location).exists():  # never an empty store made to export
        raise ArchiveError(f"there is no feedback store at {location} (--store names another)")
    return open_feedback(database_url=location) if is_url else open_feedback(path=location)
