"""The offline demo: the real pipeline against the project's fake E-utilities server.

Nothing here is special-cased for the demo except where the papers come
from: the scan, matching, storage and review queue are the production code,
talking HTTP to a server on 127.0.0.1 that serves the fictional records in
``demo/records.xml`` (PMIDs 99000001-99000099 are reserved for demo data).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from evidencewatch.config import Settings
from evidencewatch.ingest.seed import load_findings
from evidencewatch.jobs.digests import digest_job
from evidencewatch.review.queue import QUEUE_ORDER
from evidencewatch.storage.db import init_db, make_engine, session_scope
from evidencewatch.storage.models import Candidate, Paper, User
from evidencewatch.testing.fake_eutils import FakeEutils, FakeRecord, records_from_xml
from evidencewatch.testing.vocabulary import query_vocabulary
from evidencewatch.watch.seedfiles import load_findings as read_findings
from evidencewatch.watch.seedfiles import load_watchlist

if TYPE_CHECKING:
    from evidencewatch.ingest.scan import ScanReport
    from evidencewatch.watch.watchlist import Watchlist

DEMO_EMAIL = "demo@evidencewatch.invalid"


def demo_records_xml() -> bytes:
    return (resources.files("evidencewatch.demo") / "records.xml").read_bytes()


def run_demo(
    settings: Settings,
    *,
    workdir: Path,
    serve: bool = False,
    port: int = 8000,
    echo: Callable[[str], None] = print,
) -> Settings:
    """Seed, scan and summarise in ``workdir``; returns the settings the demo used."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = (workdir / "evidencewatch.db").resolve()
    settings = settings.with_overrides(
        database_url=f"sqlite:///{db_path}",
        digest_dir=str((workdir / "digests").resolve()),
    )
    records = records_from_xml(demo_records_xml())
    latest = max(r.crdt for r in records)
    today = latest + timedelta(days=1)
    engine = make_engine(settings.database_url)
    init_db(engine)
    watchlist = _seed(settings, engine, echo)
    report = _scan(settings, engine, records=records, watchlist=watchlist, today=today, echo=echo)
    echo(report.summary())
    if report.error:
        echo(f"  error: {report.error}")
    _print_queue(engine, echo)
    digest = digest_job(
        settings,
        engine=engine,
        since=today - timedelta(days=30),
        until=today,
        fmt="both",
        mail=False,
        now=datetime.combine(today, time(12), tzinfo=UTC),
    )
    _print_next_steps(
        digest.id, digest.files, db=f"sqlite:///{db_path}", port=port, echo=echo,
        has_curator=_has_user(engine, "curator"),
    )  # fmt: skip
    if serve:
        _serve(settings, engine, port=port, echo=echo)
    return settings


def _seed(settings: Settings, engine: Engine, echo: Callable[[str], None]) -> Watchlist:
    watchlist = load_watchlist(settings.seed_path / "watchlist.toml")
    findings = read_findings(settings.seed_path / "findings.toml", watchlist=watchlist)
    with session_scope(engine) as session:
        seeded = load_findings(session=session, findings=findings)
    echo(
        f"Seeded {len(findings)} findings ({len(seeded.added)} new) on {len(watchlist.genes)} "
        f"tracked genes from {settings.seed_path}"
    )
    return watchlist


def _scan(
    settings: Settings,
    engine: Engine,
    *,
    records: list[FakeRecord],
    watchlist: Watchlist,
    today: date,
    echo: Callable[[str], None],
) -> ScanReport:
    """The last 30 days scanned through the production scan job, from the fake server."""
    from evidencewatch.jobs.clients import eutils_client
    from evidencewatch.jobs.scans import scan_job

    with FakeEutils(records, known_phrases=query_vocabulary(watchlist)) as fake:
        echo(f"Fake E-utilities server with {len(records)} demo records at {fake.base_url}")
        demo_settings = settings.with_overrides(eutils_url=fake.base_url)
        # The fake is sent a reserved address and never the operator's real key.
        client = eutils_client(demo_settings.with_overrides(ncbi_email=DEMO_EMAIL, ncbi_api_key=""))
        return scan_job(
            demo_settings,
            engine=engine,
            client=client,
            since=today - timedelta(days=30),
            until=today,
            today=today,
            trigger="demo",
            show_progress=False,
        )


def _print_next_steps(
    digest_id: int | None,
    files: list[str],
    *,
    db: str,
    port: int,
    echo: Callable[[str], None],
    has_curator: bool = False,
) -> None:
    # Name the command as it was run (e.g. .venv/bin/evidencewatch), so the lines can be pasted.
    exe = sys.argv[0] if Path(sys.argv[0]).name == "evidencewatch" else "evidencewatch"
    url = f"http://127.0.0.1:{port}/"
    echo("")
    echo(f"Digest {digest_id} written: " + ", ".join(files))
    echo("")
    echo("Next (set the database once, so the commands below need no --db):")
    echo(f"  export EVIDENCEWATCH_DATABASE_URL={db}")
    echo(f"  review queue (CLI): {exe} review list")
    if has_curator:
        echo("  sign-in account:    'curator' exists already; sign in as it, or add another:")
        echo(f"                      {exe} user add NAME --role curator")
    else:
        echo(f"  sign-in account:    {exe} user add curator --role curator")
    echo(
        f"                      (scripts: printf '%s\\n' \"$PW\" | {exe} user add NAME "
        "--role curator --password-stdin)"
    )
    echo(f"  review app:         {exe} serve --port {port}   ->  {url}")
    echo(f"  export:             {exe} export --format csv")


def _has_user(engine: Engine, name: str) -> bool:
    with session_scope(engine) as session:
        return session.exec(select(User).where(User.username == name)).first() is not None


def _serve(settings: Settings, engine: Engine, *, port: int, echo: Callable[[str], None]) -> None:
    import uvicorn

    from evidencewatch.web.app import create_app

    echo(f"Serving the review app at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(settings, engine=engine), host="127.0.0.1", port=port)


def _print_queue(engine: Engine, echo: Callable[[str], None]) -> None:
    with session_scope(engine) as session:
        rows = session.exec(
            select(Candidate, Paper)
            .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
            .order_by(*QUEUE_ORDER)
        ).all()
    echo("")
    echo(f"Review queue ({len(rows)} candidates, best first):")
    echo(f"  {'score':>5}  {'gene':<8} {'PMID':<9} {'status':<9} {'therapy':<13} title")
    for cand, paper in rows:
        title = paper.title if len(paper.title) <= 70 else paper.title[:67] + "..."
        therapy = cand.therapy_class or "-"
        echo(
            f"  {cand.score:5.1f}  {cand.gene:<8} {cand.pmid:<9} {cand.status:<9} {therapy:<13} "
            f"{title}"
        )
