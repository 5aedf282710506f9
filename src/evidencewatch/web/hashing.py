"""Password checks on a small pool of their own, off the event loop, with a bounded queue.

An Argon2id check takes tens of milliseconds of CPU and 64 MiB by design. Run
on the shared request threads, a flood of sign-ins took every thread and the
queue page waited seconds behind it. Here at most ``login_hash_workers``
checks run at once and at most ``login_hash_queue`` more wait; a sign-in
beyond that is shed at once with :class:`HashingBusy`, so the rest of the app
keeps its threads and its latency. That refusal is load shedding of sign-in
attempts, not a server fault: it is answered 429 Too Many Requests with
``Retry-After`` (the client should come back), logged as ``login_busy``, apart
from the throttle's 429 for a locked account or address (``login_refused_*``).

Only a running check holds Argon2's 64 MiB; a waiting one is a coroutine and
its request, a few KiB. So the queue is sized for a team signing in at once
(see ``login_hash_queue``), not for memory. A check that has waited
:data:`MAX_WAIT_SECONDS` without starting is shed too, before it runs: its
attempt is still "in flight" for the throttle, which counts one pending for
``PENDING_SECONDS`` as a failure (its worker presumably died).

The pool's threads also run at a lower CPU priority (nice +5, on Linux,
where a thread's niceness is its own and Argon2's lane threads inherit it):
on a small host a burst of checks then yields the CPU to the pages. Not +10
(its first value): on the shared 2-core host at load 10-18, +10 starved a team's
burst of 50 sign-ins so that 12-14 of them waited past ``MAX_WAIT_SECONDS`` and
were shed, while +5 let all 50 in at the first try with the queue page's flood
ratio unchanged (1.15-1.17x against 1.12-1.23x; docs/PERFORMANCE.md section 5).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.review.throttle import PENDING_SECONDS

T = TypeVar("T")
RETRY_AFTER_SECONDS = 2
NICENESS = 5
# Shed a check still waiting this long: with 15 s left for the check itself, the attempt
# ends before the throttle would count it (pending for PENDING_SECONDS) as a failure.
MAX_WAIT_SECONDS = PENDING_SECONDS - 15
BUSY = (
    "too many sign-ins at once: the server is checking as many passwords as it can; "
    f"try again in {RETRY_AFTER_SECONDS} seconds"
)


class HashingBusy(EvidenceWatchError):
    """Every password-checking thread is busy and the queue is full (or a check waited too
    long to start): sign-in attempts are being shed, try again shortly. 429, not a 5xx."""

    status = 429
    retry_after = RETRY_AFTER_SECONDS


def lower_priority() -> None:
    """Make the calling thread yield the CPU to the request threads (where the OS allows)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(
            os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + NICENESS)
        )
    except (AttributeError, OSError):  # not Linux, or not permitted: keep the priority
        pass


class HashingPool:
    """A fixed number of threads for password checks and a cap on what may wait for them."""

    def __init__(self, *, workers: int, queue: int, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.max_wait = max_wait
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="ew-hash", initializer=lower_priority
        )
        self._lock = threading.Lock()
        self._in_flight = 0
        self.refused = 0  # sign-ins shed (pool full, or waited too long), since start

    @property
    def in_flight(self) -> int:
        """Checks running or waiting now."""
        return self._in_flight

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """``func(*args)`` on the pool; HashingBusy at once if it is full, or if the call
        waited ``max_wait`` seconds for a thread without starting.

        A slot is freed when the check finishes, not when its caller stops
        waiting: a client that hangs up does not make room for more work.
        """
        with self._lock:
            if self._in_flight >= self.capacity:
                self.refused += 1
                raise HashingBusy(BUSY)
            self._in_flight += 1
        try:
            future = self._executor.submit(self._unless_stale, time.monotonic(), func, *args)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def _unless_stale(self, queued: float, func: Callable[..., T], *args: object) -> T:
        if time.monotonic() - queued > self.max_wait:
            with self._lock:
                self.refused += 1
            raise HashingBusy(BUSY)
        return func(*args)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _release(self, _future: Future[T] | None) -> None:
        with self._lock:
            self._in_flight -= 1
