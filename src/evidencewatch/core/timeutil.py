"""Timestamps: every one evidencewatch writes is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` made aware: SQLite hands timestamps back naive, and all we write is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def as_utc_or_none(value: datetime | None) -> datetime | None:
    """:func:`as_utc` that passes ``None`` through."""
    return None if value is None else as_utc(value)
