"""``evidencewatch worker``: the background process that retrains the ranking when due.

The web app never retrains (a curator's decision must not wait for training,
nor share a web worker with it). Run this next to ``evidencewatch serve`` when
scans are scheduled by cron or systemd timers; ``evidencewatch scheduler``
runs the same check on ``retrain_cron`` and needs no worker.
"""

from __future__ import annotations

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app


@click.command()
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds between checks for enough new decisions.",
)
@click.option("--once", is_flag=True, help="Check once (retrain if due), then exit.")
@pass_app
@handle_errors
def worker(app: AppContext, every: float, once: bool) -> None:
    """Retrain the ranking after retrain_after_decisions new decisions, until stopped.

    Every --every seconds it counts the decisions made since the last model
    (one cheap read); once retrain_after_decisions have come in, it trains a
    new model and re-ranks the undecided candidates. The web app shows the
    new order on its next page, without a restart. Several workers (or a
    worker and the scheduler) may run: the "retrain" lock in the database
    lets only one train at a time. SIGTERM or Ctrl-C stops it; a retrain in
    progress finishes first.

    \b
    Examples:
        evidencewatch worker
        evidencewatch worker --once
    """
    import threading

    from evidencewatch.jobs.retraining import retrain_if_due, retrain_loop
    from evidencewatch.scheduler import install_stop_handlers, restore_handlers

    engine = app.ready_engine()
    if once:
        outcome = retrain_if_due(app.settings, engine=engine)
        if outcome is None:
            click.echo("retraining not due (or another process is retraining)")
        else:
            click.echo(f"{outcome.reason}: {outcome.rescored} candidates re-ranked")
        return
    stop = threading.Event()
    previous = install_stop_handlers(stop.set)
    try:
        trained = retrain_loop(app.settings, engine=engine, every=every, stop=stop)
    finally:
        restore_handlers(previous)
    click.echo(f"worker stopped; {trained} models trained", err=True)
