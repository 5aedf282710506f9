"""The learned ranking: a model of what curators accept, retrained from their decisions.

Model
-----
A logistic regression (``class_weight="balanced"``, liblinear) over two blocks of
features of each candidate (paper x gene):

* TF-IDF of word 1-2-grams (sublinear tf, min_df=1) over the title, the abstract
  and the candidate's snippets, *gene-normalised*: every surface form of the
  candidate's own gene becomes ``GENE_TARGET`` and every other tracked gene's
  form ``GENE_OTHER``, so the model learns "GENE_TARGET knockdown sensitizes",
  not "SRPK1".
* one binary feature per rule-based reason (``rule:breast_context``,
  ``rule:status_label_only``...), the transparent features of the matcher.

Training data: positives are accepted candidates plus the seed findings'
papers (citations with a PMID whose paper is stored; the gene is each of the
finding's genes); negatives are rejected candidates, whatever the reason code.
Pending, deferred and withdrawn candidates are never training data. A curator's
decision on (PMID, gene) wins over a seed citation of the same pair.

Scores: ``model_score`` is P(accept) in 0..1; ``score``, which orders the queue,
becomes ``round(100 * model_score, 1)``, on the same 0..100 scale as the
rule-based score (kept in ``rule_score``). Only undecided candidates (pending,
deferred) are ever rescored; decided candidates keep the score they were
decided with.

Explanations: a rescored candidate's ``reasons`` keep every rule-based entry
and gain up to :data:`MAX_EXPLANATIONS` entries ``{"feature": "model:+term",
"weight": +x, "detail": ...}`` (or ``model:-term``): the features with the
largest contribution coef x value to this candidate's log-odds, signed.
Older ``model:`` entries are replaced, never accumulated.
"""

from __future__ import annotations

import functools
import io
import itertools
import logging
import pickle
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from evidencewatch.config import Settings
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import Status
from evidencewatch.storage.models import Candidate, Paper, RankModel, SeedFindingRow

log = logging.getLogger(__name__)

MODEL_KIND = "tfidf-logreg"
TARGET_TOKEN = "GENE_TARGET"
OTHER_TOKEN = "GENE_OTHER"
MIN_PER_CLASS = 2
MAX_EXPLANATIONS = 5
MODEL_PREFIX = "model:"
RULE_SCORE_FEATURE = "rule:score"
C_GRID = (0.5, 1.0, 2.0, 5.0, 10.0)
DEFAULT_C = 2.0
UNDECIDED = (Status.pending.value, Status.deferred.value)
DECIDED = (Status.accepted.value, Status.rejected.value)
# Reason features that are bookkeeping, not evidence.
_IGNORED_REASONS = frozenset({"score_clip"})
# Stop words that carry meaning here ("not associated", "no longer", "less sensitive").
_KEPT_WORDS = frozenset({"not", "no", "nor", "less", "more", "without", "against", "down", "up"})


# --- documents ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Doc:
    """What the model sees of one candidate: gene-normalised text and its rule reasons."""

    text: str
    reasons: frozenset[str] = frozenset()
    rule_score: float = 0.0  # the matcher's 0..100 score


def _surface_regex(forms: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({f for f in forms if f and f.strip()}, key=len, reverse=True)
    if not unique:
        return None
    alternation = "|".join(re.escape(f) for f in unique)
    return re.compile(
        rf"(?<![A-Za-z0-9\u0370-\u03ff])(?:{alternation})(?![A-Za-z0-9\u0370-\u03ff])"
    )


def normalise_genes(text: str, target_forms: Iterable[str], other_forms: Iterable[str]) -> str:
    """``text`` with the target gene's forms as GENE_TARGET and other genes' as GENE_OTHER."""
    target = list(target_forms)
    target_re = _surface_regex(target)
    if target_re is not None:
        text = target_re.sub(f" {TARGET_TOKEN} ", text)
    other_re = _surface_regex(f for f in other_forms if f not in target)
    if other_re is not None:
        text = other_re.sub(f" {OTHER_TOKEN} ", text)
    return text


def paper_text(paper: Paper) -> str:
    """Title and abstract of a stored paper, plain text."""
    record = paper.record or {}
    sections = record.get("abstract") or []
    abstract = " ".join(str(s.get("text", "")) for s in sections)
    return f"{paper.title}\n{abstract}"


def make_doc(
    *,
    text: str,
    gene: str,
    mentions: Sequence[str] = (),
    snippets: Sequence[Mapping[str, Any]] = (),
    reasons: Sequence[Mapping[str, Any]] = (),
    other_forms: Iterable[str] = (),
    rule_score: float = 0.0,
) -> Doc:
    """The model's view of a candidate: text + snippets, gene-normalised, and reason names."""
    snippet_text = " ".join(str(s.get("text", "")) for s in snippets)
    target = [gene, *mentions]
    body = normalise_genes(f"{text}\n{snippet_text}", target, other_forms)
    names = frozenset(
        str(r["feature"])
        for r in reasons
        if r.get("feature")
        and not str(r["feature"]).startswith(MODEL_PREFIX)
        and r["feature"] not in _IGNORED_REASONS
    )
    return Doc(text=body, reasons=names, rule_score=float(rule_score))


_TOKEN = re.compile(r"(?u)\b\w[\w\-]*\w\b|\b\w\b")


@functools.lru_cache(maxsize=8192)
def _analyze_cached(text: str) -> tuple[str, ...]:
    words = _TOKEN.findall(unicodedata.normalize("NFKD", text).lower())
    words = [w for w in words if w not in ENGLISH_STOP_WORDS or w in _KEPT_WORDS]
    return (*words, *(f"{a} {b}" for a, b in itertools.pairwise(words)))


def analyze(text: str) -> tuple[str, ...]:
    """Word 1-2-grams, lower-cased, stop words out except negations and directions."""
    return _analyze_cached(text)


# --- the fitted model -----------------------------------------------------------------------


@dataclass
class RankPipeline:
    """TF-IDF + reason one-hot + logistic regression; what RankModel.blob holds."""

    c: float = DEFAULT_C
    min_df: int = 1
    text_vec: TfidfVectorizer = field(init=False)
    reason_vec: DictVectorizer = field(init=False)
    clf: LogisticRegression = field(init=False)

    def __post_init__(self) -> None:
        self.text_vec = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=self.min_df)
        self.reason_vec = DictVectorizer()
        self.clf = LogisticRegression(
            C=self.c, class_weight="balanced", solver="liblinear", max_iter=1000
        )

    def _matrix(self, docs: Sequence[Doc], *, fit: bool) -> sparse.csr_matrix:
        texts = [d.text for d in docs]
        reasons = [
            {**{f"rule:{r}": 1.0 for r in d.reasons}, RULE_SCORE_FEATURE: d.rule_score / 100.0}
            for d in docs
        ]
        if fit:
            x_text = self.text_vec.fit_transform(texts)
            x_reason = self.reason_vec.fit_transform(reasons)
        else:
            x_text = self.text_vec.transform(texts)
            x_reason = self.reason_vec.transform(reasons)
        return sparse.hstack([x_text, x_reason], format="csr")

    def fit(self, docs: Sequence[Doc], labels: Sequence[int]) -> RankPipeline:
        self.clf.fit(self._matrix(docs, fit=True), np.asarray(labels))
        return self

    def predict_proba(self, docs: Sequence[Doc]) -> np.ndarray:
        if not docs:
            return np.zeros(0)
        return self.clf.predict_proba(self._matrix(docs, fit=False))[:, 1]

    @property
    def feature_names(self) -> list[str]:
        return [*self.text_vec.get_feature_names_out(), *self.reason_vec.get_feature_names_out()]

    def explain(self, docs: Sequence[Doc], k: int = MAX_EXPLANATIONS) -> list[list[dict[str, Any]]]:
        """Per doc, up to ``k`` signed contributions coef x value, largest magnitude first."""
        if not docs:
            return []
        x = self._matrix(docs, fit=False)
        coef = self.clf.coef_[0]
        names = self.feature_names
        out: list[list[dict[str, Any]]] = []
        for i in range(x.shape[0]):
            row = x.getrow(i)
            contrib = [
                (names[j], float(coef[j] * v), float(coef[j]), float(v))
                for j, v in zip(row.indices, row.data, strict=True)
                if coef[j] != 0
            ]
            contrib.sort(key=lambda t: (-abs(t[1]), t[0]))
            entries = []
            for name, weight, c, v in contrib[:k]:
                sign = "+" if weight > 0 else "-"
                verb = "raised" if weight > 0 else "lowered"
                entries.append(
                    {
                        "feature": f"{MODEL_PREFIX}{sign}{name}",
                        "weight": round(weight, 4),
                        "detail": f"'{name}' {verb} the model's log-odds by {abs(weight):.3f} "
                        f"(coefficient {c:+.3f} x value {v:.3f})",
                    }
                )
            out.append(entries)
        return out

    def top_features(self, n: int = 10) -> dict[str, list[list[Any]]]:
        coef = self.clf.coef_[0]
        names = self.feature_names
        order = np.argsort(coef)
        neg = [[names[j], round(float(coef[j]), 4)] for j in order[:n] if coef[j] < 0]
        pos = [[names[j], round(float(coef[j]), 4)] for j in order[::-1][:n] if coef[j] > 0]
        return {"positive": pos, "negative": neg}


def fit_pipeline(
    docs: Sequence[Doc], labels: Sequence[int], *, tune: bool = True
) -> tuple[RankPipeline, dict[str, Any]]:
    """Fit on ``docs``; with enough data pick C by cross-validated AUC and report it."""
    y = np.asarray(labels)
    n_min = int(min((y == 1).sum(), (y == 0).sum()))
    metrics: dict[str, Any] = {"c": DEFAULT_C}
    if n_min >= 5:
        folds = min(5, n_min)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        grid = C_GRID if tune else (DEFAULT_C,)
        best: tuple[float, float] | None = None
        for c in grid:
            scores = np.zeros(len(y))
            for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
                part = RankPipeline(c=c).fit([docs[i] for i in train_idx], y[train_idx])
                scores[test_idx] = part.predict_proba([docs[i] for i in test_idx])
            auc = float(roc_auc_score(y, scores))
            if best is None or auc > best[1] + 1e-9:
                best = (c, auc)
        assert best is not None
        metrics.update(c=best[0], cv_auc=round(best[1], 4), cv_folds=folds)
    pipeline = RankPipeline(c=float(metrics["c"])).fit(docs, y)
    return pipeline, metrics


def dump_pipeline(pipeline: RankPipeline) -> bytes:
    buffer = io.BytesIO()
    pickle.dump(pipeline, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def load_pipeline(model: RankModel) -> RankPipeline:
    """The fitted pipeline of a stored model (our own blob, written by :func:`train`)."""
    pipeline = pickle.loads(model.blob)  # our own blob, written by train()
    if not isinstance(pipeline, RankPipeline):
        raise TypeError(f"rank model {model.id} does not hold a RankPipeline")
    return pipeline


# --- training data --------------------------------------------------------------------------


@dataclass
class TrainingSet:
    docs: list[Doc] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)
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


def _other_forms(candidates: Iterable[Candidate]) -> dict[int, list[str]]:
    """PMID -> every gene form written in its candidates, to mask as GENE_OTHER."""
    out: dict[int, list[str]] = {}
    for c in candidates:
        out.setdefault(c.pmid, []).extend([c.gene, *c.mentions])
    return out


def candidate_doc(candidate: Candidate, paper: Paper, other_forms: Sequence[str] = ()) -> Doc:
    return make_doc(
        text=paper_text(paper),
        gene=candidate.gene,
        mentions=candidate.mentions,
        snippets=candidate.snippets,
        reasons=candidate.reasons,
        other_forms=other_forms,
        rule_score=candidate.rule_score,
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
    others = _other_forms(c for c, _ in rows)
    by_key: dict[tuple[int, str], tuple[Candidate, Paper]] = {}
    for cand, paper in rows:
        by_key[(cand.pmid, cand.gene)] = (cand, paper)
        if cand.status not in DECIDED:
            continue
        label = 1 if cand.status == Status.accepted.value else 0
        ts.docs.append(candidate_doc(cand, paper, others.get(cand.pmid, ())))
        ts.labels.append(label)
        ts.keys.append((cand.pmid, cand.gene))
        if label:
            ts.n_accepted += 1
        else:
            ts.reject_reasons[cand.reject_reason or "unspecified"] += 1
    ts.decisions_seen = ts.n_accepted + sum(ts.reject_reasons.values())
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
            ts.n_seed += 1
    return ts


def _seed_pairs(*, session: Session) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in session.exec(select(SeedFindingRow)).all():
        for citation in row.citations or []:
            pmid = citation.get("pmid")
            if pmid:
                genes = out.setdefault(int(pmid), [])
                genes.extend(g for g in row.genes if g not in genes)
    return out


# --- train / rerank / hooks -----------------------------------------------------------------


def train(*, session: Session, now: datetime | None = None) -> RankModel | None:
    """Fit a model on every decision so far, store it, and return it.

    Returns None (and logs why) when there are fewer than two positives or two
    negatives; :func:`training_set` ``.problem`` gives the same message.
    """
    ts = training_set(session=session)
    if ts.problem:
        log.warning("%s", ts.problem)
        return None
    pipeline, fit_metrics = fit_pipeline(ts.docs, ts.labels)
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
        "trained rank model %s on %d positives and %d negatives (cv AUC %s)",
        model.id,
        ts.n_positive,
        ts.n_negative,
        metrics.get("cv_auc", "n/a"),
    )
    return model


def latest_model(*, session: Session) -> RankModel | None:
    return session.exec(select(RankModel).order_by(col(RankModel.id).desc()).limit(1)).first()


def _apply(
    session: Session,
    model: RankModel,
    pipeline: RankPipeline,
    rows: Sequence[tuple[Candidate, Paper]],
) -> int:
    if not rows:
        return 0
    pmids = list({c.pmid for c, _ in rows})
    siblings = session.exec(select(Candidate).where(col(Candidate.pmid).in_(pmids))).all()
    others = _other_forms(siblings)
    docs = [candidate_doc(c, p, others.get(c.pmid, ())) for c, p in rows]
    probs = pipeline.predict_proba(docs)
    explanations = pipeline.explain(docs)
    n = 0
    for (cand, _), prob, extra in zip(rows, probs, explanations, strict=True):
        kept = [r for r in cand.reasons if not str(r.get("feature", "")).startswith(MODEL_PREFIX)]
        values = {
            "model_score": round(float(prob), 6),
            "score": round(100.0 * float(prob), 1),
            "model_id": model.id,
            "reasons": kept + extra,
        }
        # Guarded on status: a candidate decided meanwhile is never touched.
        result = session.execute(
            sa.update(Candidate)
            .where(col(Candidate.id) == cand.id, col(Candidate.status).in_(UNDECIDED))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            for name, value in values.items():
                # Mirror the row without marking the object dirty: the guarded UPDATE
                # above is the only write.
                set_committed_value(cand, name, value)
            n += 1
    session.flush()
    return n


def _undecided(session: Session, ids: Sequence[int] | None = None) -> list[tuple[Candidate, Paper]]:
    query = (
        select(Candidate, Paper)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(col(Candidate.status).in_(UNDECIDED))
    )
    if ids is not None:
        query = query.where(col(Candidate.id).in_(list(ids)))
    return list(session.exec(query).all())


def rerank(*, session: Session, model: RankModel) -> int:
    """Rescore every undecided candidate with ``model``; returns how many were rescored."""
    pipeline = load_pipeline(model)
    return _apply(session, model, pipeline, _undecided(session))


def score_new(session: Session, candidate_ids: Sequence[int]) -> int:
    """Score freshly saved candidates with the latest model (the scan's ``after_save`` hook).

    Does nothing (returns 0) before any model has been trained.
    """
    model = latest_model(session=session)
    if model is None or not candidate_ids:
        return 0
    rows: list[tuple[Candidate, Paper]] = []
    ids = list(candidate_ids)
    for start in range(0, len(ids), 900):
        rows.extend(_undecided(session, ids[start : start + 900]))
    return _apply(session, model, load_pipeline(model), rows)


@dataclass(frozen=True, slots=True)
class RetrainOutcome:
    model: RankModel | None
    rescored: int
    decisions_since: int
    reason: str


def maybe_retrain(
    *, session: Session, settings: Settings, now: datetime | None = None
) -> RetrainOutcome:
    """Retrain and rerank once ``retrain_after_decisions`` decisions came after the last model."""
    every = settings.retrain_after_decisions
    latest = latest_model(session=session)
    seen = latest.decisions_seen if latest is not None else 0
    since = decisions_count(session=session) - seen
    if every <= 0:
        return RetrainOutcome(None, 0, since, "retraining is off (retrain_after_decisions = 0)")
    if since < every:
        return RetrainOutcome(None, 0, since, f"{since} of {every} decisions since the last model")
    model = train(session=session, now=now)
    if model is None:
        return RetrainOutcome(None, 0, since, training_set(session=session).problem or "")
    return RetrainOutcome(model, rerank(session=session, model=model), since, "retrained")


_RETRAINING = threading.Lock()


def retrain_hook(
    settings: Settings, *, background: bool = False
) -> Callable[[Session, Candidate], None]:
    """A decision hook for :func:`evidencewatch.review.register_decision_hook`.

    ``background=True`` (the web app) trains in a thread of its own, with its
    own session, once retraining is due: training and re-ranking take seconds
    on a large queue, and a curator's decision must not wait for them. One
    retrain runs at a time; a decision that comes due while one runs is
    covered by the next.
    """

    def hook(session: Session, candidate: Candidate) -> None:
        if candidate.status not in DECIDED:
            return
        if not background:
            maybe_retrain(session=session, settings=settings)
            return
        every = settings.retrain_after_decisions
        latest = latest_model(session=session)
        seen = latest.decisions_seen if latest is not None else 0
        if every <= 0 or decisions_count(session=session) - seen < every:
            return
        if not _RETRAINING.acquire(blocking=False):
            return
        engine = session.get_bind()
        threading.Thread(
            target=_retrain_in_background, args=(engine,), daemon=True, name="ew-retrain"
        ).start()

    hook.__name__ = "ranking_retrain_hook"
    return hook


def _retrain_in_background(engine: Any) -> None:
    from evidencewatch.storage.db import session_scope

    try:
        with session_scope(engine) as session:
            model = train(session=session)
            if model is not None:
                n = rerank(session=session, model=model)
                log.info("retrained ranking model %s; re-ranked %d candidates", model.id, n)
    except Exception:
        log.exception("background retraining failed; the previous model stays in use")
    finally:
        _RETRAINING.release()
