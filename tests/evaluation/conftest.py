"""A small labelled set cut from ``tests/eval`` (quick to replay, same format) and a toy pool."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from evidencewatch.evaluation.pool import PoolItem
from evidencewatch.evaluation.sets import DEFAULT_SET
from evidencewatch.ranking import Doc

_ARTICLE = re.compile(r"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
_PMID = re.compile(r"<PMID[^>]*>(\d+)</PMID>")


def write_small_set(dest: Path, n_records: int = 60) -> Path:
    """The first ``n_records`` records of the labelled set and their label rows, in ``dest``."""
    xml = (DEFAULT_SET / "labelled.xml").read_text(encoding="utf-8")
    articles = _ARTICLE.findall(xml)[:n_records]
    pmids = {m.group(1) for a in articles if (m := _PMID.search(a))}
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "labelled.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
        + "\n".join(articles)
        + "\n</PubmedArticleSet>\n",
        encoding="utf-8",
    )
    with (DEFAULT_SET / "labels.tsv").open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source, delimiter="\t")
        rows = [row for row in reader if row["pmid"] in pmids]
        fields = reader.fieldnames or []
    with (dest / "labels.tsv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return dest


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
