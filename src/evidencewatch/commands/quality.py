"""``evidencewatch rank`` and ``evidencewatch eval``: the learned ranking and its measurement."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from evidencewatch.cli import AppContext, handle_errors, pass_app
from evidencewatch.db import session_scope


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
    help="Real PubMed corpus for gene-mention precision (default: ../shared/pubmed).",
)
@pass_app
@handle_errors
def eval_(app: AppContext, as_json: bool, eval_set: Path | None, background: Path | None) -> None:
    """Measure ranking, extraction and gene mentions on a labelled set.

    Replays the labelled candidates (ASReview-style simulation, retraining
    every 10) and reports recall at 10/25/50 % screened, WSS@95, TNR@95 and
    ATD for the learned ranking, the rule-based score and random order, the
    precision of each extracted field, and gene-mention precision on the real
    background corpus. Nothing is written to the configured database.

    \b
    Example:
        evidencewatch eval --json > eval.json
    """
    from evidencewatch import evaluation
    from evidencewatch.seedfiles import load_watchlist

    watchlist = load_watchlist(app.settings.seed_path / "watchlist.toml")
    report = evaluation.evaluate(
        watchlist=watchlist,
        eval_dir=eval_set or evaluation.DEFAULT_SET,
        background_dir=background or evaluation.DEFAULT_BACKGROUND,
    )
    data = report.as_json()
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    for line in format_report(data):
        click.echo(line)


def format_report(data: dict[str, Any]) -> list[str]:
    """The report as plain text lines."""
    c = data["candidates"]
    r = data["ranking"]
    p = r["protocol"]
    lines = [
        f"labelled set {data['set']}: {data['records']} records -> {c['n']} candidates "
        f"({c['positive']} accepted, {c['negative']} rejected); matcher recall of labelled "
        f"positives {c['matcher_recall']}",
        f"ranking: {p['priors']} earliest candidates as priors ({p['prior_positive']} accepted), "
        f"{p['screened']} screened ({p['relevant']} relevant), retrain every {p['retrain_every']}",
        f"  {'order':<11} {'R@10%':>6} {'R@25%':>6} {'R@50%':>6} {'WSS@95':>7} {'TNR@95':>7} "
        f"{'ATD':>6}",
    ]
    for name in ("learned", "rule_based", "random", "oracle"):
        m = r[name]
        lines.append(
            f"  {name:<11} {_f(m['recall_10']):>6} {_f(m['recall_25']):>6} "
            f"{_f(m['recall_50']):>6} {_f(m['wss_95']):>7} {_f(m['tnr_95']):>7} "
            f"{_f(m['atd'], 1):>6}"
        )
    lines.append("extraction precision (suggested / positives):")
    for name, e in data["extraction"].items():
        lines.append(
            f"  {name:<14} {_f(e['precision'])} ({e['correct']}/{e['suggested']}, "
            f"coverage {_f(e['coverage'])})"
        )
    g = data["gene_mentions"]
    if "skipped" in g:
        lines.append(f"gene mentions: skipped: {g['skipped']}")
    else:
        lines.append(
            f"gene mentions on {g['records']} real records: precision {_f(g['precision'])} "
            f"({g['true_positive']}/{g['reported']}), recall {_f(g['recall'])}; "
            f"false positives: {', '.join(g['false_positives']) or 'none'}"
        )
    lines.append("targets:")
    for key, t in data["targets"].items():
        state = "met" if t["met"] else "NOT met"
        lines.append(f"  {key:<26} >= {t['target']}: {_f(t['value'])} {state}")
    lines.append(f"({data['seconds']} s)")
    return lines


def _f(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"
