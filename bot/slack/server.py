"""The production HTTP server: waitress in front of Bolt's WSGI adapter.

Bolt's ``App.start()`` is a development server (one thread, listen backlog 5); a burst of
Slack deliveries gets connections reset there. ``python -m bot`` and the tests both run
this one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import create_server

from bot.slack.logfmt import kv

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def wsgi_app(app: App) -> WSGIApp:
    """POST /slack/events to Bolt (events, commands, shortcuts); GET /healthz; 404 otherwise."""
    bolt = SlackRequestHandler(app)

    def route(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if path == EVENTS_PATH and method == "POST":
            return bolt(environ, _logging_refusals(start_response, environ))
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok")
        return _plain(start_response, "404 Not Found", b"not found")

    return route


def _logging_refusals(start_response: StartResponse, environ: Environ) -> StartResponse:
    """One line for each request Bolt refuses (bad or stale signature), without its body."""

    def start(status: str, headers: Any, *args: Any) -> Any:
        if status.startswith("401"):
            log.warning(kv(event="http_refused", status=401, path=environ.get("PATH_INFO"),
                           remote=environ.get("REMOTE_ADDR"),
                           retry_num=environ.get("HTTP_X_SLACK_RETRY_NUM")))
        return start_response(status, headers, *args)

    return start


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


class HttpServer:
    """A waitress server that can run in the foreground (production) or a thread (tests)."""

    def __init__(
        self, app: App, host: str, port: int, *, threads: int = 8, backlog: int = 128
    ) -> None:
        self._map: dict[int, Any] = {}
        self._server = create_server(
            wsgi_app(app),
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            backlog=backlog,
            # Slack's payloads are a few kB; a message holds 40,000 characters at most.
            max_request_body_size=4 * 1024 * 1024,
            asyncore_use_poll=True,  # select() stops at file descriptor 1024
            ident="checkdupes",
        )
        self.host: str = self._server.effective_host
        self.port: int = int(self._server.effective_port)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        """Serve until close() (from a signal handler or another thread)."""
        log.info(kv(event="http_listening", host=self.host, port=self.port))
        try:
            while not self._stopping.is_set():
                # One poll at a time, so close() is noticed without closing sockets under it.
                wasyncore.loop(timeout=0.5, map=self._map, use_poll=True, count=1)
        finally:
            self._server.task_dispatcher.shutdown()
            wasyncore.close_all(self._map)

    def start(self) -> HttpServer:
        """Serve on a background thread; returns once the socket is listening."""
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping.set()
        self._server.pull_trigger()  # wake the poll
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)


def serve(app: App, host: str = "127.0.0.1", port: int = 0, **options: int) -> HttpServer:
    """Start the production server on a thread (port 0: any free port, see ``.port``)."""
    return HttpServer(app, host, port, **options).start()
