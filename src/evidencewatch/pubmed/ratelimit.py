"""Spacing E-utilities requests so one client never exceeds NCBI's rate limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Spaces request starts so that at most ``rate`` begin in any one second.

    Shared by every thread that uses one client (guarded by a lock). Each caller
    reserves the next free slot under the lock and sleeps outside it, so threads
    queue up in order instead of waking together. Slots are spaced
    ``(1 + headroom) / rate`` apart: NCBI counts *arrivals*, and network jitter
    can squeeze ``rate + 1`` exactly-spaced requests into one of its seconds
    (Biopython found 0.333 s "sometimes hit the NCBI rate limit" and uses 0.37 s).

    ``clock`` and ``sleep`` are injectable so tests can run on a fake clock.
    The limiter is per process: two processes (or two clients) with the same key
    are not coordinated.
    """

    def __init__(
        self,
        rate: float,
        *,
        headroom: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if headroom < 0:
            raise ValueError(f"headroom must not be negative, got {headroom!r}")
        self.rate = rate
        self.interval = (1.0 + headroom) / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: float | None = None

    def acquire(self) -> float:
        """Wait for this caller's slot; returns how long it waited (seconds)."""
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def defer(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now (after a 429/503 Retry-After).

        NCBI limits by IP or key, not by thread, so when it asks one thread to
        wait, every thread of this client waits.
        """
        with self._lock:
            until = self._clock() + seconds
            if self._next_slot is None or self._next_slot < until:
                self._next_slot = until
