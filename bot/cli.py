"""checkdupes: find repeated passages in an article (a file, a URL or stdin) from a terminal."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.archive import (
    Archive,
    ArchiveError,
    ArchiveSettings,
    check_with_archive,
    open_archive,
    story_link,
)
from bot.core.analyze import Analyzer, Limits
from bot.core.embed import Encoder
from bot.core.errors import BadSetting, CheckdupesError, TooLong, UnsupportedInput
from bot.core.segment import Document, segment

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checkdupes",
        description="Find passages an article says twice: exact repeats, near-verbatim copies, "
        "paraphrases and the same claim with different facts. With two inputs, also what the "
        "second repeats from the first.",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a text file, an http(s) URL, or - for standard input (one or two)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--archive",
        metavar="PATH",
        help="also report paragraphs that repeat stories checked earlier, from this archive "
        "(a SQLite file, created if missing, or a postgresql:// URL), then add the article to "
        "it; see: checkdupes archive --help",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["archive"]:  # a subcommand; "checkdupes ./archive" still checks a file
        # Imported here: bot.cli_archive builds on this module's readers.
        from bot.cli_archive import archive_main

        return archive_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if len(args.inputs) > 2:
        parser.error("give one INPUT, or two to compare")
    return run(lambda: check(args.inputs, json_output=args.json, archive_at=args.archive))


def check(inputs: Sequence[str], *, json_output: bool, archive_at: str | None) -> str:
    """The report on one or two INPUTs, as text or JSON; with an archive, also seen before."""
    limits = cli_limits()
    documents = [read_document(source, limits) for source in inputs]
    with closing_archive(archive_at) as archive:
        with progress(sys.stderr, "loading the model"):
            analyzer = Analyzer(_encoder(), limits=limits)
        analyzer.check(documents)
        with progress(sys.stderr, "analyzing"):
            if archive is None:
                report = analyzer.analyze(documents)
            else:
                links = [input_link(s, d) for s, d in zip(inputs, documents, strict=True)]
                report = check_with_archive(analyzer, documents, archive, links=links)
    if json_output:
        from bot.render.json_report import report_to_json

        return report_to_json(report) + "\n"
    from bot.render.terminal import render_text

    return render_text(report, width=min(shutil.get_terminal_size().columns, 110))


def run(task: Callable[[], str]) -> int:
    """Run a command and print its output; every failure is one line on stderr."""
    try:
        output = task()
    except CheckdupesError as error:
        print(f"checkdupes: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug, not bad input: still one line, never a traceback
        if os.environ.get("CHECKDUPES_DEBUG"):
            raise
        print(
            f"checkdupes: internal error: {error!r} (CHECKDUPES_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    sys.stdout.write(output)
    return EXIT_OK


def cli_limits() -> Limits:
    return Limits(max_chars=int(os.environ.get("CHECKDUPES_MAX_CHARS", Limits.max_chars)))


def read_document(source: str, limits: Limits) -> Document:
    """One INPUT as a Document; every problem becomes a one-line CheckdupesError."""
    if source.startswith(("http://", "https://")):
        from bot.links import FetchPolicy, LinkFetcher
        from bot.sources import document_from_url

        try:
            policy = FetchPolicy.from_allow_string(os.environ.get("CHECKDUPES_FETCH_ALLOW", ""))
        except ValueError as error:
            raise BadSetting(str(error)) from None
        return document_from_url(source, LinkFetcher(policy))
    if source == "-":
        data = sys.stdin.buffer.read(limits.max_chars * 4 + 1)
        name = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            reason = "is a directory" if path.is_dir() else "does not exist"
            raise UnsupportedInput(f"{source} {reason}: give a text file, a URL or -.")
        with path.open("rb") as handle:
            data = handle.read(limits.max_chars * 4 + 1)  # UTF-8 is at most 4 bytes a character
        name = source
    text = decode(data, name)
    if len(text) > limits.max_chars:
        raise TooLong(
            f"{name} is over the limit of {limits.max_chars:,} characters: "
            "check a shorter part, or split it."
        )
    return segment(text, source=name)


def input_link(source: str, document: Document) -> str:
    """The link an INPUT is archived under: the article's URL, a file:// URI, or for stdin a
    name made from its text (bot.archive.story_link)."""
    if source == "-" or source.startswith(("http://", "https://")):
        return story_link(document)
    return Path(source).resolve().as_uri()


@contextmanager
def closing_archive(location: str | None, *, create: bool = True) -> Iterator[Archive | None]:
    """The archive at a SQLite path or postgresql:// URL (None: no archive), closed after.

    Retention comes from CHECKDUPES_ARCHIVE_RETENTION_DAYS, as for the bot. create=False:
    a missing SQLite file is an error rather than a new empty archive (list, forget).
    """
    if not location:
        yield None
        return
    settings = ArchiveSettings.from_env(os.environ)
    is_url = location.startswith(("postgresql://", "postgres://"))
    if not create and not is_url and not Path(location).exists():
        raise ArchiveError(
            f"there is no archive at {location} yet: checkdupes --archive {location} INPUT "
            "(or checkdupes archive add) makes one"
        )
    archive = open_archive(
        location if is_url else None,
        None if is_url else location,
        retention_days=settings.retention_days,
    )
    try:
        yield archive
    finally:
        if archive is not None:
            archive.close()


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise UnsupportedInput(f"{name} looks like a binary file: give plain text (UTF-8).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnsupportedInput(
            f"{name} is not UTF-8 text (byte {error.start}): save it as UTF-8 and try again."
        ) from None


def _encoder() -> Encoder:
    from bot.core.encoders import DEFAULT_KIND, load_encoder

    return load_encoder(os.environ.get("CHECKDUPES_ENCODER") or DEFAULT_KIND)


@contextmanager
def progress(stream: TextIO, label: str, after_s: float = 1.0) -> Iterator[None]:
    """A spinner on a terminal's stderr once a step has taken longer than `after_s`."""
    if not stream.isatty():
        yield
        return
    done = threading.Event()

    def spin() -> None:
        if done.wait(after_s):
            return
        started = time.monotonic() - after_s
        frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        tick = 0
        while not done.wait(0.1):
            elapsed = time.monotonic() - started
            stream.write(f"\r{frames[tick % len(frames)]} {label}… {elapsed:.0f}s")
            stream.flush()
            tick += 1
        stream.write("\r\033[K")
        stream.flush()

    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    try:
        yield
    finally:
        done.set()
        spinner.join()


if __name__ == "__main__":
    sys.exit(main())
