"""What every command shares: its output on stdout, every failure one line on stderr, a
progress spinner, and the encoder it runs."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from bot.core.embed import Encoder
from bot.core.encoders import load_encoder
from bot.core.errors import CheckdupesError
from bot.settings import Settings

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

EncoderFactory = Callable[[], Encoder]


def run(task: Callable[[], str]) -> int:
    """Run a command and print its output; every failure is one line on stderr."""
    try:
        output = task()
    except CheckdupesError as error:
        return refuse(error)
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


def refuse(error: CheckdupesError) -> int:
    """Bad input or a bad setting: its one line on stderr, exit 2."""
    print(f"checkdupes: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT


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


def encoder(settings: Settings, factory: EncoderFactory | None = None) -> Encoder:
    """The encoder for this run: ``factory``'s when given, else the one the settings name."""
    if factory is not None:
        return factory()
    return load_encoder(
        settings.encoder, factory=settings.encoder_factory, on_prepare=say_preparing
    )


def say_preparing() -> None:
    """One line before the one-off model export, so a first run is not a silent 10 s."""
    print("checkdupes: preparing the model, once: ~10 s", file=sys.stderr, flush=True)
