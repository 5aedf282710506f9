"""Deciding every gene of one paper at once (review.papers)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from evidencewatch.core.errors import InvalidDecision, NotFound
from evidencewatch.review import papers, votes
from evidencewatch.storage.models import Candidate
from factories import make_candidate, make_paper


@pytest.fixture
def paper(session):
    paper = make_paper(session, title="ESR1, ERBB2 and TOP2A in resistance")
    make_candidate(session, paper, "ESR1", score=3)
    make_candidate(session, paper, "ERBB2", score=2)
    make_candidate(session, paper, "TOP2A", score=1, status="rejected", reject_reason="duplicate")
    return paper


def statuses(session, pmid):
    session.expire_all()
    rows = session.exec(select(Candidate).where(Candidate.pmid == pmid))
    return {c.gene: (c.status, c.statement) for c in rows}


def test_accept_paper_accepts_every_undecided_gene_and_skips_the_decided(session, paper):
    outcome = papers.accept_paper(
        session=session,
        mode="single",
        pmid=paper.pmid,
        actor="alice",
        edits={"statement": "Both genes went with tamoxifen resistance."},
    )
    assert [o.candidate.gene for o in outcome.done] == ["ESR1", "ERBB2"]  # queue order
    assert [(c.gene, why) for c, why in outcome.skipped] == [("TOP2A", "already rejected")]
    assert statuses(session, paper.pmid) == {
        "ERBB2": ("accepted", "Both genes went with tamoxifen resistance."),
        "ESR1": ("accepted", "Both genes went with tamoxifen resistance."),
        "TOP2A": ("rejected", None),
    }
    assert outcome.describe("accept").startswith(f"Accepted ESR1, ERBB2 of PMID {paper.pmid}.")


def test_accept_paper_needs_a_statement_and_keeps_each_gene(session, paper):
    with pytest.raises(InvalidDecision, match=r"statement.*ESR1, ERBB2"):
        papers.accept_paper(session=session, mode="single", pmid=paper.pmid, actor="a", edits={})
    with pytest.raises(InvalidDecision, match="gene"):
        papers.accept_paper(
            session=session,
            mode="single",
            pmid=paper.pmid,
            actor="a",
            edits={"statement": "s", "gene": "PGR"},
        )
    assert statuses(session, paper.pmid)["ESR1"] == ("pending", None)


def test_reject_paper_rejects_each_gene_with_the_reason(session, paper):
    outcome = papers.reject_paper(
        session=session, mode="single", pmid=paper.pmid, actor="alice", reason="not_breast_cancer"
    )
    assert len(outcome.done) == 2
    assert {g: s for g, (s, _) in statuses(session, paper.pmid).items()} == {
        "ERBB2": "rejected",
        "ESR1": "rejected",
        "TOP2A": "rejected",
    }


def test_in_dual_mode_a_paper_decision_is_one_vote_per_gene(session, paper):
    first = papers.reject_paper(
        session=session, mode="dual", pmid=paper.pmid, actor="alice", reason="duplicate"
    )
    assert [o.state for o in first.done] == [votes.WAITING, votes.WAITING]
    assert first.describe("reject").startswith("Voted to reject ESR1, ERBB2")
    with pytest.raises(InvalidDecision, match=r"no gene left for you.*you voted already"):
        papers.reject_paper(
            session=session, mode="dual", pmid=paper.pmid, actor="alice", reason="duplicate"
        )
    second = papers.reject_paper(
        session=session, mode="dual", pmid=paper.pmid, actor="bob", reason="out_of_scope"
    )
    assert [o.state for o in second.done] == [votes.AGREED, votes.AGREED]
    assert statuses(session, paper.pmid)["ESR1"][0] == "rejected"


def test_a_paper_that_is_not_stored_is_not_found(session):
    with pytest.raises(NotFound, match="PMID 12345"):
        papers.reject_paper(
            session=session, mode="single", pmid=12345, actor="a", reason="duplicate"
        )
