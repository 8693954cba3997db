"""The one "analyze and reply" path every Slack entry point hands its request to.

Listeners ack, describe the request (``CheckRequest``) and call ``CheckService.submit``;
from there it is the same for all: drop a delivery seen before, show 👀, queue the work
(or say we are busy), then on a worker thread read the input, analyze, post the report in
the thread (falling back to an ephemeral reply where the bot may not post), and finish
with ✅ or ⚠️. One log line per request records its ids and timings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.core.analyze import Analyzer
from bot.core.errors import CheckdupesError
from bot.inputs import Content, InputReader
from bot.logfmt import kv
from bot.render.slack import (
    Message,
    busy_message,
    checking_message,
    error_message,
    failure_message,
    render_report,
    text_message,
)
from bot.work_queue import RecentKeys, WorkQueue

log = logging.getLogger("bot.requests")

# chat.postMessage errors that mean "not here", where an ephemeral reply still reaches the user.
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
WORKING, DONE, FAILED = "eyes", "white_check_mark", "warning"
# Slack accepts at most five posts to one response_url.
RESPONSE_URL_USES = 5


@dataclass(frozen=True)
class CheckRequest:
    """One ask to check something, as every entry point describes it."""

    entry: str  # mention | command | dm | shortcut: for logs
    channel: str
    content: Content
    team: str | None = None
    user: str | None = None
    # The reply goes under this ts; None (a slash command) posts a parent message first.
    thread_ts: str | None = None
    # The message that asked, which gets the 👀/✅/⚠️ reactions.
    message_ts: str | None = None
    # Set for a mention inside a thread: its first message is checked when the mention has
    # no article of its own.
    thread_parent_ts: str | None = None
    # Slash commands and shortcuts: the ephemeral way back where the bot may not post.
    response_url: str | None = None
    event_id: str | None = None
    # Deliveries with any key seen recently are the same request again (retries, or one
    # message arriving as both app_mention and message.im).
    dedupe_keys: tuple[str, ...] = ()
    ack_ms: float | None = None
    received: float = field(default_factory=time.perf_counter)


@dataclass
class _Outcome:
    """What happened, for the request's log line."""

    result: str = "ok"
    paragraphs: int | None = None
    pairs: int | None = None
    sentence_pairs: int | None = None
    messages: int = 0
    queue_ms: float | None = None
    analysis_ms: float | None = None
    slack_error: str | None = None


class CheckService:
    def __init__(
        self,
        *,
        client: WebClient,
        analyzer: Analyzer,
        inputs: InputReader,
        queue: WorkQueue,
        recent: RecentKeys,
    ) -> None:
        self._client = client
        self._analyzer = analyzer
        self._inputs = inputs
        self._queue = queue
        self._recent = recent

    def submit(self, request: CheckRequest) -> None:
        """Take a request after its ack: never blocks on the analysis, never raises."""
        if not self._recent.first_time(request.dedupe_keys):
            self._log(request, _Outcome(result="duplicate"))
            return
        self._react(request.channel, request.message_ts, WORKING)
        queued = time.perf_counter()
        if self._queue.submit(lambda: self._run(request, queued)):
            return
        outcome = _Outcome(result="busy")
        self._finish(request, request.message_ts, [busy_message()], FAILED, outcome)
        self._log(request, outcome)

    def _run(self, request: CheckRequest, queued: float) -> None:
        outcome = _Outcome(queue_ms=_ms(time.perf_counter() - queued))
        react_ts = request.message_ts
        messages: list[Message]
        try:
            documents = self._inputs.documents(
                request.content,
                channel=request.channel,
                thread_parent_ts=request.thread_parent_ts,
            )
            outcome.paragraphs = sum(len(d.paragraphs) for d in documents)
            self._analyzer.check(documents)  # a too-short text gets no parent message
            if request.thread_ts is None:
                request = self._post_parent(request, checking_message(outcome.paragraphs,
                                                                      request.user))
                react_ts = request.message_ts
                self._react(request.channel, react_ts, WORKING)
            started = time.perf_counter()
            report = self._analyzer.analyze(documents)
            outcome.analysis_ms = _ms(time.perf_counter() - started)
            outcome.pairs, outcome.sentence_pairs = len(report.pairs), len(report.sentence_pairs)
            messages, reaction = render_report(report), DONE
        except CheckdupesError as error:
            outcome.result = f"rejected:{type(error).__name__}"
            messages, reaction = [error_message(str(error))], FAILED
        except Exception:
            log.exception(kv(event="request_failed", entry=request.entry, channel=request.channel,
                             ts=request.message_ts, event_id=request.event_id))
            outcome.result = "error"
            messages, reaction = [failure_message()], FAILED
        self._finish(request, react_ts, messages, reaction, outcome)
        self._log(request, outcome)

    def _finish(
        self,
        request: CheckRequest,
        react_ts: str | None,
        messages: Sequence[Message],
        reaction: str,
        outcome: _Outcome,
    ) -> None:
        try:
            outcome.messages = self._deliver(request, messages)
        except SlackApiError as error:
            outcome.slack_error = str(error.response.get("error"))
            reaction = FAILED
            log.warning(kv(event="reply_failed", entry=request.entry, channel=request.channel,
                           ts=request.message_ts, error=outcome.slack_error))
            self._tell_slack_refused(request, outcome.slack_error)
        except Exception:
            reaction = FAILED
            log.exception(kv(event="reply_failed", entry=request.entry, channel=request.channel))
        self._unreact(request.channel, react_ts, WORKING)
        self._react(request.channel, react_ts, reaction)

    def _tell_slack_refused(self, request: CheckRequest, error: str) -> None:
        """Say why no report came, in a short message that has a chance where the long failed."""
        try:
            self._deliver(request, [error_message(
                f"Slack refused my reply ({error}), so the report could not be shown. "
                "Please try again in a minute."
            )])
        except Exception:
            log.debug(kv(event="reply_failed_again", channel=request.channel), exc_info=True)

    def _post_parent(self, request: CheckRequest, parent: Message) -> CheckRequest:
        """A slash command cannot start a thread: post a parent message to answer under."""
        try:
            response = self._client.chat_postMessage(channel=request.channel, **parent)
        except SlackApiError as error:
            if error.response.get("error") not in CANNOT_POST or not request.response_url:
                raise
            return request  # thread_ts stays None: the report goes back ephemerally
        ts = str(response["ts"])
        return replace(request, thread_ts=ts, message_ts=ts)

    def _deliver(self, request: CheckRequest, messages: Sequence[Message]) -> int:
        """Post in the thread, or ephemerally through response_url where that is the only way."""
        if request.thread_ts is not None:
            for sent, message in enumerate(messages):
                try:
                    self._client.chat_postMessage(
                        channel=request.channel,
                        thread_ts=request.thread_ts,
                        unfurl_links=False,
                        unfurl_media=False,
                        **message,
                    )
                except SlackApiError as error:
                    if error.response.get("error") not in CANNOT_POST or not request.response_url:
                        raise
                    return sent + self._respond(request.response_url, messages[sent:])
            return len(messages)
        if request.response_url:
            return self._respond(request.response_url, messages)
        raise RuntimeError("a request with neither a thread nor a response_url")

    def _respond(self, response_url: str, messages: Sequence[Message]) -> int:
        # The bot token never goes to response_url: the URL is its own credential.
        webhook = WebhookClient(response_url, timeout=10)
        if len(messages) > RESPONSE_URL_USES:
            messages = [*messages[: RESPONSE_URL_USES - 1], text_message(
                "…the rest of the report does not fit in a reply only you can see. "
                "Invite me to the channel (`/invite @checkdupes`) to get it in full."
            )]
        for message in messages:
            response = webhook.send(
                text=message["text"],
                blocks=message["blocks"],
                response_type="ephemeral",
                replace_original=False,
            )
            if response.status_code != 200:
                raise RuntimeError(f"response_url answered HTTP {response.status_code}")
        return len(messages)

    def _react(self, channel: str, ts: str | None, name: str) -> None:
        self._reaction("reactions_add", channel, ts, name)

    def _unreact(self, channel: str, ts: str | None, name: str) -> None:
        self._reaction("reactions_remove", channel, ts, name)

    def _reaction(self, method: str, channel: str, ts: str | None, name: str) -> None:
        """Reactions are a courtesy: a failure (no access, already there) never stops a reply."""
        if ts is None:
            return
        try:
            getattr(self._client, method)(channel=channel, timestamp=ts, name=name)
        except SlackApiError as error:
            log.debug(kv(event="reaction_failed", method=method, name=name,
                         error=error.response.get("error")))
        except Exception:
            log.warning(kv(event="reaction_failed", method=method, name=name), exc_info=True)

    def _log(self, request: CheckRequest, outcome: _Outcome) -> None:
        log.info(kv(
            event="request",
            entry=request.entry,
            result=outcome.result,
            team=request.team,
            channel=request.channel,
            user=request.user,
            ts=request.message_ts,
            event_id=request.event_id,
            ack_ms=request.ack_ms,
            queue_ms=outcome.queue_ms,
            analysis_ms=outcome.analysis_ms,
            total_ms=_ms(time.perf_counter() - request.received),
            paragraphs=outcome.paragraphs,
            pairs=outcome.pairs,
            sentence_pairs=outcome.sentence_pairs,
            messages=outcome.messages,
            slack_error=outcome.slack_error,
        ))


def delivery_keys(
    *,
    event_id: str | None = None,
    channel: str | None = None,
    ts: str | None = None,
    trigger_id: str | None = None,
) -> tuple[str, ...]:
    """The keys a redelivery of the same request would share (see CheckRequest.dedupe_keys)."""
    keys = []
    if event_id:
        keys.append(f"event:{event_id}")
    if channel and ts:
        keys.append(f"message:{channel}:{ts}")
    if trigger_id:
        keys.append(f"trigger:{trigger_id}")
    return tuple(keys)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
