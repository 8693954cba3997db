"""The Redis side of the web process: an RQ queue of requests, and deliveries remembered in
Redis so that a Slack retry reaching another process (or machine) is still recognised."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.serializers import JSONSerializer

from bot.settings import Settings
from bot.slack.local_queue import DEDUPE_TTL_S
from bot.slack.request import CheckRequest

# Named, not imported: RQ stores the name and the worker imports it.
JOB_FUNCTION = "bot.slack.scale.jobs.check"
FAILURE_CALLBACK = "bot.slack.scale.jobs.on_failure"
# JSON, not RQ's default pickle: the payload is plain data anyway, json.dumps refuses a client
# or a model that slipped into it, and whoever can write to Redis cannot run code in workers.
SERIALIZER = JSONSerializer
# A failed job holds article text: keep it an hour for `rq info`, not RQ's default year.
FAILED_JOB_TTL_S = 3600


def connect_redis(url: str) -> Redis:
    """A client for REDIS_URL; nothing is sent until the first command.

    The timeouts keep a Redis that stopped answering from holding a listener thread forever.
    """
    return Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10,
                          health_check_interval=30)


def unreachable(url: str) -> str | None:
    """None when Redis at ``url`` answers PING; else why not, in one line."""
    try:
        connect_redis(url).ping()
    except RedisError as error:
        return f"cannot reach Redis at {redacted(url)} ({error})."
    return None


def redacted(url: str) -> str:
    """REDIS_URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


def job_queue(redis: Redis, settings: Settings) -> Queue:
    """The RQ queue web processes put requests on and workers take them from."""
    return Queue(settings.queue_name, connection=redis, serializer=SERIALIZER)


class RedisQueue:
    """Requests queued as RQ jobs whose only argument is ``CheckRequest.to_payload()``."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._queue = job_queue(redis, settings)
        # Shared by every worker, so the wait it bounds grows with the workers' count.
        self._size = settings.queue_size
        self._retries = settings.job_retries
        self._timeout = settings.job_timeout_s

    def submit(self, request: CheckRequest) -> bool:
        # Count, then enqueue: not atomic, so a burst may overshoot the bound by a few; the
        # bound only keeps users from waiting very long without knowing.
        if self._queue.count >= self._size:
            return False
        self._queue.enqueue(
            JOB_FUNCTION,
            request.to_payload(),
            job_timeout=self._timeout,
            retry=Retry(max=self._retries) if self._retries else None,
            on_failure=Callback(FAILURE_CALLBACK),
            result_ttl=0,  # nothing to keep: the answer went to Slack
            failure_ttl=FAILED_JOB_TTL_S,
            # RQ logs the description; the default one would hold the article's text.
            description=f"check {request.entry} event_id={request.event_id} "
                        f"channel={request.channel} ts={request.message_ts}",
        )
        return True


class RedisRecentKeys:
    """bot.slack.local_queue.RecentKeys in Redis: one ``SET key NX EX ttl`` per delivery key."""

    def __init__(self, redis: Redis, namespace: str, ttl: int = DEDUPE_TTL_S) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:seen:"
        self._ttl = ttl

    def first_time(self, keys: Iterable[str]) -> bool:
        names = [self._prefix + k for k in keys if k]
        if not names:
            return True
        # One MULTI/EXEC: two deliveries of the same message sharing two keys can then not
        # interleave and each win one key, which would leave the request unanswered.
        with self._redis.pipeline(transaction=True) as pipe:
            for name in names:
                pipe.set(name, b"1", nx=True, ex=self._ttl)
            won = pipe.execute()
        return all(won)
