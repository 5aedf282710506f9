"""``evidencewatch rank`` and ``evidencewatch eval``: the learned ranking and its measurement."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app
from evidencewatch.storage.db import session_scope


@click.command()
@click.option("--retrain", is_flag=True, help="Train a new model on every decision first.")
@pass_app
@handle_errors
def rank(app: AppContext, retrain: bool) -> None:
    """Rescore the undecided candidates with the learned ranking model.

    The model learns from accepted candidates and the seed findings' papers
    (positives) and rejected candidates (negatives). Decided candidates are
    never rescored. Without --retrain the latest stored model is used.

    \b
    Example:
        evidencewatch rank --retrain
    """
    from evidencewatch import ranking

    with session_scope(app.ready_engine()) as session:
        if retrain:
            model = ranking.train(session=session)
            if model is None:
                problem = ranking.training_set(session=session).problem
                click.echo(f"error: {problem}", err=True)
                sys.exit(1)
            m = model.metrics
            auc = f"cross-validated AUC {m['cv_auc']:.3f}" if "cv_auc" in m else "no CV (too few)"
            click.echo(
                f"trained model {model.id}: {model.n_positive} positives "
                f"({m.get('n_accepted', 0)} accepted, {m.get('n_seed_positive', 0)} seed papers), "
                f"{model.n_negative} negatives {_reasons(m.get('reject_reasons', {}))}; "
                f"C={m.get('c')}, {auc}"
            )
        else:
            model = ranking.latest_model(session=session)
            if model is None:
                click.echo(
                    "error: no ranking model yet; run `evidencewatch rank --retrain`", err=True
                )
                sys.exit(1)
        n = ranking.rerank(session=session, model=model)
        click.echo(f"rescored {n} undecided candidates with model {model.id}")
        top = ranking.load_pipeline(model).top_features(8)
        click.echo("raise the score: " + ", ".join(f"{t} ({w:+.2f})" for t, w in top["positive"]))
        click.echo("lower the score: " + ", ".join(f"{t} ({w:+.2f})" for t, w in top["negative"]))


def _reasons(counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return "(" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")"


@click.command(name="eval")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as one JSON object.")
@click.option(
    "--set",
    "eval_set",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder with labelled.xml and labels.tsv (default: the repository's tests/eval).",
)
@click.option(
    "--background",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Real PubMed corpus: the set's background of negatives (default: ../shared/pubmed).",
)
@pass_app
@handle_errors
def eval_(app: AppContext, as_json: bool, eval_set: Path | None, background: Path | None) -> None:
    """Measure ranking, extraction and gene mentions on a labelled set.

    Runs the labelled set plus the real background corpus through the matcher
    and replays the queue (ASReview-style simulation, retraining every 10
    candidates or 2 % of the queue). Reports recall at 10/25/50 % screened,
    WSS@95, TNR@95 and ATD for the learned ranking, the rule-based score and
    random order in two views: the whole set as the pipeline presents it
    (queue, then the never-shown rest) and the queue alone. Also the precision
    of each extracted field and gene-mention precision on the background.
    Without the background the pipeline view is skipped. Nothing is written to
    the configured database.

    \b
    Example:
        evidencewatch eval --json > eval.json
    """
    from evidencewatch.evaluation.sets import DEFAULT_BACKGROUND, DEFAULT_SET
    from evidencewatch.jobs.evaluate import evaluate_job
    from evidencewatch.watch.seedfiles import load_watchlist

    watchlist = load_watchlist(app.settings.seed_path / "watchlist.toml")
    report = evaluate_job(
        watchlist=watchlist,
        eval_dir=eval_set or DEFAULT_SET,
        background_dir=background or DEFAULT_BACKGROUND,
    )
    data = report.as_json()
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    for line in format_report(data):
        click.echo(line)


_ORDERS = {
    "queue": ("learned", "rule_based", "random", "oracle"),
    "pipeline": ("learned", "rule_based", "queue_random", "random", "oracle"),
}


def format_report(data: dict[str, Any]) -> list[str]:
    """The report as plain text lines."""
    return [
        *_set_lines(data),
        *_ranking_lines(data["ranking"]),
        *_extraction_lines(data["extraction"]),
        *_gene_mention_lines(data["gene_mentions"]),
        *_target_lines(data["targets"]),
        f"({data['seconds']} s)",
    ]


def _set_lines(data: dict[str, Any]) -> list[str]:
    """What the set holds: records, candidates and the background."""
    c = data["candidates"]
    b = data["background"]
    lines = [
        f"labelled set {data['set']}: {data['records']} records -> {c['n']} candidates "
        f"({c['positive']} accepted, {c['negative']} rejected); matcher recall of labelled "
        f"positives {_f(c['matcher_recall'])}",
    ]
    if "skipped" in b:
        lines.append(f"background: skipped: {b['skipped']}")
    else:
        lines.append(
            f"background {b['dir']}: {b['records']} real records -> {b['candidates']} "
            f"candidates ({b['candidates_positive']} accepted)"
        )
    return lines


def _ranking_lines(r: dict[str, Any]) -> list[str]:
    """The protocol, then a table of metrics per order for each view."""
    p = r["protocol"]
    lines = [
        f"ranking: {p['priors']} earliest labelled candidates as priors "
        f"({p['prior_positive']} accepted), retrain every {p['retrain_batch']} "
        f"({p['fits']} fits); unqueued units in {p['tail_order']}"
    ]
    for view, title in (("pipeline", "pipeline view"), ("queue", "queue-only view")):
        v = r[view]
        if "skipped" in v:
            lines.append(f"{title}: skipped: {v['skipped']}")
            continue
        detail = f"{v['units']} units screened, {v['relevant']} relevant"
        if view == "pipeline":
            detail += f" ({v['queued']} queued, {v['unqueued']} never queued)"
        lines.append(f"{title}: {detail}")
        lines.append(
            f"  {'order':<13} {'R@10%':>6} {'R@25%':>6} {'R@50%':>6} {'WSS@95':>7} "
            f"{'TNR@95':>7} {'ATD':>7}"
        )
        for name in _ORDERS[view]:
            m = v[name]
            lines.append(
                f"  {name:<13} {_f(m['recall_10']):>6} {_f(m['recall_25']):>6} "
                f"{_f(m['recall_50']):>6} {_f(m['wss_95']):>7} {_f(m['tnr_95']):>7} "
                f"{_f(m['atd'], 1):>7}"
            )
    return lines


def _extraction_lines(extraction: dict[str, Any]) -> list[str]:
    lines = ["extraction precision (suggested / positives):"]
    for name, e in extraction.items():
        lines.append(
            f"  {name:<14} {_f(e['precision'])} ({e['correct']}/{e['suggested']}, "
            f"coverage {_f(e['coverage'])})"
        )
    return lines


def _gene_mention_lines(g: dict[str, Any]) -> list[str]:
    if "skipped" in g:
        return [f"gene mentions: skipped: {g['skipped']}"]
    return [
        f"gene mentions on {g['records']} real records: precision {_f(g['precision'])} "
        f"({g['true_positive']}/{g['reported']}), recall {_f(g['recall'])}; "
        f"false positives: {', '.join(g['false_positives']) or 'none'}"
    ]


def _target_lines(targets: dict[str, Any]) -> list[str]:
    lines = ["targets:"]
    for key, t in targets.items():
        state = f"skipped ({t['skipped']})" if "skipped" in t else "met" if t["met"] else "NOT met"
        lines.append(f"  {key:<27} >= {t['target']}: {_f(t['value'])} {state}")
    return lines


def _f(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"
