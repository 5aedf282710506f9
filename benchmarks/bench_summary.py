"""Benchmark: build the living evidence summary over 10,000 accepted candidates (target <= 2 s).

One real SQLite file, bulk-inserted: the shipped seed findings; 10,000 accepted candidates
(plus 2,000 pending and 3,000 rejected) on the tracked genes, mostly in the seed findings'
own therapy classes and alterations so most of them land on a finding's sides, the rest on
new rows; every paper with a stored record carrying authors (from a small pool, so some
share) and an abstract that names a cohort for a third of them (so independence is
judged); 0.5 % of papers retracted through integrity notices, and a few concerns and
errata. One version is published first, so the summary computes its changes against it.

Timed, median of 3 (wall seconds, and CPU seconds of this process): gather + build of
the document, then HTML, Markdown and JSON. The baseline, in the same run and on the same
file, is the digest of the last 7 days (build + HTML + Markdown), as
``benchmarks/bench_digest.py`` times it.
Prints one JSON object. Run: ``.venv/bin/python benchmarks/bench_summary.py``
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from evidencewatch.config import load_settings
from evidencewatch.ingest.seed import load_findings
from evidencewatch.jobs.summary import finding_order, summary_job
from evidencewatch.reporting.digest import build_digest, render_html, render_markdown
from evidencewatch.reporting.summary import build_document, gather_input, render_all
from evidencewatch.reporting.templating import make_env
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Candidate, IntegrityNotice, Paper
from evidencewatch.watch.seedfiles import load_seed_dir

ACCEPTED = 10_000
PENDING = 2_000
REJECTED = 3_000
TARGET_SECONDS = 2.0
NOW = datetime(2026, 12, 3, 8, tzinfo=UTC)
PERIOD = (date(2026, 11, 26), date(2026, 12, 2))
COHORTS = ["METABRIC", "TCGA", "I-SPY2", "GeparTrio", "SCAN-B", "GSE25066"]
# A small pool, so that many papers share an author and their cohorts must be compared.
SURNAMES = [f"Author{i:04d}" for i in range(3000)]
SUBTYPES = [None, None, "triple-negative", "luminal B", "HER2-positive", "basal-like"]
MODELS = ["patient_cohort", "cell_line", "xenograft", "clinical_trial", None]


def populate(url: str, seed: int = 11) -> None:
    """Bulk-insert papers, candidates and notices (core INSERT ... executemany)."""
    rng = random.Random(seed)
    engine = make_engine(url)
    init_db(engine)
    _watchlist, findings = load_seed_dir()
    with Session(engine) as session:
        load_findings(session=session, findings=findings)
        session.commit()
    stances = [(g, f.therapy_class, f.alteration) for f in findings for g in f.genes]
    stances += [("PRLR", "endocrine", "mRNA"), ("FBP1", "chemotherapy", "protein")]
    papers: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    pmid = 42_000_000
    while len(candidates) < ACCEPTED + PENDING + REJECTED:
        pmid += 1
        papers.append(_paper(rng, pmid))
        genes: set[str] = set()
        for gene, therapy, alteration in rng.sample(stances, 1 if rng.random() < 0.7 else 2):
            if gene not in genes and len(candidates) < ACCEPTED + PENDING + REJECTED:
                genes.add(gene)
                candidates.append(_candidate(rng, pmid, gene, therapy, alteration, len(candidates)))
    notices = [
        {
            "pmid": p["pmid"],
            "kind": kind,
            "notice_pmid": p["pmid"] + 9_000_000,
            "detail": "",
            "previous_hash": "",
            "detected_at": NOW,
            "detected_by": "bench",
            "state": "open",
            "note": "",
        }
        for p in papers
        for kind in ("retracted", "concern", "erratum")
        if rng.random() < {"retracted": 0.005, "concern": 0.002, "erratum": 0.004}[kind]
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(Paper.__table__), papers)  # type: ignore[attr-defined]
        conn.execute(sa.insert(Candidate.__table__), candidates)  # type: ignore[attr-defined]
        conn.execute(sa.insert(IntegrityNotice.__table__), notices)  # type: ignore[attr-defined]
    engine.dispose()


def _notice(pmid: int, kind: str) -> dict[str, Any]:
    return {
        "pmid": pmid, "kind": kind, "notice_pmid": pmid + 9_000_000, "detail": "",
        "previous_hash": "", "detected_at": NOW, "detected_by": "bench", "state": "open",
        "note": "",
    }  # fmt: skip


def _paper(rng: random.Random, pmid: int) -> dict[str, Any]:
    cohort = rng.choice(COHORTS) if rng.random() < 0.33 else None
    abstract = "Expression was measured in resistant and sensitive tumours. " + (
        f"Patients of the {cohort} cohort were studied." if cohort else "Cell lines were studied."
    )
    authors = [{"last_name": a, "initials": "J"} for a in rng.sample(SURNAMES, rng.randint(3, 8))]
    record = {"pmid": pmid, "title": f"Paper {pmid}", "abstract": [{"text": abstract}],
              "authors": authors}  # fmt: skip
    return {
        "pmid": pmid, "version": 1, "kind": "article", "journal": "Bench J",
        "title": f"Paper {pmid} on resistance in breast cancer", "pub_date": "2026",
        "pub_year": rng.randint(2015, 2026), "is_retracted": False, "is_review": False,
        "record": record, "source": "bench", "first_seen_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def _candidate(
    rng: random.Random, pmid: int, gene: str, therapy: str, alteration: str, n: int
) -> dict[str, Any]:
    created = NOW - timedelta(days=rng.uniform(0, 730))
    row: dict[str, Any] = {
        "pmid": pmid, "gene": gene, "status": "pending", "score": rng.uniform(0, 10),
        "rule_score": 0.0, "reasons": [], "matched_terms": {}, "mentions": [],
        "snippets": [{"text": f"{gene} was higher.", "section": "abstract"}],
        "therapy_class": therapy if rng.random() < 0.85 else rng.choice(
            ["chemotherapy", "radiotherapy", "endocrine", "anti-HER2"]),
        "alteration": alteration if rng.random() < 0.85 else "mutation",
        "agents": [], "cell_lines": [],
        "direction": rng.choice(["up", "up", "up", "down", "none", "mixed"]),
        "effect": rng.choice(["resistance"] * 5 + ["sensitivity", "no_association"]),
        "subtype": rng.choice(SUBTYPES), "model_system": rng.choice(MODELS),
        "provenance": {}, "extraction_evidence": {}, "created_at": created,
        "updated_at": created, "version": 1, "decided_at": None, "decided_by": None,
        "statement": None, "evidence_level": None, "reject_reason": None,
    }  # fmt: skip
    if n < ACCEPTED:
        row.update(
            status="accepted",
            decided_at=min(created + timedelta(days=rng.uniform(0, 3)), NOW),
            decided_by="curator",
            evidence_level=rng.choice("ABCDE"),
            statement=f"{gene} changed in resistant tumours & cells (n = {n}).",
        )
    elif n >= ACCEPTED + PENDING:
        row.update(status="rejected", decided_at=created + timedelta(days=1),
                   reject_reason="no_resistance_claim", decided_by="curator")  # fmt: skip
    return row


def median_of(repeats: int, step: Callable[[], dict[str, float]]) -> dict[str, float]:
    runs = [step() for _ in range(repeats)]
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}


def time_summary(engine: Any, order: list[str], repeats: int) -> tuple[dict[str, float], Any]:
    env = make_env()
    holder: dict[str, Any] = {}

    def step() -> dict[str, float]:
        start, cpu = time.perf_counter(), time.process_time()
        with Session(engine) as session:
            data = gather_input(session=session, finding_order=order)
        gathered = time.perf_counter()
        document = build_document(data, now=NOW)
        built, built_cpu = time.perf_counter(), time.process_time()
        texts = render_all(document, env)
        done = time.perf_counter()
        holder.update(document=document, texts=texts)
        return {
            "gather": gathered - start,
            "build": built - gathered,
            "gather_and_build": built - start,
            "gather_and_build_cpu": built_cpu - cpu,
            "render_html_md_json": done - built,
            "total": done - start,
            "total_cpu": time.process_time() - cpu,
        }

    return median_of(repeats, step), holder


def time_digest(engine: Any, repeats: int) -> dict[str, float]:
    env = make_env()

    def step() -> dict[str, float]:
        start, cpu = time.perf_counter(), time.process_time()
        with Session(engine) as session:
            data = build_digest(
                session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW
            )
        built = time.perf_counter()
        render_html(data, env)
        render_markdown(data, env)
        done = time.perf_counter()
        return {
            "build": built - start,
            "total": done - start,
            "total_cpu": time.process_time() - cpu,
        }

    return median_of(repeats, step)


def main() -> int:
    repeats = 3
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'summary.db'}"
        started = time.perf_counter()
        populate(url)
        populated = round(time.perf_counter() - started, 2)
        engine = make_engine(url)
        settings = load_settings(env={}, database_url=url)
        summary_job(settings, engine=engine, out_dir=Path(tmp) / "out", publish=True, now=NOW)
        order = finding_order(settings)
        time_digest(engine, 1)  # compile templates, warm the file cache: untimed
        time_summary(engine, order, 1)
        digest = time_digest(engine, repeats)
        summary, last = time_summary(engine, order, repeats)
        engine.dispose()
    doc, texts = last["document"], last["texts"]
    results = {
        "benchmark": "summary",
        "accepted_candidates": ACCEPTED,
        "pending": PENDING,
        "rejected": REJECTED,
        "populate_seconds": populated,
        "repeats": repeats,
        "statistic": "median",
        "target_seconds": TARGET_SECONDS,
        "summary_seconds": summary,
        "baseline_digest_seconds": digest,
        "ratio_build_to_digest": round(summary["gather_and_build"] / digest["total"], 2),
        "ratio_total_to_digest": round(summary["total"] / digest["total"], 2),
        "document": {
            "findings": doc["totals"]["findings"],
            "new_rows": doc["totals"]["new_rows"],
            "papers": doc["totals"]["papers"],
            "integrity_notices": len(doc["integrity"]),
            "html_bytes": len(texts["html"].encode()),
            "markdown_bytes": len(texts["md"].encode()),
            "json_bytes": len(texts["json"].encode()),
        },
        "within_target": summary["gather_and_build"] <= TARGET_SECONDS,
        "python": sys.version.split()[0],
    }
    print(json.dumps(results, indent=2))
    return 0 if results["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
