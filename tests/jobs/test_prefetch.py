"""The fetch-ahead thread: order, a bounded lead, errors raised in the caller's thread."""

from __future__ import annotations

import threading
import time

import pytest

from evidencewatch.jobs.prefetch import Prefetcher


def test_results_come_in_order_from_one_other_thread():
    threads: set[str] = set()

    def fetch(i: int) -> int:
        threads.add(threading.current_thread().name)
        return i * i

    with Prefetcher(list(range(20)), fetch, name="ahead") as ahead:
        got = list(ahead)
    assert got == [(i, i * i) for i in range(20)]
    assert threads == {"ahead"}


def test_the_thread_runs_at_most_depth_results_ahead_of_the_caller():
    fetched: list[int] = []
    with Prefetcher(list(range(10)), lambda i: fetched.append(i) or i, depth=2) as ahead:
        it = iter(ahead)
        assert next(it) == (0, 0)
        time.sleep(0.3)  # ample time to run away, if nothing held it back
        # One handed over, two waiting in the queue, one fetched and waiting to be put.
        assert len(fetched) <= 4
        assert next(it) == (1, 1)
        time.sleep(0.3)
        assert len(fetched) <= 5


def test_the_next_item_is_fetched_while_the_caller_works_on_the_last():
    started = threading.Event()

    def fetch(i: int) -> int:
        if i == 1:
            started.set()
        return i

    with Prefetcher([0, 1], fetch) as ahead:
        for i, _ in ahead:
            if i == 0:
                assert started.wait(5), "item 1 was not fetched while item 0 was in hand"


def test_an_error_in_the_thread_is_raised_in_the_caller_and_stops_fetching():
    fetched: list[int] = []

    def fetch(i: int) -> int:
        fetched.append(i)
        if i == 2:
            raise OSError("NCBI went away")
        return i

    got = []
    with pytest.raises(OSError, match="NCBI went away"), Prefetcher(list(range(8)), fetch) as ahead:
        for item, _ in ahead:
            got.append(item)
    assert got == [0, 1]
    assert fetched == [0, 1, 2]  # nothing after the failure was asked for


def test_closing_early_stops_the_thread_before_its_next_fetch():
    fetched: list[int] = []
    prefetcher = Prefetcher(list(range(100)), lambda i: fetched.append(i) or i)
    with prefetcher as ahead:
        for item, _ in ahead:
            if item == 3:
                break
    assert not prefetcher._thread.is_alive()
    assert len(fetched) <= 6


def test_depth_must_be_positive():
    with pytest.raises(ValueError, match="depth"):
        Prefetcher([1], lambda i: i, depth=0)
