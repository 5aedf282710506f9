"""``evidencewatch review progress``: how much is screened, what is left, whether to stop."""

from __future__ import annotations

import json

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app


@click.command(name="progress")
@click.option(
    "--recall-target",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Recall the stopping rule tests for (default: the stop_recall_target setting).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@pass_app
@handle_errors
def progress(app: AppContext, recall_target: float | None, as_json: bool) -> None:
    """Screened and remaining candidates, relevant found, an estimate of what is left,
    and buscar's stopping test at the recall target.

    \b
    Example:
        evidencewatch review progress --recall-target 0.9 --json
    """
    from evidencewatch.review.progress import progress as gather
    from evidencewatch.storage.db import session_scope

    target = recall_target if recall_target is not None else app.settings.stop_recall_target
    with session_scope(app.ready_engine()) as session:
        data = gather(session=session, recall_target=target).as_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    for line in progress_lines(data):
        click.echo(line)


def progress_lines(data: dict[str, object]) -> list[str]:
    """The text report of ``review progress`` from its JSON form."""
    rule = data["rule"]
    assert isinstance(rule, dict)
    interval = data["interval"]
    assert isinstance(interval, dict)
    estimate = data["estimated_relevant_remaining"]
    target = f"{float(rule['recall_target']):.0%}"
    safe = rule["safe_heuristic"]
    lines = [
        f"screened: {data['screened']}   remaining: {data['remaining']}   "
        f"relevant found: {data['relevant_found']}",
        "relevant still unreviewed: "
        + ("unknown (nothing screened yet)" if estimate is None else f"about {estimate}")
        + f" ({interval['level']:.0%} interval {interval['low']}-{interval['high']})",
        f"stop at {target} recall: "
        + ("yes" if data["stop_recommended"] else "not yet")
        + f" (buscar p = {rule['p_value']}, stop when below {1 - float(rule['confidence']):.2f})",
        f"SAFE-style heuristic: {safe['irrelevant_run']} irrelevant in a row of "
        f"{safe['run_needed']} needed, {float(safe['screened_fraction']):.0%} screened "
        f"(10% needed): " + ("stop" if safe["stop"] else "go on"),
        f"rule: {rule['name']} ({rule['citation']})",
    ]
    lines += [f"  assumes: {a}" for a in rule["assumptions"]]
    return lines
