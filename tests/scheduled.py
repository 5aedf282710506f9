"""A job the scheduler tests store by reference: APScheduler imports it by name."""

from __future__ import annotations

RUNS: list[str] = []


def record_run(label: str) -> None:
    """A job for the tests (module-level, so the job store can refer to it by name)."""
    RUNS.append(label)
