"""The bounded worker pool and the delivery deduper."""

from __future__ import annotations

import threading

from bot.slack.local_queue import RecentKeys, WorkQueue


def test_queue_refuses_work_beyond_workers_plus_size() -> None:
    queue = WorkQueue(workers=1, size=1)
    gate, ran = threading.Event(), []

    def slow() -> None:
        gate.wait(5)
        ran.append(1)

    try:
        assert queue.submit(slow)
        assert queue.submit(lambda: ran.append(2))
        assert not queue.submit(lambda: ran.append(3))
        gate.set()
    finally:
        queue.shutdown()
    assert ran == [1, 2]


def test_a_crashing_job_frees_its_slot() -> None:
    queue = WorkQueue(workers=1, size=0)
    done = threading.Event()

    def crash() -> None:
        raise RuntimeError("a job that forgot to handle its errors")

    try:
        assert queue.submit(crash)
        for _ in range(100):  # the slot comes back once the crash is logged
            if queue.submit(done.set):
                break
            threading.Event().wait(0.01)
        assert done.wait(5)
    finally:
        queue.shutdown()


def test_recent_keys_match_on_any_shared_key() -> None:
    recent = RecentKeys()

    assert recent.first_time(["event:1", "message:C:1"])
    assert not recent.first_time(["event:1"])  # a retry
    assert not recent.first_time(["event:2", "message:C:1"])  # the same message, other event
    assert recent.first_time(["event:3", "message:C:2"])


def test_recent_keys_forget_after_the_ttl_and_beyond_capacity() -> None:
    now = [0.0]
    recent = RecentKeys(ttl=10, capacity=3, clock=lambda: now[0])
    assert recent.first_time(["a"])

    now[0] = 11
    assert recent.first_time(["a"])  # expired

    for key in "bcd":
        recent.first_time([key])
    assert recent.first_time(["a"])  # pushed out by b, c, d
