"""The queue one row per paper (review.paper_queue) and dual review's blind queue."""

from __future__ import annotations

from evidencewatch.review import paper_queue, queue
from evidencewatch.review.queue import Blind
from factories import make_candidate, make_paper
from review.test_votes import cast


def test_papers_rank_by_their_best_candidate_in_the_one_queue_order(session):
    p1 = make_paper(session, title="two genes")
    a = make_candidate(session, p1, "ESR1", score=2)
    b = make_candidate(session, p1, "ERBB2", score=9)
    p2 = make_paper(session, title="one gene")
    c = make_candidate(session, p2, "TOP2A", score=5)
    p3 = make_paper(session, title="tie")
    d = make_candidate(session, p3, "PGR", score=5)  # same score as c, newer: first
    page = paper_queue.paper_queue(session=session)
    assert [i.best.candidate.id for i in page.items] == [b.id, d.id, c.id]
    assert [c.id for c in page.items[0].candidates] == [b.id, a.id]
    assert (page.total, page.candidates, page.pages) == (3, 4, 1)
    # the same order as the candidate queue's first row of each paper
    flat = [i.candidate.pmid for i in queue.queue(session=session).items]
    assert [i.best.paper.pmid for i in page.items] == list(dict.fromkeys(flat))


def test_the_paper_queue_filters_candidates_and_pages_papers(session):
    for n in range(5):
        paper = make_paper(session)
        make_candidate(session, paper, "ESR1", score=n)
        make_candidate(session, paper, "ERBB2", score=n, status="accepted")
    page = paper_queue.paper_queue(session=session, per_page=2, page=3)
    assert (page.total, page.pages, len(page.items)) == (5, 3, 1)
    assert [c.gene for c in page.items[0].candidates] == ["ESR1"]  # only the pending chip
    accepted = paper_queue.paper_queue(session=session, status="accepted", gene="ERBB2")
    assert accepted.total == 5 and all(i.genes == ["ERBB2"] for i in accepted.items)


def test_the_blind_queue_hides_what_the_curator_voted_on_and_conflicts(session):
    voted = make_candidate(session, None, "ESR1", score=3).id
    conflict = make_candidate(session, None, "ERBB2", score=2).id
    other = make_candidate(session, None, "TOP2A", score=1).id
    cast(session, voted, "alice", "accept")
    cast(session, conflict, "bob", "accept")
    cast(session, conflict, "carol", "reject")

    def ids(voter):
        return [i.candidate.id for i in queue.queue(session=session, blind=Blind(voter)).items]

    assert ids("alice") == [other]
    assert ids("bob") == [voted, other]  # alice's vote is hidden from bob, not the candidate
    assert ids(None) == [voted, other]
    assert queue.gene_counts(session=session, blind=Blind("alice")) == [("TOP2A", 1)]
    blind_page = paper_queue.paper_queue(session=session, blind=Blind("alice"))
    assert [i.best.candidate.id for i in blind_page.items] == [other]
    after = queue.queue(session=session).items[0].candidate
    assert queue.next_pending(session=session, after=after, blind=Blind("alice")) == other
