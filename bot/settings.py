"""Settings for the command line and the Slack app, read once from the environment and
validated in one place (every variable is listed, with a comment, in .env.example)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.archive import ENV_VARIABLES as ARCHIVE_ENV_VARIABLES
from bot.archive import ArchiveError, ArchiveSettings
from bot.archive.feedback import FeedbackStore, open_feedback
from bot.core.encoders import DEFAULT_KIND as DEFAULT_ENCODER
from bot.core.encoders import KINDS as ENCODER_KINDS
from bot.core.errors import BadSetting

DEFAULT_API_BASE_URL = "https://slack.com/api/"
SLACK_FILE_HOST = "files.slack.com"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_REDIS_SCHEMES = ("redis", "rediss", "unix")
DEFAULT_QUEUE = "checkdupes"
# Every variable from_env reads; .env.example documents each (a test holds them together).
ENV_VARIABLES = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT", "SLACK_API_BASE_URL",
    "CHECKDUPES_FETCH_ALLOW", "CHECKDUPES_MAX_CHARS", "CHECKDUPES_WORKERS",
    "CHECKDUPES_QUEUE_SIZE", "CHECKDUPES_MAX_FILE_BYTES", "CHECKDUPES_LOG_LEVEL",
    "CHECKDUPES_ENCODER", "CHECKDUPES_ENCODER_FACTORY", "REDIS_URL", "CHECKDUPES_QUEUE",
    "CHECKDUPES_JOB_RETRIES", "CHECKDUPES_JOB_TIMEOUT_S", "CHECKDUPES_WORKER_LOST_AFTER_S",
    "CHECKDUPES_FEEDBACK",
    *ARCHIVE_ENV_VARIABLES,  # read by ArchiveSettings.from_env, which the CLI shares
)


_FACTORY = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")
_QUEUE_NAME = re.compile(r"[\w.-]+")


class ConfigError(BadSetting):
    """A missing or malformed setting, explained in one line (startup stops on it)."""


@dataclass(frozen=True)
class Settings:
    # Secrets stay out of repr() so that logging a Settings never leaks them.
    bot_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    port: int = 3000
    api_base_url: str = DEFAULT_API_BASE_URL
    fetch_allow: str = ""
    max_chars: int = 200_000
    workers: int = 2
    queue_size: int = 32
    max_file_bytes: int = 1_000_000
    log_level: str = "INFO"
    encoder: str = DEFAULT_ENCODER
    # "module:callable" returning an Encoder, used instead of ``encoder`` (tests, experiments).
    encoder_factory: str = ""
    # Set: web processes only verify, ack and queue; ``python -m bot worker`` processes check.
    redis_url: str = field(default="", repr=False)  # may hold a password
    queue_name: str = DEFAULT_QUEUE
    job_retries: int = 2
    job_timeout_s: int = 120
    worker_lost_after_s: int = 30
    # "Seen before": where the archive of checked stories lives (disabled when empty).
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    # The buttons' store ("not a repeat" verdicts, what each report showed): this SQLite file
    # when set, else the archive's database, else bot.archive.feedback.DEFAULT_PATH.
    feedback_path: str = ""

    def open_feedback(self) -> FeedbackStore:
        """Raises ArchiveError (one line) when the store cannot be opened."""
        return open_feedback(path=self.feedback_path, database_url=self.archive.database_url,
                             archive_path=self.archive.path)

    @property
    def scaled_out(self) -> bool:
        return bool(self.redis_url)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def file_origins(self) -> frozenset[tuple[str, str]]:
        """(scheme, host[:port]) pairs the bot token may be sent to when downloading files.

        Slack serves uploads from files.slack.com; a non-default API base URL (a test server,
        a proxy) serves them from its own origin, and already receives the token anyway.
        """
        origins = {("https", SLACK_FILE_HOST)}
        api = urlsplit(self.api_base_url)
        if api.hostname not in ("slack.com", None):
            origins.add((api.scheme, api.netloc))
        return frozenset(origins)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], *, slack: bool = True, worker: bool = False
    ) -> Settings:
        """Build Settings from a mapping such as os.environ; raise ConfigError on bad input.

        ``slack=False``: for the command line, which needs no Slack credentials (every value
        is still validated). ``worker``: for ``python -m bot worker``, which needs the bot
        token and REDIS_URL but neither the signing secret nor the app token (it never hears
        from Slack).
        """

        def text(name: str, default: str = "") -> str:
            return env.get(name, default).strip() or default

        bot_token = text("SLACK_BOT_TOKEN")
        signing_secret = text("SLACK_SIGNING_SECRET")
        app_token = text("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
                "(Basic Information > App-Level Tokens, scope connections:write)."
            )
        redis_url = text("REDIS_URL")
        if redis_url and urlsplit(redis_url).scheme not in _REDIS_SCHEMES:
            raise ConfigError(
                "REDIS_URL must start with redis://, rediss:// or unix:// "
                "(e.g. redis://localhost:6379/0)."
            )
        missing = [] if bot_token or not slack else ["SLACK_BOT_TOKEN"]
        if not slack:
            why = ""
        elif worker:
            if not redis_url:
                missing.append("REDIS_URL")
            why = "python -m bot worker takes its jobs from Redis and answers in Slack"
        else:
            if not app_token and not signing_secret:
                missing.append("SLACK_SIGNING_SECRET")
            mode = "Socket Mode" if app_token else "HTTP mode"
            why = f"{mode} needs SLACK_BOT_TOKEN and " + (
                "SLACK_APP_TOKEN" if app_token else "SLACK_SIGNING_SECRET"
            )
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise ConfigError(f"{' and '.join(missing)} {verb} not set ({why}); see .env.example.")
        api_base_url = text("SLACK_API_BASE_URL", DEFAULT_API_BASE_URL)
        if urlsplit(api_base_url).scheme not in ("http", "https"):
            raise ConfigError(f"SLACK_API_BASE_URL must be an http(s) URL, not {api_base_url!r}.")
        if not api_base_url.endswith("/"):
            api_base_url += "/"  # slack_sdk joins method names onto it
        log_level = text("CHECKDUPES_LOG_LEVEL", "INFO").upper()
        if log_level not in _LOG_LEVELS:
            raise ConfigError(
                f"CHECKDUPES_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {log_level!r}."
            )
        encoder = text("CHECKDUPES_ENCODER", DEFAULT_ENCODER).lower()
        if encoder not in ENCODER_KINDS:
            raise ConfigError(
                f"CHECKDUPES_ENCODER must be one of {', '.join(ENCODER_KINDS)}, not {encoder!r}."
            )
        encoder_factory = text("CHECKDUPES_ENCODER_FACTORY")
        if encoder_factory and not _FACTORY.fullmatch(encoder_factory):
            raise ConfigError(
                "CHECKDUPES_ENCODER_FACTORY must be module:callable (e.g. mypkg.encoders:make), "
                f"not {encoder_factory!r}."
            )
        try:
            archive = ArchiveSettings.from_env(env)
        except ArchiveError as error:
            raise ConfigError(f"{error}.") from None
        queue_name = text("CHECKDUPES_QUEUE", DEFAULT_QUEUE)
        if not _QUEUE_NAME.fullmatch(queue_name):
            raise ConfigError(
                f"CHECKDUPES_QUEUE must be letters, digits, '.', '_' or '-', not {queue_name!r}."
            )
        return cls(
            bot_token=bot_token,
            signing_secret=signing_secret,
            app_token=app_token,
            port=_integer(env, "PORT", 3000, low=0, high=65535),
            api_base_url=api_base_url,
            fetch_allow=text("CHECKDUPES_FETCH_ALLOW"),
            max_chars=_integer(env, "CHECKDUPES_MAX_CHARS", 200_000, low=1),
            workers=_integer(env, "CHECKDUPES_WORKERS", 2, low=1, high=64),
            queue_size=_integer(env, "CHECKDUPES_QUEUE_SIZE", 32, low=0),
            max_file_bytes=_integer(env, "CHECKDUPES_MAX_FILE_BYTES", 1_000_000, low=1),
            log_level=log_level,
            encoder=encoder,
            encoder_factory=encoder_factory,
            redis_url=redis_url,
            queue_name=queue_name,
            job_retries=_integer(env, "CHECKDUPES_JOB_RETRIES", 2, low=0, high=10),
            job_timeout_s=_integer(env, "CHECKDUPES_JOB_TIMEOUT_S", 120, low=1),
            worker_lost_after_s=_integer(env, "CHECKDUPES_WORKER_LOST_AFTER_S", 30, low=1),
            archive=archive,
            feedback_path=text("CHECKDUPES_FEEDBACK"),
        )


def _integer(
    env: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{name} must be {bounds}, not {value}.")
    return value
