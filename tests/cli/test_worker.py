"""``evidencewatch worker``: the retrain check outside the web server."""

from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.storage.models import RankModel
from factories import make_candidate, make_paper

TEXTS = [
    ("SRPK1 overexpression confers docetaxel resistance in breast cancer", "SRPK1", "accepted"),
    ("LYN drives tamoxifen resistance in ER-positive breast cancer", "LYN", "accepted"),
    ("PCNA structure bound to DNA polymerase delta in yeast", "PCNA", "rejected"),
    ("ANXA1 peptide resolves colitis in mice", "ANXA1", "rejected"),
    ("BARD1 loss and tamoxifen resistance in breast cancer", "BARD1", "pending"),
]


def _fill(session: Session) -> None:
    for title, gene, status in TEXTS:
        paper = make_paper(session, title=title, abstract=f"{title}.")
        reason = "not_breast_cancer" if status == "rejected" else None
        make_candidate(session, paper, gene, score=40.0, status=status, reject_reason=reason)
    session.commit()


def _run(settings, *args: str, retrain_after: int):
    env = {"EVIDENCEWATCH_DATABASE_URL": settings.database_url,
           "EVIDENCEWATCH_RETRAIN_AFTER": str(retrain_after)}  # fmt: skip
    return CliRunner().invoke(cli, ["worker", *args], env=env, catch_exceptions=False)


def test_worker_once_retrains_when_enough_decisions_came_in(settings, engine, session):
    _fill(session)
    result = _run(settings, "--once", retrain_after=4)
    assert result.exit_code == 0, result.output
    assert "retrained: 1 candidates re-ranked" in result.output
    with Session(engine) as fresh:
        assert fresh.exec(select(RankModel)).one().decisions_seen == 4


def test_worker_once_says_when_retraining_is_not_due(settings, engine, session):
    _fill(session)
    result = _run(settings, "--once", retrain_after=10)
    assert result.exit_code == 0 and "retraining not due" in result.output
    with Session(engine) as fresh:
        assert fresh.exec(select(RankModel)).first() is None


def test_worker_refuses_a_database_without_schema(tmp_path):
    env = {"EVIDENCEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    result = CliRunner().invoke(cli, ["worker", "--once"], env=env)
    assert result.exit_code == 2 and "evidencewatch init" in result.output
