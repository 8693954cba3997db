"""The checkdupes command line: ``main`` is the console script's entry point."""

from bot.cli.main import main

__all__ = ["main"]
