"""Active learning stays out of the web app: decisions never train there; the worker's
retrain reaches the next queue page through the database."""

from __future__ import annotations

import re
import threading

import pytest
from sqlmodel import Session, select

from evidencewatch.jobs.retraining import retrain_if_due
from evidencewatch.ranking import training
from evidencewatch.storage.models import Candidate, RankModel
from evidencewatch.web.app import create_app
from factories import make_candidate, make_paper
from web.webtools import TestClient, sign_in, token

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

DECIDE = [
    ("SRPK1 overexpression confers docetaxel resistance in breast cancer", "SRPK1", "accept"),
    ("LYN drives tamoxifen resistance in ER-positive breast cancer", "LYN", "accept"),
    ("PCNA structure bound to DNA polymerase delta in yeast", "PCNA", "reject"),
    ("ANXA1 peptide resolves colitis in mice", "ANXA1", "reject"),
]
STRONG = "BARD1 loss confers tamoxifen resistance in breast cancer cells"
WEAK = "BARD1 in yeast meiosis"


def _queue_ids(client: TestClient) -> list[int]:
    """The candidate ids of the first queue page, in the order shown."""
    page = client.get("/queue").text
    return [int(n) for n in dict.fromkeys(re.findall(r'href="/candidates/(\d+)', page))]


def _decide_all(client: TestClient, ids: list[tuple[int, str]]) -> None:
    csrf = token(client)
    for cid, action in ids:
        data = {"csrf_token": csrf, "version": "1", "statement": "s", "reason": "not_breast_cancer"}
        r = client.post(f"/candidates/{cid}/{action}", data=data, follow_redirects=False)
        assert r.status_code == 303, r.text[:300]


@pytest.fixture
def queue_to_learn(session: Session) -> tuple[list[tuple[int, str]], int, int]:
    """Four candidates to decide; a weak one shown above a strong one until the next re-rank.

    Their queue scores are stale (as after a model that ordered worse); the rule
    scores the retrain falls back on, or blends with, order them the other way.
    """
    to_decide = []
    for title, gene, action in DECIDE:
        paper = make_paper(session, title=title, abstract=f"{title}.")
        to_decide.append((make_candidate(session, paper, gene, score=90.0).id, action))
    weak = make_candidate(session, make_paper(session, title=WEAK, abstract=f"{WEAK}."), "BARD1",
                          score=80.0, rule_score=10.0)  # fmt: skip
    strong = make_candidate(session, make_paper(session, title=STRONG, abstract=f"{STRONG}."),
                            "BARD1", score=1.0, rule_score=60.0)  # fmt: skip
    session.commit()
    return to_decide, weak.id, strong.id


def test_web_decisions_never_start_a_retrain_in_the_web_process(
    settings, engine, session, queue_to_learn, monkeypatch
):
    trained_in_web: list[str] = []
    real_train = training.train

    def spy(**kw):
        trained_in_web.append(threading.current_thread().name)
        return real_train(**kw)

    monkeypatch.setattr(training, "train", spy)
    monkeypatch.setattr("evidencewatch.ranking.cadence.train", spy)
    app = create_app(settings.with_overrides(retrain_after_decisions=1), engine=engine)
    assert app.state.on_decided is None
    threads_before = {t.ident for t in threading.enumerate()}
    with TestClient(app) as client:
        sign_in(client, session)
        _decide_all(client, queue_to_learn[0])
    # The request and hashing pools stop at shutdown without waiting; give them a moment,
    # then no thread the app started (a retrain in the background, say) may still run.
    for thread in [t for t in threading.enumerate() if t.ident not in threads_before]:
        thread.join(timeout=5)
    started = [t.name for t in threading.enumerate() if t.ident not in threads_before]
    assert trained_in_web == [] and started == []
    with Session(engine) as fresh:
        assert fresh.exec(select(RankModel)).first() is None


def test_after_the_workers_retrain_the_next_queue_page_shows_the_new_order(
    settings, engine, session, queue_to_learn
):
    to_decide, weak, strong = queue_to_learn
    settings = settings.with_overrides(retrain_after_decisions=4)
    with TestClient(create_app(settings, engine=engine)) as client:
        sign_in(client, session)
        _decide_all(client, to_decide)
        before = _queue_ids(client)
        assert before == [weak, strong]  # the stored scores: nothing retrained yet

        outcome = retrain_if_due(settings, engine=engine)  # what the worker/scheduler runs
        assert outcome is not None and outcome.model is not None

        after = _queue_ids(client)  # the same app, no restart
    with Session(engine) as fresh:
        scores = {c.id: c.score for c in fresh.exec(select(Candidate)).all()}
    assert scores[strong] > scores[weak]
    assert after == [strong, weak]
