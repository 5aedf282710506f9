"""Training: accepted candidates and seed papers are positives, rejected ones negatives, and a
clear message when there is too little to learn from."""

from __future__ import annotations

import logging

from sqlmodel import select

from evidencewatch import ranking
from evidencewatch.storage.models import RankModel, SeedFindingRow
from factories import make_paper


def test_training_uses_accepted_as_positives_and_rejected_as_negatives(session, decided):
    model = ranking.train(session=session)

    assert model is not None and model.id is not None
    assert (model.n_positive, model.n_negative) == (4, 4)
    assert model.decisions_seen == 8
    assert model.metrics["reject_reasons"] == {"alias_collision": 1, "not_breast_cancer": 3}
    assert model.metrics["n_accepted"] == 4 and model.metrics["n_seed_positive"] == 0
    assert model.kind == ranking.MODEL_KIND
    assert isinstance(ranking.load_pipeline(model), ranking.RankPipeline)


def test_seed_finding_papers_are_positives_unless_a_curator_decided_the_pair(session, decided):
    seed_paper = make_paper(
        session,
        title="CYP3A4 mRNA and taxane non-response",
        abstract="High CYP3A4 transcript in non-responders to docetaxel.",
    )
    decided_pmid = decided["rejected"][0].pmid
    session.add(
        SeedFindingRow(
            id="f1",
            genes=["CYP3A4", "CYP2A6"],
            citations=[{"label": "[^1]", "pmid": seed_paper.pmid}],
        )
    )
    session.add(
        SeedFindingRow(
            id="f2",
            genes=["PCNA"],
            citations=[
                {"label": "[^2]", "pmid": decided_pmid},
                {"label": "[^3]", "pmid": 99_999_999},
            ],
        )
    )
    session.commit()

    ts = ranking.training_set(session=session)

    assert ts.n_seed == 2  # CYP3A4 and CYP2A6 of the stored paper; the unstored PMID is skipped
    assert (seed_paper.pmid, "CYP3A4") in ts.keys and (seed_paper.pmid, "CYP2A6") in ts.keys
    assert ts.labels[ts.keys.index((decided_pmid, "PCNA"))] == 0  # the curator's rejection wins


def test_decisions_count_counts_accepted_and_rejected_only(session, decided):
    assert ranking.decisions_count(session=session) == 8


def test_training_with_too_few_decisions_returns_none_and_says_why(session, add_candidate, caplog):
    add_candidate(
        "SRPK1 overexpression confers docetaxel resistance in breast cancer",
        "SRPK1 knockdown restored docetaxel sensitivity of resistant MCF-7 cells.",
        "SRPK1",
        "accepted",
    )
    add_candidate(
        "LYN drives tamoxifen resistance in ER-positive breast cancer",
        "LYN depletion restored tamoxifen response; high LYN predicted relapse on tamoxifen.",
        "LYN",
        "accepted",
    )
    add_candidate(
        "PCNA structure bound to DNA polymerase delta",
        "A cryo-EM structure of PCNA on primer-template DNA in yeast.",
        "PCNA",
        "rejected",
        reject_reason="alias_collision",
    )
    session.commit()

    with caplog.at_level(logging.WARNING, logger="evidencewatch.ranking.training"):
        assert ranking.train(session=session) is None

    problem = ranking.training_set(session=session).problem
    assert "need at least 2 positives and 2 negatives" in problem
    assert "have 2 positives" in problem and "1 negatives" in problem
    assert problem in caplog.text
    assert session.exec(select(RankModel)).first() is None


def test_the_order_the_queue_uses_is_stored_with_the_model_row(session, well_decided):
    model = ranking.train(session=session)
    session.commit()

    stored = session.get(RankModel, model.id)
    order = stored.metrics["order"]
    assert order["in_use"] in (ranking.LEARNED, ranking.RULE) and order["why"]
    assert order["held_out"] == 12  # every decision, each held out once
    assert order["ap_learned"] is not None and order["ap_rule"] is not None
    assert ranking.OrderChoice.from_metrics(stored.metrics, stored.id).in_use == order["in_use"]


def test_seed_papers_without_a_candidate_train_the_model_but_do_not_judge_the_order(
    session, well_decided
):
    seed_paper = make_paper(
        session, title="SRPK1 and docetaxel resistance", abstract="SRPK1 predicted relapse."
    )
    session.add(SeedFindingRow(id="f1", genes=["SRPK1"], citations=[{"pmid": seed_paper.pmid}]))
    session.commit()

    ts = ranking.training_set(session=session)
    model = ranking.train(session=session)

    assert ts.rule_scored.count(False) == 1 and len(ts.rule_scored) == len(ts.docs) == 13
    assert model.metrics["n"] == 13 and model.metrics["order"]["held_out"] == 12
