"""python -m bot [worker]: read .env, then serve Slack (Socket Mode or HTTP) or run a worker.

``python -m bot`` is the web process: without REDIS_URL it also checks the requests it takes
(the model is loaded once, at startup); with REDIS_URL it verifies, acks and queues them for
``python -m bot worker`` processes, which load the model and answer.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType

from dotenv import find_dotenv, load_dotenv

from bot.core.errors import BadSetting
from bot.settings import ConfigError, Settings
from bot.slack.logfmt import configure_logging, kv

log = logging.getLogger("bot")

USAGE = "usage: python -m bot [web|worker]"


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
    from bot.slack.app import create_app, socket_mode_handler
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
        app = create_app(settings, analyzer=analyzer, archive=archive, feedback=feedback)
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
    if settings.socket_mode:
        log.info(kv(event="starting", mode="socket", **checks))
        socket_mode_handler(app, settings).start()  # blocks
        return 0

    try:
        server = HttpServer(app, "0.0.0.0", settings.port)
    except OSError as error:
        print(f"checkdupes: cannot listen on port {settings.port}: {error.strerror}",
              file=sys.stderr)
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info(kv(event="stopping", signal=signal.Signals(signum).name))
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(kv(event="starting", mode="http", port=server.port, **checks))
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
