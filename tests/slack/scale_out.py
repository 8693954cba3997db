"""Web apps and worker processes sharing one Redis, all talking to one FakeSlack.

The web apps are the real app behind the real HTTP server, in this process; the workers are
real ``python -m bot worker`` subprocesses using tests.fakes.ScriptedEncoder (no model).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bot.slack.app import create_app
from bot.slack.server import serve
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import TOKEN, SlackHarness, settings_for

ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT_S = 30
# Short, so a killed worker's job is run again within seconds (production: 30 s).
LOST_AFTER_S = 3
RETRIES = 2


class WorkerProcess:
    """``python -m bot worker`` with its output in a log file the test can read."""

    def __init__(self, env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        # A scratch working directory: no .env there to add settings behind the test's back.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"], cwd=log_path.parent, env=dict(env),
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def lines(self, pattern: str) -> list[str]:
        return [line for line in self.log().splitlines() if re.search(pattern, line)]

    def wait_ready(self, timeout: float = WORKER_START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while not self.lines(r"Listening on"):
            if not self.alive() or time.monotonic() > deadline:
                raise AssertionError(f"worker {self.pid} did not start:\n{self.log()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye; whatever job it holds is abandoned."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class ScaleOut:
    """Two web apps, N workers; ``web`` alternates between the web apps."""

    def __init__(self, fake: FakeSlack, webs: list[SlackHarness], worker_env: dict[str, str],
                 directory: Path) -> None:
        self.fake = fake
        self.webs = webs
        self.workers: list[WorkerProcess] = []
        self._worker_env = worker_env
        self._directory = directory

    def start_workers(self, count: int) -> None:
        started = []
        for _ in range(count):
            n = len(self.workers) + 1
            folder = self._directory / f"worker{n}"
            folder.mkdir()
            worker = WorkerProcess(self._worker_env, folder / "worker.log")
            self.workers.append(worker)
            started.append(worker)
        for worker in started:
            worker.wait_ready()

    def live_workers(self) -> list[WorkerProcess]:
        return [w for w in self.workers if w.alive()]

    def worker_lines(self, pattern: str) -> list[str]:
        return [line for w in self.workers for line in w.lines(pattern)]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def worker_environment(fake: FakeSlack, redis_url: str, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "CHECKDUPES_")) and k != "REDIS_URL"}
    env.update({
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_BASE_URL": fake.base_url,
        "REDIS_URL": redis_url,
        "CHECKDUPES_QUEUE": queue,
        "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:ScriptedEncoder",
        "CHECKDUPES_JOB_RETRIES": str(RETRIES),
        "CHECKDUPES_JOB_TIMEOUT_S": "30",
        "CHECKDUPES_WORKER_LOST_AFTER_S": str(LOST_AFTER_S),
        "CHECKDUPES_LOG_LEVEL": "INFO",
    })
    return env


@contextmanager
def running_scale_out(
    redis_url: str, queue: str, directory: Path, *, workers: int = 2,
    worker_env: Mapping[str, str] | None = None, **env: str,
) -> Iterator[ScaleOut]:
    """FakeSlack, two web apps on their own ports sharing Redis, and ``workers`` workers.

    ``env`` is added to the web apps' settings, ``worker_env`` to the workers' environment.
    """
    with ExitStack() as stack:
        fake = FakeSlack(TOKEN).start()
        stack.callback(fake.close)
        web_env = {
            "REDIS_URL": redis_url,
            "CHECKDUPES_QUEUE": queue,
            # A web process with REDIS_URL never loads a model: this factory would fail it.
            "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:no_encoder",
            **env,
        }
        webs = []
        for _ in range(2):
            settings = settings_for(fake, **web_env)
            server = serve(create_app(settings), "127.0.0.1", 0)
            stack.callback(server.close)
            harness = SlackHarness(fake, server, settings)
            stack.callback(harness.close)
            webs.append(harness)
        workers_env = {**worker_environment(fake, redis_url, queue), **(worker_env or {})}
        cluster = ScaleOut(fake, webs, workers_env, directory)
        stack.callback(cluster.stop)
        cluster.start_workers(workers)
        yield cluster
