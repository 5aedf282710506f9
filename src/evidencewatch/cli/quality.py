"""``evidencewatch rank`` and ``evidencewatch eval``: the learned ranking and its measurement."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app
from evidencewatch.cli.eval_report import format_report
from evidencewatch.storage.db import session_scope

if TYPE_CHECKING:
    from collections.abc import Callable

    from evidencewatch.evaluation.report import EvalReport
    from evidencewatch.storage.models import RankModel
    from evidencewatch.watch.watchlist import Watchlist

__all__ = ["eval_", "format_report", "rank"]


@click.command()
@click.option("--retrain", is_flag=True, help="Train a new model on every decision first.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as one JSON object.")
@pass_app
@handle_errors
def rank(app: AppContext, retrain: bool, as_json: bool) -> None:
    """Rescore the undecided candidates: today's rule score, then the learned order if it helps.

    Every undecided candidate first gets the rule score its stored reasons give
    today (candidates stored under an older rule score are brought in line).
    The model learns from accepted candidates and the seed findings' papers
    (positives) and rejected candidates (negatives), and is blended with the
    rule score. The queue uses that learned order only when held-out decisions
    show it orders better than the rule score (average precision); otherwise
    the queue keeps the rule order. Both figures, the order in use and why are
    printed. Decided candidates are never rescored. Without --retrain the
    latest stored model is used.

    \b
    Example:
        evidencewatch rank --retrain
    """
    from evidencewatch import ranking

    with session_scope(app.ready_engine()) as session:
        model = ranking.train(session=session) if retrain else ranking.latest_model(session=session)
        if model is None and retrain:
            problem = ranking.training_set(session=session).problem
            click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        if model is None:
            outcome = _no_model(ranking.rescore_rules(session=session))
        else:
            outcome = _with_model(model, ranking.rerank(session=session, model=model))
    if as_json:
        click.echo(json.dumps(outcome, indent=2, sort_keys=True))
        return
    for line in _rank_lines(outcome, trained=retrain):
        click.echo(line)


def _no_model(rescored: int) -> dict[str, Any]:
    return {
        "model": None,
        "rescored": rescored,
        "order": {
            "in_use": "rule",
            "why": "no ranking model yet; run `evidencewatch rank --retrain` once curators "
            "have accepted and rejected a few candidates",
        },
    }


def _with_model(model: RankModel, rescored: int) -> dict[str, Any]:
    from evidencewatch import ranking

    m = model.metrics
    choice = ranking.OrderChoice.from_metrics(m, model.id)
    return {
        "model": {
            "id": model.id,
            "trained_at": model.trained_at.isoformat(),
            "n_positive": model.n_positive,
            "n_negative": model.n_negative,
            **{
                k: m[k]
                for k in ("n_accepted", "n_seed_positive", "reject_reasons", "c", "cv_auc")
                if k in m
            },
        },
        "rescored": rescored,
        "order": {
            "in_use": choice.in_use,
            "why": choice.why,
            "ap_learned": choice.ap_learned,
            "ap_rule": choice.ap_rule,
            "held_out": choice.held_out,
            "w": choice.w,
            "below": choice.below,
        },
        "top_features": ranking.load_pipeline(model).top_features(8),
    }


def _rank_lines(outcome: dict[str, Any], *, trained: bool) -> list[str]:
    order, model = outcome["order"], outcome["model"]
    if model is None:
        return [
            f"rescored {outcome['rescored']} undecided candidates by the rule score",
            f"queue order: rule score ({order['why']})",
        ]
    lines = []
    if trained:
        auc = (
            f"cross-validated AUC {model['cv_auc']:.3f}" if "cv_auc" in model else "no CV (too few)"
        )
        lines.append(
            f"trained model {model['id']}: {model['n_positive']} positives "
            f"({model.get('n_accepted', 0)} accepted, {model.get('n_seed_positive', 0)} seed "
            f"papers), {model['n_negative']} negatives "
            f"{_reasons(model.get('reject_reasons', {}))}; C={model.get('c')}, {auc}"
        )
    if order["ap_learned"] is not None:
        lines.append(
            f"held-out average precision on {order['held_out']} decisions: learned "
            f"{order['ap_learned']:.3f} (blend w={order['w']:g}), rule score "
            f"{order['ap_rule']:.3f}"
        )
    below = order.get("below")
    if below and below.get("ap_learned") is not None:
        lines.append(
            f"below the decided ({below['cuts']} rule-order cuts): learned "
            f"{below['ap_learned']:.3f}, rule score {below['ap_rule']:.3f}, worst gain "
            f"{below['worst_gain']:+.3f}"
        )
    name = (
        "learned (model blended with the rule score)"
        if order["in_use"] == "learned"
        else ("rule score")
    )
    lines.append(f"queue order: {name}: {order['why']}")
    lines.append(f"rescored {outcome['rescored']} undecided candidates with model {model['id']}")
    top = outcome["top_features"]
    lines.append("raise the score: " + ", ".join(f"{t} ({w:+.2f})" for t, w in top["positive"]))
    lines.append("lower the score: " + ", ".join(f"{t} ({w:+.2f})" for t, w in top["negative"]))
    return lines


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
@click.option(
    "--sealed",
    is_flag=True,
    help="Measure the sealed sets instead (tests/eval/sealed and each sub-folder of it holding "
    "records.xml and labels.tsv), each on its own, without a background, in aggregate only.",
)
@pass_app
@handle_errors
def eval_(
    app: AppContext, as_json: bool, eval_set: Path | None, background: Path | None, sealed: bool
) -> None:
    """Measure ranking, extraction and gene mentions on a labelled set.

    Runs the labelled set plus the real background corpus through the matcher
    and replays the queue (ASReview-style simulation, retraining every 10
    candidates or 2 % of the queue). Reports recall at 10/25/50 % screened,
    WSS@95, TNR@95 and ATD for the learned order, the model alone, the
    rule-based score and random order in three views: the whole set as the
    pipeline presents it (queue, then the never-shown rest), the labelled set
    alone (no background) and the queue alone. Then the active-learning replay
    (a curator deciding the top 10 at a time, retraining after each batch:
    recall and AP of the rest after 10, 20, 40 and 80 decisions), rule-score
    ties, the precision of each extracted field and gene-mention precision on
    the background. Without the background the pipeline view is skipped.
    Nothing is written to the configured database.

    --sealed measures the sealed set, which nobody tunes against: its report
    names no record.

    \b
    Example:
        evidencewatch eval --json > eval.json
        evidencewatch eval --sealed
    """
    from evidencewatch.evaluation.sets import DEFAULT_BACKGROUND, DEFAULT_SET
    from evidencewatch.jobs.evaluate import evaluate_job, sealed_evaluation_job
    from evidencewatch.watch.seedfiles import load_watchlist

    if sealed and (eval_set is not None or background is not None):
        raise click.UsageError("--sealed measures tests/eval/sealed alone: drop --set/--background")
    watchlist = load_watchlist(app.settings.seed_path / "watchlist.toml")
    if sealed:
        _print_sealed_sets(watchlist, as_json=as_json, job=sealed_evaluation_job)
        return
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


def _print_sealed_sets(
    watchlist: Watchlist, *, as_json: bool, job: Callable[..., EvalReport]
) -> None:
    """Each sealed set measured on its own (sets differ in writer and date, so their
    figures are not pooled): ``{"sets": {name: report}}`` or one block of lines per set."""
    from evidencewatch.evaluation import sets

    found = sets.sealed_set_dirs()
    if not found:
        raise click.ClickException(
            f"{sets.SEALED_SET}: no sealed set there ({sets.SEALED_RECORDS} and labels.tsv, "
            "in the folder or a sub-folder of it)"
        )
    reports = {
        name: job(watchlist=watchlist, sealed_dir=folder).as_json()
        for name, folder in found.items()
    }
    if as_json:
        click.echo(json.dumps({"sets": reports}, indent=2, sort_keys=True))
        return
    for name, data in reports.items():
        click.echo(f"== sealed set {name!r} ({found[name]}) ==")
        for line in format_report(data):
            click.echo(line)
