"""Queue rules and curator decisions (evidencewatch.review)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from evidencewatch.core.errors import InvalidDecision, NotFound, ReviewConflict
from evidencewatch.review import decisions as review
from evidencewatch.storage.models import AuditEvent, Candidate, SeedFindingRow
from factories import make_candidate, make_paper


def _events(session: Session, candidate_id: int) -> list[AuditEvent]:
    return review.history(session=session, candidate_id=candidate_id)


# --- queue ----------------------------------------------------------------------------------


def test_queue_ranks_by_score_then_newest_and_shows_only_pending_by_default(session):
    a = make_candidate(session, None, "ESR1", score=2.0)
    b = make_candidate(session, None, "ABCB1", score=5.0)
    c = make_candidate(session, None, "ERBB2", score=2.0)
    make_candidate(session, None, "TOP2A", score=9.0, status="rejected")
    page = review.queue(session=session)
    assert [i.candidate.id for i in page.items] == [b.id, c.id, a.id]
    assert page.total == 3 and page.pages == 1


def test_queue_filters_by_gene_therapy_status_and_queued_date(session):
    early = datetime(2026, 1, 5, 23, 59, tzinfo=UTC)
    late = datetime(2026, 6, 5, 0, 1, tzinfo=UTC)
    e1 = make_candidate(session, None, "ESR1", score=1, created_at=early)
    l1 = make_candidate(
        session, None, "ESR1", score=2, therapy_class="chemotherapy", created_at=late
    )
    l2 = make_candidate(session, None, "ABCB1", score=3, status="accepted", created_at=late)
    ids = lambda page: [i.candidate.id for i in page.items]  # noqa: E731
    assert ids(review.queue(session=session, gene="ESR1")) == [l1.id, e1.id]  # by score
    assert ids(review.queue(session=session, therapy_class="chemotherapy")) == [l1.id]
    assert ids(review.queue(session=session, since=date(2026, 3, 1))) == [l1.id]
    assert ids(review.queue(session=session, until=date(2026, 3, 1))) == [e1.id]
    # both ends are whole days, inclusive
    assert ids(review.queue(session=session, since=date(2026, 6, 5))) == [l1.id]
    assert ids(review.queue(session=session, until=date(2026, 1, 5))) == [e1.id]
    assert ids(review.queue(session=session, until=date(2026, 1, 4))) == []
    assert ids(review.queue(session=session, status="accepted")) == [l2.id]
    assert ids(review.queue(session=session, status="all")) == [l2.id, l1.id, e1.id]
    assert review.queue(session=session, since=date(2026, 3, 1)).total == 1


def test_queue_rejects_an_unknown_status_naming_the_field(session):
    with pytest.raises(InvalidDecision, match="status"):
        review.queue(session=session, status="maybe")


def test_queue_paginates_and_clamps_the_page_number(session):
    for n in range(7):
        make_candidate(session, None, "ESR1", score=10 - n)
    first = review.queue(session=session, per_page=3)
    third = review.queue(session=session, per_page=3, page=3)
    beyond = review.queue(session=session, per_page=3, page=99)
    assert (first.total, first.pages, len(first.items)) == (7, 3, 3)
    assert len(third.items) == 1 and third.page == 3
    assert beyond.page == 3


def test_queue_item_carries_title_markup_and_the_strongest_reason(session):
    paper = make_paper(session, title="ESR1 <b>bold</b> claim")
    make_candidate(
        session,
        paper,
        "ESR1",
        reasons=[
            {"feature": "small", "weight": 0.1, "detail": ""},
            {"feature": "model:svm", "weight": -3.0, "detail": "strong negative"},
        ],
    )
    [item] = review.queue(session=session).items
    assert item.title_markup == "ESR1 &lt;b&gt;bold&lt;/b&gt; claim"
    assert item.top_reason == "model:svm: strong negative"


def test_gene_counts_count_candidates_per_gene_in_a_status(session):
    for gene in ("ESR1", "ESR1", "ABCB1"):
        make_candidate(session, None, gene)
    make_candidate(session, None, "ABCB1", status="accepted")
    assert review.gene_counts(session=session) == [("ESR1", 2), ("ABCB1", 1)]
    assert review.gene_counts(session=session, status="accepted") == [("ABCB1", 1)]


def test_next_pending_follows_queue_order_and_wraps_around(session):
    a = make_candidate(session, None, "ESR1", score=3)
    b = make_candidate(session, None, "ESR1", score=2)
    c = make_candidate(session, None, "ESR1", score=2)  # same score, newer: before b
    assert review.next_pending(session=session, after=a) == c.id
    assert review.next_pending(session=session, after=c) == b.id
    assert review.next_pending(session=session, after=b) == a.id


# --- detail ---------------------------------------------------------------------------------


def test_candidate_detail_bundles_paper_record_siblings_findings_and_history(session):
    paper = make_paper(session, title="ESR1 and ERBB2")
    cand = make_candidate(session, paper, "ESR1")
    sib = make_candidate(session, paper, "ERBB2", status="accepted")
    session.add(SeedFindingRow(id="esr1-mut", genes=["ESR1", "PGR"], claim="ESR1 claim"))
    session.add(SeedFindingRow(id="other", genes=["TOP2A"], claim="other"))
    session.flush()
    detail = review.candidate_detail(session=session, candidate_id=cand.id)
    assert detail.paper.pmid == paper.pmid
    assert detail.record is not None and detail.record.title == "ESR1 and ERBB2"
    assert [s.id for s in detail.siblings] == [sib.id]
    assert [s.id for s in detail.accepted_siblings] == [sib.id]
    assert [f.id for f in detail.seed_findings] == ["esr1-mut"]
    assert [e.action for e in detail.history] == ["created"]


def test_unknown_candidate_raises_not_found(session):
    with pytest.raises(NotFound, match="candidate 999"):
        review.candidate_detail(session=session, candidate_id=999)


# --- decisions ------------------------------------------------------------------------------


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
    assert review.queue(session=session).total == 0
    assert review.queue(session=session, status="deferred").total == 1


def test_stale_version_raises_conflict_naming_who_decided_and_changes_nothing(engine):
    with Session(engine) as setup:
        cand_id = make_candidate(setup, None, "ESR1").id
        setup.commit()
    with Session(engine) as alice, Session(engine) as bob:
        seen_by_bob = review.get_candidate(session=bob, candidate_id=cand_id)
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


def test_decision_hooks_run_after_each_decision_and_a_failing_hook_does_not_undo_it(
    session, monkeypatch
):
    seen: list[tuple[int, str]] = []
    monkeypatch.setattr(review, "DECISION_HOOKS", [])
    review.register_decision_hook(lambda s, c: seen.append((c.id, c.status)))

    @review.register_decision_hook
    def broken(_session, _candidate):
        raise RuntimeError("retraining failed")

    cand = make_candidate(session, None, "ESR1")
    review.defer(session=session, candidate_id=cand.id, actor="a", expected_version=1)
    assert seen == [(cand.id, "deferred")]
    assert session.get(Candidate, cand.id).status == "deferred"


def test_a_candidate_opposing_a_seed_finding_is_flagged_on_its_page_and_in_show(engine, settings):
    """SLC7A5 low -> resistance opposes the seed's SLC7A5 high -> resistance (chemotherapy)."""
    import json

    from click.testing import CliRunner

    from evidencewatch.cli.main import cli
    from evidencewatch.review.decisions import candidate_detail
    from evidencewatch.storage.models import SeedFindingRow
    from factories import make_candidate, make_paper

    with Session(engine) as s:
        s.add(
            SeedFindingRow(
                id="slc7a5-high",
                genes=["SLC7A5"],
                direction="up",
                effect="resistance",
                therapy_class="chemotherapy",
                claim="High SLC7A5 marks non-responders.",
            )
        )
        paper = make_paper(s, pmid=99400001, title="Low SLC7A5 and anthracycline resistance")
        cand = make_candidate(
            s, paper, "SLC7A5", therapy_class="chemotherapy", direction="down", effect="resistance"
        )
        s.commit()
        cand_id = cand.id
        detail = candidate_detail(session=s, candidate_id=cand_id)
    assert [x.opposing.seed_id for x in detail.contradictions] == ["slc7a5-high"]
    shown = CliRunner().invoke(
        cli, ["--db", settings.database_url, "review", "show", str(cand_id), "--json"]
    )
    assert json.loads(shown.output)["contradictions"][0]["opposing"] == "slc7a5-high"
