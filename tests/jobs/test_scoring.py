"""A job's scorer: nothing before the first model (without loading the ranking), and with
a model, the scores the ranking's own batch scorer gives."""

from __future__ import annotations

from evidencewatch import ranking
from evidencewatch.jobs.scoring import BatchScorer
from evidencewatch.storage.models import Candidate
from factories import make_candidate, make_paper

DECIDED = [
    ("SRPK1 confers docetaxel resistance in breast cancer", "SRPK1", "accepted"),
    ("LYN drives tamoxifen resistance in breast cancer", "LYN", "accepted"),
    ("PCNA structure bound to DNA polymerase delta", "PCNA", "rejected"),
    ("ANXA1 peptide resolves colitis in mice", "ANXA1", "rejected"),
]


def _candidate(session, title: str, gene: str, status: str = "pending") -> Candidate:
    paper = make_paper(session, title=title, abstract=f"{title}, in cells.")
    return make_candidate(session, paper, gene, score=40.0, status=status)


def _train(session):
    for title, gene, status in DECIDED:
        _candidate(session, title, gene, status)
    return ranking.train(session=session)


def test_before_any_model_it_scores_nothing_and_never_needs_the_ranking(session):
    scorer = BatchScorer()
    fresh = _candidate(session, "BARD1 loss and tamoxifen resistance", "BARD1")

    assert scorer.score(session, [fresh.id]) == 0
    assert not scorer.loaded_ranking and scorer.model_id is None
    assert fresh.model_score is None


def test_a_model_trained_while_the_job_runs_waits_for_the_next_job(session):
    scorer = BatchScorer()
    scorer(session, [_candidate(session, "BARD1 in yeast meiosis", "BARD1").id])
    _train(session)

    later = _candidate(session, "EME2 and tamoxifen resistance", "EME2")
    assert scorer.score(session, [later.id]) == 0
    assert BatchScorer().score(session, [later.id]) == 1  # the next job's scorer


def test_with_a_model_it_scores_as_the_rankings_own_batch_scorer_does(session):
    model = _train(session)
    ours, theirs = (_candidate(session, "CHUK and trastuzumab resistance", "CHUK") for _ in "ab")

    scorer = BatchScorer()
    assert scorer(session, []) is None and not scorer.loaded_ranking  # empty: nothing asked
    assert scorer.score(session, [ours.id]) == 1
    assert ranking.BatchScorer().score(session, [theirs.id]) == 1

    assert scorer.loaded_ranking and scorer.model_id == model.id
    session.refresh(ours)
    session.refresh(theirs)
    assert ours.model_id == model.id
    assert (ours.score, ours.model_score) == (theirs.score, theirs.model_score)
