"""Benchmark: a scan of 12,000 new records against the fake E-utilities server at NCBI's rate.

The fake server runs in a process of its own (as NCBI would be), serving 12,000
records created over the last 30 days. By default each is the one-line
SLC7A5 record of the scan tests (the shape issue 9 measured); ``--abstracts``
gives each a realistic title and abstract naming one of eight tracked genes, so
every query finds a share and matching and extraction cost what they do on
real papers. Every record is parsed, matched, stored and scored. Each run
scans into a new SQLite file through ``run_scan`` as ``scan_job`` wires it
(batches of 500, the ranking model's ``after_save``), with a client at 3 requests/s (no api_key).

Two modes, alternated in one process so both see the same machine:

* ``sequential``: fetch a batch, then store it, then fetch the next (``fetch_ahead=0``,
  the scan before prefetching);
* ``prefetch``: one thread fetches the next batch while the current one is stored.

For each the median of ``--runs`` runs is reported: wall seconds, requests, the
floor (requests / rate) and wall / floor. Target: prefetch <= 1.3 x the floor.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_scan.py [--runs 3] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RECORDS = 12_000
RATE = 3.0
DAYS = 30
GENES = ["SLC7A5", "RELA", "ERBB2", "BARD1", "CYP3A4", "ANXA1", "PRLR", "FBP1"]
ABSTRACT = (
    "Endocrine and targeted therapies fail in a substantial fraction of patients with "
    "hormone receptor positive breast cancer. Here we profiled {gene} expression in "
    "{n} tumours from a neoadjuvant cohort and in MCF-7 and T47D cells made resistant "
    "to tamoxifen over six months. {gene} overexpression was associated with shorter "
    "relapse-free survival (hazard ratio 1.8) and knockdown of {gene} restored "
    "sensitivity to tamoxifen and fulvestrant in vitro and in xenografts. Mechanistically, "
    "{gene} sustained mTORC1 signalling under oestrogen deprivation. These results "
    "suggest {gene} as a marker of therapy resistance and a candidate for combination "
    "treatment in luminal breast cancer."
)


SCAN_TEXT = "SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells."


def _records(abstracts: bool) -> list[Any]:
    from evidencewatch.testing.fake_eutils import make_record, synthetic_records

    first = datetime.now(UTC).date() - timedelta(days=DAYS - 1)
    per_day = RECORDS // DAYS
    if not abstracts:
        return synthetic_records(
            RECORDS, start_pmid=70_000_001, first_crdt=first, per_day=per_day, text=SCAN_TEXT
        )
    records = []
    for i in range(RECORDS):
        gene = GENES[i % len(GENES)]
        records.append(
            make_record(
                70_000_001 + i,
                crdt=first + timedelta(days=i // per_day),
                title=f"{gene} drives acquired endocrine resistance in breast cancer ({i})",
                abstract=ABSTRACT.format(gene=gene, n=100 + i % 400),
            )
        )
    return records


def serve(abstracts: bool) -> None:
    """The fake server's process: prints its base URL, serves until stdin closes."""
    from evidencewatch.testing.fake_eutils import FakeEutils
    from evidencewatch.testing.vocabulary import query_vocabulary
    from evidencewatch.watch.seedfiles import load_watchlist

    watchlist = load_watchlist(Path("seed_evidence/watchlist.toml"))
    with FakeEutils(_records(abstracts), known_phrases=query_vocabulary(watchlist)) as fake:
        print(fake.base_url, flush=True)
        sys.stdin.read()


def _one_scan(base_url: str, fetch_ahead: int, workdir: Path) -> dict[str, Any]:
    from evidencewatch.jobs.scanning import run_scan
    from evidencewatch.matching.match import Matcher
    from evidencewatch.pubmed.client import EutilsClient
    from evidencewatch.ranking import BatchScorer
    from evidencewatch.storage.db import init_db, make_engine
    from evidencewatch.watch.seedfiles import load_watchlist

    watchlist = load_watchlist(Path("seed_evidence/watchlist.toml"))
    matcher = Matcher.from_watchlist(watchlist)
    db = workdir / f"scan-{fetch_ahead}-{time.monotonic_ns()}.db"
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    client = EutilsClient(
        base_url=base_url, tool="evidencewatch-bench", email=None, requests_per_second=RATE
    )
    started = time.perf_counter()
    with client:
        report = run_scan(
            engine=engine,
            client=client,
            watchlist=watchlist,
            matcher=matcher,
            initial_days=DAYS + 1,
            batch_size=500,
            trigger="bench",
            after_save=BatchScorer(),
            fetch_ahead=fetch_ahead,
        )
    wall = time.perf_counter() - started
    engine.dispose()
    db.unlink()
    if report.status != "succeeded" or report.papers_new != RECORDS:
        raise SystemExit(f"bad scan: {report.status} {report.papers_new} new: {report.error}")
    floor = report.requests / RATE
    return {"wall_s": round(wall, 2), "requests": report.requests, "floor_s": round(floor, 2)}


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    wall = statistics.median(r["wall_s"] for r in runs)
    requests = runs[0]["requests"]
    assert all(r["requests"] == requests for r in runs), runs
    floor = requests / RATE
    return {
        "wall_s": round(wall, 2),
        "requests": requests,
        "floor_s": round(floor, 2),
        "ratio": round(wall / floor, 2),
        "runs_wall_s": [r["wall_s"] for r in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--abstracts", action="store_true", help="records with abstracts")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.abstracts)
        return
    env = {**os.environ}
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", *(["--abstracts"] if args.abstracts else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        modes = {"sequential": 0, "prefetch": 1}
        runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.runs):
                for mode, ahead in modes.items():
                    one = _one_scan(base_url, ahead, Path(tmp))
                    runs[mode].append(one)
                    print(f"run {i + 1} {mode}: {one}", file=sys.stderr, flush=True)
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(10)
    result = {
        "records": RECORDS,
        "abstracts": args.abstracts,
        "rate_per_s": RATE,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_avg": os.getloadavg(),
        **{mode: _median(r) for mode, r in runs.items()},
    }
    result["speedup"] = round(result["sequential"]["wall_s"] / result["prefetch"]["wall_s"], 2)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
