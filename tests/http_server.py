"""A real HTTP(S) server on a loopback port for the link-fetching tests.

Each test registers what a path answers (``server.routes["/a"] = page("<html>...")``) and reads
back what reached the server (``server.hits``), so a test can prove that a refused link sent
nothing at all.
"""

from __future__ import annotations

import gzip
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]


class LocalServer:
    def __init__(self, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None):
        self.host = host
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self.scheme = "https" if ssl_context else "http"
        self._server = ThreadingHTTPServer((host, 0), _request_handler(self))
        self._server.daemon_threads = True  # a handler stuck in a slow answer must not block exit
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        # A short poll keeps shutdown() (one per test) quick; the default waits up to 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _request_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
            server.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path.split("?", 1)[0])
            try:
                if route is None:
                    send(self, 404, b"not here", "text/plain")
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # the client hung up on purpose: a size cap or a timeout

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return RequestHandler


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def page(body: str | bytes, content_type: str | None = "text/html; charset=utf-8") -> Handler:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: send(h, 200, data, content_type)


def gzipped(body: bytes, content_type: str = "text/html; charset=utf-8") -> Handler:
    compressed = gzip.compress(body, compresslevel=6)
    return lambda h: send(h, 200, compressed, content_type, {"Content-Encoding": "gzip"})


def redirect(location: str, status: int = 302) -> Handler:
    return lambda h: send(h, status, b"", "text/plain", {"Location": location})


def status(code: int) -> Handler:
    return lambda h: send(h, code, b"<html><body>error</body></html>", "text/html")


def slow_headers(delay_s: float) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        time.sleep(delay_s)
        send(h, 200, b"<html><body>late</body></html>", "text/html")

    return handler


def streamed(chunks: Callable[[], Iterator[bytes]], content_type: str = "text/html") -> Handler:
    """A body without Content-Length (HTTP/1.0: it ends when the connection closes)."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.end_headers()
        for chunk in chunks():
            h.wfile.write(chunk)
            h.wfile.flush()

    return handler


def endless(chunk: bytes = b"<p>" + b"x" * 8189 + b"</p>", limit_s: float = 5.0) -> Handler:
    def chunks() -> Iterator[bytes]:
        stop = time.monotonic() + limit_s
        while time.monotonic() < stop:
            yield chunk

    return streamed(chunks)


def drip(interval_s: float, limit_s: float = 5.0) -> Handler:
    def chunks() -> Iterator[bytes]:
        stop = time.monotonic() + limit_s
        while time.monotonic() < stop:
            yield b" "
            time.sleep(interval_s)

    return streamed(chunks)
