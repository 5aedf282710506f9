"""A small labelled set cut from ``tests/eval`` (quick to replay, same format) and a toy pool."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evaluation.small_sets import write_small_set
from evidencewatch.evaluation.pool import PoolItem
from evidencewatch.ranking import Doc


@pytest.fixture
def small_set(tmp_path: Path) -> Path:
    return write_small_set(tmp_path / "small-set")


@pytest.fixture
def toy_pool() -> list[PoolItem]:
    """Forty candidates in time order; every fourth is relevant and reads like it."""
    relevant = "GENE_TARGET knockdown restored tamoxifen sensitivity in resistant breast cancer"
    other = "GENE_TARGET structure in yeast replication without any tumour"
    return [
        PoolItem(
            candidate_id=i,
            pmid=i,
            gene="GENE",
            crdt=date(2025, 1, 1 + i % 28),
            rule_score=50.0,
            label=1 if i % 4 == 0 else 0,
            reject_reason="" if i % 4 == 0 else "not_breast_cancer",
            doc=Doc(text=f"{relevant if i % 4 == 0 else other} record {i}", rule_score=50.0),
        )
        for i in range(40)
    ]
