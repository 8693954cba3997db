"""python -m bot [worker]: read .env, then serve Slack (Socket Mode or HTTP) or run a worker.

``python -m bot`` is the web process: without REDIS_URL it also checks the requests it takes
(the model is loaded once, at startup); with REDIS_URL it verifies, acks and queues them for
``python -m bot worker`` processes, which load the model and answer.

On SIGTERM or SIGINT both modes stop the same way (run_until_stopped): take no new
requests (close the HTTP socket, or the Socket Mode connection), let the checks already
taken finish within SHUTDOWN_GRACE_S, then exit.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from dotenv import find_dotenv, load_dotenv

from bot.core.errors import BadSetting
from bot.settings import ConfigError, Settings
from bot.slack.logfmt import configure_logging, kv

log = logging.getLogger("bot")

USAGE = "usage: python -m bot [web|worker]"
# Platforms give a stopped process about 30 s before SIGKILL (Heroku, Kubernetes' default):
# checks still running after this are given up so the process exits on its own terms.
SHUTDOWN_GRACE_S = 25.0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["web"], ["worker"]):
        print(USAGE, file=sys.stderr)
        return 2
    worker = args == ["worker"]
    # .env in the working directory; variables already set in the environment win.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = Settings.from_env(os.environ, worker=worker)
    except ConfigError as error:
        print(f"checkdupes: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        return run_worker(settings) if worker else serve(settings)
    except BadSetting as error:  # CHECKDUPES_ENCODER_FACTORY that cannot be imported
        print(f"checkdupes: {error}", file=sys.stderr)
        return 2


def run_worker(settings: Settings) -> int:
    from bot.slack.scale.worker import StartupError, start_worker

    try:
        worker = start_worker(settings)
    except StartupError as error:
        print(f"checkdupes: {error}", file=sys.stderr)
        return 2
    log.info(kv(event="starting", mode="worker", queue=settings.queue_name))
    worker.work(logging_level=settings.log_level)  # until SIGTERM/SIGINT, after the job in hand
    return 0


def serve(settings: Settings) -> int:
    # Imported after the settings check so a missing variable is reported in a blink.
    from slack_bolt.error import BoltError

    from bot.archive import ArchiveError
    from bot.slack.app import create_bot, socket_mode_handler
    from bot.slack.checker import build_analyzer
    from bot.slack.scale.redis_queue import unreachable
    from bot.slack.server import HttpServer

    try:
        # Before the model loads: a wrong CHECKDUPES_ARCHIVE or DATABASE_URL stops at once.
        archive = settings.archive.open()
        feedback = settings.open_feedback()  # the buttons' store, beside the archive
    except ArchiveError as error:
        print(f"checkdupes: {error}", file=sys.stderr)
        return 2
    analyzer = None
    if settings.scaled_out:
        problem = unreachable(settings.redis_url)
        if problem:
            print(f"checkdupes: {problem}", file=sys.stderr)
            return 2
    else:
        log.info(kv(event="loading_model"))
        analyzer = build_analyzer(settings)  # once, before the first request: ~5 s
    try:
        # Checks the token with auth.test.
        bot = create_bot(settings, analyzer=analyzer, archive=archive, feedback=feedback)
    except BoltError as error:
        print(f"checkdupes: Slack refused the bot token ({error}); check SLACK_BOT_TOKEN.",
              file=sys.stderr)
        return 2
    except OSError as error:  # URLError included: Slack unreachable
        print(f"checkdupes: cannot reach Slack at {settings.api_base_url} "
              f"({getattr(error, 'reason', error)}).", file=sys.stderr)
        return 2
    # With Redis no analysis runs here: name the queue the workers take requests from.
    checks: dict[str, object] = (
        {"queue": settings.queue_name} if settings.scaled_out else {"workers": settings.workers}
    )
    stopped = stop_on_signals()
    if settings.socket_mode:
        log.info(kv(event="starting", mode="socket", **checks))
        handler = socket_mode_handler(bot.app, settings)
        left = run_until_stopped(handler.connect, handler.close, bot.drain, stopped)
    else:
        try:
            server = HttpServer(bot.app, "0.0.0.0", settings.port,
                                signing_secret=settings.signing_secret)
        except OSError as error:
            print(f"checkdupes: cannot listen on port {settings.port}: {error.strerror}",
                  file=sys.stderr)
            return 2
        log.info(kv(event="starting", mode="http", port=server.port, **checks))
        left = run_until_stopped(server.start, server.close, bot.drain, stopped)
    if left:
        # Their threads would hold the exit until they finish: the grace is over.
        logging.shutdown()
        os._exit(1)
    return 0


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (install from the main thread)."""
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info(kv(event="stopping", signal=signal.Signals(signum).name))
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return stopped


def run_until_stopped(
    start: Callable[[], object],
    stop_intake: Callable[[], None],
    drain: Callable[[float], int],
    stopped: threading.Event,
    *,
    grace_s: float = SHUTDOWN_GRACE_S,
) -> int:
    """Serve until ``stopped`` is set, then stop taking requests and let the checks taken
    finish within ``grace_s``; return how many did not (0: a clean stop).

    The same for HTTP and Socket Mode: ``start`` must not block (it starts the server or
    the connection on threads of its own).
    """
    start()
    while not stopped.wait(timeout=1.0):  # short waits: the signal handler runs in between
        pass
    stop_intake()
    log.info(kv(event="draining", grace_s=grace_s))
    left = drain(grace_s)
    if left:
        log.warning(kv(event="stopped_with_checks_running", left=left, grace_s=grace_s))
    else:
        log.info(kv(event="stopped"))
    return left


if __name__ == "__main__":
    sys.exit(main())
