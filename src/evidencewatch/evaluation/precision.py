"""Precision of what the matcher suggests: extracted fields, and gene mentions.

Extraction precision: for each true-positive candidate and each structured
field, a machine suggestion counts as correct when it is one of the values the
curator confirmed in ``labels.tsv``. Precision = correct / suggested; coverage
= suggested / positives.

Gene mentions: ``Matcher.record_genes`` on every record of the real
background, scored against the hand labels in ``shared_labels.tsv``: a (PMID,
gene) it reports that the hand labels do not list as a true mention is a false
positive.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from evidencewatch.evaluation.labels import FIELDS, LabelSet, gold_matches
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.storage.models import Candidate


def extraction_precision(*, session: Session, labels: LabelSet) -> dict[str, Any]:
    candidates = {(c.pmid, c.gene): c for c in session.exec(select(Candidate)).all()}
    out: dict[str, Any] = {}
    positives = [row for row in labels.positives if (row.pmid, row.gene) in candidates]
    for name in FIELDS:
        suggested = correct = 0
        wrong: list[str] = []
        for row in positives:
            value = getattr(candidates[(row.pmid, row.gene)], name)
            gold = row.gold.get(name)
            if not value or not gold:
                continue
            suggested += 1
            if gold_matches(name, str(value), gold):
                correct += 1
            else:
                wrong.append(f"{row.pmid}/{row.gene}: {value} (gold {';'.join(gold)})")
        out[name] = {
            "precision": correct / suggested if suggested else float("nan"),
            "suggested": suggested,
            "correct": correct,
            "coverage": suggested / len(positives) if positives else float("nan"),
            "errors": wrong,
        }
    return out


def gene_mention_precision(
    *, matcher: Any, background: dict[int, PubmedRecord], truth: set[tuple[int, str]]
) -> dict[str, Any]:
    found: set[tuple[int, str]] = set()
    for pmid, record in background.items():
        for gene in matcher.record_genes(record):
            found.add((pmid, gene))
    tp = found & truth
    fp = sorted(found - truth)
    fn = sorted(truth - found)
    return {
        "records": len(background),
        "reported": len(found),
        "true_positive": len(tp),
        "precision": len(tp) / len(found) if found else float("nan"),
        "recall": len(tp) / len(truth) if truth else float("nan"),
        "false_positives": [f"{p}/{g}" for p, g in fp],
        "missed": [f"{p}/{g}" for p, g in fn],
    }
