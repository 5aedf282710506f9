"""The pool: the set saved as an import would, each candidate labelled, and the unqueued tail."""

from __future__ import annotations

from evidencewatch.evaluation import labels as lb
from evidencewatch.evaluation import pool as ev
from evidencewatch.evaluation.sets import load_set
from evidencewatch.matching.match import Matcher


def _labels(*rows: tuple[int, str, int]) -> lb.LabelSet:
    labels = lb.LabelSet()
    for pmid, gene, label in rows:
        labels.by_pair[(pmid, gene)] = lb.Label(pmid=pmid, gene=gene, label=label)
    return labels


def test_unqueued_units_are_one_per_silent_record_and_one_per_missed_positive():
    records = {1: ev.LABELLED, 2: ev.LABELLED, 3: ev.LABELLED, 10: ev.BACKGROUND, 11: ev.BACKGROUND}
    labels = _labels((1, "LYN", 1), (1, "ERBB2", 1), (2, "PCNA", 1), (3, "RELA", 0))
    queued = [(1, "LYN"), (10, "ERBB2")]

    tail = ev.unqueued_units(records=records, queued=queued, labels=labels)

    units = sorted((u.pmid, u.gene, u.label, u.source) for u in tail)
    assert units == [
        (1, "ERBB2", 1, ev.LABELLED),  # a positive gene of a queued paper that was not queued
        (2, "PCNA", 1, ev.LABELLED),  # a positive paper with no candidate at all
        (3, "", 0, ev.LABELLED),  # a near miss the matcher dropped
        (11, "", 0, ev.BACKGROUND),  # a background record with no candidate
    ]


def test_unqueued_units_come_in_one_fixed_order_whatever_the_input_order():
    labels = _labels()
    forward = {pmid: ev.BACKGROUND for pmid in range(50)}
    backward = dict(reversed(list(forward.items())))
    first = ev.unqueued_units(records=forward, queued=[], labels=labels)
    assert first == ev.unqueued_units(records=backward, queued=[], labels=labels)
    assert [u.pmid for u in first] != sorted(u.pmid for u in first)  # shuffled, not sorted


def test_the_pool_holds_every_saved_candidate_labelled_and_in_time_order(
    session, small_set, watchlist, tmp_path
):
    loaded = load_set(small_set, tmp_path / "missing")
    ev.save_set(session=session, records=loaded.records, matcher=Matcher.from_watchlist(watchlist))

    pool = ev.build_pool(session=session, labels=loaded.labels)

    assert pool and all(p.source == ev.LABELLED for p in pool)
    assert [(p.crdt, p.pmid, p.gene) for p in pool] == sorted(
        (p.crdt, p.pmid, p.gene) for p in pool
    )
    for item in pool:
        assert (item.label, item.reject_reason) == loaded.labels.label_of(item.pmid, item.gene)
        assert "GENE_TARGET" in item.doc.text  # the candidate's gene is masked
