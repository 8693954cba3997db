"""create_app: the Bolt app with its listeners, built from Settings and injected parts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot.archive import Archive
from bot.archive.feedback import FeedbackStore
from bot.core.analyze import Analyzer
from bot.core.sources import ArticleFetcher
from bot.settings import Settings
from bot.slack.actions import ReportActions
from bot.slack.archive_commands import ArchiveCommands
from bot.slack.checker import build_analyzer, build_checker, build_client
from bot.slack.listeners import register_all
from bot.slack.local_queue import LocalQueue, RecentKeys, WorkQueue
from bot.slack.replies import Replier
from bot.slack.scale.redis_queue import RedisQueue, RedisRecentKeys, connect_redis
from bot.slack.service import CheckService, RecentDeliveries, RequestQueue
from bot.slack.users import Users

# Bolt runs each listener on this pool and holds a command's HTTP response until the
# listener acks; its default of 5 threads would make a burst of commands wait for an ack.
LISTENER_THREADS = 16


def bolt_logger() -> logging.Logger:
    """The base logger Bolt copies into each of its own: WARNING and above only.

    Below that Bolt logs request bodies (a refused request's at INFO, every payload at
    DEBUG), and they hold article text; bot.slack.server logs refusals without the body.
    """
    logger = logging.getLogger("bot.bolt")
    logger.setLevel(logging.WARNING)
    if not any(f is _same_token_warning for f in logger.filters):
        logger.addFilter(_same_token_warning)
    return logger


def _same_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns that the client's
    # token wins over it: the client create_app passes carries that very token.
    return "`token` will be unused" not in record.getMessage()


@dataclass(frozen=True)
class SlackBot:
    """The app, and how to stop it: ``drain(timeout)`` takes no more checks, waits up to
    ``timeout`` seconds for those running or waiting here, and says how many did not finish
    (always 0 with REDIS_URL: the workers check, and finish their job on SIGTERM)."""

    app: App
    drain: Callable[[float], int]


def create_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    analyzer: Analyzer | None = None,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
    feedback: FeedbackStore | None = None,
) -> App:
    """The Slack app (see create_bot)."""
    return create_bot(
        settings, client=client, analyzer=analyzer, fetcher=fetcher, archive=archive,
        feedback=feedback,
    ).app


def create_bot(
    settings: Settings,
    *,
    client: WebClient | None = None,
    analyzer: Analyzer | None = None,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
    feedback: FeedbackStore | None = None,
) -> SlackBot:
    """The Slack app. Calls auth.test once (through ``client``) to learn who the bot is.

    Without REDIS_URL it checks requests on its own threads with ``analyzer`` (loaded here
    unless given). With REDIS_URL it only verifies, acks and queues: no model is loaded, and
    ``analyzer`` and ``fetcher`` are not used (the workers have their own).
    ``archive`` (opened here from settings unless given) answers `/checkdupes archive` and
    `forget`, and, without REDIS_URL, gives the checks their "seen before".
    ``feedback`` (opened from settings unless given) answers the report's buttons and,
    without REDIS_URL, keeps what they need.
    """
    client = client or build_client(settings)
    if archive is None:
        # Once per process (raises ArchiveError): every thread shares the handle.
        archive = settings.archive.open()
    feedback = feedback or settings.open_feedback()
    queue, recent = build_intake(settings, client, analyzer, fetcher, archive, feedback)
    app = App(
        name="checkdupes",
        client=client,
        signing_secret=settings.signing_secret,
        logger=bolt_logger(),
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="bolt"),
    )
    service = CheckService(replies=Replier(client), queue=queue, recent=recent)
    users = Users(client)
    actions = ReportActions(client, feedback, service, users)
    register_all(app, service, ArchiveCommands(archive, users), actions)
    drain = queue.drain if isinstance(queue, LocalQueue) else _nothing_to_drain
    return SlackBot(app, drain)


def _nothing_to_drain(timeout: float) -> int:
    return 0


def build_intake(
    settings: Settings,
    client: WebClient,
    analyzer: Analyzer | None = None,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
    feedback: FeedbackStore | None = None,
) -> tuple[RequestQueue, RecentDeliveries]:
    """Where requests wait and deliveries are remembered: Redis, shared by every web and
    worker process, when REDIS_URL is set; else this process's threads and memory, which
    check requests with ``analyzer`` (the model named in settings unless given)."""
    if settings.scaled_out:
        redis = connect_redis(settings.redis_url)
        return RedisQueue(redis, settings), RedisRecentKeys(redis, settings.queue_name)
    checker = build_checker(
        settings, client, analyzer or build_analyzer(settings), fetcher, archive, feedback
    )
    pool = WorkQueue(settings.workers, settings.queue_size)
    return LocalQueue(pool, checker.run), RecentKeys()


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode: Slack delivers over a websocket the app opens; no public URL needed.

    Nothing connects until ``.start()`` or ``.connect()``.
    """
    return SocketModeHandler(app, settings.app_token)
