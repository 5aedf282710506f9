"""Progress for long work: a bar on a terminal, plain log lines elsewhere (cron, CI, files)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.progress import TaskID

log = logging.getLogger("evidencewatch.core.progress")


class Progress(Protocol):
    def task(self, label: str, total: int | None = None) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def note(self, message: str) -> None: ...


class NullProgress:
    """For tests and library callers that want no output."""

    def task(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass


class LogProgress:
    """Writes a log line when a task starts, every ``every`` seconds, and when it is done."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._label = ""
        self._total: int | None = None
        self._done = 0
        self._last = 0.0

    def task(self, label: str, total: int | None = None) -> None:
        self._label, self._total, self._done = label, total, 0
        self._last = time.monotonic()
        log.info("%s: started%s", label, f" ({total} to do)" if total is not None else "")

    def advance(self, n: int = 1) -> None:
        self._done += n
        now = time.monotonic()
        finished = self._total is not None and self._done >= self._total
        if finished or now - self._last >= self.every:
            self._last = now
            of = f"/{self._total}" if self._total is not None else ""
            log.info("%s: %d%s", self._label, self._done, of)

    def note(self, message: str) -> None:
        log.info("%s", message)


class RichProgress:
    """A live progress bar on stderr, for people at a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichBar

        self.console = Console(stderr=True)
        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def task(self, label: str, total: int | None = None) -> None:
        if self._task is not None:
            self._bar.update(self._task, visible=True)
        self._task = self._bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, n)

    def note(self, message: str) -> None:
        self._bar.console.print(message, markup=False, highlight=False)


@contextmanager
def progress_for_terminal(enabled: bool = True) -> Iterator[Progress]:
    """A rich bar when stderr is a terminal, log lines otherwise."""
    if enabled and sys.stderr.isatty():
        with RichProgress() as bar:
            yield bar
    else:
        yield LogProgress()
