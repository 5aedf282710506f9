"""Settings: one object, loaded once at the edge (CLI command, web app factory, scheduler).

Precedence, highest first: explicit overrides (tests, CLI flags), the
environment, the config file (``evidencewatch.toml``), the defaults below.
Every setting is declared once in ``SPECS``; the README's settings table is
checked against it by the tests.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from evidencewatch.core.errors import ConfigError
from evidencewatch.pubmed.links import EUTILS_BASE_URL as DEFAULT_EUTILS_URL


@dataclass(frozen=True, slots=True)
class SettingSpec:
    name: str  # attribute on Settings and key in the config file
    env: str | None  # environment variable, if any
    kind: type
    default: Any
    doc: str


def _ew(name: str, kind: type, default: Any, doc: str) -> SettingSpec:
    env = "EVIDENCEWATCH_" + name.upper().removesuffix("_SECONDS")  # its name, _SECONDS left off
    return SettingSpec(name, env, kind, default, doc)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "database_url",
        "EVIDENCEWATCH_DATABASE_URL",
        str,
        "sqlite:///./evidencewatch.db",
        "SQLAlchemy URL; `postgresql+psycopg://user:pass@host/db` for PostgreSQL.",
    ),
    SettingSpec(
        "eutils_url",
        "EVIDENCEWATCH_EUTILS_URL",
        str,
        DEFAULT_EUTILS_URL,
        "Base URL of NCBI E-utilities (or of the fake server).",
    ),
    SettingSpec(
        "ncbi_email",
        "NCBI_EMAIL",
        str,
        "",
        "Contact e-mail sent to NCBI with every request (required by NCBI policy).",
    ),
    SettingSpec(
        "ncbi_api_key",
        "NCBI_API_KEY",
        str,
        "",
        "NCBI API key: raises the rate limit from 3 to 10 requests/s.",
    ),
    SettingSpec(
        "tool", "EVIDENCEWATCH_TOOL", str, "evidencewatch", "`tool` parameter sent to NCBI."
    ),
    SettingSpec(
        "eutils_connect_timeout_seconds",
        "EVIDENCEWATCH_EUTILS_CONNECT_TIMEOUT",
        float,
        10.0,
        "How long to wait for NCBI to accept a connection before the attempt is retried.",
    ),
    SettingSpec(
        "eutils_read_timeout_seconds",
        "EVIDENCEWATCH_EUTILS_READ_TIMEOUT",
        float,
        60.0,
        "How long to wait for NCBI's next bytes before the attempt is retried.",
    ),
    SettingSpec(
        "eutils_deadline_seconds",
        "EVIDENCEWATCH_EUTILS_DEADLINE",
        float,
        180.0,
        "Longest one E-utilities request may take, its retries and their waits included.",
    ),
    SettingSpec(
        "seed_dir",
        "EVIDENCEWATCH_SEED_DIR",
        str,
        "",
        "Folder with findings.toml and watchlist.toml; empty = the shipped seed_evidence/.",
    ),
    SettingSpec(
        "scan_overlap_days",
        "EVIDENCEWATCH_SCAN_OVERLAP_DAYS",
        int,
        3,
        "Days each scan re-reads before the last successful scan (late-indexed records).",
    ),
    SettingSpec(
        "scan_initial_days",
        "EVIDENCEWATCH_SCAN_INITIAL_DAYS",
        int,
        30,
        "How far back the very first scan looks, in days.",
    ),
    SettingSpec(
        "fetch_batch_size", "EVIDENCEWATCH_FETCH_BATCH_SIZE", int, 500, "PMIDs per efetch request."
    ),
    SettingSpec(
        "scan_citations",
        "EVIDENCEWATCH_SCAN_CITATIONS",
        bool,
        True,
        "Each scan also asks ELink for papers citing seed-cited and accepted papers.",
    ),
    SettingSpec(
        "scan_similar_articles",
        "EVIDENCEWATCH_SCAN_SIMILAR_ARTICLES",
        bool,
        False,
        "Each scan also asks ELink for PubMed's similar articles of accepted papers.",
    ),
    SettingSpec(
        "scan_lock_wait_seconds",
        "EVIDENCEWATCH_SCAN_LOCK_WAIT",
        float,
        0.0,
        "How long a scan waits for another scan's lock before giving up.",
    ),
    SettingSpec(
        "scan_lock_stale_seconds",
        "EVIDENCEWATCH_SCAN_LOCK_STALE",
        float,
        900.0,
        "A scan lock whose heartbeat is older than this is taken over "
        "(one whose holder ran on this host and is gone: at once).",
    ),
    SettingSpec(
        "timezone", "EVIDENCEWATCH_TIMEZONE", str, "UTC", "Time zone of the schedules (IANA name)."
    ),
    SettingSpec(
        "scan_cron",
        "EVIDENCEWATCH_SCAN_CRON",
        str,
        "0 6 * * *",
        "When the scheduler scans (crontab syntax).",
    ),
    SettingSpec(
        "digest_cron",
        "EVIDENCEWATCH_DIGEST_CRON",
        str,
        "0 7 * * mon",
        "When the scheduler writes the digest (crontab syntax).",
    ),
    SettingSpec(
        "recheck_cron",
        "EVIDENCEWATCH_RECHECK_CRON",
        str,
        "0 5 * * sun",
        "When the scheduler rechecks the evidence's papers for retractions (crontab syntax).",
    ),
    SettingSpec(
        "digest_period_days",
        "EVIDENCEWATCH_DIGEST_PERIOD_DAYS",
        int,
        7,
        "Default period of a digest, in days.",
    ),
    SettingSpec(
        "digest_dir", "EVIDENCEWATCH_DIGEST_DIR", str, "./digests", "Where digests are written."
    ),
    SettingSpec(
        "summary_dir",
        "EVIDENCEWATCH_SUMMARY_DIR",
        str,
        "./summaries",
        "Where evidence summaries (drafts and published versions) are written.",
    ),
    SettingSpec(
        "secret_key",
        "EVIDENCEWATCH_SECRET_KEY",
        str,
        "",
        "Signs web session cookies; empty = a random key per process (sign-ins end on restart).",
    ),
    SettingSpec(
        "read_requires_login",
        "EVIDENCEWATCH_READ_REQUIRES_LOGIN",
        bool,
        True,
        "Whether read-only web pages (queue, candidates, digests) need sign-in.",
    ),
    _ew("login_max_failures", int, 5, "Wrong passwords per account before it is locked."),
    _ew("login_max_failures_per_address", int, 20, "Failed sign-ins per address before a lock."),
    _ew("login_failure_window_seconds", float, 900.0, "How long a failed sign-in counts."),
    _ew("login_lockout_seconds", float, 30.0, "First lockout; doubles with each failure after."),
    _ew("login_hash_workers", int, 2, "Threads that check passwords (Argon2id)."),
    _ew("login_hash_queue", int, 16, "Sign-ins that may wait for one; more get a 503."),
    _ew("session_idle_timeout_seconds", float, 7200.0, "A web session unused this long ends."),
    _ew("session_absolute_timeout_seconds", float, 43200.0, "Longest a web session lasts."),
    SettingSpec(
        "smtp_host",
        "EVIDENCEWATCH_SMTP_HOST",
        str,
        "",
        "SMTP server for mailing digests; empty = no mail.",
    ),
    SettingSpec("smtp_port", "EVIDENCEWATCH_SMTP_PORT", int, 25, "SMTP port."),
    SettingSpec("smtp_user", "EVIDENCEWATCH_SMTP_USER", str, "", "SMTP user name, if any."),
    SettingSpec("smtp_password", "EVIDENCEWATCH_SMTP_PASSWORD", str, "", "SMTP password, if any."),
    SettingSpec(
        "smtp_starttls",
        "EVIDENCEWATCH_SMTP_STARTTLS",
        bool,
        False,
        "Upgrade the SMTP connection with STARTTLS.",
    ),
    SettingSpec(
        "mail_from",
        "EVIDENCEWATCH_MAIL_FROM",
        str,
        "evidencewatch@localhost",
        "From address of digest mail.",
    ),
    SettingSpec(
        "mail_to", "EVIDENCEWATCH_MAIL_TO", str, "", "Comma-separated recipients of the digest."
    ),
    SettingSpec(
        "retrain_after_decisions",
        "EVIDENCEWATCH_RETRAIN_AFTER",
        int,
        25,
        "Retrain the ranking model after this many new curator decisions (0 = never).",
    ),
    SettingSpec(
        "review_mode",
        "EVIDENCEWATCH_REVIEW_MODE",
        str,
        "single",
        "`single` (one curator decides) or `dual` (two blinded votes per candidate).",
    ),
    SettingSpec(
        "undo_minutes",
        "EVIDENCEWATCH_UNDO_MINUTES",
        int,
        10,
        "How long a curator may undo their own last decision or vote.",
    ),
    SettingSpec(
        "retrain_cron",
        "EVIDENCEWATCH_RETRAIN_CRON",
        str,
        "* * * * *",
        "When the scheduler checks whether retraining is due (crontab; empty = never).",
    ),
    SettingSpec(
        "stop_recall_target",
        "EVIDENCEWATCH_STOP_RECALL_TARGET",
        float,
        0.95,
        "Recall the stopping rule of `review progress` tests for (between 0 and 1).",
    ),
    SettingSpec(
        "log_format",
        "EVIDENCEWATCH_LOG_FORMAT",
        str,
        "text",
        "`text` or `json` (JSON lines, one object per log record).",
    ),
    SettingSpec("log_level", "EVIDENCEWATCH_LOG_LEVEL", str, "INFO", "Logging level."),
)

_DEFAULTS = {spec.name: spec.default for spec in SPECS}
# Waits that must end: zero would make every request fail, and NaN or a negative
# value would be refused by the HTTP client deep inside the first scan.
_POSITIVE = (
    "eutils_connect_timeout_seconds",
    "eutils_read_timeout_seconds",
    "eutils_deadline_seconds",
    *(s.name for s in SPECS if s.name.startswith(("login_", "session_")) and "queue" not in s.name),
)
CONFIG_FILE_ENV = "EVIDENCEWATCH_CONFIG"
DEFAULT_CONFIG_FILE = "evidencewatch.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite:///./evidencewatch.db"
    eutils_url: str = DEFAULT_EUTILS_URL
    ncbi_email: str = ""
    ncbi_api_key: str = ""
    tool: str = "evidencewatch"
    eutils_connect_timeout_seconds: float = 10.0
    eutils_read_timeout_seconds: float = 60.0
    eutils_deadline_seconds: float = 180.0
    seed_dir: str = ""
    scan_overlap_days: int = 3
    scan_initial_days: int = 30
    fetch_batch_size: int = 500
    scan_citations: bool = True
    scan_similar_articles: bool = False
    scan_lock_wait_seconds: float = 0.0
    scan_lock_stale_seconds: float = 900.0
    timezone: str = "UTC"
    scan_cron: str = "0 6 * * *"
    digest_cron: str = "0 7 * * mon"
    recheck_cron: str = "0 5 * * sun"
    digest_period_days: int = 7
    digest_dir: str = "./digests"
    summary_dir: str = "./summaries"
    secret_key: str = ""
    read_requires_login: bool = True
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: float = 900.0
    login_lockout_seconds: float = 30.0
    login_hash_workers: int = 2
    login_hash_queue: int = 16
    session_idle_timeout_seconds: float = 7200.0
    session_absolute_timeout_seconds: float = 43200.0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "evidencewatch@localhost"
    mail_to: str = ""
    retrain_after_decisions: int = 25
    review_mode: str = "single"
    undo_minutes: int = 10
    retrain_cron: str = "* * * * *"
    stop_recall_target: float = 0.95
    log_format: str = "text"
    log_level: str = "INFO"
    config_file: str = ""  # where the file settings came from, for `status` and errors

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def seed_path(self) -> Path:
        if self.seed_dir:
            return Path(self.seed_dir)
        from evidencewatch.watch.seedfiles import default_seed_dir

        return default_seed_dir()

    @property
    def mail_recipients(self) -> list[str]:
        return [a.strip() for a in self.mail_to.split(",") if a.strip()]

    def redacted(self) -> dict[str, Any]:
        """The settings with secrets masked, for `status` and logs."""
        secret = {"ncbi_api_key", "secret_key", "smtp_password"}
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = "***" if f.name in secret and value else value
        if "@" in self.database_url and "://" in self.database_url:
            scheme, rest = self.database_url.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            out["database_url"] = f"{scheme}://{user}:***@{host}"
        return out


def load_settings(
    *,
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build the one Settings object for this process.

    ``env`` defaults to ``os.environ``; pass a dict in tests so the
    environment never leaks in.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = _config_path(env, config_file)
    if path is not None:
        values.update(_read_config_file(path))
        values["config_file"] = str(path)
    for spec in SPECS:
        if spec.env and spec.env in env and env[spec.env] != "":
            values[spec.name] = _coerce(spec, env[spec.env], f"environment variable {spec.env}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["database_url"] = _normalise_db_url(
        values.get("database_url", _DEFAULTS["database_url"])
    )
    if "eutils_url" in values and not str(values["eutils_url"]).endswith("/"):
        values["eutils_url"] = str(values["eutils_url"]) + "/"
    settings = Settings(**values)
    if settings.log_format not in ("text", "json"):
        raise ConfigError(f"log_format must be 'text' or 'json', not {settings.log_format!r}")
    if settings.review_mode not in ("single", "dual"):
        raise ConfigError(f"review_mode must be 'single' or 'dual', not {settings.review_mode!r}")
    for name in _POSITIVE:
        if not getattr(settings, name) > 0:
            raise ConfigError(f"{name} must be more than 0, not {getattr(settings, name)}")
    if not 0 < settings.stop_recall_target < 1:
        raise ConfigError(
            f"stop_recall_target must lie between 0 and 1, not {settings.stop_recall_target}"
        )
    return settings


def _config_path(env: Mapping[str, str], explicit: str | Path | None) -> Path | None:
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        return path
    if env.get(CONFIG_FILE_ENV):
        path = Path(env[CONFIG_FILE_ENV])
        if not path.is_file():
            raise ConfigError(f"{CONFIG_FILE_ENV}={path}: no such file")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    # Settings may sit at the top level or under [evidencewatch].
    table = data.get("evidencewatch", data)
    by_name = {spec.name: spec for spec in SPECS}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key == "evidencewatch":
            continue
        spec = by_name.get(key)
        if spec is None:
            known = ", ".join(sorted(by_name))
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {known})")
        values[key] = _coerce(spec, raw, f"{path}: setting {key!r}")
    return values


def _coerce(spec: SettingSpec, raw: Any, where: str) -> Any:
    try:
        if spec.kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"expected true or false, got {raw!r}")
        if spec.kind is int and isinstance(raw, float):
            raise ValueError(f"expected a whole number, got {raw!r}")
        return spec.kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _normalise_db_url(url: str) -> str:
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return url.replace(scheme, "postgresql+psycopg://", 1)
    return url
