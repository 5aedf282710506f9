"""The period a digest covers: calendar dates, both ends included, in the configured time zone.

Evidence counts as accepted in the period when its ``decided_at`` falls on one
of those days there, so a period's bounds are the local midnights around it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from evidencewatch.core.errors import ConfigError


def default_period(
    *,
    today: date,
    since: date | None = None,
    until: date | None = None,
    period_days: int = 7,
) -> tuple[date, date]:
    """``since``..``until``; without ``since``, the ``period_days`` days up to ``until`` (today)."""
    end = until or today
    if period_days < 1:
        raise ConfigError(f"the digest period must be at least one day, not {period_days}")
    start = since or end - timedelta(days=period_days - 1)
    if end < start:
        raise ConfigError(f"the digest period ends ({end}) before it starts ({start})")
    return start, end


def digest_timezone(name: str) -> ZoneInfo:
    """The configured time zone, or a ConfigError that names it."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"timezone {name!r} is not an IANA time zone") from exc


def day_bounds(period_from: date, period_to: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants at local midnight starting ``period_from`` and ending ``period_to``."""
    start = datetime.combine(period_from, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(period_to + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end
