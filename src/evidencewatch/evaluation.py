"""Offline evaluation: replay a labelled set through the real pipeline and measure it.

What runs: the labelled PubMed XML is parsed (``parse_pubmed``), matched
(``Matcher.match``) and saved as candidates (``store.save_records``) in a
throw-away SQLite database, exactly as an import would. Each candidate
(paper x gene) gets its label from ``labels.tsv``: 1 when a curator would
accept it for that gene, else 0.

Ranking protocol (ASReview-style simulation, priors from the past):

1. Candidates are put in time order (PubMed create date, then PMID, gene).
2. Priors: the earliest :data:`PRIOR_FRACTION` of candidates, extended until
   they hold at least two accepted and two rejected. They stand for the
   decisions curators already made; like ASReview Insights' default, they are
   left out of every metric.
3. Learned ranking: train on everything labelled so far, rank the rest by
   P(accept), "screen" the top :data:`RETRAIN_EVERY`, add their labels, retrain;
   until the pool is empty. The model is :func:`evidencewatch.ranking.fit_pipeline`,
   the very code ``evidencewatch rank --retrain`` runs.
4. Baselines from the same pool in the same run: the rule-based score (static
   order, ties by time) and random order (mean over :data:`RANDOM_RUNS`
   seeded permutations).

Metrics are ASReview Insights' (``asreviewcontrib/insights/{algorithms,metrics}.py``):
recall after screening x of the pool, WSS at 95 % recall against the random
baseline ``round(linspace(0, R, N))``, and ATD, the mean 1-based position at
which each relevant candidate is screened.

Extraction precision: for each true-positive candidate and each structured
field, a machine suggestion counts as correct when it is one of the values the
curator confirmed in ``labels.tsv`` (``;`` separates several that apply).
Precision = correct / suggested; coverage = suggested / positives.

Gene mentions: ``Matcher.genes_mentioned`` on the title and abstract of every
record of the real background corpus (``../shared/pubmed``), scored against the
hand labels in ``shared_labels.tsv``: a (PMID, gene) it reports that the hand
labels do not list as a true mention is a false positive.
"""

from __future__ import annotations

import csv
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from evidencewatch import ranking
from evidencewatch.models import Candidate, Paper, Status
from evidencewatch.pubmed.parse import parse_pubmed
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.watchlist import Watchlist

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SET = REPO / "tests" / "eval"
DEFAULT_BACKGROUND = REPO.parent / "shared" / "pubmed"
RECALL_AT = (0.10, 0.25, 0.50)
WSS_AT = 0.95
PRIOR_FRACTION = 0.10
RETRAIN_EVERY = 10
RANDOM_RUNS = 50
FIELDS = ("therapy_class", "direction", "effect", "alteration", "subtype", "model_system")
TARGETS: dict[str, float] = {
    "learned.wss_95": 0.60,
    "learned.recall_25": 0.90,
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


def _gold_matches(field_name: str, suggested: str, gold: Iterable[str]) -> bool:
    value = suggested.strip().lower()
    synonyms = _GOLD_SYNONYMS.get(field_name, {})
    for g in gold:
        key = g.strip().lower()
        if value == key or value in synonyms.get(key, ()):
            return True
    return False


# --- the pool ---------------------------------------------------------------------------


@dataclass
class PoolItem:
    candidate_id: int
    pmid: int
    gene: str
    crdt: date
    rule_score: float
    label: int
    reject_reason: str
    doc: ranking.Doc


def load_records(path: Path) -> list[PubmedRecord]:
    parsed = parse_pubmed(path)
    if parsed.problems:
        first = parsed.problems[0]
        raise ValueError(
            f"{path}: {len(parsed.problems)} unreadable records, first: "
            f"{first.position}: {first.message}"
        )
    return parsed.records


def build_pool(
    *, session: Session, records: Sequence[PubmedRecord], matcher: Any, labels: LabelSet
) -> list[PoolItem]:
    """Save the records as an import would, then label every candidate, in time order."""
    from evidencewatch.store import save_records

    save_records(session=session, records=records, matcher=matcher, source="import:eval")
    session.flush()
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


def simulate_learned(
    pool: Sequence[PoolItem], n_priors: int, *, every: int = RETRAIN_EVERY
) -> list[int]:
    """Indices of ``pool`` in the order active learning screens them (priors excluded)."""
    known = list(range(n_priors))
    remaining = list(range(n_priors, len(pool)))
    order: list[int] = []
    while remaining:
        if len(remaining) <= every:
            batch = _rank(pool, known, remaining)
        else:
            batch = _rank(pool, known, remaining)[:every]
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


def random_metrics(labels: Sequence[int], runs: int = RANDOM_RUNS) -> dict[str, float]:
    per_run = []
    for seed in range(runs):
        perm = np.random.default_rng(seed).permutation(len(labels))
        per_run.append(order_metrics([labels[i] for i in perm]))
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
    """Every PubMed record in the shared corpus: XML files (plain or gzip) and vcr cassettes."""
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
                for b in cassette_bodies(path)
                if "<PubmedArticle" in b or "<MedlineCitation" in b
            ]
        else:
            continue
        for source in sources:
            try:
                parsed = parse_pubmed(source)
            except (OSError, ValueError):
                continue
            for record in parsed.records:
                records.setdefault(record.pmid, record)
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
        text = f"{record.title}\n{record.abstract_text}"
        for gene in matcher.genes_mentioned(text):
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


# --- vcr cassette bodies (YAML quoted scalars), for the background corpus ----------------

_RESPONSE_BODY = re.compile(r"^  response:\n    body:\n      string: ", re.MULTILINE)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}


def cassette_bodies(path: Path) -> list[str]:
    """Response bodies of a vcrpy cassette (quoted YAML scalars), in recorded order."""
    text = path.read_text(encoding="utf-8")
    bodies = []
    for match in _RESPONSE_BODY.finditer(text):
        try:
            bodies.append(_quoted_scalar(text, match.end()))
        except ValueError:
            continue
    return bodies


def _quoted_scalar(text: str, start: int) -> str:
    quote = text[start]
    if quote == "'":
        end = start + 1
        while True:
            end = text.index("'", end)
            if text.startswith("''", end):
                end += 2
                continue
            break
        return _fold(text[start + 1 : end], double=False).replace("''", "'")
    if quote == '"':
        end = start + 1
        while text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        return _ESCAPE.sub(_unescape, _fold(text[start + 1 : end], double=True))
    raise ValueError("not a quoted scalar")


def _fold(raw: str, *, double: bool) -> str:
    lines = raw.split("\n")
    out = ""
    empties = 0
    joined = False
    for number, line in enumerate(lines):
        if number > 0:
            line = line.lstrip(" \t")
        if number < len(lines) - 1:
            stripped = line.rstrip(" \t")
            if double and _odd_backslashes(stripped) and stripped != line:
                stripped += " "
            line = stripped
        if number > 0 and line == "" and number < len(lines) - 1:
            empties += 1
            continue
        if number > 0:
            out += "\n" * empties if empties else ("" if joined else " ")
        empties = 0
        joined = double and _odd_backslashes(line) and number < len(lines) - 1
        out += line[:-1] if joined else line
    return out


def _odd_backslashes(line: str) -> bool:
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE_ESCAPES.get(code, "\\" + code)


# --- the whole evaluation ----------------------------------------------------------------


@dataclass
class EvalReport:
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return _finite(self.data)

    def targets(self) -> dict[str, dict[str, Any]]:
        out = {}
        for key, target in TARGETS.items():
            value = _lookup(self.data, key)
            met = value is not None and value == value and value >= target
            out[key] = {"target": target, "value": value, "met": bool(met)}
        return out


def _lookup(data: dict[str, Any], key: str) -> float | None:
    aliases = {
        "learned.wss_95": ("ranking", "learned", "wss_95"),
        "learned.recall_25": ("ranking", "learned", "recall_25"),
        "gene_mention_precision": ("gene_mentions", "precision"),
        "extraction.therapy_class": ("extraction", "therapy_class", "precision"),
        "extraction.direction": ("extraction", "direction", "precision"),
    }
    node: Any = data
    for part in aliases[key]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) else None


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def evaluate(
    *,
    watchlist: Watchlist,
    eval_dir: Path = DEFAULT_SET,
    background_dir: Path | None = DEFAULT_BACKGROUND,
    every: int = RETRAIN_EVERY,
) -> EvalReport:
    """Run the labelled set (and the background, when present) and measure everything."""
    from evidencewatch.db import init_db, make_engine
    from evidencewatch.match import Matcher

    started = time.perf_counter()
    matcher = Matcher.from_watchlist(watchlist)
    labels = load_labels(eval_dir / "labels.tsv")
    records = load_records(eval_dir / "labelled.xml")
    data: dict[str, Any] = {"set": str(eval_dir), "records": len(records)}
    with tempfile.TemporaryDirectory(prefix="evidencewatch-eval-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        try:
            init_db(engine)
            with Session(engine, expire_on_commit=False) as session:
                pool = build_pool(session=session, records=records, matcher=matcher, labels=labels)
                data["candidates"] = _pool_summary(pool, labels)
                data["ranking"] = _ranking(pool, every=every)
                data["extraction"] = extraction_precision(session=session, labels=labels)
                data["production_model"] = _production_model(session, pool)
                session.rollback()
        finally:
            engine.dispose()
    data["gene_mentions"] = _gene_mentions(matcher, eval_dir, background_dir)
    data["seconds"] = round(time.perf_counter() - started, 2)
    report = EvalReport(data)
    data["targets"] = report.targets()
    return report


def _pool_summary(pool: Sequence[PoolItem], labels: LabelSet) -> dict[str, Any]:
    in_pool = {(p.pmid, p.gene) for p in pool}
    missed = sorted(
        f"{r.pmid}/{r.gene}" for r in labels.positives if (r.pmid, r.gene) not in in_pool
    )
    reasons = Counter(p.reject_reason for p in pool if p.label == 0)
    return {
        "n": len(pool),
        "positive": sum(p.label for p in pool),
        "negative": sum(1 - p.label for p in pool),
        "negative_by_reason": dict(sorted(reasons.items())),
        "labelled_positives": len(labels.positives),
        "matcher_recall": (len(labels.positives) - len(missed)) / len(labels.positives)
        if labels.positives
        else float("nan"),
        "matcher_missed": missed,
    }


def _ranking(pool: Sequence[PoolItem], *, every: int) -> dict[str, Any]:
    n_priors = split_priors(pool)
    rest_labels = [p.label for p in pool[n_priors:]]
    t0 = time.perf_counter()
    learned = simulate_learned(pool, n_priors, every=every)
    seconds = time.perf_counter() - t0
    rules = rule_order(pool, n_priors)
    return {
        "protocol": {
            "priors": n_priors,
            "prior_positive": sum(p.label for p in pool[:n_priors]),
            "screened": len(rest_labels),
            "relevant": sum(rest_labels),
            "retrain_every": every,
            "random_runs": RANDOM_RUNS,
            "simulation_seconds": round(seconds, 2),
        },
        "learned": order_metrics([pool[i].label for i in learned]),
        "rule_based": order_metrics([pool[i].label for i in rules]),
        "random": random_metrics(rest_labels),
        # The best any order can do on this pool: every relevant candidate first.
        "oracle": order_metrics(sorted(rest_labels, reverse=True)),
    }


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


def _gene_mentions(matcher: Any, eval_dir: Path, background_dir: Path | None) -> dict[str, Any]:
    labels_path = eval_dir / "shared_labels.tsv"
    if background_dir is None or not background_dir.is_dir():
        return {"skipped": f"the real background corpus is not at {background_dir}"}
    if not labels_path.is_file():
        return {"skipped": f"no hand labels at {labels_path}"}
    background = load_background(background_dir)
    return gene_mention_precision(
        matcher=matcher, background=background, truth=load_mention_labels(labels_path)
    )
