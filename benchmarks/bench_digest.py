"""Benchmark: build and render the digest over 10,000 accepted candidates (target: <= 2 s).

One SQLite database shape (bulk-inserted, seeded with the real seed findings, plus a
pending backlog and rejections), in three variants by how many of the 10,000 accepted
candidates fall inside the digest's week:

* ``steady``: accepted spread over two years, ~100 a week: a weekly digest in steady use;
* ``busy_week``: 1,000 of them in the week;
* ``all_in_week``: all 10,000 in the week: the worst case for rendering, since every
  item is listed twice (under "what changed" and under its gene) in both documents.

The 2 s target is for build + HTML + Markdown of the ``steady`` and ``busy_week``
digests. Prints one JSON object (best and median of ``--repeat`` runs, 3; wall and
CPU seconds). ``--postgres`` runs each variant in a throw-away PostgreSQL
(benchmarks/pgserver.py) instead of SQLite.
Run: ``.venv/bin/python benchmarks/bench_digest.py [--postgres] [--repeat 3]``
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from evidencewatch.ingest.seed import load_findings
from evidencewatch.reporting.digest import build_digest, render_html, render_markdown
from evidencewatch.reporting.templating import make_env
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.watch.seedfiles import load_seed_dir

ACCEPTED = 10_000
PENDING = 2_000
REJECTED = 3_000
GENES = [f"GENE{i:02d}" for i in range(14)] + ["SLC7A5", "RELA", "CYP3A4", "SRPK1", "NEIL1"]
THERAPIES = ["chemotherapy", "radiotherapy", "endocrine", "anti-HER2"]
REASONS = ["alias_collision", "not_breast_cancer", "no_resistance_claim", "duplicate"]
NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
PERIOD = (date(2026, 11, 18), date(2026, 11, 24))
WEEK_START = datetime(2026, 11, 18, tzinfo=UTC)
TARGET_SECONDS = 2.0
SHAPES = {"steady": None, "busy_week": 1_000, "all_in_week": ACCEPTED}


def populate(url: str, *, in_week: int | None, seed: int = 7) -> None:
    """Bulk-insert papers and candidates (core INSERT ... executemany, not the ORM).

    ``in_week``: how many accepted candidates are decided inside PERIOD; None spreads
    all of them over two years.
    """
    rng = random.Random(seed)
    engine = make_engine(url)
    init_db(engine)
    _watchlist, findings = load_seed_dir()
    with Session(engine) as session:
        load_findings(session=session, findings=findings)
        session.commit()
    papers: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    pmid = 40_000_000
    while len(candidates) < ACCEPTED + PENDING + REJECTED:
        pmid += 1
        gene = rng.choice(GENES)
        papers.append(
            {
                "pmid": pmid, "version": 1, "kind": "article", "journal": "Bench J",
                "title": f"Paper {pmid}: {gene} & <i>resistance</i> in breast cancer",
                "pub_date": "2026", "pub_year": 2026, "is_retracted": rng.random() < 0.002,
                "is_review": False, "record": {}, "source": "bench",
                "first_seen_at": NOW, "updated_at": NOW,
            }
        )  # fmt: skip
        for other in rng.sample(GENES, 1 if rng.random() < 0.7 else 2):
            n = len(candidates)
            if n < ACCEPTED + PENDING + REJECTED:
                candidates.append(_candidate(rng, pmid, other, n, in_week))
    with engine.begin() as conn:
        conn.execute(sa.insert(Paper.__table__), papers)  # type: ignore[attr-defined]
        conn.execute(sa.insert(Candidate.__table__), candidates)  # type: ignore[attr-defined]
    engine.dispose()


def _candidate(
    rng: random.Random, pmid: int, gene: str, n: int, in_week: int | None
) -> dict[str, Any]:
    created = NOW - timedelta(days=rng.uniform(0, 730))
    row: dict[str, Any] = {
        "pmid": pmid, "gene": gene, "status": "pending", "score": rng.uniform(0, 10),
        "rule_score": 0.0, "reasons": [], "snippets": [], "matched_terms": {}, "mentions": [],
        "therapy_class": rng.choice(THERAPIES), "agents": [], "cell_lines": [],
        "direction": rng.choice(["up", "up", "up", "down"]),
        "effect": rng.choice(["resistance"] * 5 + ["sensitivity"]),
        "provenance": {}, "extraction_evidence": {}, "created_at": created,
        "updated_at": created, "version": 1, "decided_at": None, "decided_by": None,
        "statement": None, "evidence_level": None, "reject_reason": None,
    }  # fmt: skip
    if n < ACCEPTED:
        decided = min(created + timedelta(days=rng.uniform(0, 3)), NOW)
        if in_week is not None:  # exactly ``in_week`` in the week, the others before it
            week = WEEK_START + timedelta(seconds=rng.uniform(0, 6.9 * 86400))
            decided = week if n < in_week else min(decided, WEEK_START - timedelta(seconds=1))
        row.update(
            status="accepted",
            decided_at=decided,
            decided_by="curator",
            evidence_level=rng.choice("ABCD"),
            statement=f"{gene} higher in resistant tumours & cell lines (n = {n}).",
        )
    elif n >= ACCEPTED + PENDING:
        row.update(
            status="rejected",
            decided_at=created + timedelta(days=1),
            reject_reason=rng.choice(REASONS),
            decided_by="curator",
        )
    return row


def time_digest(url: str, repeats: int = 3) -> dict[str, Any]:
    """Best of ``repeats`` runs of build + HTML + Markdown, wall and CPU seconds."""
    engine = make_engine(url)
    env = make_env()
    render_html(build_digest_for(engine), env)  # compile the templates once, untimed
    runs: list[dict[str, float]] = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        data = build_digest_for(engine)
        built = time.perf_counter()
        html = render_html(data, env)
        rendered_html = time.perf_counter()
        markdown = render_markdown(data, env)
        done = time.perf_counter()
        runs.append(
            {
                "build": built - wall,
                "html": rendered_html - built,
                "markdown": done - rendered_html,
                "total": done - wall,
                "total_cpu": time.process_time() - cpu,
            }
        )
    engine.dispose()
    best = min(runs, key=lambda r: r["total"])
    median = sorted(runs, key=lambda r: r["total"])[len(runs) // 2]
    return {
        "accepted_in_week": data.accepted_count,
        "papers_in_week": len(data.new_papers),
        "contradictions": len(data.contradictions),
        "pending": data.backlog.pending,
        "html_bytes": len(html.encode()),
        "markdown_bytes": len(markdown.encode()),
        "seconds": {k: round(v, 3) for k, v in best.items()},
        "median_seconds": {k: round(v, 3) for k, v in median.items()},
        "within_target": best["total"] <= TARGET_SECONDS,
    }


def build_digest_for(engine: Any) -> Any:
    with Session(engine) as session:
        return build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)


def main() -> int:
    import argparse
    from contextlib import ExitStack

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="in a throw-away PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "benchmark": "digest",
        "database": "postgresql" if args.postgres else "sqlite",
        "accepted_candidates": ACCEPTED,
        "pending": PENDING,
        "rejected": REJECTED,
        "target_seconds": TARGET_SECONDS,
        "python": sys.version.split()[0],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, in_week in SHAPES.items():
            with ExitStack() as stack:
                if args.postgres:
                    from pgserver import throwaway_postgres

                    url = stack.enter_context(throwaway_postgres(database=name))
                else:
                    url = f"sqlite:///{Path(tmp) / (name + '.db')}"
                started = time.perf_counter()
                populate(url, in_week=in_week)
                populated = round(time.perf_counter() - started, 2)
                results[name] = {"populate_seconds": populated,
                                 **time_digest(url, repeats=args.repeat)}  # fmt: skip
    print(json.dumps(results, indent=2))
    return 0 if results["steady"]["within_target"] and results["busy_week"]["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
