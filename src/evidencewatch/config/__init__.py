"""Settings: one object, loaded once at the edge (CLI command, web app factory, scheduler).

Precedence, highest first: explicit overrides (tests, CLI flags), the
environment, the config file (``evidencewatch.toml``), the defaults below.
Every setting is declared once in ``SPECS`` (:mod:`evidencewatch.config.specs`); the
README's settings table is checked against it by the tests.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from evidencewatch.config.specs import DEFAULT_EUTILS_URL, SPECS, SettingSpec
from evidencewatch.core.errors import ConfigError

__all__ = [
    "CONFIG_FILE_ENV",
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_EUTILS_URL",
    "SPECS",
    "SettingSpec",
    "Settings",
    "load_settings",
]

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
    # Memory: Argon2id takes 64 MiB per *running* check, so a process holds at most
    # login_hash_workers x 64 MiB (128 MiB); a waiting sign-in holds no Argon2 memory,
    # only its request (a few KiB). The queue is therefore sized for latency, not memory:
    # 64 places per process hold a team of 50 signing in at once even if one of the 2
    # web workers accepts them all (the kernel does not balance connections evenly),
    # and the last waits about 64 / 2 x 0.1 s ~ 3 s on an idle 2-core host (on the shared
    # one at load 10-16, 50 at once took 12-27 s, p50-p95). Beyond it, and after 45 s
    # waiting, sign-ins are shed with 429 + Retry-After (web/hashing.py).
    login_hash_workers: int = 2
    login_hash_queue: int = 64
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
