"""``evidencewatch review``'s team commands through click's CliRunner: whole papers, dual
review (votes, conflicts, resolve), agreement and undo."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from cli import test_review as base
from evidencewatch.storage.models import AuditEvent
from factories import make_candidate, make_paper, make_user

# The fixtures of the review command tests, shared.
_fast_password_hashing, run, two, fresh = (
    base._fast_password_hashing,
    base.run,
    base.two,
    base.fresh,
)


@pytest.fixture(autouse=True)
def curators(session: Session) -> None:
    """--as names accounts: the curators these tests act as."""
    for name in ("alice", "bob", "carol"):
        make_user(session, name, "curator", f"{name}-password")
    session.commit()


@pytest.fixture
def dual(monkeypatch):
    monkeypatch.setenv("EVIDENCEWATCH_REVIEW_MODE", "dual")


def test_accept_paper_accepts_every_gene_of_the_pmid(run, two, session):
    pmid = fresh(session, two[0]).pmid
    result = run("review", "accept-paper", str(pmid), "--statement", "Both resist tamoxifen.")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Accepted ESR1, ERBB2 of PMID {pmid}.")
    assert {fresh(session, c).status for c in two} == {"accepted"}
    assert {fresh(session, c).decided_by for c in two} == {"shelly"}


def test_accept_paper_without_a_statement_names_the_genes_and_changes_nothing(run, two, session):
    pmid = fresh(session, two[0]).pmid
    result = run("review", "accept-paper", str(pmid))
    assert result.exit_code == 2 and "statement" in result.stderr and "ESR1, ERBB2" in result.stderr
    assert {fresh(session, c).status for c in two} == {"pending"}


def test_reject_paper_needs_a_reason_and_rejects_each_gene(run, two, session):
    pmid = fresh(session, two[0]).pmid
    assert run("review", "reject-paper", str(pmid)).exit_code == 2  # --reason is required
    result = run("review", "reject-paper", str(pmid), "--reason", "not_breast_cancer")
    assert result.exit_code == 0, result.output
    assert {fresh(session, c).reject_reason for c in two} == {"not_breast_cancer"}
    assert run("review", "reject-paper", "4242", "--reason", "duplicate").exit_code == 4


def test_dual_votes_conflict_and_an_editor_resolves_it_from_the_shell(run, two, session, dual):
    cid = two[0]
    first = run("review", "accept", str(cid), "--statement", "s", "--as", "alice")
    assert first.exit_code == 0 and "needs a second curator" in first.output
    assert fresh(session, cid).status == "pending"
    again = run("review", "reject", str(cid), "--reason", "duplicate", "--as", "alice")
    assert again.exit_code == 2 and "already voted" in again.stderr
    second = run("review", "reject", str(cid), "--reason", "duplicate", "--as", "bob")
    assert "goes to an editor" in second.output
    listed = json.loads(run("review", "conflicts", "--json").output)
    assert [(c["id"], [v["voter"] for v in c["votes"]]) for c in listed] == [
        (cid, ["alice", "bob"])
    ]
    assert "1 conflict for an editor" in run("review", "conflicts").output
    refused = run("review", "resolve", str(cid), "--accept", "--note", "n", "--as", "carol")
    assert refused.exit_code == 2 and "needs an editor" in refused.stderr
    make_user(session, "erin", "editor", "erin-password")
    session.commit()
    ok = run("review", "resolve", str(cid), "--accept", "--note", "ER+ cohort", "--as", "erin")
    assert ok.exit_code == 0, ok.output
    assert (fresh(session, cid).status, fresh(session, cid).decided_by) == ("accepted", "erin")
    assert json.loads(run("review", "conflicts", "--json").output) == []


def test_resolve_needs_a_side_and_a_note(run, two):
    assert run("review", "resolve", str(two[0]), "--note", "n").exit_code == 2
    assert run("review", "resolve", str(two[0]), "--accept").exit_code == 2


def test_agreement_prints_kappa_per_pair_with_n_and_a_warning(run, session, dual):
    paper = make_paper(session)
    ids = [make_candidate(session, paper, g).id for g in ("ESR1", "ERBB2", "TOP2A")]
    session.commit()
    pairs = [("accept", "accept"), ("reject", "reject"), ("accept", "reject")]
    for cid, (a, b) in zip(ids, pairs, strict=True):
        for who, verb in (("alice", a), ("bob", b)):
            extra = ["--statement", "s"] if verb == "accept" else ["--reason", "duplicate"]
            assert run("review", verb, str(cid), *extra, "--as", who).exit_code == 0
    data = json.loads(run("review", "agreement", "--json").output)
    # (A,A), (R,R), (A,R): p_o = 2/3, p_e = 2/3*1/3 + 1/3*2/3 = 4/9 -> kappa 0.4
    assert data["overall"]["n"] == 3 and data["overall"]["kappa"] == pytest.approx(0.4)
    assert [(p["a"], p["b"], p["n"]) for p in data["pairs"]] == [("alice", "bob", 3)]
    text = run("review", "agreement").output
    assert "alice & bob" in text and "0.40" in text and "only 3 shared decisions" in text


def test_undo_takes_back_the_shell_users_decision_once(run, two, session: Session):
    run("review", "reject", str(two[0]), "--reason", "duplicate")
    result = run("review", "undo", str(two[0]))
    assert result.exit_code == 0 and f"undid your rejected of #{two[0]}" in result.output
    assert fresh(session, two[0]).status == "pending"
    again = run("review", "undo", str(two[0]))
    assert again.exit_code == 2 and "no decision or vote" in again.stderr
    other = run("review", "defer", str(two[1]), "--as", "bob")
    assert other.exit_code == 0
    refused = run("review", "undo", str(two[1]))
    assert refused.exit_code == 2 and "bob's" in refused.stderr and "not yours" in refused.stderr
    actions = [e.action for e in session.exec(AuditEvent.__table__.select()).all()]
    assert actions.count("undone") == 1


def test_in_dual_mode_review_list_leaves_out_what_you_voted_on(run, two, dual):
    assert (
        run("review", "reject", str(two[0]), "--reason", "duplicate", "--as", "alice").exit_code
        == 0
    )
    mine = json.loads(run("review", "list", "--json", "--as", "alice").output)
    theirs = json.loads(run("review", "list", "--json", "--as", "bob").output)
    assert [r["id"] for r in mine] == [two[1]]
    assert [r["id"] for r in theirs] == [two[0], two[1]]
