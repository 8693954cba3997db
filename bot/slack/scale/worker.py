"""``python -m bot worker``: one RQ worker process that checks requests and replies.

Why RQ's SimpleWorker (jobs run in this process) and not its forking Worker: the model is
loaded once, here, at startup, and every job uses it warm. A forked child per job would
inherit the model copy-on-write but start cold every time (torch's thread pool is reset
after fork and Python's refcounting slowly copies the pages), and the Slack client's
connections and the link cache would die with each child.

What SimpleWorker lacks is a heartbeat while a job runs: RQ then marks a job abandoned only
job_timeout + 60 s after it started. CheckWorker beats every third of
CHECKDUPES_WORKER_LOST_AFTER_S, so a worker that dies (SIGKILL, OOM, lost machine) is
noticed after that long, and the next worker's maintenance pass (same interval) runs the job
again: RQ's StartedJobRegistry cleanup calls the failure callback and retries the job, or
gives up when no retry is left.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from rq import Queue, SimpleWorker
from rq.job import Job
from slack_sdk.errors import SlackApiError

from bot.archive import ArchiveError
from bot.settings import Settings
from bot.slack.checker import build_analyzer, build_checker, build_client
from bot.slack.logfmt import kv
from bot.slack.scale import jobs
from bot.slack.scale.redis_queue import SERIALIZER, connect_redis, job_queue, unreachable

log = logging.getLogger("bot.worker")

# RQ's idle worker blocks on Redis for worker_ttl - 15 s between maintenance passes.
_RQ_DEQUEUE_MARGIN_S = 15


class StartupError(Exception):
    """The worker cannot start; the message is one line for the operator."""


class CheckWorker(SimpleWorker):
    """SimpleWorker with a heartbeat thread while a job runs (see the module's docstring)."""

    def __init__(self, queue: Queue, *, lost_after_s: int, **options: Any) -> None:
        self.lost_after_s = lost_after_s
        super().__init__(
            [queue],
            connection=queue.connection,
            serializer=SERIALIZER,
            # How often this worker looks for jobs whose worker died; an idle worker wakes
            # from its blocking wait for the next job that often too.
            maintenance_interval=lost_after_s,
            worker_ttl=lost_after_s + _RQ_DEQUEUE_MARGIN_S,
            **options,
        )

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # How long a running job's registry entry lives without a beat (RQ's own
        # SimpleWorker says job_timeout + 60, having no beat at all).
        return self.lost_after_s

    def execute_job(self, job: Job, queue: Queue) -> None:
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, stop), name="heartbeat",
                                daemon=True)
        beat.start()
        try:
            super().execute_job(job, queue)
        finally:
            stop.set()
            beat.join()

    def _beat(self, job: Job, stop: threading.Event) -> None:
        while not stop.wait(self.lost_after_s / 3):
            executions = list(self.executions.values())
            if not executions:
                continue
            try:
                self.maintain_heartbeats(job, executions[0])
            except Exception:
                # The next beat tries again; only lost_after_s without one loses the job.
                log.warning(kv(event="heartbeat_failed", job=job.id), exc_info=True)


def start_worker(settings: Settings) -> CheckWorker:
    """Connect to Redis and Slack, open the archive, load the model, install the Checker;
    raise StartupError."""
    problem = unreachable(settings.redis_url)
    if problem:
        raise StartupError(problem)
    client = build_client(settings)
    try:
        client.auth_test()
    except SlackApiError as error:
        raise StartupError(
            f"Slack refused the bot token ({error.response.get('error')}); "
            "check SLACK_BOT_TOKEN."
        ) from None
    except OSError as error:  # URLError included: Slack unreachable
        raise StartupError(
            f"cannot reach Slack at {settings.api_base_url} ({getattr(error, 'reason', error)})."
        ) from None
    try:
        archive = settings.archive.open()  # once per process, like the model
        feedback = settings.open_feedback()  # what the reports' buttons need, and verdicts
    except ArchiveError as error:
        raise StartupError(str(error)) from None
    log.info(kv(event="loading_model"))
    analyzer = build_analyzer(settings)  # once per process: every job uses it
    jobs.install(build_checker(settings, client, analyzer, archive=archive, feedback=feedback))
    queue = job_queue(connect_redis(settings.redis_url), settings)
    return CheckWorker(queue, lost_after_s=settings.worker_lost_after_s)

