"""A throwaway redis-server for the scale-out tests: loopback, a free port, a temp dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

STARTUP_TIMEOUT_S = 10


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Run redis-server until the block ends; yields its redis:// URL."""
    binary = redis_server_binary()
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = free_port()  # another process could take it first: then startup fails loudly
    log = (directory / "redis.log").open("wb")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
         "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_up(url, process, directory)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    client = Redis.from_url(url, socket_connect_timeout=1)
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"redis-server exited: {(directory / 'redis.log').read_text(errors='replace')}"
            )
        try:
            client.ping()
            return
        except RedisConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def scratch_queue(url: str) -> Iterator[str]:
    """A queue name (and key prefix) of the caller's own, its keys removed afterwards: a
    shared Redis given as REDIS_URL may hold a real deployment's queue."""
    name = f"checkdupes-test-{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        redis = Redis.from_url(url)
        keys = list(redis.scan_iter(match=f"*{name}*", count=1000))
        if keys:
            redis.delete(*keys)
        redis.close()
