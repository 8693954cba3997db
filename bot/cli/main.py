"""checkdupes: find repeated passages in an article (a file, a URL or stdin) from a terminal."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from bot.cli.archive import archive_main, closing_archive
from bot.cli.feedback import feedback_main
from bot.cli.inputs import input_link, read_document
from bot.cli.running import (
    EXIT_BAD_INPUT,
    EncoderFactory,
    encoder,
    progress,
    run,
    say_preparing,
)
from bot.core.analyze import Analyzer, Limits
from bot.core.encoders import needs_prepare, prepare
from bot.render.terminal import MAX_ENTRIES
from bot.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checkdupes",
        description="Find passages an article says twice: exact repeats, near-verbatim copies, "
        "paraphrases and the same claim with different facts. With two inputs, also what the "
        "second repeats from the first.",
    )
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="a text file, an http(s) URL, or - for standard input (one or two)",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="prepare the model now (the int8 ONNX export, once per machine, about 10 s) and "
        "exit: for an install or release step, so the first check is not the slow one",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--clean",
        action="store_true",
        help="print the article with the suggested cuts applied instead of the report "
        "(paragraphs separated by blank lines; two articles separated by a line ---); "
        "not with --json, and the archive is neither consulted nor added to",
    )
    parser.add_argument(
        "--full", action="store_true", help="show whole passages, not a few lines of each"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="show_all",
        help=f"show every group and every paragraph in it (default: the first {MAX_ENTRIES})",
    )
    parser.add_argument(
        "--color",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mark differences with colour (default: when standard output is a terminal and "
        "NO_COLOR is not set); without it, [-removed-] {+added+} «conflicting»",
    )
    parser.add_argument(
        "--archive",
        metavar="PATH",
        help="also report paragraphs that repeat stories checked earlier, from this archive "
        "(a SQLite file, created if missing, or a postgresql:// URL), then add the article to "
        "it (default: $DATABASE_URL or $CHECKDUPES_ARCHIVE when set); see: checkdupes archive "
        "--help",
    )
    return parser


def main(
    argv: Sequence[str] | None = None, *, encoder_factory: EncoderFactory | None = None
) -> int:
    """The console script. ``encoder_factory`` replaces the encoder the settings name (tests)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _quiet_logging()
    if argv[:1] == ["archive"]:  # a subcommand; "checkdupes ./archive" still checks a file
        return archive_main(argv[1:], encoder_factory=encoder_factory)
    if argv[:1] == ["feedback"]:
        return feedback_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.prepare:
        if args.inputs:
            parser.error("--prepare takes no INPUT")
        return run(prepare_model)
    if not 1 <= len(args.inputs) <= 2:
        parser.error("give one INPUT, or two to compare")
    if args.clean and args.json:
        print("checkdupes: --clean prints the article as text: drop --json.", file=sys.stderr)
        return EXIT_BAD_INPUT
    style = TextStyle(
        width=_width(), color=_colour(args.color), full=args.full, show_all=args.show_all
    )
    return run(
        lambda: check(
            args.inputs,
            json_output=args.json,
            archive_at=None if args.clean else args.archive,
            encoder_factory=encoder_factory,
            clean=args.clean,
            style=style,
        )
    )


def prepare_model() -> str:
    """checkdupes --prepare: the one-off preparation of the encoder the settings name."""
    settings = Settings.from_env(os.environ, slack=False)
    if not needs_prepare(settings.encoder):
        return f"The {settings.encoder} model is ready.\n"
    prepare(settings.encoder, on_prepare=say_preparing)
    return f"The {settings.encoder} model is prepared.\n"


@dataclass(frozen=True)
class TextStyle:
    """How the terminal report is laid out (bot.render.terminal.render_text's options)."""

    width: int = 80
    color: bool = False
    full: bool = False
    show_all: bool = False


def check(
    inputs: Sequence[str],
    *,
    json_output: bool,
    archive_at: str | None,
    encoder_factory: EncoderFactory | None = None,
    clean: bool = False,
    style: TextStyle | None = None,
) -> str:
    """The report on one or two INPUTs, as text or JSON; with an archive, also seen before.

    ``clean``: the articles with the suggested cuts applied instead (no archive)."""
    settings = Settings.from_env(os.environ, slack=False)
    limits = Limits(max_chars=settings.max_chars)
    documents = [read_document(source, settings, limits) for source in inputs]
    location = archive_at or settings.archive.database_url or settings.archive.path or None
    if clean:
        location = None
    with closing_archive(location, settings) as archive:
        with progress(sys.stderr, "loading the model"):
            analyzer = Analyzer(encoder(settings, encoder_factory), limits=limits)
        analyzer.check(documents)
        with progress(sys.stderr, "analyzing"):
            if archive is None:
                report = analyzer.analyze(documents)
            else:
                from bot.archive import check_with_archive

                links = [input_link(s, d) for s, d in zip(inputs, documents, strict=True)]
                report = check_with_archive(analyzer, documents, archive, links=links)
    if clean:
        from bot.render.clean import cleaned_documents

        # The line that makes one paste two articles (bot.core.sources) separates them here.
        return "\n---\n\n".join(cleaned_documents(report))
    if json_output:
        from bot.render.json_report import report_to_json

        return report_to_json(report) + "\n"
    from bot.render.terminal import render_text

    style = style or TextStyle()
    return render_text(
        report, style.width, color=style.color, full=style.full, show_all=style.show_all
    )


def _width() -> int:
    # Not a terminal: 80 columns (get_terminal_size's fallback, or $COLUMNS). Wider than 110
    # is hard to read, so lines stop there.
    return min(shutil.get_terminal_size((80, 24)).columns, 110)


def _colour(asked: bool | None) -> bool:
    """--color/--no-color when given; else colour on a terminal unless NO_COLOR is set
    (https://no-color.org) or the terminal is dumb."""
    if asked is not None:
        return asked
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _quiet_logging() -> None:
    # Without a handler Python prints WARNING records on stderr itself; the command line
    # says what went wrong in its own one line, so the libraries' records would be a second.
    if not logging.getLogger().handlers and not os.environ.get("CHECKDUPES_DEBUG"):
        logging.getLogger().addHandler(logging.NullHandler())
