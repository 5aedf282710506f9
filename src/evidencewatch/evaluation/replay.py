"""Offline evaluation: replay a labelled set through the real pipeline and measure it.

The evaluation set (issue #5) is the labelled set (``tests/eval``: fictional
records written like real abstracts, ``labels.tsv``) plus the real PubMed
records of ``../shared/pubmed`` as a background of negatives: every record
:func:`~evidencewatch.pubmed.parse.iter_pubmed` reads there, deduplicated by
PMID, labelled 0 except where ``shared_labels.tsv`` (read by hand) says
otherwise.

What runs: both are parsed, matched (``Matcher.match``) and saved as
candidates (``store.save_records``; the background as a bulk import, keeping
only matched papers) in a throw-away SQLite database, exactly as an import
would. Each candidate (paper x gene) gets its label: 1 when a curator would
accept it for that gene, else 0.

Screening units: every candidate is one unit. A record that yields no
candidate is one unit too (label 0), and a labelled positive (paper x gene) the
matcher did not queue is one relevant unit: the pipeline's misses cost recall.
The units that are never queued form the *unqueued tail*.

Ranking protocol (ASReview-style simulation, priors from the past):

1. Candidates are put in time order (PubMed create date, then PMID, gene).
2. Priors: the earliest :data:`PRIOR_FRACTION` of the *labelled set's*
   candidates, extended until they hold at least two accepted and two
   rejected. They stand for the decisions curators already made; like ASReview
   Insights' default, they are left out of every metric. (The background is
   years older than the labelled set; taken by date, all of it would be priors
   and no real record would be measured.)
3. Learned ranking: train on everything labelled so far, rank the rest of the
   queue by P(accept), "screen" the top batch, add their labels, retrain; until
   the queue is empty. A batch is :data:`RETRAIN_EVERY` candidates, or
   :data:`RETRAIN_SHARE` of the screened queue when that is more, so a large
   queue costs at most about 50 fits. The model is
   :class:`evidencewatch.ranking.RankPipeline`, the very code
   ``evidencewatch rank --retrain`` runs.
4. Baselines from the same units in the same run: the rule-based score (static
   order, ties by time) and random order (mean over :data:`RANDOM_RUNS`
   seeded permutations).

Two views of the same run:

* ``queue``: the queued candidates only. This measures how well each order
  sorts the queue, and the oracle (every relevant candidate first) bounds it.
* ``pipeline``: every unit, as the whole pipeline presents the set to a
  curator: the queue in the order under test, then the unqueued tail, which is
  never shown. The tail is in one fixed random order (seed :data:`TAIL_SEED`),
  the same after every queue order. The issue's ranking targets are judged
  here. This view credits the matcher's filtering as well as the ranking:
  ``queue_random`` (matcher, then random queue order) shows how much.

Metrics are ASReview Insights' (``asreviewcontrib/insights/{algorithms,metrics}.py``):
recall after screening x of the units, WSS at 95 % recall against the random
baseline ``round(linspace(0, R, N))``, TNR at 95 % recall, and ATD, the mean
1-based position at which each relevant unit is screened.

Extraction precision: for each true-positive candidate and each structured
field, a machine suggestion counts as correct when it is one of the values the
curator confirmed in ``labels.tsv`` (``;`` separates several that apply).
Precision = correct / suggested; coverage = suggested / positives.

Gene mentions: ``Matcher.genes_mentioned`` on the title and abstract of every
record of the real background, scored against the hand labels in
``shared_labels.tsv``: a (PMID, gene) it reports that the hand labels do not
list as a true mention is a false positive.
"""

from __future__ import annotations

import csv
import math
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from evidencewatch import ranking
from evidencewatch.core.paths import CHECKOUT
from evidencewatch.core.vocabulary import Status
from evidencewatch.evaluation.cassettes import cassette_bodies
from evidencewatch.pubmed.parse import iter_pubmed, parse_pubmed
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.watch.watchlist import Watchlist

REPO = CHECKOUT
DEFAULT_SET = REPO / "tests" / "eval"
DEFAULT_BACKGROUND = REPO.parent / "shared" / "pubmed"
RECALL_AT = (0.10, 0.25, 0.50)
WSS_AT = 0.95
PRIOR_FRACTION = 0.10
RETRAIN_EVERY = 10
RETRAIN_SHARE = 0.02
RANDOM_RUNS = 50
TAIL_SEED = 0
FIELDS = ("therapy_class", "direction", "effect", "alteration", "subtype", "model_system")
# Ranking targets are judged on the pipeline view (labelled set + real background).
TARGETS: dict[str, float] = {
    "pipeline.learned.wss_95": 0.60,
    "pipeline.learned.recall_25": 0.90,
    "gene_mention_precision": 0.98,
    "extraction.therapy_class": 0.85,
    "extraction.direction": 0.85,
}
# Curators' words in labels.tsv -> the extractor's vocabulary (evidencewatch.extract).
_GOLD_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "subtype": {
        "tnbc": ("triple-negative",),
        "er-positive": ("er-positive", "luminal a", "luminal b"),
        "luminal": ("luminal a", "luminal b"),
    },
    "model_system": {
        "patients": ("patient_cohort",),
        "cell lines": ("cell_line",),
        "trial": ("clinical_trial",),
    },
}


# --- ASReview Insights metrics ----------------------------------------------------------


def _slice_metric(x: Sequence[float], y: Sequence[float], intercept: float) -> float:
    """The y of the last x <= intercept (ASReview Insights ``_slice_metric``)."""
    i = int(np.searchsorted(np.asarray(x), intercept, side="right"))
    return float(y[i - 1])


def recall_at(labels: Sequence[int], fraction: float) -> float:
    """Share of relevant records found after screening ``fraction`` of them, in order."""
    n = len(labels)
    relevant = sum(labels)
    if n == 0 or relevant == 0:
        return float("nan")
    x = np.arange(1, n + 1) / n
    if fraction < x[0]:
        return 0.0
    y = np.cumsum(labels) / relevant
    return _slice_metric(x, y, fraction)


def wss_at(labels: Sequence[int], level: float = WSS_AT) -> float:
    """Work saved over sampling at recall ``level``, as ASReview Insights computes it.

    For the k-th relevant record: (position where random order, taken as
    ``round(linspace(0, R, N))``, reaches k) - (position where this order
    does), over N; read at the largest k/R <= ``level``.
    """
    n = len(labels)
    relevant = int(sum(labels))
    if n == 0 or relevant == 0:
        return float("nan")
    found = np.cumsum(labels)
    found_random = np.round(np.linspace(0, relevant, n))
    ks = np.arange(1, relevant + 1)
    when = np.searchsorted(found, ks)
    when_random = np.searchsorted(found_random, ks)
    y = (when_random - when) / n
    return _slice_metric(ks / relevant, y, level)


def time_to_discovery(labels: Sequence[int]) -> list[int]:
    """The 1-based screening position of each relevant record."""
    return [i + 1 for i, label in enumerate(labels) if label == 1]


def average_time_to_discovery(labels: Sequence[int]) -> float:
    td = time_to_discovery(labels)
    return float(np.mean(td)) if td else float("nan")


def tnr_at(labels: Sequence[int], level: float = WSS_AT) -> float:
    """True negative rate when ``level`` recall is reached (nWSS, Kusa et al. 2023).

    As ASReview Insights' ``_tnr``: irrelevant records not yet screened when the
    k-th relevant one is found, over all irrelevant records; k is the largest
    with k/R <= ``level``. Unlike WSS it does not depend on the share of relevant
    records, so it compares sets of different composition.
    """
    n = len(labels)
    relevant = int(sum(labels))
    excluded = n - relevant
    if n == 0 or relevant == 0 or excluded == 0:
        return float("nan")
    tp = np.cumsum(labels)
    fp = np.arange(1, n + 1) - tp
    ks = np.arange(1, relevant + 1)
    tn = (excluded - fp)[np.searchsorted(tp, ks)]
    if level < ks[0] / relevant:
        return 0.0
    return _slice_metric(ks / relevant, tn / excluded, level)


def order_metrics(labels: Sequence[int]) -> dict[str, float]:
    out = {f"recall_{round(x * 100)}": recall_at(labels, x) for x in RECALL_AT}
    out["wss_95"] = wss_at(labels, WSS_AT)
    out["tnr_95"] = tnr_at(labels, WSS_AT)
    out["atd"] = average_time_to_discovery(labels)
    return out


# --- labels -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    pmid: int
    gene: str  # "-" = every gene of this PMID
    label: int
    reject_reason: str = ""
    gold: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class LabelSet:
    by_pair: dict[tuple[int, str], Label] = field(default_factory=dict)
    by_pmid: dict[int, Label] = field(default_factory=dict)  # the "-" rows

    def label_of(self, pmid: int, gene: str) -> tuple[int, str]:
        """(label, reject reason) of a candidate; a pair nobody listed is a rejection.

        A candidate for a gene the curators did not list on this paper is what
        the matcher finds when a paper names a second gene in passing (HER2 as
        the subtype); curators reject it as making no claim about that gene.
        """
        if (pmid, gene) in self.by_pair:
            row = self.by_pair[(pmid, gene)]
            return row.label, row.reject_reason
        if pmid in self.by_pmid:
            return 0, self.by_pmid[pmid].reject_reason
        return 0, "no_resistance_claim"

    @property
    def positives(self) -> list[Label]:
        return [row for row in self.by_pair.values() if row.label == 1]

    def merged(self, other: LabelSet) -> LabelSet:
        """Both sets' rows; ``other`` wins where both label the same pair or PMID."""
        return LabelSet(
            by_pair={**self.by_pair, **other.by_pair}, by_pmid={**self.by_pmid, **other.by_pmid}
        )


def load_labels(path: Path) -> LabelSet:
    labels = LabelSet()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            gold = {
                f: tuple(v.strip() for v in row.get(f, "").split(";") if v.strip()) for f in FIELDS
            }
            item = Label(
                pmid=int(row["pmid"]),
                gene=row["gene"].strip(),
                label=int(row["label"]),
                reject_reason=row.get("reject_reason", "").strip(),
                gold={k: v for k, v in gold.items() if v},
            )
            if item.gene == "-":
                labels.by_pmid[item.pmid] = item
            else:
                labels.by_pair[(item.pmid, item.gene)] = item
    return labels


def load_shared_labels(path: Path) -> LabelSet:
    """The curator labels of ``shared_labels.tsv`` (real background records read by hand)."""
    labels = LabelSet()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            item = Label(
                pmid=int(row["pmid"]),
                gene=row["gene"].strip(),
                label=int(row.get("label", "0") or 0),
                reject_reason=row.get("reject_reason", "").strip(),
            )
            labels.by_pair[(item.pmid, item.gene)] = item
    return labels


def _gold_matches(field_name: str, suggested: str, gold: Iterable[str]) -> bool:
    value = suggested.strip().lower()
    synonyms = _GOLD_SYNONYMS.get(field_name, {})
    for g in gold:
        key = g.strip().lower()
        if value == key or value in synonyms.get(key, ()):
            return True
    return False


# --- the pool ---------------------------------------------------------------------------

LABELLED = "labelled"
BACKGROUND = "background"


@dataclass
class PoolItem:
    """One queued candidate (paper x gene) and its label."""

    candidate_id: int
    pmid: int
    gene: str
    crdt: date
    rule_score: float
    label: int
    reject_reason: str
    doc: ranking.Doc
    source: str = LABELLED  # LABELLED or BACKGROUND


@dataclass(frozen=True, slots=True)
class TailUnit:
    """A screening unit the pipeline never queues.

    Either a record that yields no candidate (``gene == ""``, label 0), or a
    labelled positive (paper x gene) the matcher did not queue (label 1).
    """

    pmid: int
    gene: str
    label: int
    source: str


def load_records(path: Path) -> list[PubmedRecord]:
    parsed = parse_pubmed(path)
    if parsed.problems:
        first = parsed.problems[0]
        raise ValueError(
            f"{path}: {len(parsed.problems)} unreadable records, first: "
            f"{first.position}: {first.message}"
        )
    return parsed.records


def save_set(
    *,
    session: Session,
    records: Sequence[PubmedRecord],
    matcher: Any,
    background: Sequence[PubmedRecord] = (),
) -> None:
    """Store the set as imports would: the labelled records, then the background in bulk.

    The background goes in like a baseline file (``store_unmatched=False``):
    only papers that match a tracked gene are kept.
    """
    from evidencewatch.ingest.store import save_records

    save_records(session=session, records=records, matcher=matcher, source="import:eval")
    if background:
        save_records(
            session=session,
            records=background,
            matcher=matcher,
            source="import:background",
            store_unmatched=False,
        )
    session.flush()


def build_pool(
    *, session: Session, labels: LabelSet, background_pmids: Iterable[int] = ()
) -> list[PoolItem]:
    """Every stored candidate with its label, in time order."""
    from_background = set(background_pmids)
    rows = session.exec(
        select(Candidate, Paper).join(Paper, col(Paper.pmid) == col(Candidate.pmid))
    ).all()
    others: dict[int, list[str]] = {}
    for cand, _ in rows:
        others.setdefault(cand.pmid, []).extend([cand.gene, *cand.mentions])
    pool = []
    for cand, paper in rows:
        label, reason = labels.label_of(cand.pmid, cand.gene)
        assert cand.id is not None
        pool.append(
            PoolItem(
                candidate_id=cand.id,
                pmid=cand.pmid,
                gene=cand.gene,
                crdt=paper.crdt or date.min,
                rule_score=cand.rule_score,
                label=label,
                reject_reason=reason,
                doc=ranking.candidate_doc(cand, paper, others.get(cand.pmid, ())),
                source=BACKGROUND if cand.pmid in from_background else LABELLED,
            )
        )
    pool.sort(key=lambda p: (p.crdt, p.pmid, p.gene))
    return pool


def split_priors(pool: Sequence[PoolItem], fraction: float = PRIOR_FRACTION) -> int:
    """How many of the earliest candidates are priors (>= 2 of each class)."""
    n = max(1, round(fraction * len(pool)))
    while n < len(pool):
        labels = [p.label for p in pool[:n]]
        if sum(labels) >= ranking.MIN_PER_CLASS and len(labels) - sum(labels) >= 2:
            break
        n += 1
    return n


def queue_with_priors(pool: Sequence[PoolItem]) -> tuple[list[PoolItem], int]:
    """The queue with its priors first, and how many priors there are.

    Priors are the earliest labelled-set candidates (:func:`split_priors`);
    every other candidate, background ones included, follows in time order.
    """
    labelled = [p for p in pool if p.source == LABELLED]
    n_priors = split_priors(labelled)
    priors = labelled[:n_priors]
    prior_ids = {p.candidate_id for p in priors}
    return [*priors, *(p for p in pool if p.candidate_id not in prior_ids)], n_priors


def retrain_batch(n_screened: int, every: int = RETRAIN_EVERY, share: float = RETRAIN_SHARE) -> int:
    """Candidates screened between two fits: ``every``, or ``share`` of them if that is more."""
    return max(every, math.ceil(share * n_screened))


def simulate_learned(
    pool: Sequence[PoolItem],
    n_priors: int,
    *,
    every: int = RETRAIN_EVERY,
    share: float = RETRAIN_SHARE,
) -> list[int]:
    """Indices of ``pool`` in the order active learning screens them (priors excluded)."""
    step = retrain_batch(len(pool) - n_priors, every, share)
    known = list(range(n_priors))
    remaining = list(range(n_priors, len(pool)))
    order: list[int] = []
    while remaining:
        batch = _rank(pool, known, remaining)[:step]
        order.extend(batch)
        known.extend(batch)
        taken = set(batch)
        remaining = [i for i in remaining if i not in taken]
    return order


def _rank(pool: Sequence[PoolItem], known: Sequence[int], remaining: Sequence[int]) -> list[int]:
    pipeline = ranking.RankPipeline(c=ranking.DEFAULT_C).fit(
        [pool[i].doc for i in known], [pool[i].label for i in known]
    )
    probs = pipeline.predict_proba([pool[i].doc for i in remaining])
    ranked = sorted(zip(remaining, probs, strict=True), key=lambda t: (-t[1], t[0]))
    return [i for i, _ in ranked]


def rule_order(pool: Sequence[PoolItem], n_priors: int) -> list[int]:
    rest = range(n_priors, len(pool))
    return sorted(rest, key=lambda i: (-pool[i].rule_score, i))


def unqueued_units(
    *,
    records: Mapping[int, str],
    queued: Iterable[tuple[int, str]],
    labels: LabelSet,
    seed: int = TAIL_SEED,
) -> list[TailUnit]:
    """The units the pipeline never queues, in one fixed random order.

    ``records`` maps every PMID of the set to its source. Each labelled
    positive (paper x gene) missing from ``queued`` is a relevant unit; each
    record with no queued candidate and no such positive is one irrelevant unit.
    """
    queued_pairs = set(queued)
    queued_pmids = {pmid for pmid, _ in queued_pairs}
    units: list[TailUnit] = []
    missed: set[int] = set()
    for row in labels.positives:
        if (row.pmid, row.gene) not in queued_pairs:
            units.append(TailUnit(row.pmid, row.gene, 1, records.get(row.pmid, LABELLED)))
            missed.add(row.pmid)
    for pmid, source in records.items():
        if pmid not in queued_pmids and pmid not in missed:
            units.append(TailUnit(pmid, "", 0, source))
    units.sort(key=lambda u: (u.pmid, u.gene))
    permutation = np.random.default_rng(seed).permutation(len(units))
    return [units[i] for i in permutation]


def random_metrics(
    labels: Sequence[int], runs: int = RANDOM_RUNS, *, then: Sequence[int] = ()
) -> dict[str, float]:
    """Mean metrics of ``runs`` seeded random orders of ``labels``, each followed by ``then``."""
    per_run = []
    for seed in range(runs):
        perm = np.random.default_rng(seed).permutation(len(labels))
        per_run.append(order_metrics([*(labels[i] for i in perm), *then]))
    return {k: float(np.mean([m[k] for m in per_run])) for k in per_run[0]}


# --- extraction precision ---------------------------------------------------------------


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
            if _gold_matches(name, str(value), gold):
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


# --- gene mentions on the real background -------------------------------------------------


def load_background(root: Path) -> dict[int, PubmedRecord]:
    """Every PubMed record in the shared corpus: XML files (plain or gzip) and vcr cassettes.

    Read with :func:`iter_pubmed`; the first record of a PMID wins (files in
    name order). Unreadable records and files that are not PubMed XML are
    passed over.
    """
    records: dict[int, PubmedRecord] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = path.name
        if name.endswith((".xml", ".xml.gz")):
            sources: list[bytes | Path] = [path]
        elif name.endswith(".yaml"):
            sources = [
                b.encode("utf-8")
                for b in cassette_bodies(path, strict=False)
                if "<PubmedArticle" in b or "<MedlineCitation" in b
            ]
        else:
            continue
        for source in sources:
            try:
                for item in iter_pubmed(source):
                    if isinstance(item, PubmedRecord):
                        records.setdefault(item.pmid, item)
            except (OSError, ValueError):
                continue
    return records


def load_mention_labels(path: Path) -> set[tuple[int, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            (int(row["pmid"]), row["gene"].strip())
            for row in csv.DictReader(handle, delimiter="\t")
            if row.get("mentioned", "1").strip() == "1"
        }


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


# --- the whole evaluation ----------------------------------------------------------------


@dataclass
class EvalReport:
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return _finite(self.data)

    def targets(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, target in TARGETS.items():
            value, skipped = _lookup(self.data, key)
            met = value is not None and value == value and value >= target
            out[key] = {"target": target, "value": value, "met": bool(met)}
            if skipped:
                out[key]["skipped"] = skipped
        return out


_TARGET_PATHS: dict[str, tuple[str, ...]] = {
    "pipeline.learned.wss_95": ("ranking", "pipeline", "learned", "wss_95"),
    "pipeline.learned.recall_25": ("ranking", "pipeline", "learned", "recall_25"),
    "gene_mention_precision": ("gene_mentions", "precision"),
    "extraction.therapy_class": ("extraction", "therapy_class", "precision"),
    "extraction.direction": ("extraction", "direction", "precision"),
}


def _lookup(data: dict[str, Any], key: str) -> tuple[float | None, str | None]:
    """The value of a target, or None and the reason its section was skipped."""
    node: Any = data
    for part in _TARGET_PATHS[key]:
        if isinstance(node, dict) and "skipped" in node:
            return None, str(node["skipped"])
        if not isinstance(node, dict) or part not in node:
            return None, None
        node = node[part]
    return (float(node), None) if isinstance(node, int | float) else (None, None)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


@dataclass
class Background:
    """The real background of the set: its records and hand labels, or why it is absent."""

    records: dict[int, PubmedRecord] = field(default_factory=dict)
    labels: LabelSet = field(default_factory=LabelSet)
    mentions: set[tuple[int, str]] = field(default_factory=set)
    skipped: str | None = None


def load_background_set(eval_dir: Path, background_dir: Path | None) -> Background:
    """The background records and ``shared_labels.tsv``; both are needed, or neither is used."""
    labels_path = eval_dir / "shared_labels.tsv"
    if background_dir is None or not background_dir.is_dir():
        return Background(skipped=f"the real background corpus is not at {background_dir}")
    if not labels_path.is_file():
        return Background(skipped=f"no hand labels for the background at {labels_path}")
    return Background(
        records=load_background(background_dir),
        labels=load_shared_labels(labels_path),
        mentions=load_mention_labels(labels_path),
    )


def evaluate(
    *,
    watchlist: Watchlist,
    eval_dir: Path = DEFAULT_SET,
    background_dir: Path | None = DEFAULT_BACKGROUND,
    every: int = RETRAIN_EVERY,
) -> EvalReport:
    """Run the labelled set and the real background (when present); measure everything."""
    from evidencewatch.matching.match import Matcher
    from evidencewatch.storage.db import init_db, make_engine

    started = time.perf_counter()
    matcher = Matcher.from_watchlist(watchlist)
    labels = load_labels(eval_dir / "labels.tsv")
    records = load_records(eval_dir / "labelled.xml")
    bg = load_background_set(eval_dir, background_dir)
    labelled_pmids = {r.pmid for r in records}
    bg_records = [r for pmid, r in sorted(bg.records.items()) if pmid not in labelled_pmids]
    set_labels = labels.merged(bg.labels)
    data: dict[str, Any] = {
        "set": str(eval_dir),
        "records": len(records),
        "background": {"dir": str(background_dir), "records": len(bg_records)}
        if bg.skipped is None
        else {"dir": str(background_dir), "skipped": bg.skipped},
    }
    with tempfile.TemporaryDirectory(prefix="evidencewatch-eval-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        try:
            init_db(engine)
            with Session(engine, expire_on_commit=False) as session:
                save_set(session=session, records=records, matcher=matcher, background=bg_records)
                pool = build_pool(
                    session=session,
                    labels=set_labels,
                    background_pmids=(r.pmid for r in bg_records),
                )
                data["candidates"] = _pool_summary(pool, labels)
                if bg.skipped is None:
                    data["background"].update(_background_summary(pool, bg))
                    sources = {r.pmid: BACKGROUND for r in bg_records}
                    sources.update({r.pmid: LABELLED for r in records})
                    tail: list[TailUnit] | None = unqueued_units(
                        records=sources, queued=((p.pmid, p.gene) for p in pool), labels=set_labels
                    )
                else:
                    tail = None
                data["ranking"] = _ranking(pool, tail, skipped=bg.skipped, every=every)
                data["extraction"] = extraction_precision(session=session, labels=labels)
                data["production_model"] = _production_model(session, pool)
                session.rollback()
        finally:
            engine.dispose()
    if bg.skipped is None:
        data["gene_mentions"] = gene_mention_precision(
            matcher=matcher, background=bg.records, truth=bg.mentions
        )
    else:
        data["gene_mentions"] = {"skipped": bg.skipped}
    data["seconds"] = round(time.perf_counter() - started, 2)
    report = EvalReport(data)
    data["targets"] = report.targets()
    return report


def _pool_summary(pool: Sequence[PoolItem], labels: LabelSet) -> dict[str, Any]:
    """The labelled set's candidates (background candidates are summarised apart)."""
    own = [p for p in pool if p.source == LABELLED]
    in_pool = {(p.pmid, p.gene) for p in own}
    missed = sorted(
        f"{r.pmid}/{r.gene}" for r in labels.positives if (r.pmid, r.gene) not in in_pool
    )
    reasons = Counter(p.reject_reason for p in own if p.label == 0)
    return {
        "n": len(own),
        "positive": sum(p.label for p in own),
        "negative": sum(1 - p.label for p in own),
        "negative_by_reason": dict(sorted(reasons.items())),
        "labelled_positives": len(labels.positives),
        "matcher_recall": (len(labels.positives) - len(missed)) / len(labels.positives)
        if labels.positives
        else float("nan"),
        "matcher_missed": missed,
    }


def _background_summary(pool: Sequence[PoolItem], bg: Background) -> dict[str, Any]:
    """What the matcher queued from the background, and whether a human labelled each one."""
    queued = [p for p in pool if p.source == BACKGROUND]
    labelled = set(bg.labels.by_pair)
    return {
        "hand_labelled_pairs": len(bg.labels.by_pair),
        "hand_labelled_positive": len(bg.labels.positives),
        "candidates": len(queued),
        "candidates_positive": sum(p.label for p in queued),
        "candidates_without_hand_label": sorted(
            f"{p.pmid}/{p.gene}" for p in queued if (p.pmid, p.gene) not in labelled
        ),
        "candidate_pairs": sorted(f"{p.pmid}/{p.gene}" for p in queued),
    }


def _ranking(
    pool: Sequence[PoolItem],
    tail: Sequence[TailUnit] | None,
    *,
    skipped: str | None,
    every: int,
) -> dict[str, Any]:
    """Both views of one simulation: the queue alone, and the queue then the unqueued tail."""
    queue, n_priors = queue_with_priors(pool)
    screened = queue[n_priors:]
    queue_labels = [p.label for p in screened]
    t0 = time.perf_counter()
    learned_order = simulate_learned(queue, n_priors, every=every)
    seconds = time.perf_counter() - t0
    rule_based_order = rule_order(queue, n_priors)
    learned = [queue[i].label for i in learned_order]
    rules = [queue[i].label for i in rule_based_order]
    batch = retrain_batch(len(screened), every)
    out: dict[str, Any] = {
        "protocol": {
            "priors": n_priors,
            "prior_positive": sum(p.label for p in queue[:n_priors]),
            "retrain_batch": batch,
            "fits": math.ceil(len(screened) / batch),
            "random_runs": RANDOM_RUNS,
            "tail_order": f"one fixed random order (seed {TAIL_SEED}) after every queue order",
            "simulation_seconds": round(seconds, 2),
        },
        "queue": {
            "units": len(screened),
            "relevant": sum(queue_labels),
            "prevalence": sum(queue_labels) / len(screened) if screened else float("nan"),
            "background_units": sum(p.source == BACKGROUND for p in screened),
            # Where the real background candidates land (1-based screening positions).
            "background_positions": {
                "learned": _positions(queue, learned_order, BACKGROUND),
                "rule_based": _positions(queue, rule_based_order, BACKGROUND),
            },
            "learned": order_metrics(learned),
            "rule_based": order_metrics(rules),
            "random": random_metrics(queue_labels),
            # The best any order of the queue can do: every relevant candidate first.
            "oracle": order_metrics(sorted(queue_labels, reverse=True)),
        },
    }
    if tail is None:
        out["pipeline"] = {"skipped": skipped or "no background"}
        return out
    tail_labels = [u.label for u in tail]
    every_unit = queue_labels + tail_labels
    out["pipeline"] = {
        "units": len(every_unit),
        "relevant": sum(every_unit),
        "prevalence": sum(every_unit) / len(every_unit),
        "queued": len(screened),
        "unqueued": len(tail),
        "unqueued_by_source": dict(sorted(Counter(u.source for u in tail).items())),
        "relevant_unqueued": sum(tail_labels),
        "missed_positives": [f"{u.pmid}/{u.gene}" for u in tail if u.label],
        "learned": order_metrics(learned + tail_labels),
        "rule_based": order_metrics(rules + tail_labels),
        # The matcher's filtering alone: the queue in random order, then the tail.
        "queue_random": random_metrics(queue_labels, then=tail_labels),
        "random": random_metrics(every_unit),
        "oracle": order_metrics(sorted(every_unit, reverse=True)),
    }
    return out


def _positions(queue: Sequence[PoolItem], order: Sequence[int], source: str) -> list[str]:
    """``position:PMID/gene`` of each candidate from ``source``, in screening order."""
    return [
        f"{pos}:{queue[i].pmid}/{queue[i].gene}"
        for pos, i in enumerate(order, start=1)
        if queue[i].source == source
    ]


def _production_model(session: Session, pool: Sequence[PoolItem]) -> dict[str, Any]:
    """Decide every candidate as labelled and run ``ranking.train``: the CLI's code path."""
    by_id = {p.candidate_id: p for p in pool}
    for cand in session.exec(select(Candidate)).all():
        item = by_id.get(cand.id or -1)
        if item is None:
            continue
        cand.status = Status.accepted.value if item.label else Status.rejected.value
        cand.reject_reason = None if item.label else item.reject_reason
        session.add(cand)
    session.flush()
    model = ranking.train(session=session)
    if model is None:
        return {"trained": False}
    metrics = dict(model.metrics)
    metrics.pop("top_features", None)
    return {
        "trained": True,
        **metrics,
        "top_features": ranking.load_pipeline(model).top_features(8),
    }
