"""The real app behind the real HTTP server, talking to FakeSlack; requests signed like Slack's."""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.archive import Archive
from bot.core.analyze import Analyzer
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.checker import build_analyzer
from bot.slack.server import HttpServer, serve
from tests.fakes import HashingEncoder
from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID, Call, FakeSlack

TOKEN = "xoxb-test-token-not-real"
SECRET = "test-signing-secret"
USER = "U0USER"
CHANNEL = "C0NEWS"
DONE, FAILED = "white_check_mark", "warning"

ARTICLE = (
    "The city council approved the new budget on Tuesday after a long debate.\n\n"
    "Residents packed the hall to hear the mayor explain the spending plan for schools.\n\n"
    "The city council approved the new budget on Tuesday after a long debate.\n\n"
    "Critics said the plan ignored road repairs in the northern districts."
)

# ARTICLE's report: its one group, as the first line of the group's section.
EXACT_REPEAT = "🔁 *¶1 = ¶3* · same wording — cut ¶3"

_counter = itertools.count(1)


def new_ts() -> str:
    """A message timestamp no other test uses (the app remembers ts values to dedupe)."""
    return f"1700000000.{next(_counter):06d}"


def new_id(prefix: str) -> str:
    return f"{prefix}{next(_counter):08d}"


@dataclass(frozen=True)
class Response:
    status: int
    text: str
    headers: Mapping[str, str]
    seconds: float

    def json(self) -> Any:
        return json.loads(self.text)


class SlackHarness:
    def __init__(self, fake: FakeSlack, server: HttpServer, settings: Settings) -> None:
        self.fake = fake
        self.server = server
        self.settings = settings
        self.url = f"http://127.0.0.1:{server.port}"
        self._http = httpx.Client(timeout=10)
        self._signer = SignatureVerifier(SECRET)
        self.team = TEAM_ID  # the workspace requests come from unless they say otherwise

    def close(self) -> None:
        self._http.close()

    # -- raw HTTP ---------------------------------------------------------------------------

    def get(self, path: str) -> Response:
        started = time.perf_counter()
        r = self._http.get(self.url + path)
        return Response(r.status_code, r.text, r.headers, time.perf_counter() - started)

    def post(
        self,
        body: str | bytes,
        content_type: str,
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST /slack/events signed as Slack does: v0=HMAC-SHA256(secret, v0:ts:body)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            signature = self._signer.generate_signature(timestamp=ts, body=body)
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, **(headers or {})}
        if signature:  # "" sends no signature at all
            sent["X-Slack-Signature"] = signature
        started = time.perf_counter()
        raw = body.encode() if isinstance(body, str) else body
        r = self._http.post(self.url + "/slack/events", content=raw, headers=sent)
        return Response(r.status_code, r.text, r.headers, time.perf_counter() - started)

    # -- Slack-shaped requests ---------------------------------------------------------------

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
        team: str | None = None, **options: Any,
    ) -> Response:
        team = team or self.team
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": "A0APP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope), "application/json", headers=headers, **options)

    def mention(
        self, text: str, *, channel: str = CHANNEL, ts: str | None = None,
        thread_ts: str | None = None, files: list[dict[str, Any]] | None = None,
        user: str = USER, **options: Any,
    ) -> tuple[str, Response]:
        ts = ts or new_ts()
        event: dict[str, Any] = {
            "type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}".rstrip(),
            "ts": ts, "channel": channel, "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["files"] = files
        return ts, self.event(event, **options)

    def direct_message(
        self, text: str, *, channel: str = "D0DM", ts: str | None = None,
        **fields: Any,
    ) -> tuple[str, Response]:
        ts = ts or new_ts()
        event = {"type": "message", "channel_type": "im", "user": USER, "text": text,
                 "ts": ts, "channel": channel, "event_ts": ts, **fields}
        return ts, self.event(event)

    def command(
        self, text: str, *, channel: str = CHANNEL, response_url: str | None = None,
        team: str = TEAM_ID, user: str = USER,
    ) -> Response:
        form = {
            "token": "legacy-verification-token", "team_id": team, "team_domain": "fake",
            "channel_id": channel, "channel_name": "news", "user_id": user, "user_name": "editor",
            "command": "/checkdupes", "text": text, "api_app_id": "A0APP",
            "response_url": response_url or self.fake.response_url(new_id("cmd")),
            "trigger_id": new_id("trigger."),
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def shortcut(
        self, message: dict[str, Any], *, channel: str = CHANNEL, response_url: str | None = None
    ) -> Response:
        payload = {
            "type": "message_action", "token": "legacy-verification-token",
            "action_ts": f"{time.time():.6f}", "team": {"id": TEAM_ID, "domain": "fake"},
            "user": {"id": USER, "name": "editor"}, "channel": {"id": channel, "name": "news"},
            "callback_id": "check_duplicates", "trigger_id": new_id("trigger."),
            "message_ts": message["ts"], "message": {"type": "message", **message},
            "response_url": response_url or self.fake.response_url(new_id("sc")),
        }
        return self.post(urlencode({"payload": json.dumps(payload)}),
                         "application/x-www-form-urlencoded")

    def block_action(
        self, message: Call, button: dict[str, Any], *, user: str = USER,
        channel: str = CHANNEL, team: str | None = None,
    ) -> Response:
        """A button press on a message the bot posted, as Slack sends it: a signed form post
        whose ``payload`` is the block_actions JSON (with the message and its blocks)."""
        ts = str(message.body.get("ts") or self.fake.posted_ts(message))
        team = team or self.team
        payload = {
            "type": "block_actions", "token": "legacy-verification-token",
            "api_app_id": "A0APP", "trigger_id": new_id("trigger."),
            "user": {"id": user, "username": "editor", "name": "editor", "team_id": team},
            "team": {"id": team, "domain": "fake"},
            "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                          "is_ephemeral": False},
            "channel": {"id": channel, "name": "news"},
            "message": {"type": "message", "ts": ts, "bot_id": "BBOT",
                        "text": message.body.get("text"), "blocks": message.blocks,
                        "thread_ts": message.body.get("thread_ts")},
            "response_url": self.fake.response_url(new_id("act")),
            "actions": [{"type": "button", "action_id": button["action_id"],
                         "block_id": button.get("block_id", "b"), "value": button["value"],
                         "text": button["text"], "action_ts": f"{time.time():.6f}"}],
            "state": {"values": {}},
        }
        return self.post(urlencode({"payload": json.dumps(payload)}),
                         "application/x-www-form-urlencoded")

    def edit_direct_message(
        self, ts: str, text: str, previous: str, *, channel: str = "D0DM"
    ) -> Response:
        """The message event Slack sends when the user edits DM ``ts`` (message_changed)."""
        event_ts = new_ts()
        event = {
            "type": "message", "subtype": "message_changed", "channel_type": "im",
            "channel": channel, "hidden": True, "ts": event_ts, "event_ts": event_ts,
            "message": {"type": "message", "user": USER, "text": text, "ts": ts,
                        "edited": {"user": USER, "ts": event_ts}},
            "previous_message": {"type": "message", "user": USER, "text": previous, "ts": ts},
        }
        return self.event(event)

    # -- waiting for the outcome -------------------------------------------------------------

    def finished(self, ts: str, *, timeout: float = 10.0) -> str:
        """Wait for the ✅ or ⚠️ on message ``ts``; return which."""
        calls = self.fake.wait_for(
            "reactions.add", timeout=timeout, timestamp=ts,
            where=lambda c: c.body.get("name") in (DONE, FAILED),
        )
        return str(calls[0].body["name"])

    def replies(self, thread_ts: str) -> list[Call]:
        return self.fake.calls("chat.postMessage", thread_ts=thread_ts)


def settings_for(fake: FakeSlack, **env: str) -> Settings:
    return Settings.from_env({
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_BASE_URL": fake.base_url,
        "PORT": "0",
        # The buttons' store: a file of this app's own, never one in the working directory.
        "CHECKDUPES_FEEDBACK": str(Path(tempfile.mkdtemp(prefix="checkdupes-fb-")) / "fb.db"),
        **env,
    })


@contextmanager
def running_app(
    *,
    analyzer: Analyzer | None = None,
    env: Mapping[str, str] | None = None,
    archive: Archive | None = None,
) -> Iterator[SlackHarness]:
    """FakeSlack, the app built by create_app, and the production server on a free port."""
    fake = FakeSlack(TOKEN).start()
    settings = settings_for(fake, **dict(env or {}))
    app = create_app(
        settings,
        analyzer=analyzer or build_analyzer(settings, HashingEncoder()),
        archive=archive,
    )
    server = serve(app, "127.0.0.1", 0, signing_secret=settings.signing_secret)
    harness = SlackHarness(fake, server, settings)
    try:
        yield harness
    finally:
        harness.close()
        server.close()
        fake.close()


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text of every block (section text and fields, context elements, headers)."""
    texts = []
    for block in blocks:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts.extend(f["text"] for f in block.get("fields", []))
        texts.extend(e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str))
    return texts


def first_lines(blocks: list[dict[str, Any]]) -> list[str]:
    """The first line of every text of ``blocks``: a group's "🔁 *¶1 = ¶3* · …" heading."""
    return [t.split("\n", 1)[0] for t in section_texts(blocks)]


def group_names(blocks: list[dict[str, Any]]) -> set[str]:
    """The groups a report lists, as their paragraphs ("¶1 = ¶3", "A¶2 = B¶1")."""
    found = set()
    for line in first_lines(blocks):
        match = re.match(r"\S+ \*([A-Z]?¶\d+(?: = [A-Z]?¶\d+)*)", line)
        if match:
            found.add(match.group(1))
    return found


def buttons(blocks: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The buttons of a message by action_id (section accessories and actions blocks)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for block in blocks:
        elements = [block["accessory"]] if "accessory" in block else block.get("elements", [])
        for element in elements:
            if element.get("type") == "button":
                found.setdefault(element["action_id"], []).append(element)
    return found
