"""The load test: 50 curators on 2 web workers against PostgreSQL, quiet and under a login flood.

Everything runs on this machine, on loopback, and is thrown away afterwards:

1. a PostgreSQL server of its own (initdb/pg_ctl under /tmp, a free 127.0.0.1 port);
2. a database filled like benchmarks/bench_web.py (``--candidates``, 20,000 by
   default), with ``--curators`` web users (real Argon2 parameters);
3. ``evidencewatch serve --workers 2`` (``--workers``) on a free loopback port;
4. locust, headless, in its own process (``locustfile.py`` beside this script):
   a quiet run of the curators alone, then (unless ``--no-flood``) the same with
   ``--flood-users`` users signing in over and over, with the wrong password
   (``--flood wrong``) or the right one (``--flood right``);
5. after each run, the check against the database: every decision the curators
   were answered with a redirect onward must be in the database once, with
   exactly one audit event of its action by that curator.

Prints a table per run (p50, p95, p99 per route, in ms, and the statuses), the
5xx and the refusals (429 with Retry-After: the hashing pool shedding sign-ins, the
throttle's lock or in-flight cap) apart, per user class (curators, flood), the
curators who never got in (each tries at most 3 times, waiting Retry-After), the
security events in the server's log, the decision check and the quiet-vs-flood ratio
of the queue's p95; the whole result as JSON on the last line. Exit code 1 when a
target is missed: a 5xx; a lost or duplicated decision; queue p95 during the flood
above 2x quiet; in the quiet run, an honest sign-in refused or a curator not in.

    PYTHONPATH=src .venv/bin/python benchmarks/load/run_load.py [--seconds 60] [--curators 50]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # benchmarks/: bench_web (the data), pgserver

from bench_web import fill  # noqa: E402
from pgserver import server_version, throwaway_postgres  # noqa: E402

PASSWORD = "load-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str, candidates: int, curators: int) -> None:
    from sqlmodel import Session

    from evidencewatch.review.accounts import create_user
    from evidencewatch.storage.db import init_db, make_engine

    engine = make_engine(url)
    init_db(engine)
    fill(engine, candidates)
    with Session(engine) as session:
        for n in range(1, curators + 1):
            create_user(session=session, username=f"curator{n:02d}", password=PASSWORD,
                        role="curator")  # fmt: skip
        session.commit()
    engine.dispose()


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "EVIDENCEWATCH_DATABASE_URL": url, "EVIDENCEWATCH_LOG_LEVEL": "WARNING",
           "EVIDENCEWATCH_SECRET_KEY": "load-test-secret"}  # fmt: skip
    cmd = [sys.executable, "-m", "evidencewatch", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}: see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the server did not answer within 60 s: see {log}")


def run_locust(port: int, out: Path, *, curators: int, flood_users: int, flood: str,
               seconds: int, flood_delay: float) -> dict[str, Any]:  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "EW_LOAD_OUT": str(out), "EW_LOAD_PASSWORD": PASSWORD,
           "EW_LOAD_CURATORS": str(curators), "EW_LOAD_FLOOD": flood,
           "EW_LOAD_FLOOD_USERS": str(flood_users),
           "EW_LOAD_FLOOD_DELAY": str(flood_delay)}  # fmt: skip
    classes = ["Curator"] + (["LoginFlood"] if flood_users else [])
    users = curators + flood_users
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
           "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(max(10, users)),
           "-t", f"{int(seconds)}s", "--csv", str(out / "locust"), "--only-summary",
           "--stop-timeout", "10", "--exit-code-on-error", "0", *classes]  # fmt: skip
    samples: list[float] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_load, args=(samples, stop), daemon=True)
    sampler.start()
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 120)
    finally:
        stop.set()
        sampler.join()
    if done.returncode != 0:
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = read_results(out)
    result["load_during"] = {"min": min(samples), "median": round(statistics.median(samples), 1),
                             "max": max(samples), "samples": len(samples)}  # fmt: skip
    return result


def sample_load(samples: list[float], stop: threading.Event) -> None:
    """The 1-minute load average every 5 s while a run lasts (the machine is shared)."""
    while True:
        samples.append(round(os.getloadavg()[0], 1))
        if stop.wait(5):
            return


def read_results(out: Path) -> dict[str, Any]:
    routes: dict[str, dict[str, Any]] = {}
    with (out / "locust_stats.csv").open() as f:
        for row in csv.DictReader(f):
            routes[row["Name"]] = {
                "n": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0), "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }  # fmt: skip
    statuses: dict[str, dict[int, int]] = {}
    for path in out.glob("status-*.json"):
        for row in json.loads(path.read_text()):
            by = statuses.setdefault(row["name"], {})
            by[row["status"]] = by.get(row["status"], 0) + row["count"]
    decisions = [json.loads(line) for p in out.glob("decisions-*.jsonl")
                 for line in p.read_text().splitlines() if line]  # fmt: skip
    by_class: dict[str, dict[str, Any]] = {
        who: {"5xx": 0, "no_answer": 0, "refused": {}} for who in ("curators", "flood")
    }
    for name, by in statuses.items():
        who = by_class["flood" if "(flood" in name else "curators"]
        who["5xx"] += sum(c for s, c in by.items() if s >= 500)
        who["no_answer"] += sum(c for s, c in by.items() if s == 0)
    for path in out.glob("refusals-*.json"):
        for row in json.loads(path.read_text()):
            refused = by_class[row["class"]]["refused"]
            refused[row["kind"]] = refused.get(row["kind"], 0) + row["count"]
    signins: dict[str, dict[str, Any]] = {}
    for path in out.glob("signins-*.json"):
        signins.update(json.loads(path.read_text()))
    return {"routes": routes, "statuses": statuses, "decisions": decisions,
            "errors_5xx": sum(w["5xx"] for w in by_class.values()),
            "no_answer": sum(w["no_answer"] for w in by_class.values()),
            "by_class": by_class, "signins": summarise_signins(signins)}  # fmt: skip


def summarise_signins(signins: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The curators' sign-ins: how many got in, after how many tries, who never did."""
    never = sorted(name for name, r in signins.items() if not r["signed_in"])
    last = Counter(signins[n].get("last_status", 0) for n in never)
    return {"curators": len(signins), "signed_in": len(signins) - len(never),
            "honest_refused": sum(r["refused"] for r in signins.values()),
            "tries": dict(sorted(Counter(r["tries"] for r in signins.values()).items())),
            "never_signed_in": never,
            "never_last_status": dict(last)}  # fmt: skip


SECURITY_EVENTS = ("login_busy", "login_refused_locked", "login_refused_in_flight",
                   "login_locked", "login_failed")  # fmt: skip


def errors_in_log(log_text: str) -> str:
    """The server log without its security events (thousands under a flood), last 4000
    characters: the tracebacks and errors of any 5xx."""
    events = re.compile(r"^(" + "|".join(SECURITY_EVENTS) + r") ")
    kept = [line for line in log_text.splitlines() if not events.match(line)]
    return "\n".join(kept)[-4000:]


def security_events(log_text: str) -> dict[str, int]:
    """Security events the server logged (WARNING and up; successes are INFO, not shown)."""
    found = Counter(re.findall(r"\b(" + "|".join(SECURITY_EVENTS) + r")\b", log_text))
    return {event: found.get(event, 0) for event in SECURITY_EVENTS}


ACTION_STATUS = {"accept": "accepted", "reject": "rejected", "defer": "deferred"}


def check_decisions(url: str, recorded: list[dict[str, Any]], since: datetime) -> dict[str, Any]:
    """Every recorded decision in the database once, with one audit event by its curator."""
    import sqlalchemy as sa

    from evidencewatch.storage.models import AuditEvent, Candidate

    cand = Candidate.__table__  # type: ignore[attr-defined]
    audit_t = AuditEvent.__table__  # type: ignore[attr-defined]
    engine = sa.create_engine(url)
    ids = sorted({d["id"] for d in recorded})
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(cand.c.id, cand.c.status, cand.c.decided_by).where(cand.c.id.in_(ids))
        ).all()
        events = conn.execute(
            sa.select(audit_t.c.candidate_id, audit_t.c.action, audit_t.c.actor, sa.func.count())
            .where(audit_t.c.actor.like("curator%"), audit_t.c.at >= since)
            .group_by(audit_t.c.candidate_id, audit_t.c.action, audit_t.c.actor)
        ).all()
    engine.dispose()
    state = {r[0]: (r[1], r[2]) for r in rows}
    audit = Counter({(r[0], r[1], r[2]): int(r[3]) for r in events})
    # A deferred candidate is still undecided and may be decided again (by anyone): compare
    # how often each (candidate, outcome, curator) was answered as done with its audit events.
    answered = Counter((d["id"], ACTION_STATUS[d["action"]], d["by"]) for d in recorded)
    lost = [key for key, n in answered.items() if audit.get(key, 0) < n]
    duplicated = [key for key, n in answered.items() if audit.get(key, 0) > n]
    unanswered = [key for key in audit if key not in answered]  # done, but the client never saw it
    last = {d["id"]: (ACTION_STATUS[d["action"]], d["by"]) for d in recorded}
    wrong_state = [cid for cid, want in last.items() if state.get(cid) != want]
    return {"recorded": len(recorded), "lost": len(lost), "duplicated": len(duplicated),
            "final_state_differs": len(wrong_state), "audited_not_answered": len(unanswered),
            "audit_events_by_curators": sum(audit.values()),
            "examples": [list(k) for k in (lost + duplicated)[:5]] + wrong_state[:5]}  # fmt: skip


def print_run(title: str, result: dict[str, Any]) -> None:
    print(f"\n{title}")
    print(f"{'route':<34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for name, r in sorted(result["routes"].items()):
        codes = ", ".join(f"{s}: {c}" for s, c in sorted(result["statuses"].get(name, {}).items()))
        print(f"{name:<34} {r['n']:>6} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} "
              f"{r['p99_ms']:>8.0f}  {codes}")  # fmt: skip
    for who, w in result["by_class"].items():
        refused = ", ".join(f"{k}: {n}" for k, n in sorted(w["refused"].items())) or "none"
        print(f"{who}: 5xx {w['5xx']}; no answer {w['no_answer']}; refused (429) {refused}")
    signins = result["signins"]
    print(f"curators signed in: {signins['signed_in']} of {signins['curators']} (tries: "
          f"{signins['tries']}); honest sign-ins refused: {signins['honest_refused']}; never "
          f"got in: {', '.join(signins['never_signed_in']) or 'none'}")  # fmt: skip
    print(f"server's security events: {result['security_events']}")
    print(f"load average (1 min) during the run: {result['load_during']}")
    check = result["check"]
    print(f"5xx: {result['errors_5xx']}; no answer: {result['no_answer']}; decisions answered "
          f"2xx/303: {check['recorded']}, lost {check['lost']}, duplicated {check['duplicated']}, "
          f"final state differs {check['final_state_differs']}; done but unanswered "
          f"{check['audited_not_answered']}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--curators", type=int, default=50)
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--flood", choices=["wrong", "right"], default="wrong")
    parser.add_argument("--flood-users", type=int, default=40)
    parser.add_argument("--no-flood", action="store_true", help="only the quiet run")
    parser.add_argument("--flood-delay", type=float, default=20.0,
                        help="seconds into the flood run when the flood starts (the curators "
                        "sign in first); the run lasts --seconds more")  # fmt: skip
    parser.add_argument("--json", dest="json_path", help="also write the result here")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"args": vars(args), "postgresql": server_version(),
                              "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                              "load_before": os.getloadavg()[0]}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ew-load-") as tmp, throwaway_postgres() as url:
        started = time.perf_counter()
        prepare(url, args.candidates, args.curators)
        result["prepare_seconds"] = round(time.perf_counter() - started, 1)
        port = free_port()
        server = start_server(url, port, args.workers, Path(tmp) / "server.log")
        try:
            runs = [("quiet", 0)] + ([] if args.no_flood else [("flood", args.flood_users)])
            log_path = Path(tmp) / "server.log"
            for name, flood_users in runs:
                since, log_from = datetime.now(UTC), log_path.stat().st_size
                run = run_locust(port, Path(tmp) / name, curators=args.curators,
                                 flood_users=flood_users, flood=args.flood,
                                 seconds=args.seconds + (args.flood_delay if flood_users else 0),
                                 flood_delay=args.flood_delay)  # fmt: skip
                run["check"] = check_decisions(url, run.pop("decisions"), since)
                with log_path.open("rb") as log:
                    log.seek(log_from)
                    run["security_events"] = security_events(log.read().decode(errors="replace"))
                result[name] = run
                print_run(f"{name} run ({flood_users} flood users, {args.flood} password)"
                          if flood_users else "quiet run", run)  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
            log_tail = errors_in_log((Path(tmp) / "server.log").read_text(errors="replace"))
    result["load_after"] = os.getloadavg()[0]
    return verdict(result, log_tail)


def verdict(result: dict[str, Any], log_tail: str) -> int:
    problems = []
    for name in ("quiet", "flood"):
        run = result.get(name)
        if run is None:
            continue
        if run["errors_5xx"]:
            problems.append(f"{name}: {run['errors_5xx']} responses were 5xx")
        signins = run["signins"]
        if name == "quiet" and signins["honest_refused"]:
            problems.append(f"quiet: {signins['honest_refused']} honest sign-ins refused (429)")
        if name == "quiet" and signins["never_signed_in"]:
            problems.append(f"quiet: {len(signins['never_signed_in'])} curators never got in")
        check = run["check"]
        bad = (check["lost"], check["duplicated"], check["final_state_differs"])
        if any(bad):
            problems.append(
                f"{name}: decisions lost/duplicated/in another state: "
                + "/".join(str(n) for n in bad)
            )
    if "flood" in result:
        quiet = result["quiet"]["routes"].get("GET /queue?page=N", {}).get("p95_ms", 0)
        flood = result["flood"]["routes"].get("GET /queue?page=N FLOODED", {}).get("p95_ms", 0)
        result["queue_p95_ratio"] = round(flood / quiet, 2) if quiet else None
        print(f"\nqueue p95: quiet {quiet:.0f} ms, during the flood {flood:.0f} ms "
              f"(x{result['queue_p95_ratio']}; target <= 2)")  # fmt: skip
        if quiet and flood > 2 * quiet:
            problems.append(f"queue p95 during the flood is {flood / quiet:.1f}x its quiet value")
    result["problems"] = problems
    result["server_log_errors"] = log_tail if any("5xx" in p for p in problems) else ""
    if problems:
        print("\nMISSED: " + "; ".join(problems))
        if any("5xx" in p for p in problems):
            print("server log without its security events (tail):\n" + log_tail)
    if result["args"].get("json_path"):
        Path(result["args"]["json_path"]).write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
