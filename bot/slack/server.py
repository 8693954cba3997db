"""The production HTTP server: waitress in front of Bolt's WSGI adapter.

Bolt's ``App.start()`` is a development server (one thread, listen backlog 5); a burst of
Slack deliveries gets connections reset there. ``python -m bot`` and the tests both run
this one.

Every POST is verified here, on its raw bytes, before Bolt sees it: Bolt's adapter decodes
and parses the body before its own check, so garbage from anyone (truncated JSON, bytes that
are not UTF-8, ``payload=notjson``) would end in a 500 and a traceback.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.server import create_server

from bot.slack.logfmt import kv

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


# Slack's own limit on a request's age; older ones are replays.
MAX_AGE_S = 60 * 5
MAX_BODY_BYTES = 4 * 1024 * 1024  # Slack's payloads are a few kB; a message 40,000 chars


def wsgi_app(app: App, signing_secret: str | None = None) -> WSGIApp:
    """POST /slack/events to Bolt (events, commands, shortcuts) once its signature checks
    out; GET /healthz; 404 otherwise. ``signing_secret`` defaults to the app's own."""
    bolt = SlackRequestHandler(app)
    # Bolt keeps the secret it was built with only as a private attribute.
    secret = signing_secret or getattr(app, "_signing_secret", None)
    if not secret:
        raise ValueError("the HTTP server needs the app's signing secret")
    verifier = SignatureVerifier(secret)

    def route(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if path == EVENTS_PATH and method == "POST":
            return _events(bolt, verifier, environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok")
        return _plain(start_response, "404 Not Found", b"not found")

    return route


def _events(
    bolt: SlackRequestHandler,
    verifier: SignatureVerifier,
    environ: Environ,
    start_response: StartResponse,
) -> Iterable[bytes]:
    body = _read_body(environ)
    problem = _refusal(verifier, environ, body)
    if problem is not None:
        _log_refusal(environ, problem, 401)
        return _plain(start_response, "401 Unauthorized", b"invalid request")
    environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    try:
        return bolt(environ, start_response)
    except Exception as error:
        # Signed, so from Slack, but Bolt could not parse it: one line, never a traceback.
        _log_refusal(environ, f"unparsable:{type(error).__name__}", 400)
        return _plain(start_response, "400 Bad Request", b"bad request")


def _read_body(environ: Environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None or length <= 0:
        return b""
    return bytes(stream.read(min(length, MAX_BODY_BYTES)))


def _refusal(verifier: SignatureVerifier, environ: Environ, body: bytes) -> str | None:
    """Why the request is not Slack's (None: it is): no signature, a timestamp that is not a
    number or not fresh, a body that is not UTF-8 (Slack's never is; SignatureVerifier would
    raise on it), or a signature that does not match the body."""
    timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "").strip()
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    if not signature:
        return "unsigned"
    if not timestamp.isascii() or not timestamp.isdigit():
        return "bad_timestamp"
    if abs(time.time() - int(timestamp)) > MAX_AGE_S:
        return "stale"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not_utf8"
    if not verifier.is_valid(text, timestamp, str(signature)):
        return "bad_signature"
    return None


def _log_refusal(environ: Environ, reason: str, status: int) -> None:
    """One line per refused request, without its body (it may hold article text)."""
    log.warning(kv(event="http_refused", status=status, reason=reason,
                   path=environ.get("PATH_INFO"), remote=environ.get("REMOTE_ADDR"),
                   retry_num=environ.get("HTTP_X_SLACK_RETRY_NUM")))


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


class HttpServer:
    """A waitress server that can run in the foreground (production) or a thread (tests)."""

    def __init__(
        self,
        app: App,
        host: str,
        port: int,
        *,
        signing_secret: str | None = None,
        threads: int = 8,
        backlog: int = 128,
    ) -> None:
        self._map: dict[int, Any] = {}
        self._server = create_server(
            wsgi_app(app, signing_secret),
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            backlog=backlog,
            max_request_body_size=MAX_BODY_BYTES,
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


def serve(
    app: App,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    signing_secret: str | None = None,
    **options: int,
) -> HttpServer:
    """Start the production server on a thread (port 0: any free port, see ``.port``)."""
    return HttpServer(app, host, port, signing_secret=signing_secret, **options).start()
