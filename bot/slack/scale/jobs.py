"""What a worker process runs for each RQ job, and what RQ calls when a job fails.

RQ finds both by their dotted names, so the worker's parts (Slack client, model) cannot be
passed in: ``python -m bot worker`` builds one Checker at startup and ``install``s it here,
and every job in that process uses it. Nothing else sets it, and no test patches it.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from redis import Redis
from rq import get_current_job
from rq.job import Job

from bot.slack.checker import Checker
from bot.slack.logfmt import kv
from bot.slack.request import CheckRequest

log = logging.getLogger("bot.jobs")

# job.meta keys: the request as last checkpointed (a slash command's parent was posted), and
# how many attempts have started (RQ counts only the retries left).
CHECKPOINT, ATTEMPTS = "request", "attempts"

_checker: Checker | None = None


def install(checker: Checker) -> None:
    """Make ``checker`` run this process's jobs (once, at worker startup)."""
    global _checker
    _checker = checker


def _installed() -> Checker:
    if _checker is None:
        raise RuntimeError("no Checker installed: jobs run only in `python -m bot worker`")
    return _checker


def check(payload: dict[str, Any]) -> None:
    """The RQ job: analyze and reply. Unexpected errors propagate, for RQ to retry."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("bot.slack.scale.jobs.check runs only as an RQ job")
    request = _request(job, payload)
    job.meta[ATTEMPTS] = int(job.meta.get(ATTEMPTS, 0)) + 1
    job.save_meta()
    log.info(kv(event="job_started", job=job.id, event_id=request.event_id,
                attempt=job.meta[ATTEMPTS], retries_left=job.retries_left or 0))
    _installed().run(request, raise_errors=True, checkpoint=lambda r: _checkpoint(job, r))


def on_failure(
    job: Job,
    connection: Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
) -> None:
    """RQ's failure callback: after an exception or timeout, and for a job whose worker died
    (AbandonedJobError, called by the worker that found it). RQ calls it before deciding
    whether to retry, so it speaks only once no retry is left."""
    if job.retries_left:
        return
    payload = job.args[0] if job.args else {}
    reason = exc_type.__name__ if exc_type is not None else "unknown"
    if _checker is None:
        # RQ's registry cleanup also runs in processes that are not workers (`rq info`
        # counts jobs that way): no Slack client here to tell the user with.
        log.error(kv(event="request_given_up_silently", job=job.id, reason=reason))
        return
    _checker.give_up(_request(job, payload), reason=reason)


def _request(job: Job, payload: dict[str, Any]) -> CheckRequest:
    return CheckRequest.from_payload(job.meta.get(CHECKPOINT) or payload)


def _checkpoint(job: Job, request: CheckRequest) -> None:
    job.meta[CHECKPOINT] = request.to_payload()
    job.save_meta()

