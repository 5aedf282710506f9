"""The rate limiter on a fake clock: at most ``rate`` request starts in any one second."""

from __future__ import annotations

import itertools

import pytest

from evidencewatch.pubmed.ratelimit import RateLimiter


class FakeTime:
    """A clock that only moves when someone sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("rate", [3, 10])
def test_rate_limiter_allows_at_most_rate_starts_in_any_second(rate):
    t = FakeTime()
    limiter = RateLimiter(rate, clock=t.clock, sleep=t.sleep)
    starts = []
    for _ in range(4 * rate):
        limiter.acquire()
        starts.append(t.now)
    for i, first in enumerate(starts):
        in_window = [s for s in starts[i:] if s < first + 1.0]
        assert len(in_window) <= rate
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1.0 / rate
    assert starts[-1] - starts[0] == pytest.approx((4 * rate - 1) * 1.1 / rate)


def test_rate_limiter_does_not_wait_after_idle_time():
    t = FakeTime()
    limiter = RateLimiter(3, clock=t.clock, sleep=t.sleep)
    limiter.acquire()
    t.now += 5
    assert limiter.acquire() == 0 and t.sleeps == []


def test_defer_holds_back_the_next_caller_for_the_seconds_asked():
    t = FakeTime()
    limiter = RateLimiter(100, clock=t.clock, sleep=t.sleep)
    limiter.defer(2.5)
    assert limiter.acquire() == pytest.approx(2.5)


@pytest.mark.parametrize(("rate", "headroom"), [(0, 0.1), (-1, 0.1), (3, -0.5)])
def test_a_rate_or_headroom_that_makes_no_sense_is_refused(rate, headroom):
    with pytest.raises(ValueError):
        RateLimiter(rate, headroom=headroom)
