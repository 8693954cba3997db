"""python -m bot: read .env, build the model once, run in Socket Mode or over HTTP."""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType

from dotenv import find_dotenv, load_dotenv

from bot.config import ConfigError, Settings
from bot.logfmt import configure_logging, kv

log = logging.getLogger("bot")


def main() -> int:
    # .env in the working directory; variables already set in the environment win.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"checkdupes: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)

    # Imported after the settings check so a missing variable is reported in a blink.
    from slack_bolt.error import BoltError

    from bot.app import build_analyzer, create_app, socket_mode_handler
    from bot.server import HttpServer

    log.info(kv(event="loading_model"))
    analyzer = build_analyzer(settings)  # once, before the first request: ~5 s
    try:
        app = create_app(settings, analyzer=analyzer)  # checks the token with auth.test
    except BoltError as error:
        print(f"checkdupes: Slack refused the bot token ({error}); check SLACK_BOT_TOKEN.",
              file=sys.stderr)
        return 2
    except OSError as error:  # URLError included: Slack unreachable
        print(f"checkdupes: cannot reach Slack at {settings.api_base_url} "
              f"({getattr(error, 'reason', error)}).", file=sys.stderr)
        return 2
    if settings.socket_mode:
        log.info(kv(event="starting", mode="socket", workers=settings.workers))
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
    log.info(kv(event="starting", mode="http", port=server.port, workers=settings.workers))
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
