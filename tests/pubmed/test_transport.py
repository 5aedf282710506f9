"""One bounded HTTP attempt: timeouts cut to what the request's deadline leaves."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import EutilsError
from evidencewatch.pubmed.transport import Timing


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_without_a_deadline_the_timeouts_are_as_configured():
    assert Timing(10, 60, None, Clock(0)).timeouts("esearch") == (10, 60)


def test_timeouts_never_reach_past_the_deadline():
    clock = Clock(100.0)
    timing = Timing(10, 60, deadline=125.0, clock=clock)
    assert timing.timeouts("esearch") == (10, 25.0)
    clock.now = 120.0
    assert timing.timeouts("esearch") == (5.0, 5.0)


def test_an_attempt_after_the_deadline_is_refused_as_timed_out():
    timing = Timing(10, 60, deadline=5.0, clock=Clock(5.0))
    with pytest.raises(EutilsError, match="timed out: efetch: the request's deadline passed"):
        timing.timeouts("efetch")
