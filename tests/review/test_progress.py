"""Screening progress from the database (evidencewatch.review.progress)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from evidencewatch.review import decisions
from evidencewatch.review.progress import progress, screening_history
from evidencewatch.review.undo import undo
from evidencewatch.storage.db import init_db, make_engine
from factories import make_candidate

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_history_is_in_decision_order_and_counts_skip_withdrawn(session):
    later = make_candidate(session, None, status="accepted", decided_at=T0 + timedelta(hours=2))
    make_candidate(session, None, status="rejected", decided_at=T0)
    make_candidate(session, None, status="rejected", decided_at=T0 + timedelta(hours=1))
    make_candidate(session, None, status="pending")
    make_candidate(session, None, status="deferred")
    make_candidate(session, None, status="withdrawn")
    session.commit()
    assert later.id is not None
    assert screening_history(session=session) == [False, False, True]
    data = progress(session=session).as_json()
    assert (data["screened"], data["remaining"], data["relevant_found"]) == (3, 2, 1)
    assert set(data) == {
        "screened", "remaining", "relevant_found", "estimated_relevant_remaining",
        "interval", "stop_recommended", "rule",
    }  # fmt: skip
    assert data["stop_recommended"] is False
    assert data["rule"]["name"] == "buscar" and data["rule"]["recall_target"] == 0.95
    assert (
        data["interval"]["low"] <= data["estimated_relevant_remaining"] <= data["interval"]["high"]
    )


def test_a_long_irrelevant_tail_recommends_stopping(session):
    for n in range(60):
        status = "accepted" if n < 5 else "rejected"
        make_candidate(session, None, status=status, decided_at=T0 + timedelta(minutes=n))
    make_candidate(session, None, status="pending")
    session.commit()
    data = progress(session=session, recall_target=0.8).as_json()
    assert data["stop_recommended"] is True and data["rule"]["p_value"] < 0.05
    assert data["rule"]["recall_target"] == 0.8


def test_nothing_screened_gives_an_open_estimate_and_no_stop(session):
    make_candidate(session, None)
    session.commit()
    data = progress(session=session).as_json()
    assert data["estimated_relevant_remaining"] is None
    assert data["interval"]["high"] == 1 and data["stop_recommended"] is False


def test_the_figures_follow_every_decision_and_undo_seen_from_another_engine(tmp_path):
    # Two engines on one database stand for two web workers: each keeps its own figures.
    url = f"sqlite:///{tmp_path / 'two.db'}"
    worker_a, worker_b = make_engine(url), make_engine(url)
    init_db(worker_a)
    with Session(worker_a) as s:
        ids = [make_candidate(s, None, status="pending").id for _ in range(3)]
        s.commit()

    def screened() -> tuple[int, int, int]:
        with Session(worker_a) as s:
            p = progress(session=s)
            return p.screened, p.remaining, p.relevant_found

    def on_b(action, cid: int) -> None:
        with Session(worker_b) as s:
            action(s, cid)
            s.commit()

    def reject(s, cid: int) -> None:
        decisions.reject(session=s, candidate_id=cid, actor="alice", expected_version=1,
                         reason="duplicate")  # fmt: skip

    def accept(s, cid: int) -> None:
        decisions.accept(session=s, candidate_id=cid, actor="alice", expected_version=1,
                         edits={"statement": "S"})  # fmt: skip

    assert screened() == (0, 3, 0)
    on_b(reject, ids[0])
    assert screened() == (1, 2, 0)
    on_b(lambda s, cid: undo(session=s, candidate_id=cid, actor="alice", minutes=10), ids[0])
    assert screened() == (0, 3, 0)
    on_b(accept, ids[1])
    assert screened() == (1, 2, 1)
    assert screened() == (1, 2, 1)  # unchanged state: the kept figures
