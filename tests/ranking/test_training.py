"""The learned ranking: training data, rescoring only undecided candidates, explanations,
retraining after N decisions, and a clear message when there is too little to learn from."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from evidencewatch.config import load_settings
from evidencewatch.ranking import model as ranking
from evidencewatch.storage.models import Candidate, RankModel, SeedFindingRow
from factories import make_candidate, make_paper

ACCEPTED_TEXTS = [
    (
        "SRPK1 overexpression confers docetaxel resistance in breast cancer",
        "SRPK1 knockdown restored docetaxel sensitivity of resistant MCF-7 cells.",
    ),
    (
        "LYN drives tamoxifen resistance in ER-positive breast cancer",
        "LYN depletion restored tamoxifen response; high LYN predicted relapse on tamoxifen.",
    ),
    (
        "ANXA1 mediates trastuzumab resistance in HER2-positive breast cancer",
        "ANXA1 knockdown restored trastuzumab sensitivity in resistant BT-474 cells.",
    ),
    (
        "NEIL1 upregulation and tamoxifen resistance in breast cancer cells",
        "NEIL1 overexpression conferred resistance to tamoxifen in MCF-7 cells.",
    ),
]
REJECTED_TEXTS = [
    (
        "PCNA structure bound to DNA polymerase delta",
        "A cryo-EM structure of PCNA on primer-template DNA in yeast.",
    ),
    (
        "LYN kinase restrains B-cell signalling in autoimmunity",
        "LYN-deficient mice develop lupus-like disease; no tumour model was studied.",
    ),
    (
        "ANXA1 peptide resolves colitis in mice",
        "An ANXA1 mimetic reduced intestinal inflammation in a colitis model.",
    ),
    (
        "SRPK1 controls VEGF splicing in podocytes",
        "SRPK1 inhibition changed VEGF-A splicing in kidney podocytes of diabetic mice.",
    ),
]
RULE_REASONS = [
    {"feature": "gene_mentioned", "weight": 10.0, "detail": "named"},
    {"feature": "breast_context", "weight": 15.0, "detail": "breast cancer"},
]


def _candidate(session, title, abstract, gene, status, **kw):
    paper = make_paper(session, title=title, abstract=abstract)
    return make_candidate(
        session, paper, gene, score=40.0, status=status, reasons=RULE_REASONS, **kw
    )


@pytest.fixture
def decided(session):
    """Four accepted and four rejected candidates, three pending, one deferred."""
    out = {"accepted": [], "rejected": [], "undecided": []}
    for title, abstract in ACCEPTED_TEXTS:
        gene = title.split()[0]
        out["accepted"].append(_candidate(session, title, abstract, gene, "accepted"))
    reasons = ["not_breast_cancer", "not_breast_cancer", "not_breast_cancer", "alias_collision"]
    for (title, abstract), reason in zip(REJECTED_TEXTS, reasons, strict=True):
        gene = title.split()[0]
        out["rejected"].append(
            _candidate(session, title, abstract, gene, "rejected", reject_reason=reason)
        )
    for title, abstract, status in [
        (
            "BARD1 loss and tamoxifen resistance in breast cancer",
            "BARD1 knockdown reduced tamoxifen response of MCF-7 cells.",
            "pending",
        ),
        ("BARD1 in yeast meiosis", "A BARD1-like protein organises yeast chromosomes.", "pending"),
        (
            "EME2 and tamoxifen resistance in breast cancer",
            "EME2 overexpression conferred tamoxifen resistance.",
            "pending",
        ),
        (
            "CHUK and trastuzumab resistance in breast cancer",
            "CHUK depletion restored trastuzumab response.",
            "deferred",
        ),
    ]:
        gene = title.split()[0]
        out["undecided"].append(_candidate(session, title, abstract, gene, status))
    session.commit()
    return out


def test_training_uses_accepted_as_positives_and_rejected_as_negatives(session, decided):
    model = ranking.train(session=session)

    assert model is not None and model.id is not None
    assert (model.n_positive, model.n_negative) == (4, 4)
    assert model.decisions_seen == 8
    assert model.metrics["reject_reasons"] == {"alias_collision": 1, "not_breast_cancer": 3}
    assert model.metrics["n_accepted"] == 4 and model.metrics["n_seed_positive"] == 0
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


def test_rerank_rescores_only_pending_and_deferred_candidates(session, decided):
    before = {c.id: (c.score, list(c.reasons)) for c in decided["accepted"] + decided["rejected"]}
    model = ranking.train(session=session)

    n = ranking.rerank(session=session, model=model)
    session.commit()

    assert n == 4
    for cand in session.exec(select(Candidate)).all():
        if cand.id in before:
            assert (cand.score, cand.reasons) == before[cand.id]
            assert cand.model_score is None and cand.model_id is None
        else:
            assert cand.model_id == model.id
            assert 0.0 <= cand.model_score <= 1.0
            assert cand.score == round(100 * cand.model_score, 1)
            assert cand.rule_score == 40.0


def test_rescored_candidates_explain_themselves_with_signed_model_reasons(session, decided):
    model = ranking.train(session=session)
    ranking.rerank(session=session, model=model)
    ranking.rerank(session=session, model=model)  # again: older model entries are replaced
    session.commit()

    for cand in decided["undecided"]:
        session.refresh(cand)
        features = [r["feature"] for r in cand.reasons]
        model_entries = [r for r in cand.reasons if r["feature"].startswith("model:")]
        assert features[:2] == ["gene_mentioned", "breast_context"]  # rule reasons kept
        assert 1 <= len(model_entries) <= ranking.MAX_EXPLANATIONS
        for entry in model_entries:
            sign = entry["feature"][len("model:")]
            assert sign in "+-"
            assert (entry["weight"] > 0) == (sign == "+")
            assert entry["detail"]


def test_the_model_ranks_a_resistance_paper_above_an_unrelated_one(session, decided):
    model = ranking.train(session=session)
    ranking.rerank(session=session, model=model)
    on_topic, off_topic = decided["undecided"][0], decided["undecided"][1]
    session.refresh(on_topic)
    session.refresh(off_topic)

    assert on_topic.model_score > off_topic.model_score


def test_training_with_too_few_decisions_returns_none_and_says_why(session, caplog):
    for title, abstract in ACCEPTED_TEXTS[:2]:
        _candidate(session, title, abstract, title.split()[0], "accepted")
    _candidate(session, *REJECTED_TEXTS[0], "PCNA", "rejected", reject_reason="alias_collision")
    session.commit()

    with caplog.at_level(logging.WARNING, logger="evidencewatch.ranking.model"):
        assert ranking.train(session=session) is None

    problem = ranking.training_set(session=session).problem
    assert "need at least 2 positives and 2 negatives" in problem
    assert "have 2 positives" in problem and "1 negatives" in problem
    assert problem in caplog.text
    assert session.exec(select(RankModel)).first() is None


def test_retrain_happens_once_n_new_decisions_arrived(session, decided):
    settings = load_settings(env={}, retrain_after_decisions=2)
    first = ranking.maybe_retrain(session=session, settings=settings)
    assert first.model is not None and first.rescored == 4  # 8 decisions, no model yet

    pending = decided["undecided"]
    pending[0].status = "accepted"
    session.add(pending[0])
    session.flush()
    waiting = ranking.maybe_retrain(session=session, settings=settings)
    assert waiting.model is None and waiting.decisions_since == 1

    pending[1].status = "rejected"
    pending[1].reject_reason = "not_breast_cancer"
    session.add(pending[1])
    session.flush()
    second = ranking.maybe_retrain(session=session, settings=settings)
    assert second.model is not None and second.model.decisions_seen == 10
    assert second.rescored == 2  # only the two still undecided


def test_retraining_is_off_when_retrain_after_decisions_is_zero(session, decided):
    settings = load_settings(env={}, retrain_after_decisions=0)
    outcome = ranking.maybe_retrain(session=session, settings=settings)
    assert outcome.model is None and "off" in outcome.reason


def test_decision_hook_retrains_through_the_review_engine(session, decided):
    from evidencewatch.review import decisions as review

    hook = ranking.retrain_hook(load_settings(env={}, retrain_after_decisions=1))
    review.register_decision_hook(hook)
    try:
        cand = decided["undecided"][2]
        review.reject(
            session=session,
            candidate_id=cand.id,
            actor="alice",
            expected_version=cand.version,
            reason="not_breast_cancer",
        )
        session.commit()
    finally:
        review.DECISION_HOOKS.remove(hook)

    model = ranking.latest_model(session=session)
    assert model is not None and model.decisions_seen == 9


def test_score_new_scores_fresh_candidates_with_the_latest_model(session, decided):
    fresh = _candidate(
        session,
        "SRPK1 and cisplatin resistance in breast cancer",
        "SRPK1 knockdown sensitized cells to cisplatin.",
        "SRPK1",
        "pending",
    )
    assert ranking.score_new(session, [fresh.id]) == 0  # no model yet: nothing happens
    assert fresh.model_score is None

    model = ranking.train(session=session)
    assert ranking.score_new(session, [fresh.id, decided["accepted"][0].id]) == 1
    session.refresh(fresh)
    assert fresh.model_id == model.id


def test_gene_mentions_are_replaced_by_placeholder_tokens():
    text = "HER2-positive tumours with high SRPK1; SRPK1 knockdown and ERBB2 amplification."
    out = ranking.normalise_genes(text, ["SRPK1"], ["ERBB2", "HER2"])
    assert "SRPK1" not in out and "HER2" not in out and "ERBB2" not in out
    assert out.count(ranking.TARGET_TOKEN) == 2 and out.count(ranking.OTHER_TOKEN) == 2
    assert "SRPK1x" in ranking.normalise_genes("SRPK1x", ["SRPK1"], [])  # word-bounded


def _no_config_env(monkeypatch):
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_rank_command_retrains_reranks_and_prints_counts(
    db_url_engine, session, decided, monkeypatch
):
    from click.testing import CliRunner

    from evidencewatch.cli.main import cli

    _no_config_env(monkeypatch)
    url = db_url_engine[0]
    plain = CliRunner().invoke(cli, ["--db", url, "rank"])
    assert plain.exit_code == 1 and "no ranking model yet" in plain.output

    result = CliRunner().invoke(cli, ["--db", url, "rank", "--retrain"])
    assert result.exit_code == 0, result.output
    assert "4 positives" in result.output and "4 negatives" in result.output
    assert "rescored 4 undecided candidates" in result.output
    assert "raise the score:" in result.output


def test_rank_command_explains_when_there_is_too_little_to_learn(
    db_url_engine, session, monkeypatch
):
    from click.testing import CliRunner

    from evidencewatch.cli.main import cli

    _no_config_env(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", db_url_engine[0], "rank", "--retrain"])
    assert result.exit_code == 1
    assert "not enough decisions to train a ranking model" in result.output


def test_background_hook_retrains_off_the_request_in_its_own_session(engine, session, decided):
    """The web app's hook returns at once and trains in a thread with its own session."""
    import threading

    from sqlmodel import Session

    session.commit()
    hook = ranking.retrain_hook(load_settings(env={}, retrain_after_decisions=1), background=True)
    hook(session, decided["accepted"][0])
    for thread in threading.enumerate():
        if thread.name == "ew-retrain":
            thread.join(timeout=60)
    with Session(engine) as fresh:
        assert fresh.exec(select(RankModel)).first() is not None
