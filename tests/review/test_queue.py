"""The review queue: order, filters, pages, counts per gene (evidencewatch.review.queue)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.review import queue as queueing
from factories import make_candidate, make_paper


def test_queue_ranks_by_score_then_newest_and_shows_only_pending_by_default(session):
    a = make_candidate(session, None, "ESR1", score=2.0)
    b = make_candidate(session, None, "ABCB1", score=5.0)
    c = make_candidate(session, None, "ERBB2", score=2.0)
    make_candidate(session, None, "TOP2A", score=9.0, status="rejected")
    page = queueing.queue(session=session)
    assert [i.candidate.id for i in page.items] == [b.id, c.id, a.id]
    assert page.total == 3 and page.pages == 1


def test_queue_filters_by_gene_therapy_status_and_queued_date(session):
    early = datetime(2026, 1, 5, 23, 59, tzinfo=UTC)
    late = datetime(2026, 6, 5, 0, 1, tzinfo=UTC)
    e1 = make_candidate(session, None, "ESR1", score=1, created_at=early)
    l1 = make_candidate(
        session, None, "ESR1", score=2, therapy_class="chemotherapy", created_at=late
    )
    l2 = make_candidate(session, None, "ABCB1", score=3, status="accepted", created_at=late)
    ids = lambda page: [i.candidate.id for i in page.items]  # noqa: E731
    assert ids(queueing.queue(session=session, gene="ESR1")) == [l1.id, e1.id]  # by score
    assert ids(queueing.queue(session=session, therapy_class="chemotherapy")) == [l1.id]
    assert ids(queueing.queue(session=session, since=date(2026, 3, 1))) == [l1.id]
    assert ids(queueing.queue(session=session, until=date(2026, 3, 1))) == [e1.id]
    # both ends are whole days, inclusive
    assert ids(queueing.queue(session=session, since=date(2026, 6, 5))) == [l1.id]
    assert ids(queueing.queue(session=session, until=date(2026, 1, 5))) == [e1.id]
    assert ids(queueing.queue(session=session, until=date(2026, 1, 4))) == []
    assert ids(queueing.queue(session=session, status="accepted")) == [l2.id]
    assert ids(queueing.queue(session=session, status="all")) == [l2.id, l1.id, e1.id]
    assert queueing.queue(session=session, since=date(2026, 3, 1)).total == 1


def test_queue_rejects_an_unknown_status_naming_the_field(session):
    with pytest.raises(InvalidDecision, match="status"):
        queueing.queue(session=session, status="maybe")


def test_queue_paginates_and_clamps_the_page_number(session):
    for n in range(7):
        make_candidate(session, None, "ESR1", score=10 - n)
    first = queueing.queue(session=session, per_page=3)
    third = queueing.queue(session=session, per_page=3, page=3)
    beyond = queueing.queue(session=session, per_page=3, page=99)
    assert (first.total, first.pages, len(first.items)) == (7, 3, 3)
    assert len(third.items) == 1 and third.page == 3
    assert beyond.page == 3


def test_queue_item_carries_title_markup_and_the_strongest_reason(session):
    paper = make_paper(session, title="ESR1 <b>bold</b> claim")
    make_candidate(
        session,
        paper,
        "ESR1",
        reasons=[
            {"feature": "small", "weight": 0.1, "detail": ""},
            {"feature": "model:svm", "weight": -3.0, "detail": "strong negative"},
        ],
    )
    [item] = queueing.queue(session=session).items
    assert item.title_markup == "ESR1 &lt;b&gt;bold&lt;/b&gt; claim"
    assert item.top_reason == "model:svm: strong negative"


def test_gene_counts_count_candidates_per_gene_in_a_status(session):
    for gene in ("ESR1", "ESR1", "ABCB1"):
        make_candidate(session, None, gene)
    make_candidate(session, None, "ABCB1", status="accepted")
    assert queueing.gene_counts(session=session) == [("ESR1", 2), ("ABCB1", 1)]
    assert queueing.gene_counts(session=session, status="accepted") == [("ABCB1", 1)]


def test_next_pending_follows_queue_order_and_wraps_around(session):
    a = make_candidate(session, None, "ESR1", score=3)
    b = make_candidate(session, None, "ESR1", score=2)
    c = make_candidate(session, None, "ESR1", score=2)  # same score, newer: before b
    assert queueing.next_pending(session=session, after=a) == c.id
    assert queueing.next_pending(session=session, after=c) == b.id
    assert queueing.next_pending(session=session, after=b) == a.id
