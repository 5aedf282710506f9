"""Training sets from curators' decisions, and training a model on them.

Positives are accepted candidates plus the seed findings' papers (citations
with a PMID whose paper is stored; the gene is each of the finding's genes);
negatives are rejected candidates, whatever the reason code. Pending, deferred
and withdrawn candidates are never training data. A curator's decision on
(PMID, gene) wins over a seed citation of the same pair.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import Status
from evidencewatch.ranking.documents import (
    Doc,
    candidate_doc,
    gene_forms_by_pmid,
    make_doc,
    paper_text,
)
from evidencewatch.ranking.pipeline import dump_pipeline, fit_pipeline
from evidencewatch.storage.models import Candidate, Paper, RankModel, SeedFindingRow

log = logging.getLogger(__name__)

MODEL_KIND = "tfidf-logreg"
MIN_PER_CLASS = 2
DECIDED = (Status.accepted.value, Status.rejected.value)


@dataclass
class TrainingSet:
    docs: list[Doc] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)
    # Whether each doc has a rule score: a seed paper with no candidate has none.
    rule_scored: list[bool] = field(default_factory=list)
    n_accepted: int = 0
    n_seed: int = 0
    reject_reasons: Counter[str] = field(default_factory=Counter)
    decisions_seen: int = 0

    @property
    def n_positive(self) -> int:
        return sum(self.labels)

    @property
    def n_negative(self) -> int:
        return len(self.labels) - self.n_positive

    @property
    def problem(self) -> str | None:
        """Why no model can be trained on this, or None."""
        if self.n_positive >= MIN_PER_CLASS and self.n_negative >= MIN_PER_CLASS:
            return None
        return (
            f"not enough decisions to train a ranking model: need at least {MIN_PER_CLASS} "
            f"positives and {MIN_PER_CLASS} negatives, have {self.n_positive} positives "
            f"({self.n_accepted} accepted candidates + {self.n_seed} seed-finding papers) and "
            f"{self.n_negative} negatives (rejected candidates); accept or reject more "
            "candidates, or load the seed findings with resolved PMIDs"
        )


def decisions_count(*, session: Session) -> int:
    """Accepted + rejected candidates: the decisions a model learns from."""
    return int(
        session.exec(
            select(sa.func.count()).select_from(Candidate).where(col(Candidate.status).in_(DECIDED))
        ).one()
    )


def training_set(*, session: Session) -> TrainingSet:
    """Every positive and negative the database holds, as model documents."""
    ts = TrainingSet()
    rows = session.exec(
        select(Candidate, Paper).join(Paper, col(Paper.pmid) == col(Candidate.pmid))
    ).all()
    others = gene_forms_by_pmid(c for c, _ in rows)
    by_key: dict[tuple[int, str], tuple[Candidate, Paper]] = {}
    for cand, paper in rows:
        by_key[(cand.pmid, cand.gene)] = (cand, paper)
        if cand.status not in DECIDED:
            continue
        label = 1 if cand.status == Status.accepted.value else 0
        ts.docs.append(candidate_doc(cand, paper, others.get(cand.pmid, ())))
        ts.labels.append(label)
        ts.keys.append((cand.pmid, cand.gene))
        ts.rule_scored.append(True)
        if label:
            ts.n_accepted += 1
        else:
            ts.reject_reasons[cand.reject_reason or "unspecified"] += 1
    ts.decisions_seen = ts.n_accepted + sum(ts.reject_reasons.values())
    _add_seed_positives(ts, session=session, by_key=by_key, others=others)
    return ts


def _add_seed_positives(
    ts: TrainingSet,
    *,
    session: Session,
    by_key: dict[tuple[int, str], tuple[Candidate, Paper]],
    others: dict[int, list[str]],
) -> None:
    """The seed findings' stored papers as positives, for each pair no curator decided."""
    decided = set(ts.keys)
    for pmid, genes in _seed_pairs(session=session).items():
        paper = session.get(Paper, pmid)
        if paper is None:
            continue
        for gene in genes:
            if (pmid, gene) in decided:
                continue
            decided.add((pmid, gene))
            existing = by_key.get((pmid, gene))
            if existing is not None:
                doc = candidate_doc(existing[0], paper, others.get(pmid, ()))
            else:
                doc = make_doc(
                    text=paper_text(paper),
                    gene=gene,
                    other_forms=[g for g in genes if g != gene] + others.get(pmid, []),
                )
            ts.docs.append(doc)
            ts.labels.append(1)
            ts.keys.append((pmid, gene))
            ts.rule_scored.append(existing is not None)
            ts.n_seed += 1


def _seed_pairs(*, session: Session) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in session.exec(select(SeedFindingRow)).all():
        for citation in row.citations or []:
            pmid = citation.get("pmid")
            if pmid:
                genes = out.setdefault(int(pmid), [])
                genes.extend(g for g in row.genes if g not in genes)
    return out


def train(*, session: Session, now: datetime | None = None) -> RankModel | None:
    """Fit a model on every decision so far, store it, and return it.

    Returns None (and logs why) when there are fewer than two positives or two
    negatives; :func:`training_set` ``.problem`` gives the same message.
    """
    ts = training_set(session=session)
    if ts.problem:
        log.warning("%s", ts.problem)
        return None
    pipeline, fit_metrics = fit_pipeline(ts.docs, ts.labels, rule_scored=ts.rule_scored)
    metrics: dict[str, Any] = {
        "n": len(ts.labels),
        "n_accepted": ts.n_accepted,
        "n_seed_positive": ts.n_seed,
        "n_rejected": ts.n_negative,
        "reject_reasons": dict(sorted(ts.reject_reasons.items())),
        "vocabulary": len(pipeline.text_vec.vocabulary_),
        "top_features": pipeline.top_features(),
        **fit_metrics,
    }
    model = RankModel(
        trained_at=now or utcnow(),
        kind=MODEL_KIND,
        n_positive=ts.n_positive,
        n_negative=ts.n_negative,
        decisions_seen=ts.decisions_seen,
        metrics=metrics,
        blob=dump_pipeline(pipeline),
    )
    session.add(model)
    session.flush()
    log.info(
        "trained rank model %s on %d positives and %d negatives (cv AUC %s); queue order: %s (%s)",
        model.id,
        ts.n_positive,
        ts.n_negative,
        metrics.get("cv_auc", "n/a"),
        metrics["order"]["in_use"],
        metrics["order"]["why"],
    )
    return model
