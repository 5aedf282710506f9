"""The fake server over the sample records, started and stopped around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from evidencewatch.testing.fake import FakeEutils
from testing.fake.samples import sample_records


@pytest.fixture
def fake() -> Iterator[FakeEutils]:
    with FakeEutils(sample_records()) as server:
        yield server
