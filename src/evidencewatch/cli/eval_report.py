"""The text of ``evidencewatch eval``: the JSON report as plain lines."""

from __future__ import annotations

from typing import Any

_ORDERS = {
    "queue": ("learned", "model_only", "rule_based", "random", "oracle"),
    "labelled": ("learned", "model_only", "rule_based", "queue_random", "random", "oracle"),
    "pipeline": ("learned", "model_only", "rule_based", "queue_random", "random", "oracle"),
}
_VIEWS = (
    ("pipeline", "pipeline view"),
    ("labelled", "labelled-set view"),
    ("queue", "queue-only view"),
)


def format_report(data: dict[str, Any]) -> list[str]:
    """The report as plain text lines."""
    return [
        *_set_lines(data),
        *_ranking_lines(data["ranking"]),
        *_replay_lines(data["replay"]),
        *_tie_lines(data["rule_scores"]),
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
    if "withheld" in data:
        lines.append(f"per-record results {data['withheld'].removeprefix('withheld: ')}")
    return lines


def _ranking_lines(r: dict[str, Any]) -> list[str]:
    """The protocol, then a table of metrics per order for each view."""
    p = r["protocol"]
    lines = [
        f"ranking: {p['priors']} earliest labelled candidates as priors "
        f"({p['prior_positive']} accepted), retrain every {p['retrain_batch']} "
        f"({p['fits']} retrains); unqueued units in {p['tail_order']}"
    ]
    for view, title in _VIEWS:
        v = r[view]
        if "skipped" in v:
            lines.append(f"{title}: skipped: {v['skipped']}")
            continue
        detail = f"{v['units']} units screened, {v['relevant']} relevant"
        if view != "queue":
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


def _replay_lines(replay: dict[str, Any]) -> list[str]:
    """The active-learning replay: each curator's recall and AP of the rest at each checkpoint."""
    p = replay["protocol"]
    lines = [
        f"replay: a curator decides the top {p['batch']} of the queue and the model is "
        f"retrained, from no decisions; {p['units']} candidates, {p['relevant']} relevant; "
        f"AP before any decision {_f(replay['summary']['rule_ap_before_decisions'])}",
        f"  {'curator':<11} " + " ".join(f"{f'after {k}':>17}" for k in p["checkpoints"]),
    ]
    for name, points in replay["curators"].items():
        cells = [f"R {_f(x['recall'], 2)} AP {_f(x['ap_remaining'])}" for x in points]
        lines.append(f"  {name:<11} " + " ".join(f"{c:>17}" for c in cells))
    same = replay["same_decisions"]
    lines.append("  same decisions (the rule order's top k), AP of the rest:")
    for x in same:
        use = x.get("order_in_use", "rule")
        lines.append(
            f"    k={x['decisions']:<3} rule {_f(x['rule_only'])}  learned {_f(x['learned'])} "
            f"({use} order)  model alone {_f(x['model_only'])}"
        )
    return lines


def _tie_lines(t: dict[str, Any]) -> list[str]:
    return [
        f"rule scores: {t['distinct_scores']} distinct among {t['candidates']} labelled "
        f"candidates; {t['tied_same_evidence']} share a score with the same evidence, "
        f"{t['tied_different_evidence']} with different evidence"
    ]


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
        lines.append(f"  {key:<31} >= {t['target']}: {_f(t['value'])} {state}")
    return lines


def _f(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"
