"""Server time of the review web app on a large queue.

Fills a fresh SQLite database with 100,000 candidates (about 70,000 papers
with realistic stored records, snippets, reasons and audit rows; bulk
inserted with SQLAlchemy core executemany), then times requests in process
through FastAPI's TestClient (time.perf_counter around each request):

* ``queue``: the queue page: first pages, gene/therapy filters, deep pages;
* ``candidate``: a candidate page (random candidates);
* ``decision``: an accept/reject/defer form post (redirect not followed), and after every
  fourth decision the first page of the queue (``queue after decision``: the progress
  panel's figures are computed again for the new state);
* with ``--cursor-pages``, in the queue mix: the same deep pages of the paper view by
  number (``deep_offset``, an OFFSET) and by the next link's ``after=`` cursor
  (``deep_cursor``), at pages 11, 21, 31, ... chosen at random.

Each set of requests is timed ``--repeat`` times (3) on the same data; the
figures are the medians over the repeats of each run's p50/p95/p99. Two apps
are timed in the same run, in turn within each repeat:

* ``now``: ``create_app`` as it is (no decision hook: retraining is the worker's);
* ``before``: the same app with the decision hook it had before retraining left
  the web (``retrain_hook(background=True)``: once ``retrain_after_decisions``
  decisions are due, a retrain in a thread of the web process). The bench's
  database starts with ~18,000 decided candidates and no model, so it is due.

``--postgres`` starts a throw-away PostgreSQL (benchmarks/pgserver.py) and runs
there; ``--database-url`` uses a given, empty database. Prints p50/p95/p99/max per
kind, then the numbers as one JSON object on the last line. Target: p95 <= 50 ms.

    .venv/bin/python benchmarks/bench_web.py [--candidates 100000] [--requests 200] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import tempfile
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlmodel import Session, select

from evidencewatch.config import load_settings
from evidencewatch.review import accounts as auth
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import AuditEvent, Candidate, Paper, User
from evidencewatch.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

GENES = [
    "ESR1",
    "ERBB2",
    "ABCB1",
    "ABCG2",
    "TOP2A",
    "PGR",
    "CYP2D6",
    "CYP3A4",
    "BCL2",
    "TP53",
    "PIK3CA",
    "AKT1",
    "MTOR",
    "CCND1",
    "CDK4",
    "CDK6",
    "RB1",
    "FGFR1",
    "EGFR",
    "IGF1R",
    "NOTCH1",
    "SOX2",
    "ALDH1A1",
    "CD44",
    "RELA",
    "NFKB1",
    "LY96",
    "SLC7A5",
    "ANXA1",
    "GSTP1",
    "MUC1",
    "KRT5",
    "VIM",
    "SNAI1",
    "TWIST1",
    "ZEB1",
    "BRCA1",
    "BRCA2",
    "PTEN",
    "MAPK1",
]
THERAPIES = ["chemotherapy", "radiotherapy", "endocrine", "anti-HER2"]
AGENTS = ["tamoxifen", "fulvestrant", "letrozole", "doxorubicin", "paclitaxel", "trastuzumab"]
JOURNALS = ["Breast Cancer Res", "Cancer Res", "Oncogene", "Clin Cancer Res", "Nat Commun"]
WORDS = (
    "cells tumour expression resistance sensitivity patients cohort treatment survival "
    "signalling pathway mutation increased decreased associated analysis model xenograft "
    "response therapy endocrine receptor protein inhibition apoptosis proliferation"
).split()
# Indexes proposed for models.Candidate; --proposed-indexes adds them to the bench database
# (a no-op once the schema has them) to compare.
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_candidate_status_gene_score ON candidate (status, gene, score)",
    "CREATE INDEX IF NOT EXISTS ix_candidate_status_therapy_created_score "
    "ON candidate (status, therapy_class, created_at, score)",
    "CREATE INDEX IF NOT EXISTS ix_candidate_status_created_score "
    "ON candidate (status, created_at, score)",
)
STATUSES = ["pending"] * 80 + ["accepted"] * 10 + ["rejected"] * 8 + ["deferred"] * 2


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paper_row(rng: random.Random, pmid: int, genes: list[str], crdt: date) -> dict[str, Any]:
    title = f"{' and '.join(genes)} {sentence(rng, 10)[:-1]} in breast cancer"
    sections = [
        {"text": sentence(rng, 40), "label": label, "category": label, "markup": ""}
        for label in ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
    ]
    for s in sections:
        s["markup"] = s["text"]
    record = {
        "pmid": pmid,
        "version": 1,
        "kind": "article",
        "title": title,
        "title_markup": title,
        "abstract": sections,
        "journal": rng.choice(JOURNALS),
        "journal_abbrev": "",
        "pub_date": {
            "year": crdt.year,
            "month": crdt.month,
            "day": None,
            "season": None,
            "medline_date": None,
        },
        "article_date": crdt.isoformat(),
        "history": {"entrez": crdt.isoformat(), "pubmed": crdt.isoformat()},
        "authors": [
            {
                "last_name": f"Author{i}",
                "fore_name": "A",
                "initials": "A",
                "collective_name": None,
                "orcid": None,
                "affiliations": ["Dept of Oncology, Some University"],
            }
            for i in range(6)
        ],
        "doi": f"10.1000/bench.{pmid}",
        "pmcid": None,
        "mesh_terms": ["Breast Neoplasms", "Drug Resistance, Neoplasm", "Humans", "Female"],
        "keywords": ["resistance", genes[0]],
        "publication_types": ["Journal Article"],
        "comments_corrections": [],
        "language": ["eng"],
        "status": "MEDLINE",
        "book_title": None,
    }
    return {
        "pmid": pmid,
        "version": 1,
        "kind": "article",
        "title": title,
        "journal": record["journal"],
        "pub_date": f"{crdt:%Y-%m}",
        "pub_year": crdt.year,
        "crdt": crdt,
        "doi": record["doi"],
        "pmcid": None,
        "is_retracted": False,
        "is_review": False,
        "record": record,
        "source": "bench",
        "first_seen_at": datetime.now(UTC),
        "updated_at": datetime.now(UTC),
        "deleted_at": None,
    }


def candidate_row(rng: random.Random, cid: int, pmid: int, gene: str, crdt: date) -> dict[str, Any]:
    status = rng.choice(STATUSES)
    snippets = []
    for _ in range(rng.randint(1, 3)):
        text = f"{sentence(rng, 12)[:-1]} {gene} {sentence(rng, 18)}"
        start = text.index(gene)
        snippets.append(
            {
                "text": text,
                "section": "RESULTS",
                "genes": [gene],
                "cues": ["resistance"],
                "spans": [[start, start + len(gene), "gene"]],
            }
        )
    score = round(rng.uniform(0, 10), 4)
    # queued by the daily scan a few days after PubMed created the record
    now = datetime(crdt.year, crdt.month, crdt.day, 6, tzinfo=UTC) + timedelta(
        days=rng.randint(0, 5), seconds=rng.randint(0, 3600)
    )
    return {
        "id": cid,
        "pmid": pmid,
        "gene": gene,
        "status": status,
        "score": score,
        "rule_score": score,
        "model_score": None,
        "reasons": [
            {"feature": f, "weight": round(rng.uniform(-1, 3), 2), "detail": f"{f} {gene}"}
            for f in (
                "gene_in_title",
                "resistance_cue",
                "therapy_cue",
                "breast_cancer",
                "sentence_cooccurrence",
                "model:tfidf_svm",
            )
        ],
        "snippets": snippets,
        "matched_terms": {"gene": [gene], "cue": ["resistance"], "therapy": ["tamoxifen"]},
        "mentions": [gene],
        "therapy_class": rng.choice(THERAPIES),
        "agents": rng.sample(AGENTS, 2),
        "direction": "up",
        "effect": "resistance",
        "alteration": None,
        "subtype": None,
        "model_system": "cell line",
        "cell_lines": ["MCF7"],
        "evidence_level": None,
        "statement": None,
        "provenance": {"therapy_class": "machine", "agents": "machine", "direction": "machine"},
        "extraction_evidence": {"therapy_class": "tamoxifen"},
        "reject_reason": None,
        "note": None,
        "scan_id": None,
        "created_at": now,
        "updated_at": now,
        "decided_at": now if status != "pending" else None,
        "decided_by": "bench" if status != "pending" else None,
        "version": 1,
    }


def fill(engine: Any, n_candidates: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    papers: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    pmid, cid = 30_000_000, 0
    start = date(2024, 1, 1)
    paper_table = Paper.__table__  # type: ignore[attr-defined]
    cand_table = Candidate.__table__  # type: ignore[attr-defined]
    audit_table = AuditEvent.__table__  # type: ignore[attr-defined]

    def flush() -> None:
        with engine.begin() as conn:
            if papers:
                conn.execute(paper_table.insert(), papers)
            if candidates:
                conn.execute(cand_table.insert(), candidates)
            if audits:
                conn.execute(audit_table.insert(), audits)
        papers.clear()
        candidates.clear()
        audits.clear()

    while cid < n_candidates:
        pmid += 1
        genes = rng.sample(GENES, 1 if rng.random() < 0.6 else 2)
        genes = genes[: n_candidates - cid]
        crdt = start + timedelta(days=rng.randint(0, 900))
        papers.append(paper_row(rng, pmid, genes, crdt))
        for gene in genes:
            cid += 1
            row = candidate_row(rng, cid, pmid, gene, crdt)
            candidates.append(row)
            audits.append(
                {
                    "candidate_id": cid,
                    "at": row["created_at"],
                    "actor": "system",
                    "action": "created",
                    "from_status": None,
                    "to_status": row["status"],
                    "changes": {"score": row["score"]},
                    "reason": None,
                    "note": "bench",
                }
            )
        if len(candidates) >= 5000:
            flush()
    flush()


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the repeats (n: the total)."""
    out = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0] if k != "n"}
    return {"n": sum(int(r["n"]) for r in runs), **out, "runs_p95_ms": [r["p95_ms"] for r in runs]}


def timed(client: TestClient, method: str, url: str, **kw: Any) -> float:
    t0 = time.perf_counter()
    response = client.request(method, url, follow_redirects=False, **kw)
    elapsed = time.perf_counter() - t0
    if response.status_code not in (200, 303):
        raise SystemExit(f"{method} {url} -> {response.status_code}: {response.text[:300]}")
    return elapsed


def old_background_hook(settings: Any) -> Any:
    """The decision hook the web app had before retraining left it (the baseline)."""
    import threading

    from evidencewatch.ranking.cadence import retrain_due
    from evidencewatch.ranking.scoring import rerank
    from evidencewatch.ranking.training import DECIDED, train
    from evidencewatch.storage.db import session_scope

    running = threading.Lock()

    def work(engine: Any) -> None:
        try:
            with session_scope(engine) as session:
                model = train(session=session)
                if model is not None:
                    rerank(session=session, model=model)
        finally:
            running.release()

    def hook(session: Session, candidate: Candidate) -> None:
        if candidate.status not in DECIDED or not retrain_due(session=session, settings=settings):
            return
        if running.acquire(blocking=False):
            threading.Thread(target=work, args=(session.get_bind(),), daemon=True).start()

    return hook


def sign_in(client: TestClient) -> str:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post(
        "/login", data={"username": "bench", "password": "bench-password", "csrf_token": token}
    )
    return re.search(  # type: ignore[union-attr]
        r'name="csrf_token" value="([^"]+)"', client.get("/queue").text
    ).group(1)


CURSOR_STEP = 10  # a cursor is kept for every tenth page (pages 11, 21, ...)


def paper_cursors(engine: Any) -> dict[int, str]:
    """The paper view's ``after=`` cursor of pages 11, 21, 31, ... (page number -> cursor),
    walked through the service with the cursor itself, 500 papers at a time."""
    from evidencewatch.review.paper_queue import paper_queue
    from evidencewatch.review.queue import Cursor

    cursors: dict[int, str] = {}
    with Session(engine) as session:
        page = paper_queue(session=session, per_page=50 * CURSOR_STEP)
        while page.next_after:
            last = page.items[-1].best.candidate
            number = page.page * CURSOR_STEP + 1  # the page of 50 that follows this one
            cursors[number] = Cursor("papers", last.score, last.id or 0, number).encode()
            after = Cursor.decode(page.next_after, "papers")
            page = paper_queue(session=session, per_page=50 * CURSOR_STEP, after=after)
    return cursors


def queue_urls(
    rng: random.Random, n_candidates: int, n: int, cursors: dict[int, str] | None = None
) -> list[tuple[str, str]]:
    pages = n_candidates * 8 // 10 // 50
    since = date(2024, 1, 1)
    numbers = sorted(cursors or {})
    kinds: dict[str, Any] = {
        "first_page": lambda: "/queue",
        "gene": lambda: f"/queue?gene={rng.choice(GENES)}&page={rng.randint(1, 5)}",
        "therapy": lambda: f"/queue?therapy={rng.choice(THERAPIES)}",
        "dates": lambda: (
            f"/queue?since={since + timedelta(days=rng.randint(0, 800))}"
            f"&until={since + timedelta(days=rng.randint(800, 900))}"
        ),
        "therapy_and_dates": lambda: (
            f"/queue?therapy={rng.choice(THERAPIES)}"
            f"&since={since + timedelta(days=rng.randint(0, 800))}"
        ),
        "deep_page": lambda: f"/queue?page={rng.randint(1, max(1, pages))}",
    }
    if numbers:  # the same deep page, numbered (OFFSET), then by the next link's cursor
        chosen = [numbers[0]]
        by_number = cursors or {}

        def deep_offset() -> str:
            chosen[0] = rng.choice(numbers)
            return f"/queue?page={chosen[0]}"

        kinds["deep_offset"] = deep_offset
        kinds["deep_cursor"] = lambda: f"/queue?after={by_number[chosen[0]]}"
    names = list(kinds)
    return [(names[i % len(names)], kinds[names[i % len(names)]]()) for i in range(n)]


def time_app(client: TestClient, token: str, engine: Any, rng: random.Random,
             args: argparse.Namespace) -> dict[str, Any]:  # fmt: skip
    """One repeat on one app: queue pages, candidate pages, decisions."""
    urls = queue_urls(rng, args.candidates, args.requests, args.cursors)
    for _, u in urls[:6]:  # warm-up
        client.get(u)
    by_kind: dict[str, list[float]] = {}
    for name, u in urls:
        by_kind.setdefault(name, []).append(timed(client, "GET", u))
    queue = [t for samples in by_kind.values() for t in samples]
    ids = rng.sample(range(1, args.candidates + 1), args.requests)
    candidate = [timed(client, "GET", f"/candidates/{cid}") for cid in ids]
    with Session(engine) as s:
        pending = list(s.exec(select(Candidate.id).where(Candidate.status == "pending")).all())
    pending = rng.sample(pending, min(args.requests, len(pending)))
    decision, after_decision = [], []
    for n, cid in enumerate(pending):
        data = {"csrf_token": token, "version": "1", "reason": "duplicate",
                "statement": "Bench statement.", "note": "bench"}  # fmt: skip
        action = ("accept", "reject", "defer")[n % 3]
        decision.append(timed(client, "POST", f"/candidates/{cid}/{action}", data=data))
        if n % 4 == 0:  # the first queue view after a decision recomputes the progress panel
            after_decision.append(timed(client, "GET", "/queue"))
    return {
        "queue": percentiles(queue),
        "queue_by_filter": {name: percentiles(ts) for name, ts in by_kind.items()},
        "queue_after_decision": percentiles(after_decision),
        "candidate": percentiles(candidate),
        "decision": percentiles(decision),
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "queue": median_of([r["queue"] for r in runs]),
        "queue_by_filter": {
            k: median_of([r["queue_by_filter"][k] for r in runs])
            for k in runs[0]["queue_by_filter"]
        },
        "queue_after_decision": median_of([r["queue_after_decision"] for r in runs]),
        "candidate": median_of([r["candidate"] for r in runs]),
        "decision": median_of([r["decision"] for r in runs]),
    }


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(11)
    engine = make_engine(url)
    init_db(engine)
    t0 = time.perf_counter()
    if not args.no_fill:
        fill(engine, args.candidates)
    fill_s = time.perf_counter() - t0
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")  # as autovacuum would soon after a bulk load
    if args.proposed_indexes:
        with engine.begin() as conn:
            for ddl in PROPOSED_INDEXES:
                conn.exec_driver_sql(ddl)
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024)  # sign-in is not measured
    with Session(engine) as s:  # --no-fill may reuse a database signed into before
        if s.exec(select(User).where(User.username == "bench")).first() is None:
            auth.create_user(session=s, username="bench", password="bench-password", role="admin")
        s.commit()
    t_cursors = time.perf_counter()
    args.cursors = paper_cursors(engine) if args.cursor_pages else {}
    print(f"{len(args.cursors)} deep-page cursors in {time.perf_counter() - t_cursors:.1f} s")
    settings = load_settings(env={}, database_url=url, secret_key="bench",
                             retrain_after_decisions=args.retrain_after)  # fmt: skip
    apps = {"now": create_app(settings, engine=engine)}
    if not args.no_baseline:
        before = create_app(settings, engine=engine)
        before.state.on_decided = old_background_hook(settings)
        apps["before"] = before
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in apps}
    clients = {name: TestClient(app) for name, app in apps.items()}
    for client in clients.values():
        client.__enter__()
    try:
        tokens = {name: sign_in(c) for name, c in clients.items()}
        for _ in range(args.repeat):
            for name, client in clients.items():  # in turn, so both see the same load
                runs[name].append(time_app(client, tokens[name], engine, rng, args))
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)
    engine.dispose()
    return {
        "database": engine.dialect.name,
        "candidates": args.candidates,
        "fill_seconds": round(fill_s, 1),
        "repeats": args.repeat,
        **{name: summarise(r) for name, r in runs.items()},
        "target_p95_ms": 50,
    }


def print_result(result: dict[str, Any]) -> None:
    for name in ("now", "before"):
        if name not in result:
            continue
        r = result[name]
        print(f"{result['database']} · {name} (medians of {result['repeats']} repeats)")
        rows = [("queue", r["queue"])] + [(f"  {k}", v) for k, v in r["queue_by_filter"].items()]
        rows += [("queue after decision", r["queue_after_decision"])]
        rows += [("candidate", r["candidate"]), ("decision", r["decision"])]
        for label, x in rows:
            print(f"{label:<22} n={x['n']:<5} p50 {x['p50_ms']:7.2f}  p95 {x['p95_ms']:7.2f}  "
                  f"p99 {x['p99_ms']:7.2f}  max {x['max_ms']:8.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per kind of request and repeat")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--retrain-after",
        type=int,
        default=25,
        help="retrain_after_decisions for the run (the baseline app retrains once due)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="time only the app as it is")
    parser.add_argument("--postgres", action="store_true", help="in a throw-away PostgreSQL")
    parser.add_argument("--database-url", help="an empty database to fill and time (any kind)")
    parser.add_argument(
        "--no-fill", action="store_true", help="with --database-url: already filled by this script"
    )
    parser.add_argument(
        "--proposed-indexes", action="store_true", help="add PROPOSED_INDEXES before timing"
    )
    parser.add_argument(
        "--cursor-pages",
        action="store_true",
        help="also time deep pages by number (OFFSET) and by the next link's cursor, paired",
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if args.database_url:
        result = run(args.database_url, args)
    elif args.postgres:
        from pgserver import server_version, throwaway_postgres

        with throwaway_postgres() as url:
            result = run(url, args)
        result["postgresql"] = server_version()
    else:
        with tempfile.TemporaryDirectory(prefix="ew-bench-web-") as tmp:
            result = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    result["load_before_after"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    print_result(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
