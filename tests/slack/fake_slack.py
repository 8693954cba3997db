"""A small fake of Slack's Web API on a loopback port, in the spirit of bolt-python's own
``tests/mock_web_api_server``: it answers the methods the bot calls, records every request
(method, headers, parsed body), serves file downloads and response_url posts, and can be
told to fail a method.

Permalinks look like Slack's (``https://fake.slack.com/archives/C1/p1700000000000001``);
conversations.info says a channel is public unless ``set_conversation`` said otherwise;
users.info says a user is no admin unless ``set_user`` said otherwise.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
API_PREFIX = "/api/"
FILES_PREFIX = "/files-pri/"
RESPOND_PREFIX = "/respond/"
UPLOAD_PREFIX = "/upload/v1/"
POSTED_TS = "_posted_ts"


@dataclass(frozen=True)
class Call:
    """One request the fake received. ``method`` is the API method, or ``file`` / ``respond``
    / ``upload`` (the file upload v2 sends to its upload URL)."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.body.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


@dataclass
class _Failure:
    error: str
    status: int = 200
    remaining: int | None = None  # None: every matching call
    when: Callable[[dict[str, Any]], bool] = lambda body: True
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(self, token: str) -> None:
        self.token = token
        self._calls: list[Call] = []
        self._changed = threading.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._file_info: dict[str, dict[str, Any]] = {}
        self._threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._conversations: dict[str, dict[str, Any]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._uploads: dict[str, dict[str, Any]] = {}  # file id -> filename, length, content
        self._ts = itertools.count(1)
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.origin + API_PREFIX

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._changed:
            self._calls.clear()
            self._failures.clear()
            self._users.clear()

    # -- what the bot will find -------------------------------------------------------------

    def add_file(self, name: str, content: bytes, content_type: str = "text/plain") -> str:
        """Serve ``content`` as a private file; returns its url_private."""
        self._files[name] = (content, content_type)
        return f"{self.origin}{FILES_PREFIX}{TEAM_ID}-F/{name}"

    def add_file_info(self, file: dict[str, Any]) -> None:
        """What files.info answers for ``file["id"]``."""
        self._file_info[file["id"]] = file

    def set_thread(self, channel: str, thread_ts: str, messages: list[dict[str, Any]]) -> None:
        """The messages conversations.replies returns for a thread, parent first."""
        self._threads[(channel, thread_ts)] = messages

    def set_conversation(self, channel: str, **info: Any) -> None:
        """What conversations.info answers for ``channel`` (e.g. ``is_private=True``)."""
        self._conversations[channel] = {"id": channel, **info}

    def set_user(self, user: str, **info: Any) -> None:
        """What users.info answers for ``user`` (e.g. ``is_admin=True``)."""
        self._users[user] = {"id": user, **info}

    def posted_ts(self, call: Call) -> str:
        """The ts Slack gave the message that chat.postMessage ``call`` posted."""
        return str(call.body[POSTED_TS])

    def uploaded(self, file_id: str) -> bytes:
        """The bytes the bot sent to the upload URL of ``file_id`` (files upload v2)."""
        return bytes(self._uploads[file_id].get("content") or b"")

    def response_url(self, name: str) -> str:
        return f"{self.origin}{RESPOND_PREFIX}{name}"

    def fail(
        self,
        method: str,
        error: str,
        *,
        times: int | None = None,
        status: int = 200,
        when: Callable[[dict[str, Any]], bool] = lambda body: True,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``method`` with ``{"ok": false, "error": error}`` (``times`` times, or always)."""
        with self._changed:
            self._failures.setdefault(method, []).append(
                _Failure(error, status, times, when, headers or {})
            )

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        self.fail(method, "ratelimited", times=times, status=429,
                  headers={"Retry-After": str(retry_after)})

    # -- what the bot did -------------------------------------------------------------------

    def calls(
        self, method: str | None = None, *, where: Callable[[Call], bool] | None = None,
        **match: Any,
    ) -> list[Call]:
        """Recorded calls of ``method`` whose body has the ``match`` values (and ``where``)."""
        with self._changed:
            calls = list(self._calls)
        return [
            c for c in calls
            if (method is None or c.method == method)
            and all(c.body.get(k) == v for k, v in match.items())
            and (where is None or where(c))
        ]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
        **match: Any,
    ) -> list[Call]:
        """Block until ``count`` matching calls arrived; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.calls(method, where=where, **match)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.body) for c in self.calls()]
                    raise AssertionError(
                        f"waited {timeout}s for {count} x {method} {match}, got {len(found)}; "
                        f"all calls: {seen}"
                    )
                self._changed.wait(left)

    # -- the server -------------------------------------------------------------------------

    def _record(self, call: Call) -> _Failure | None:
        with self._changed:
            self._calls.append(call)
            failure = None
            for candidate in self._failures.get(call.method, []):
                if candidate.remaining != 0 and candidate.when(call.body):
                    if candidate.remaining is not None:
                        candidate.remaining -= 1
                    failure = candidate
                    break
            self._changed.notify_all()
            return failure

    def _api(self, method: str, body: dict[str, Any], authorized: bool) -> dict[str, Any]:
        if not authorized:
            return {"ok": False, "error": "not_authed"}
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake",
                    "user": "checkdupes", "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID}
        if method == "chat.postMessage":
            ts = f"1800000000.{next(self._ts):06d}"
            body[POSTED_TS] = ts  # the recorded call's body: posted_ts() reads it
            return {"ok": True, "channel": body.get("channel"), "ts": ts,
                    "message": {"text": body.get("text"), "ts": ts, "bot_id": BOT_ID}}
        if method in ("chat.postEphemeral", "reactions.add", "reactions.remove"):
            return {"ok": True}
        if method in ("chat.update", "chat.delete"):
            return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}
        if method == "users.info":
            user = str(body.get("user"))
            info = self._users.get(user, {"id": user, "is_admin": False, "is_owner": False})
            return {"ok": True, "user": info}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            self._uploads[file_id] = {"filename": body.get("filename"),
                                      "length": int(body.get("length") or 0)}
            return {"ok": True, "file_id": file_id,
                    "upload_url": f"{self.origin}{UPLOAD_PREFIX}{file_id}"}
        if method == "files.completeUploadExternal":
            files = body.get("files")
            files = json.loads(files) if isinstance(files, str) else list(files or [])
            unknown = [f for f in files if "content" not in self._uploads.get(f.get("id"), {})]
            if unknown:
                return {"ok": False, "error": "file_upload_not_found"}
            return {"ok": True, "files": [
                {"id": f["id"], "title": f.get("title"),
                 "name": self._uploads[f["id"]]["filename"]} for f in files
            ]}
        if method in ("conversations.replies", "conversations.history"):
            key = (str(body.get("channel")), str(body.get("ts") or body.get("latest")))
            messages = self._threads.get(key)
            if messages is None:
                return {"ok": False, "error": "thread_not_found"}
            return {"ok": True, "messages": messages[: int(body.get("limit") or 100)]}
        if method == "chat.getPermalink":
            channel, ts = str(body.get("channel")), str(body.get("message_ts"))
            return {"ok": True, "channel": channel, "permalink": permalink(channel, ts)}
        if method == "conversations.info":
            channel = str(body.get("channel"))
            info = self._conversations.get(
                channel, {"id": channel, "is_channel": True, "is_private": False}
            )
            return {"ok": True, "channel": info}
        if method == "users.info":
            user = str(body.get("user"))
            info = self._users.get(user, {"id": user})
            return {"ok": True, "user": {"is_admin": False, "is_owner": False,
                                         "is_primary_owner": False, "is_bot": False, **info}}
        if method == "files.info":
            file = self._file_info.get(str(body.get("file")))
            return {"ok": True, "file": file} if file else {"ok": False, "error": "file_not_found"}
        return {"ok": False, "error": "unknown_method"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                url = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if url.path.startswith(UPLOAD_PREFIX):  # the raw file, not a form
                    file_id = url.path[len(UPLOAD_PREFIX):]
                    if file_id in fake._uploads:
                        fake._uploads[file_id]["content"] = raw
                    fake._record(Call("upload", url.path, headers, {"file_id": file_id,
                                                                  "size": len(raw)}))
                    self._send_bytes(200 if file_id in fake._uploads else 404, b"OK",
                                     "text/plain")
                    return
                body = _parse(raw, self.headers.get("Content-Type", ""))
                body.update({k: v[0] for k, v in parse_qs(url.query).items()})
                if url.path.startswith(API_PREFIX):
                    method = url.path[len(API_PREFIX):]
                elif url.path.startswith(FILES_PREFIX):
                    method = "file"
                elif url.path.startswith(RESPOND_PREFIX):
                    method = "respond"
                    body["name"] = url.path[len(RESPOND_PREFIX):]
                else:
                    method = url.path
                failure = fake._record(Call(method, url.path, headers, body))
                authorized = headers.get("authorization") == f"Bearer {fake.token}"
                if failure is not None:
                    self._send(failure.status, {"ok": False, "error": failure.error},
                               failure.headers)
                elif method == "file":
                    name = url.path.rsplit("/", 1)[-1]
                    if not authorized or name not in fake._files:
                        self._send(404 if authorized else 403, {"ok": False})
                    else:
                        content, content_type = fake._files[name]
                        self._send_bytes(200, content, content_type)
                elif method == "respond":
                    self._send_bytes(200, b"ok", "text/plain")
                elif url.path.startswith(API_PREFIX):
                    self._send(200, fake._api(method, body, authorized))
                else:
                    self._send(404, {"ok": False})

            def _send(self, status: int, payload: dict[str, Any],
                      headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self._send_bytes(status, data, "application/json; charset=utf-8", headers)

            def _send_bytes(self, status: int, data: bytes, content_type: str,
                            headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def permalink(channel: str, ts: str) -> str:
    """The link chat.getPermalink gives for message ``ts`` in ``channel``."""
    return f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5; a burst from the bot would be refused.
    request_queue_size = 128


def _parse(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8", errors="replace")
    if content_type.startswith("application/json") or text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return {"raw": text}
        return value if isinstance(value, dict) else {"raw": value}
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
