"""Screening progress from the database (evidencewatch.review.progress)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from evidencewatch.review.progress import progress, screening_history
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
