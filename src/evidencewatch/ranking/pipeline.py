"""The fitted model and its persistence: what a stored ``RankModel.blob`` holds.

A logistic regression (``class_weight="balanced"``, liblinear) over two blocks of
features of each candidate (paper x gene):

* TF-IDF of word 1-2-grams (sublinear tf, min_df=1) over the title, the abstract
  and the candidate's snippets, gene-normalised
  (:mod:`evidencewatch.ranking.documents`);
* one binary feature per rule-based reason (``rule:breast_context``,
  ``rule:status_label_only``...), the transparent features of the matcher, and
  the rule score itself (``rule:score``, scaled to 0..1).

Explanations: :meth:`RankPipeline.explain` gives up to :data:`MAX_EXPLANATIONS`
entries ``{"feature": "model:+term", "weight": +x, "detail": ...}`` (or
``model:-term``): the features with the largest contribution coef x value to a
candidate's log-odds, signed.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sqlmodel import Session, col, select

from evidencewatch.ranking.documents import MODEL_PREFIX, Doc
from evidencewatch.ranking.tokens import analyze
from evidencewatch.storage.models import RankModel

MAX_EXPLANATIONS = 5
RULE_SCORE_FEATURE = "rule:score"
C_GRID = (0.5, 1.0, 2.0, 5.0, 10.0)
DEFAULT_C = 2.0


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

    def fit(self, docs: Sequence[Doc], labels: Sequence[int] | npt.NDArray[Any]) -> RankPipeline:
        self.clf.fit(self._matrix(docs, fit=True), np.asarray(labels))
        return self

    def predict_proba(self, docs: Sequence[Doc]) -> npt.NDArray[np.float64]:
        if not docs:
            return np.zeros(0)
        return np.asarray(self.clf.predict_proba(self._matrix(docs, fit=False))[:, 1], dtype=float)

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
            out.append([_explanation(*entry) for entry in contrib[:k]])
        return out

    def top_features(self, n: int = 10) -> dict[str, list[list[Any]]]:
        coef = self.clf.coef_[0]
        names = self.feature_names
        order = np.argsort(coef)
        neg = [[names[j], round(float(coef[j]), 4)] for j in order[:n] if coef[j] < 0]
        pos = [[names[j], round(float(coef[j]), 4)] for j in order[::-1][:n] if coef[j] > 0]
        return {"positive": pos, "negative": neg}


def _explanation(name: str, weight: float, coef: float, value: float) -> dict[str, Any]:
    """One ``model:+term`` reason: a feature's signed contribution to the log-odds."""
    sign = "+" if weight > 0 else "-"
    verb = "raised" if weight > 0 else "lowered"
    return {
        "feature": f"{MODEL_PREFIX}{sign}{name}",
        "weight": round(weight, 4),
        "detail": f"'{name}' {verb} the model's log-odds by {abs(weight):.3f} "
        f"(coefficient {coef:+.3f} x value {value:.3f})",
    }


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
    """The fitted pipeline of a stored model (our own blob, written by ``train``)."""
    pipeline = pickle.loads(model.blob)  # our own blob, written by train()
    if not isinstance(pipeline, RankPipeline):
        raise TypeError(f"rank model {model.id} does not hold a RankPipeline")
    return pipeline


def latest_model(*, session: Session) -> RankModel | None:
    """The most recently trained model, or None before the first."""
    return session.exec(select(RankModel).order_by(col(RankModel.id).desc()).limit(1)).first()
