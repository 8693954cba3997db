"""create_app: the Bolt app with its listeners, built from Settings and injected parts."""

from __future__ import annotations

import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.archive import Archive
from bot.archive_commands import ArchiveCommands
from bot.checker import Checker
from bot.config import ConfigError, Settings
from bot.conversations import Conversations
from bot.core.analyze import Analyzer, Limits
from bot.core.embed import Encoder
from bot.core.encoders import load_encoder
from bot.inputs import InputReader
from bot.links import FetchPolicy, LinkFetcher
from bot.listeners import register_all
from bot.replies import Replier
from bot.scale.redis_queue import RedisQueue, RedisRecentKeys, connect_redis
from bot.service import CheckService, RecentDeliveries, RequestQueue
from bot.slack_files import FileDownloader
from bot.sources import ArticleFetcher
from bot.work_queue import LocalQueue, RecentKeys, WorkQueue

# Bolt runs each listener on this pool and holds a command's HTTP response until the
# listener acks; its default of 5 threads would make a burst of commands wait for an ack.
LISTENER_THREADS = 16


def bolt_logger() -> logging.Logger:
    """The base logger Bolt copies into each of its own: WARNING and above only.

    Below that Bolt logs request bodies (a refused request's at INFO, every payload at
    DEBUG), and they hold article text; bot.server logs refusals without the body.
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
    return Analyzer(encoder or build_encoder(settings), limits=Limits(max_chars=settings.max_chars))


def build_encoder(settings: Settings) -> Encoder:
    """CHECKDUPES_ENCODER_FACTORY's callable when set, else the CHECKDUPES_ENCODER kind.

    The factory lets a worker process (started by a test, or an experiment) use another
    encoder without code here knowing it; raises ConfigError when it cannot be imported.
    """
    if not settings.encoder_factory:
        return load_encoder(settings.encoder)
    module_name, _, attribute = settings.encoder_factory.partition(":")
    try:
        factory: Any = importlib.import_module(module_name)
        for name in attribute.split("."):
            factory = getattr(factory, name)
    except (ImportError, AttributeError) as error:
        raise ConfigError(
            f"CHECKDUPES_ENCODER_FACTORY={settings.encoder_factory!r} cannot be loaded ({error})."
        ) from None
    encoder: Encoder = factory()
    return encoder


def build_checker(
    settings: Settings,
    client: WebClient,
    analyzer: Analyzer,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
) -> Checker:
    """The analyze-and-reply step, as a thread of the app or a worker process runs it."""
    fetcher = fetcher or LinkFetcher(FetchPolicy.from_allow_string(settings.fetch_allow))
    downloader = FileDownloader(settings.bot_token, settings.file_origins, settings.max_file_bytes)
    return Checker(
        analyzer=analyzer,
        inputs=InputReader(client, downloader, fetcher),
        replies=Replier(client),
        conversations=Conversations(client),
        archive=archive,
    )


def create_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    analyzer: Analyzer | None = None,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
) -> App:
    """The Slack app. Calls auth.test once (through ``client``) to learn who the bot is.

    Without REDIS_URL it checks requests on its own threads with ``analyzer`` (loaded here
    unless given). With REDIS_URL it only verifies, acks and queues: no model is loaded, and
    ``analyzer`` and ``fetcher`` are not used (the workers have their own).
    ``archive`` (opened here from settings unless given) answers `/checkdupes archive` and
    `forget`, and, without REDIS_URL, gives the checks their "seen before".
    """
    client = client or build_client(settings)
    if archive is None:
        # Once per process (raises ArchiveError): every thread shares the handle.
        archive = settings.archive.open()
    queue, recent = build_intake(settings, client, analyzer, fetcher, archive)
    app = App(
        name="checkdupes",
        client=client,
        signing_secret=settings.signing_secret,
        logger=bolt_logger(),
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="bolt"),
    )
    service = CheckService(replies=Replier(client), queue=queue, recent=recent)
    register_all(app, service, ArchiveCommands(archive))
    return app


def build_intake(
    settings: Settings,
    client: WebClient,
    analyzer: Analyzer | None = None,
    fetcher: ArticleFetcher | None = None,
    archive: Archive | None = None,
) -> tuple[RequestQueue, RecentDeliveries]:
    """Where requests wait and deliveries are remembered: Redis, shared by every web and
    worker process, when REDIS_URL is set; else this process's threads and memory, which
    check requests with ``analyzer`` (the model named in settings unless given)."""
    if settings.scaled_out:
        redis = connect_redis(settings.redis_url)
        return RedisQueue(redis, settings), RedisRecentKeys(redis, settings.queue_name)
    checker = build_checker(
        settings, client, analyzer or build_analyzer(settings), fetcher, archive
    )
    pool = WorkQueue(settings.workers, settings.queue_size)
    return LocalQueue(pool, checker.run), RecentKeys()


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode: Slack delivers over a websocket the app opens; no public URL needed.

    Nothing connects until ``.start()`` or ``.connect()``.
    """
    return SocketModeHandler(app, settings.app_token)
