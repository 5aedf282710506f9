"""Every setting, declared once: its name, environment variable, type, default and doc.

The README's settings table is checked against ``SPECS`` by the tests; the
``Settings`` dataclass in :mod:`evidencewatch.config` carries the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evidencewatch.pubmed.links import EUTILS_BASE_URL

DEFAULT_EUTILS_URL = EUTILS_BASE_URL  # the real NCBI; tests and the demo point at the fake


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
    _ew(
        "login_hash_queue",
        int,
        64,
        "Sign-ins that may wait for a check (no Argon2 memory while waiting); more get a 429.",
    ),
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
