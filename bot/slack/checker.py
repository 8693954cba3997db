"""The one "analyze and reply" path, run by whichever worker takes a request.

In one process a thread of bot.slack.local_queue runs it; with Redis a ``python -m bot worker``
process runs it (bot.slack.scale.jobs). Either way: read the input, analyze (with an archive:
compare with stories checked before, then keep it), post the report in the thread (or
ephemerally where the bot may not post), and finish with ✅ or ⚠️.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.archive import Archive, ArchiveError, check_with_archive, message_links
from bot.archive.feedback import (
    FeedbackStore,
    PairKey,
    ReportRecord,
    drop_not_repeats,
    new_report_id,
    record_report,
)
from bot.core.analyze import Analyzer, Limits, Report
from bot.core.embed import Encoder
from bot.core.encoders import load_encoder
from bot.core.errors import CheckdupesError
from bot.core.segment import Document
from bot.core.sources import ArticleFetcher
from bot.core.timing import ms
from bot.links import FetchPolicy, LinkFetcher
from bot.render.slack import (
    Message,
    checking_message,
    error_message,
    failure_message,
    render_report,
)
from bot.settings import Settings
from bot.slack.conversations import Conversations
from bot.slack.files import FileDownloader
from bot.slack.logfmt import kv
from bot.slack.messages import InputReader
from bot.slack.replies import DONE, FAILED, WORKING, Outcome, Replier
from bot.slack.request import CheckRequest

log = logging.getLogger("bot.requests")

# The line above a report that updates an earlier one, by the request's entry.
_NOTES = {"edit": "Checked again after your edit.", "recheck": "Checked again."}

Checkpoint = Callable[[CheckRequest], None]


def _no_checkpoint(request: CheckRequest) -> None:
    pass


class Checker:
    def __init__(
        self,
        *,
        analyzer: Analyzer,
        inputs: InputReader,
        replies: Replier,
        conversations: Conversations,
        archive: Archive | None = None,
        feedback: FeedbackStore | None = None,
    ) -> None:
        self._analyzer = analyzer
        self._inputs = inputs
        self._replies = replies
        self._conversations = conversations
        self._archive = archive
        self._feedback = feedback

    def run(
        self,
        request: CheckRequest,
        *,
        raise_errors: bool = False,
        checkpoint: Checkpoint = _no_checkpoint,
    ) -> None:
        """Check ``request`` and answer it.

        Bad input (a CheckdupesError) is always answered with its reason. Any other error is
        answered with a short "something went wrong", unless ``raise_errors``: then it
        propagates, for a queue that runs the request again and calls ``give_up`` when it
        stops trying. ``checkpoint`` receives the request again whenever it changes (a
        slash command's parent message was posted), so a later attempt answers in the same
        thread instead of posting a second parent.
        """
        outcome = Outcome()
        if request.queued_at is not None:
            outcome.queue_ms = ms(max(0.0, time.time() - request.queued_at))
        react_ts = request.message_ts
        replaced = self._replaced(request)
        messages: list[Message]
        report: Report | None = None
        report_id = new_report_id()
        try:
            read = self._inputs.read(
                request.content,
                channel=request.channel,
                message_ts=request.message_ts,
                thread_parent_ts=request.thread_parent_ts,
            )
            documents, source_ts = read.documents, read.message_ts
            outcome.paragraphs = sum(len(d.paragraphs) for d in documents)
            self._analyzer.check(documents)  # a too-short text gets no parent message
            if request.thread_ts is None:
                request = self._replies.post_parent(
                    request, checking_message(outcome.paragraphs, request.user)
                )
                checkpoint(request)
                react_ts = request.message_ts
                self._replies.react(request.channel, react_ts, WORKING)
                # A slash command's text is in no message: the parent posted for it, whose
                # thread holds the report, stands for it (None where it could not be posted).
                source_ts = request.message_ts
            started = time.perf_counter()
            report = self._analyze(request, documents, source_ts)
            outcome.analysis_ms = ms(time.perf_counter() - started)
            outcome.pairs, outcome.sentence_pairs = len(report.pairs), len(report.sentence_pairs)
            if report.seen_before is not None:
                outcome.seen_before = len(report.seen_before)
            # Buttons only where their answers can go: a thread, and a store to key them in.
            buttons = request.thread_ts is not None and self._feedback is not None
            messages = render_report(report, report_id=report_id if buttons else None,
                                     note=_NOTES.get(request.entry))
            reaction = DONE
        except CheckdupesError as error:
            outcome.result = f"rejected:{type(error).__name__}"
            messages, reaction = [error_message(str(error))], FAILED
        except Exception as error:
            if raise_errors:
                # No traceback here: the queue logs it with the job, once per attempt.
                log.warning(kv(event="request_failed", entry=request.entry,
                               channel=request.channel, ts=request.message_ts,
                               event_id=request.event_id, error=type(error).__name__))
                raise
            log.exception(kv(event="request_failed", entry=request.entry, channel=request.channel,
                             ts=request.message_ts, event_id=request.event_id))
            outcome.result = "error"
            messages, reaction = [failure_message()], FAILED
        remember = None
        if report is not None and request.thread_ts is not None:
            remember = partial(self._remember, report, report_id, request)
        self._replies.finish(
            request, react_ts, messages, reaction, outcome,
            replacing=replaced.messages if replaced else (), on_posted=remember,
        )
        self._replies.log(request, outcome)

    def _replaced(self, request: CheckRequest) -> ReportRecord | None:
        """The earlier report a check again updates in place (None: post a new one)."""
        if request.replaces is None or self._feedback is None:
            return None
        try:
            return self._feedback.report(request.replaces)
        except ArchiveError:
            log.warning(kv(event="feedback_failed", step="report", channel=request.channel))
            return None

    def _remember(
        self, report: Report, report_id: str, request: CheckRequest, posted: list[str]
    ) -> None:
        """What the buttons of the posted report need; a failure costs only the buttons."""
        if self._feedback is None:
            return
        try:
            self._feedback.save_report(record_report(
                report, report_id=report_id, team=request.team or "", channel=request.channel,
                asker=request.user, source_ts=request.message_ts, thread_ts=request.thread_ts,
                request=request.to_payload(), messages=posted,
            ))
        except ArchiveError:
            log.warning(kv(event="feedback_failed", step="save_report", channel=request.channel))

    def _not_repeats(self, team: str) -> set[PairKey]:
        if self._feedback is None:
            return set()
        try:
            return self._feedback.not_repeats(team)
        except ArchiveError:
            # The report goes out all the same, with the pairs marked "not a repeat" in it.
            log.warning(kv(event="feedback_failed", step="not_repeats", team=team))
            return set()

    def _analyze(
        self, request: CheckRequest, documents: list[Document], source_ts: str | None
    ) -> Report:
        """The report, with "seen before" and the documents archived when there is an archive,
        without the pairs this workspace marked "not a repeat" (dropped before grouping).

        An archive failure never fails the request (best_effort): it is logged and the report
        comes without "seen before".
        """
        not_repeats = self._not_repeats(request.team or "")
        if self._archive is None:  # no Slack look-ups for an archive that is not there
            return drop_not_repeats(self._analyzer.analyze(documents), not_repeats)
        permalink = self._conversations.permalink(request.channel, source_ts)
        report = check_with_archive(
            self._analyzer,
            documents,
            self._archive,
            team=request.team or "",
            channel=request.channel,
            links=message_links(documents, permalink),
            private=self._conversations.is_private(request.channel),
            best_effort=True,
            asked_by=request.user,
        )
        return drop_not_repeats(report, not_repeats)

    def give_up(self, request: CheckRequest, *, reason: str) -> None:
        """The last attempt failed, or its worker died: ⚠️ and a short message, never a trace."""
        log.warning(kv(event="request_given_up", entry=request.entry, channel=request.channel,
                       ts=request.message_ts, event_id=request.event_id, reason=reason))
        outcome = Outcome(result="error")
        self._replies.finish(request, request.message_ts, [failure_message()], FAILED, outcome)
        self._replies.log(request, outcome)


def build_client(settings: Settings) -> WebClient:
    """The Web API client: settings' base URL, and 429s retried after Retry-After."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_base_url,
        timeout=30,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )


def build_analyzer(settings: Settings, encoder: Encoder | None = None) -> Analyzer:
    """The engine with the request limits from settings; the model it names unless given one.

    Loading the model takes seconds: call this once, at startup.
    """
    encoder = encoder or load_encoder(
        settings.encoder,
        factory=settings.encoder_factory,
        # `checkdupes --prepare` in a deploy step spares the first start this wait.
        on_prepare=lambda: log.info(kv(event="preparing_model", once="~10 s")),
    )
    return Analyzer(encoder, limits=Limits(max_chars=settings.max_chars))


def build_checker(
    settings: Settings,
    client: WebClient,
    analyzer: Analyzer,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
    feedback: FeedbackStore | None = None,
) -> Checker:
    """The analyze-and-reply step, as a thread of the app or a worker process runs it.

    ``feedback`` (opened from settings unless given) keeps what the report's buttons need.
    """
    fetcher = fetcher or LinkFetcher(FetchPolicy.from_allow_string(settings.fetch_allow))
    downloader = FileDownloader(settings.bot_token, settings.file_origins, settings.max_file_bytes)
    return Checker(
        analyzer=analyzer,
        inputs=InputReader(client, downloader, fetcher, Limits(max_chars=settings.max_chars)),
        replies=Replier(client),
        conversations=Conversations(client),
        archive=archive,
        feedback=feedback or settings.open_feedback(),
    )
