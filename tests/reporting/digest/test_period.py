"""The digest period: calendar days, both ends included, in the configured time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from evidencewatch.core.errors import ConfigError
from evidencewatch.reporting.digest import build_digest, day_bounds, default_period, digest_timezone
from factories import make_candidate, make_paper
from reporting.digest.known_db import NOW, PERIOD


def test_default_period_is_the_configured_days_ending_today():
    assert default_period(today=date(2026, 11, 25), period_days=7) == (
        date(2026, 11, 19),
        date(2026, 11, 25),
    )
    assert default_period(
        today=date(2026, 11, 25), since=date(2026, 11, 1), until=date(2026, 11, 10)
    ) == (date(2026, 11, 1), date(2026, 11, 10))


def test_period_days_follow_the_configured_time_zone(known: Session):
    # 2026-11-17 12:00 UTC is already 2026-11-18 01:00 in Auckland (UTC+13 in November).
    from zoneinfo import ZoneInfo

    make_candidate(
        known,
        make_paper(known, 91_000_099, "Late-night acceptance"),
        "ESR1",
        status="accepted",
        decided_at=datetime(2026, 11, 17, 12, tzinfo=UTC),
        therapy_class="endocrine",
    )
    known.commit()
    utc = build_digest(session=known, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    auckland = build_digest(
        session=known,
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        now=NOW,
        tz=ZoneInfo("Pacific/Auckland"),
    )
    assert 91_000_099 not in [p.pmid for p in utc.new_papers]
    assert 91_000_099 in [p.pmid for p in auckland.new_papers]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"period_days": 0}, "at least one day, not 0"),
        ({"since": date(2026, 11, 30), "until": date(2026, 11, 1)}, "ends (2026-11-01) before"),
    ],
)
def test_default_period_refuses_an_empty_or_backwards_period(kw, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        default_period(today=date(2026, 11, 25), **kw)


def test_a_time_zone_that_is_not_iana_is_a_config_error_naming_it():
    assert digest_timezone("Europe/Berlin").key == "Europe/Berlin"
    with pytest.raises(ConfigError, match="'Mars/Olympus' is not an IANA time zone"):
        digest_timezone("Mars/Olympus")


def test_day_bounds_are_the_local_midnights_around_the_period_in_utc():
    from zoneinfo import ZoneInfo

    start, end = day_bounds(date(2026, 11, 18), date(2026, 11, 24), ZoneInfo("Pacific/Auckland"))
    assert start == datetime(2026, 11, 17, 11, tzinfo=UTC)  # UTC+13 in November
    assert end == datetime(2026, 11, 24, 11, tzinfo=UTC)
