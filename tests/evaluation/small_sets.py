"""A small labelled set cut from ``tests/eval``: the same format, quick to replay."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from evidencewatch.evaluation.sets import DEFAULT_SET

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
