"""Full-text search of the review queue at scale, against a LIKE scan in the same run.

Fills a fresh database with 100,000 candidates (bench_web's generator: about 70,000
papers with four-section abstracts, snippets and reasons; the migration 0010 triggers
index each row as it is inserted), then times ``review.search.search_page`` (ranked ids,
then one page of 50 rows, as the web queue and ``review list --search`` call it) for
several kinds of query, and the same queries as a LIKE scan over the same texts
(title, stored record, snippets, statement, note), best score first. The same-run
baseline ``ranked`` is search as it was before the rank limit: every match ranked by
relevance (``search.RANK_LIMIT`` lifted); on PostgreSQL ``generic`` is search as it was
before session 7, its prepared statements left to PostgreSQL's generic plans
(``search.CUSTOM_PLANS`` off). Each method runs many times on one connection, so psycopg
prepares its statements from the fifth run on, as in a web worker.

    .venv/bin/python benchmarks/bench_search.py [--candidates 100000] [--repeat 20]
        [--database-url postgresql+psycopg://...  (an empty database; default: temporary SQLite)]
        [--sqlite-file PATH [--no-fill]]  (keep the SQLite file, or time a filled one again)

Prints p50/p95/max per query kind and method, then one JSON object on the last line.
Target: p95 <= 100 ms at 100,000 candidates.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import fill

from evidencewatch.review import search
from evidencewatch.review.search import parse_query, search_page
from evidencewatch.storage.db import init_db, make_engine

QUERIES = {
    # kind: text. Every abstract holds most of bench_web's 25 words, so "xenograft" matches
    # nearly all 100,000 candidates: the worst case for ranking.
    "word in every record": "xenograft",
    "gene (about 5 %)": "ESR1",
    "gene and word": "ESR1 xenograft",
    "phrase": '"endocrine receptor"',
    "no match": "zzzunknownword",
}
LIKE_SQL = """SELECT c.id FROM candidate AS c JOIN paper AS p ON p.pmid = c.pmid
WHERE {where} ORDER BY c.score DESC, c.id DESC LIMIT 1000"""
LIKE_FIELD = (
    "(lower(p.title) LIKE :{n} OR lower(CAST(p.record AS TEXT)) LIKE :{n} "
    "OR lower(CAST(c.snippets AS TEXT)) LIKE :{n} OR lower(coalesce(c.statement, '')) LIKE :{n} "
    "OR lower(coalesce(c.note, '')) LIKE :{n})"
)


def like_ids(session: Session, text: str) -> list[int]:
    phrases = parse_query(text).texts()
    where = " AND ".join(LIKE_FIELD.format(n=f"t{i}") for i in range(len(phrases))) or "1 = 0"
    params = {f"t{i}": f"%{p.lower()}%" for i, p in enumerate(phrases)}
    return [r[0] for r in session.execute(sa.text(LIKE_SQL.format(where=where)), params)]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def run(engine: Any, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    postgres = engine.dialect.name == "postgresql"
    # (name, RANK_LIMIT, CUSTOM_PLANS): search now; every match ranked (before session 5);
    # on PostgreSQL, statements left to generic plans once prepared (before session 7).
    methods = [("fts", search.RANK_LIMIT, True), ("ranked", 10**12, True)]
    methods += [("generic", search.RANK_LIMIT, False)] if postgres else []
    limit = search.RANK_LIMIT
    with Session(engine) as session:
        for kind, text in QUERIES.items():
            samples: dict[str, list[float]] = {name: [] for name, _, _ in methods}
            samples["like"] = []
            hits = search_page(session=session, text=text, status="all").total
            like_hits = len(like_ids(session, text))
            for _ in range(repeat):
                for name, rank_limit, custom in methods:
                    search.RANK_LIMIT, search.CUSTOM_PLANS = rank_limit, custom
                    t0 = time.perf_counter()
                    search_page(session=session, text=text, status="pending")
                    samples[name].append(time.perf_counter() - t0)
                search.RANK_LIMIT, search.CUSTOM_PLANS = limit, True
                t0 = time.perf_counter()
                like_ids(session, text)
                samples["like"].append(time.perf_counter() - t0)
            out[kind] = {"text": text, "hits_fts": hits, "hits_like": like_hits}
            out[kind].update({name: percentiles(times) for name, times in samples.items()})
            shown = "  ".join(f"{name} {out[kind][name]}" for name in samples)
            print(f"{kind:<22} {shown}  hits {hits} (like {like_hits})", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite)")
    parser.add_argument("--no-fill", action="store_true", help="time --database-url as it is")
    parser.add_argument("--sqlite-file", help="keep (or reuse, with --no-fill) this SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ew-bench-search-") as tmp:
        url = args.database_url or f"sqlite:///{args.sqlite_file or Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        init_db(engine)
        t0 = time.perf_counter()
        if not args.no_fill:
            fill(engine, args.candidates)
        fill_s = time.perf_counter() - t0
        print(f"filled {args.candidates} candidates in {fill_s:.1f} s ({engine.dialect.name})")
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        load = [round(x, 2) for x in os.getloadavg()]
        print(f"load average at start: {load}", flush=True)
        result = run(engine, args.repeat)
        load_end = [round(x, 2) for x in os.getloadavg()]
        print(f"load average at end: {load_end}")
        engine.dispose()
    print(json.dumps({"candidates": args.candidates, "database": engine.dialect.name,
                      "fill_s": round(fill_s, 1), "load": [load, load_end],
                      "queries": result}))  # fmt: skip


if __name__ == "__main__":
    main()
