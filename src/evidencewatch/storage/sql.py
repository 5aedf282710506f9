"""SQL helpers both databases need."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# SQLite before 3.32 allows 999 bound parameters per statement; PostgreSQL far more.
# One chunk size keeps every ``IN (...)`` under the smaller limit.
SQL_PARAMETER_CHUNK = 900


def chunked(values: Sequence[T], size: int = SQL_PARAMETER_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in consecutive slices of at most ``size``, for ``IN (...)`` clauses."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
