"""The ``evidencewatch`` command: a thin edge over the library.

Each command loads the settings once, makes the engine, calls library
functions with a session, and commits. Errors evidencewatch raises on purpose
are printed as one clear line with a distinct exit code, never a traceback.

Start-up: a command loads only what it uses. The group is a
:class:`~evidencewatch.cli.lazy.LazyGroup`: ``COMMANDS`` below names each command's
module and its short help, so ``evidencewatch --help`` imports no command module,
and ``evidencewatch review list`` imports ``cli.review`` only. This module, like
``cli.context``, imports nothing heavy at its top: SQLAlchemy, the storage layer,
jobs, lxml, scikit-learn and FastAPI are imported inside the command functions.

Registering a command (or a group) of a new module ``cli/<topic>.py``: add one line
to ``COMMANDS``::

    "users": LazyCommand("evidencewatch.cli.users:user", "Accounts of the review web app."),

The short help is the command's as click derives it (the first sentence of its
docstring, or its ``short_help``); ``tests/cli/test_lazy.py`` imports every command
in the table and fails when a name, a target or a short help is out of date, and
``tests/cli/test_startup.py`` fails when a light command loads a heavy library.
Subcommands of an existing group (``review ...``) are registered in that group's
module as before.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from evidencewatch.cli.context import AppContext, handle_errors, parse_date, pass_app
from evidencewatch.cli.lazy import LazyCommand, LazyGroup
from evidencewatch.config import load_settings
from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.logs import configure_logging

_M = "evidencewatch.cli."
#: Every command of ``evidencewatch``: name -> where it lives, and its short help.
COMMANDS: dict[str, LazyCommand] = {
    "backup": LazyCommand(
        _M + "backup:backup",
        "Write a consistent backup of the database to FILE; scans and curators may keep working.",
    ),
    "demo": LazyCommand(
        _M + "main:demo", "Run the whole pipeline offline on the project's demo records."
    ),
    "digest": LazyCommand(
        _M + "digest:digest",
        "Write the digest of a period: what changed, beside the seed findings.",
    ),
    "eval": LazyCommand(
        _M + "quality:eval_", "Measure ranking, extraction and gene mentions on a labelled set."
    ),
    "export": LazyCommand(
        _M + "main:export", "Export candidates (one per line) as JSON lines, CSV or RIS."
    ),
    "import": LazyCommand(
        _M + "main:import_",
        "Import PubMed XML (.xml, .xml.gz) or MEDLINE text (.nbib, .txt) files.",
    ),
    "init": LazyCommand(
        _M + "main:init", "Create the database schema, or upgrade it to this version."
    ),
    "rank": LazyCommand(
        _M + "quality:rank",
        "Rescore the undecided candidates: today's rule score, then the learned order if it helps.",
    ),
    "review": LazyCommand(
        _M + "review:review",
        "List, show and decide candidates (paper x gene) in the review queue.",
    ),
    "scan": LazyCommand(
        _M + "main:scan",
        "Search PubMed for new papers on tracked genes and queue their candidates.",
    ),
    "scheduler": LazyCommand(
        _M + "ops:scheduler",
        "Run scans and digests on schedule (scan_cron, digest_cron), until stopped.",
    ),
    "seed": LazyCommand(
        _M + "main:seed", "Load the seed findings and check the watchlist (idempotent)."
    ),
    "serve": LazyCommand(_M + "serve:serve", "Run the review web app (stop with Ctrl-C)."),
    "status": LazyCommand(
        _M + "ops:status",
        "Show recent scans, the watermark, held locks, next runs, the review backlog, the schema.",
    ),
    "unlock": LazyCommand(
        _M + "ops:unlock", "Clear the lock NAME (default: scan) left by a process that is gone."
    ),
    "recheck": LazyCommand(
        _M + "integrity:recheck",
        "Re-fetch every paper the evidence rests on; flag retractions and other notices.",
    ),
    "summary": LazyCommand(
        _M + "summary:summary",
        "Write the evidence summary: each seed finding with what supports or opposes it now.",
    ),
    "user": LazyCommand(
        _M + "users:user", "Accounts of the review web app (curator, editor, admin)."
    ),
    "worker": LazyCommand(
        _M + "worker:worker",
        "Retrain the ranking after retrain_after_decisions new decisions, until stopped.",
    ),
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Config file (default: $EVIDENCEWATCH_CONFIG or ./evidencewatch.toml if present).",
)
@click.option("--db", "database_url", help="Database URL (overrides EVIDENCEWATCH_DATABASE_URL).")
@click.version_option(package_name="evidencewatch")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, database_url: str | None) -> None:
    """Watch PubMed for breast-cancer therapy-resistance evidence on tracked genes.

    \b
    First steps:
        evidencewatch init
        evidencewatch seed
        evidencewatch scan
        evidencewatch review list
    """
    try:
        settings = load_settings(config_file=config_file, database_url=database_url)
    except EvidenceWatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    configure_logging(settings.log_format, settings.log_level)
    ctx.obj = AppContext(settings)


@cli.command()
@pass_app
@handle_errors
def init(app: AppContext) -> None:
    """Create the database schema, or upgrade it to this version.

    \b
    Example:
        EVIDENCEWATCH_DATABASE_URL=sqlite:///./ew.db evidencewatch init
    """
    from evidencewatch.storage.db import init_db

    init_db(app.engine)
    url = app.engine.url.render_as_string(hide_password=True)
    click.echo(f"database ready: {url}")


@cli.command()
@click.option("--resolve", is_flag=True, help="Look up PMIDs for PMC IDs and DOIs through NCBI.")
@click.option("--check", is_flag=True, help="Only validate the seed files; change nothing.")
@pass_app
@handle_errors
def seed(app: AppContext, resolve: bool, check: bool) -> None:
    """Load the seed findings and check the watchlist (idempotent).

    \b
    Example:
        evidencewatch seed --resolve
    """
    from evidencewatch.ingest import seed as seeding
    from evidencewatch.storage.db import session_scope
    from evidencewatch.watch.seedfiles import load_findings, load_watchlist

    seed_dir = app.settings.seed_path
    watchlist = load_watchlist(seed_dir / "watchlist.toml")
    findings = load_findings(seed_dir / "findings.toml", watchlist=watchlist)
    if check:
        genes = len(watchlist.genes)
        click.echo(f"{seed_dir}: {len(findings)} findings and {genes} tracked genes are valid")
        return
    with session_scope(app.ready_engine()) as session:
        report = seeding.load_findings(session=session, findings=findings)
    click.echo(
        f"seed findings from {seed_dir}: {len(report.added)} added, {len(report.updated)} "
        f"updated, {len(report.unchanged)} unchanged, {len(report.removed)} removed; "
        f"{len(watchlist.genes)} genes tracked"
    )
    if resolve:
        client = app.client()
        with session_scope(app.engine) as session:
            for res in seeding.resolve_citations(session=session, client=client):
                outcome = (
                    f"PMID {res.pmids[0]}"
                    if len(res.pmids) == 1
                    else ("not found" if not res.pmids else f"ambiguous: {res.pmids}")
                )
                click.echo(f"  {res.finding_id}: {res.reference} -> {outcome}")


@cli.command()
@click.option("--since", callback=parse_date, help="Start of the create-date window (YYYY-MM-DD).")
@click.option("--until", callback=parse_date, help="End of the window (default: today).")
@click.option(
    "--json", "as_json", is_flag=True, help="End with one JSON object describing the scan."
)
@pass_app
@handle_errors
def scan(app: AppContext, since: date | None, until: date | None, as_json: bool) -> None:
    """Search PubMed for new papers on tracked genes and queue their candidates.

    Without --since the window starts at the last successful scan less the
    overlap (scan_overlap_days). The exit code is 1 when the scan failed, or
    is incomplete: PMIDs its searches returned that EFetch would not serve
    even when asked again ("unresolved_pmids"; every later scan retries them).

    \b
    Example:
        evidencewatch scan --json
    """
    from evidencewatch.jobs.scans import ScanDatabaseError, scan_job

    try:
        report = scan_job(
            app.settings,
            engine=app.ready_engine(),
            client=app.client(),
            since=since,
            until=until,
            trigger="manual",
            show_progress=not as_json,
        )
    except ScanDatabaseError as exc:  # before the scan had a row to record it on
        if as_json:
            click.echo(json.dumps({"status": "failed", "scan_id": None, "error": str(exc)}))
        raise
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo(report.summary())
        if report.error:
            click.echo(f"error: {report.error}", err=True)
    if report.status != "succeeded":
        sys.exit(1)


@cli.command(name="import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="End with one JSON object of counts.")
@click.option(
    "--keep-all", is_flag=True, help="Store every paper, not only those matching a tracked gene."
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Read this many files at once in reader processes; they are stored in the order given.",
)
@pass_app
@handle_errors
def import_(
    app: AppContext, files: tuple[Path, ...], as_json: bool, keep_all: bool, jobs: int
) -> None:
    """Import PubMed XML (.xml, .xml.gz) or MEDLINE text (.nbib, .txt) files.

    XML: a baseline or update file, or saved efetch output; MEDLINE text: a
    PubMed search saved in "PubMed format" or a citation manager's export.
    Files are applied in the order given; DeleteCitation entries withdraw
    stored papers. Malformed records are reported by file and position (record
    number) and skipped; the rest still loads.

    \b
    Example:
        evidencewatch import pubmed26n1335.xml.gz --json
    """
    from evidencewatch.jobs.scans import import_job

    report = import_job(
        app.settings,
        engine=app.ready_engine(),
        paths=list(files),
        keep_all=keep_all,
        show_progress=not as_json,
        jobs=jobs,
    )
    if as_json:
        click.echo(json.dumps(report.as_json()))
    else:
        click.echo(report.summary())
        for error in report.errors[:20]:
            click.echo(f"  {error['file']} {error['position']}: {error['message']}", err=True)
    if report.failure:
        committed = "the counts above were committed" if not as_json else "counts are committed"
        click.echo(f"error: import stopped: {report.failure} ({committed})", err=True)
    if report.errors or report.failure:
        sys.exit(1)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "ris"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--status",
    type=click.Choice(["pending", "accepted", "rejected", "deferred", "withdrawn", "all"]),
    default="all",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here instead of standard output.",
)
@pass_app
@handle_errors
def export(app: AppContext, fmt: str, status: str, output: Any) -> None:
    """Export candidates (one per line) as JSON lines, CSV or RIS.

    \b
    Example:
        evidencewatch export --format csv --status accepted -o accepted.csv
    """
    from evidencewatch.reporting import export as exporting
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        pairs = exporting.iter_candidates(session=session, status=status)
        routes = exporting.all_routes(session=session)
        if fmt == "ris":
            n = exporting.write_ris(pairs, output, routes)
        else:
            rows = exporting.export_rows(session=session, pairs=pairs, routes=routes)
            writer = exporting.write_jsonl if fmt == "jsonl" else exporting.write_csv
            n = writer(rows, output)
    click.echo(f"exported {n} {'papers' if fmt == 'ris' else 'candidates'}", err=True)


@cli.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("evidencewatch-demo"),
    show_default=True,
    help="Where the demo's database and digest go.",
)
@click.option(
    "--serve/--no-serve", default=False, help="Start the review app afterwards (stop with Ctrl-C)."
)
@click.option("--port", default=8000, show_default=True)
@pass_app
@handle_errors
def demo(app: AppContext, workdir: Path, serve: bool, port: int) -> None:
    """Run the whole pipeline offline on the project's demo records.

    Starts the project's fake E-utilities server on 127.0.0.1, then seeds,
    scans and reports what was found, in a database of its own.
    """
    from evidencewatch.demo.run import run_demo

    run_demo(app.settings, workdir=workdir, serve=serve, port=port, echo=click.echo)
