"""Curator decisions and their audit events (evidencewatch.review.decisions)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from evidencewatch.core.errors import InvalidDecision, ReviewConflict
from evidencewatch.review import decisions as review
from evidencewatch.review import detail as details
from evidencewatch.review import queue as queueing
from evidencewatch.storage.models import AuditEvent, Candidate, SeedFindingRow
from factories import make_candidate, make_paper


def _events(session: Session, candidate_id: int) -> list[AuditEvent]:
    return details.history(session=session, candidate_id=candidate_id)


def test_accept_with_edits_marks_fields_as_curator_and_audits_old_values(session):
    cand = make_candidate(session, None, "ESR1", therapy_class="endocrine", direction="up")
    edits = {
        "therapy_class": "chemotherapy",
        "direction": "up",  # confirmed, unchanged
        "agents": "doxorubicin, paclitaxel",
        "evidence_level": "d",
        "statement": "ESR1 Y537S cells resisted doxorubicin.",
    }
    out = review.accept(
        session=session, candidate_id=cand.id, actor="alice", expected_version=1, edits=edits
    )
    assert out.status == "accepted" and out.version == 2 and out.decided_by == "alice"
    assert out.therapy_class == "chemotherapy" and out.agents == ["doxorubicin", "paclitaxel"]
    assert out.evidence_level == "D"
    for name in edits:
        assert out.provenance[name] == "curator"
    assert out.provenance["effect"] == "machine"  # not submitted: still the machine's
    event = _events(session, cand.id)[-1]
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        "alice",
        "accepted",
        "pending",
        "accepted",
    )
    assert event.changes["therapy_class"] == ["endocrine", "chemotherapy"]
    assert event.changes["agents"] == [["tamoxifen"], ["doxorubicin", "paclitaxel"]]
    assert "direction" not in event.changes


def test_accept_requires_a_statement(session):
    cand = make_candidate(session, None, "ESR1")
    with pytest.raises(InvalidDecision, match="statement"):
        review.accept(
            session=session, candidate_id=cand.id, actor="a", expected_version=1, edits={}
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("therapy_class", "immunotherapy"),
        ("direction", "sideways"),
        ("evidence_level", "F"),
        ("effect", "magic"),
        ("gene", "not a gene"),
        ("colour", "red"),
    ],
)
def test_accept_refuses_invalid_values_naming_the_field(session, field, value):
    cand = make_candidate(session, None, "ESR1")
    with pytest.raises(InvalidDecision, match=field):
        review.accept(
            session=session,
            candidate_id=cand.id,
            actor="a",
            expected_version=1,
            edits={field: value, "statement": "s"},
        )
    session.refresh(cand)
    assert cand.status == "pending" and cand.version == 1


def test_accept_refuses_renaming_the_gene_to_one_the_paper_already_has(session):
    paper = make_paper(session)
    cand = make_candidate(session, paper, "ESR1")
    make_candidate(session, paper, "ERBB2")
    with pytest.raises(InvalidDecision, match=r"gene: PMID .* already has a candidate for ERBB2"):
        review.accept(
            session=session,
            candidate_id=cand.id,
            actor="a",
            expected_version=1,
            edits={"gene": "ERBB2", "statement": "s"},
        )


def test_reject_requires_a_valid_reason_code(session):
    cand = make_candidate(session, None, "ESR1")
    with pytest.raises(InvalidDecision, match="reason"):
        review.reject(
            session=session, candidate_id=cand.id, actor="a", expected_version=1, reason="meh"
        )
    out = review.reject(
        session=session,
        candidate_id=cand.id,
        actor="bob",
        expected_version=1,
        reason="alias_collision",
        note="p65 is a cell-cycle protein here",
    )
    assert (out.status, out.reject_reason, out.note) == (
        "rejected",
        "alias_collision",
        "p65 is a cell-cycle protein here",
    )
    event = _events(session, cand.id)[-1]
    assert (event.reason, event.note) == ("alias_collision", "p65 is a cell-cycle protein here")


def test_defer_takes_the_candidate_out_of_the_pending_queue(session):
    cand = make_candidate(session, None, "ESR1")
    review.defer(
        session=session, candidate_id=cand.id, actor="a", expected_version=1, note="full text"
    )
    assert queueing.queue(session=session).total == 0
    assert queueing.queue(session=session, status="deferred").total == 1


def test_stale_version_raises_conflict_naming_who_decided_and_changes_nothing(engine):
    with Session(engine) as setup:
        cand_id = make_candidate(setup, None, "ESR1").id
        setup.commit()
    with Session(engine) as alice, Session(engine) as bob:
        seen_by_bob = details.get_candidate(session=bob, candidate_id=cand_id)
        assert seen_by_bob.version == 1
        review.reject(
            session=alice,
            candidate_id=cand_id,
            actor="alice",
            expected_version=1,
            reason="not_breast_cancer",
        )
        alice.commit()
        with pytest.raises(ReviewConflict, match=r"alice rejected this at \d\d:\d\d UTC") as err:
            review.accept(
                session=bob,
                candidate_id=cand_id,
                actor="bob",
                expected_version=seen_by_bob.version,
                edits={"statement": "it is evidence"},
            )
        assert "reload" in str(err.value)
        bob.rollback()
    with Session(engine) as check:
        cand = check.get(Candidate, cand_id)
        assert (cand.status, cand.version, cand.statement) == ("rejected", 2, None)
        assert [e.action for e in _events(check, cand_id)] == ["created", "rejected"]


def test_curator_cannot_change_a_decision_but_an_editor_can(session):
    cand = make_candidate(session, None, "ESR1")
    review.reject(
        session=session, candidate_id=cand.id, actor="a", expected_version=1, reason="duplicate"
    )
    with pytest.raises(review.DecisionNotAllowed, match="editor"):
        review.accept(
            session=session,
            candidate_id=cand.id,
            actor="a",
            expected_version=2,
            edits={"statement": "s"},
        )
    out = review.accept(
        session=session,
        candidate_id=cand.id,
        actor="ed",
        expected_version=2,
        edits={"statement": "on second reading it is evidence"},
        role="editor",
    )
    assert out.status == "accepted" and out.reject_reason is None
    last = _events(session, cand.id)[-1]
    assert (last.from_status, last.to_status, last.actor) == ("rejected", "accepted", "ed")
    assert last.changes["reject_reason"] == ["duplicate", None]


def test_curator_may_decide_a_deferred_candidate(session):
    cand = make_candidate(session, None, "ESR1", status="deferred")
    out = review.reject(
        session=session, candidate_id=cand.id, actor="a", expected_version=1, reason="duplicate"
    )
    assert out.status == "rejected"


def test_bulk_reject_rejects_undecided_and_skips_decided_or_missing(session):
    a = make_candidate(session, None, "ESR1")
    b = make_candidate(session, None, "ESR1", status="deferred")
    c = make_candidate(session, None, "ESR1", status="accepted")
    done, skipped = review.bulk_reject(
        session=session, ids=[a.id, b.id, c.id, 424242], actor="a", reason="out_of_scope"
    )
    assert done == [a.id, b.id] and skipped == [c.id, 424242]
    session.refresh(c)
    assert c.status == "accepted"
    assert _events(session, a.id)[-1].reason == "out_of_scope"


def test_bulk_reject_validates_the_reason_before_touching_anything(session):
    a = make_candidate(session, None, "ESR1")
    with pytest.raises(InvalidDecision, match="reason"):
        review.bulk_reject(session=session, ids=[a.id], actor="a", reason="nope")
    assert len(_events(session, a.id)) == 1


def test_audit_is_append_only_each_decision_adds_one_event_and_keeps_the_rest(session):
    cand = make_candidate(session, None, "ESR1")
    review.defer(session=session, candidate_id=cand.id, actor="a", expected_version=1)
    before = [(e.id, e.action, e.changes, e.at) for e in _events(session, cand.id)]
    review.accept(
        session=session,
        candidate_id=cand.id,
        actor="a",
        expected_version=2,
        edits={"statement": "first"},
    )
    review.reject(
        session=session,
        candidate_id=cand.id,
        actor="ed",
        expected_version=3,
        reason="retracted",
        role="admin",
    )
    after = [(e.id, e.action, e.changes, e.at) for e in _events(session, cand.id)]
    assert after[: len(before)] == before
    assert [a[1] for a in after] == ["created", "deferred", "accepted", "rejected"]
    total = session.exec(select(AuditEvent).where(AuditEvent.candidate_id == cand.id)).all()
    assert len(total) == 4


def test_on_decided_runs_after_each_decision_with_the_decided_candidate(session):
    seen: list[tuple[int, str, int]] = []

    def on_decided(_session: Session, candidate: Candidate) -> None:
        seen.append((candidate.id, candidate.status, candidate.version))

    a = make_candidate(session, None, "ESR1")
    b = make_candidate(session, None, "ESR1")
    review.defer(
        session=session, candidate_id=a.id, actor="a", expected_version=1, on_decided=on_decided
    )
    review.accept(
        session=session,
        candidate_id=a.id,
        actor="a",
        expected_version=2,
        edits={"statement": "s"},
        on_decided=on_decided,
    )
    review.bulk_reject(
        session=session, ids=[b.id], actor="a", reason="duplicate", on_decided=on_decided
    )
    assert seen == [(a.id, "deferred", 2), (a.id, "accepted", 3), (b.id, "rejected", 2)]


def test_a_failing_on_decided_is_undone_on_its_own_and_the_decision_stands(session):
    seen: list[tuple[int, str]] = []

    def broken(hook_session: Session, candidate: Candidate) -> None:
        seen.append((candidate.id, candidate.status))
        hook_session.add(SeedFindingRow(id="written-by-the-hook", genes=["ESR1"], claim="x"))
        hook_session.flush()
        raise RuntimeError("retraining failed")

    cand = make_candidate(session, None, "ESR1")
    review.defer(
        session=session, candidate_id=cand.id, actor="a", expected_version=1, on_decided=broken
    )
    assert seen == [(cand.id, "deferred")]
    assert session.get(Candidate, cand.id).status == "deferred"
    assert session.get(SeedFindingRow, "written-by-the-hook") is None
    assert [e.action for e in _events(session, cand.id)] == ["created", "deferred"]
