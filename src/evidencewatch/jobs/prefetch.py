"""One thread that fetches ahead while the caller stores: a bounded, ordered hand-over.

A scan spends most of its time waiting on NCBI's rate limit, and the rest
parsing, matching and storing. Fetching the next EFetch batch while the current
one is stored hides one behind the other. One fetching thread keeps the request
order and the request count exactly as the sequential loop had them, and the
client's one rate limiter still spaces every request.

The queue is bounded (``depth`` results waiting), so a slow database never
makes the thread fetch the whole window into memory. An exception in the
thread is handed over in place of its result and raised in the caller's thread,
so a failed request fails the scan just as it did sequentially; nothing after it
is fetched. Closing (normally, or because the caller failed) stops the thread
before its next request and waits for it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Self, TypeVar

__all__ = ["Prefetcher"]

_In = TypeVar("_In")
_Out = TypeVar("_Out")

#: How often a blocked hand-over checks whether the caller has gone.
_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


class Prefetcher(Generic[_In, _Out]):
    """``fetch(item)`` for each item, in order, on one thread, at most ``depth`` ahead.

    Use as a context manager and iterate: each step yields ``(item, result)``.
    """

    def __init__(
        self,
        items: Sequence[_In],
        fetch: Callable[[_In], _Out],
        *,
        depth: int = 1,
        name: str = "prefetch",
    ) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        self._items = list(items)
        self._fetch = fetch
        self._results: queue.Queue[tuple[_In, _Out] | _Failed] = queue.Queue(maxsize=depth)
        self._closed = threading.Event()
        # A daemon: an interrupted process must not wait for NCBI to answer.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop fetching (the request in flight finishes) and wait for the thread."""
        self._closed.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    def __iter__(self) -> Iterator[tuple[_In, _Out]]:
        for _ in self._items:
            got = self._results.get()
            if isinstance(got, _Failed):
                raise got.error
            yield got

    def _run(self) -> None:
        for item in self._items:
            if self._closed.is_set():
                return
            try:
                got: tuple[_In, _Out] | _Failed = (item, self._fetch(item))
            except BaseException as exc:  # all of them: the caller's thread raises it
                got = _Failed(exc)
            if not self._put(got) or isinstance(got, _Failed):
                return

    def _put(self, got: tuple[_In, _Out] | _Failed) -> bool:
        while not self._closed.is_set():
            try:
                self._results.put(got, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False
