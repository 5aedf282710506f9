"""A curator's answer to an integrity notice: confirm withdraws, dismiss keeps with a note."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from evidencewatch.core.errors import InvalidDecision, NotFound, ReviewConflict
from evidencewatch.review.integrity import confirm, dismiss, open_notices
from evidencewatch.storage.models import AuditEvent, IntegrityNotice
from factories import make_candidate, make_paper


@pytest.fixture
def flagged(session: Session):
    paper = make_paper(session, 94_000_001, "SLC7A5, ESR1, RELA and ERBB2")
    cands = {
        status: make_candidate(session, paper, gene, status=status)
        for gene, status in (
            ("SLC7A5", "accepted"),
            ("ESR1", "pending"),
            ("RELA", "deferred"),
            ("ERBB2", "rejected"),
        )
    }
    notice = IntegrityNotice(pmid=paper.pmid, kind="retracted", notice_pmid=99_000_001)
    session.add(notice)
    session.flush()
    return notice, cands


def test_confirm_withdraws_accepted_pending_and_deferred_but_not_rejected(session, flagged):
    notice, cands = flagged
    withdrawn = confirm(session=session, notice_id=notice.id, actor="alice", note="fraud")
    assert {c.gene for c in withdrawn} == {"SLC7A5", "ESR1", "RELA"}
    assert cands["rejected"].status == "rejected"
    assert cands["accepted"].version == 2
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "withdrawn")).all()
    assert {(e.from_status, e.reason) for e in events} == {
        ("accepted", "integrity:retracted"),
        ("pending", "integrity:retracted"),
        ("deferred", "integrity:retracted"),
    }
    assert all("Retracted (notice PMID 99000001): fraud" == e.note for e in events)
    assert (notice.state, notice.resolved_by, notice.note) == ("confirmed", "alice", "fraud")
    assert open_notices(session=session) == []


def test_dismiss_needs_a_note_keeps_everything_and_is_audited(session, flagged):
    notice, cands = flagged
    with pytest.raises(InvalidDecision):
        dismiss(session=session, notice_id=notice.id, actor="alice", note=" ")
    assert notice.state == "open"
    dismiss(session=session, notice_id=notice.id, actor="alice", note="another paper")
    assert {c.status for c in cands.values()} == {"accepted", "pending", "deferred", "rejected"}
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "integrity_dismissed")
    ).all()
    assert len(events) == 4


def test_a_notice_is_answered_once_and_an_unknown_one_is_not_found(session, flagged):
    notice, _cands = flagged
    [listed] = open_notices(session=session)
    assert listed.notice.id == notice.id and len(listed.candidates) == 4
    dismiss(session=session, notice_id=notice.id, actor="alice", note="ok")
    with pytest.raises(ReviewConflict, match="already dismissed by alice"):
        confirm(session=session, notice_id=notice.id, actor="bob")
    with pytest.raises(NotFound):
        confirm(session=session, notice_id=12345, actor="bob")
