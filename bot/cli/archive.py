"""checkdupes archive add|list|forget: look after the archive of checked stories by hand."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

from bot.archive import LOCAL_TEAM, Archive, ArchiveError, archive_documents, open_archive
from bot.cli.inputs import input_link, read_document
from bot.cli.running import EncoderFactory, encoder, progress, refuse, run
from bot.core.analyze import Analyzer, Limits
from bot.settings import ConfigError, Settings

DEFAULT_ARCHIVE = "checkdupes-archive.sqlite3"


def build_archive_parser(settings: Settings) -> argparse.ArgumentParser:
    default = settings.archive.database_url or settings.archive.path or DEFAULT_ARCHIVE
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--archive",
        metavar="PATH",
        default=default,
        help="the archive: a SQLite file or a postgresql:// URL (default: $DATABASE_URL, else "
        f"$CHECKDUPES_ARCHIVE, else ./{DEFAULT_ARCHIVE})",
    )
    common.add_argument(
        "--team",
        default=LOCAL_TEAM,
        help=f"workspace whose stories to see (default: {LOCAL_TEAM}, the command line's; the "
        "Slack bot keeps one per workspace id)",
    )
    parser = argparse.ArgumentParser(
        prog="checkdupes archive",
        description="The archive of checked stories that `checkdupes --archive PATH INPUT` "
        "compares new articles with (\"seen before\") and adds them to.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add = commands.add_parser(
        "add", parents=[common], help="keep articles without checking them"
    )
    add.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="a text file, an http(s) URL, or - for stdin"
    )
    commands.add_parser("list", parents=[common], help="the stories kept, newest first")
    forget = commands.add_parser(
        "forget", parents=[common], help="remove a story by its link (URL or file) or id"
    )
    forget.add_argument("link", metavar="LINK")
    return parser


def archive_main(argv: Sequence[str], *, encoder_factory: EncoderFactory | None = None) -> int:
    try:
        settings = Settings.from_env(os.environ, slack=False)
    except ConfigError as error:  # before the parser, whose default comes from the settings
        return refuse(error)
    args = build_archive_parser(settings).parse_args(argv)
    if args.command == "add":
        return run(lambda: add(args.archive, args.team, args.inputs, settings, encoder_factory))
    if args.command == "list":
        return run(lambda: list_stories(args.archive, args.team, settings))
    return run(lambda: forget(args.archive, args.team, args.link, settings))


def add(
    location: str,
    team: str,
    inputs: Sequence[str],
    settings: Settings,
    encoder_factory: EncoderFactory | None = None,
) -> str:
    limits = Limits(max_chars=settings.max_chars)
    documents = [read_document(source, settings, limits) for source in inputs]
    links = [input_link(s, d) for s, d in zip(inputs, documents, strict=True)]
    with closing_archive(location, settings) as archive:
        assert archive is not None  # a location is always given here
        with progress(sys.stderr, "loading the model"):
            analyzer = Analyzer(encoder(settings, encoder_factory), limits=limits)
        with progress(sys.stderr, "adding"):
            ids = archive_documents(analyzer, documents, archive, team=team, links=links)
    return "".join(
        f"added {story_id}  {link}  ({len(d.paragraphs)} paragraphs)\n"
        for story_id, link, d in zip(ids, links, documents, strict=True)
    )


def list_stories(location: str, team: str, settings: Settings) -> str:
    with closing_archive(location, settings, create=False) as archive:
        assert archive is not None
        archive.prune()  # what retention has expired is not shown as if it were kept
        stories = archive.list(team)
    if not stories:
        return "The archive is empty.\n"
    lines = []
    for listing in stories:
        story = listing.story
        when = story.checked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        title = f"  {story.title}" if story.title else ""
        lines.append(f"{when}  {story.id}  {listing.paragraphs:>3} ¶  {story.source}{title}")
    return "\n".join(lines) + "\n"


def forget(location: str, team: str, link: str, settings: Settings) -> str:
    with closing_archive(location, settings, create=False) as archive:
        assert archive is not None
        removed = archive.forget(team, link)
        if not removed and "://" not in link:  # a file is archived under its file:// URI
            removed = archive.forget(team, Path(link).resolve().as_uri())
    if not removed:
        raise ArchiveError(
            f"no story in the archive has the link or id {link} (checkdupes archive list "
            "shows them)"
        )
    return f"forgot {removed} story: {link}\n" if removed == 1 else f"forgot {removed}: {link}\n"


@contextmanager
def closing_archive(
    location: str | None, settings: Settings, *, create: bool = True
) -> Iterator[Archive | None]:
    """The archive at a SQLite path or postgresql:// URL (None: no archive), closed after.

    Retention comes from the settings, as for the bot. create=False: a missing SQLite file is
    an error rather than a new empty archive (list, forget).
    """
    if not location:
        yield None
        return
    is_url = location.startswith(("postgresql://", "postgres://"))
    if not create and not is_url and not Path(location).exists():
        raise ArchiveError(
            f"there is no archive at {location} yet: checkdupes --archive {location} INPUT "
            "(or checkdupes archive add) makes one"
        )
    archive = open_archive(
        location if is_url else None,
        None if is_url else location,
        retention_days=settings.archive.retention_days,
    )
    try:
        yield archive
    finally:
        if archive is not None:
            archive.close()
