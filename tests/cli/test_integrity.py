"""``evidencewatch recheck`` and ``review integrity`` through click's CliRunner, against the
fake E-utilities server: the flag reaches the export and ``review show``, and a curator's
answer is audited."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from evidencewatch.cli.main import cli
from evidencewatch.storage.models import AuditEvent, Candidate, IntegrityNotice
from integrity_world import PMIDS, RETRACTION_PMID, Evidence, stored_evidence

ZEROS = dict.fromkeys(("retracted", "concern", "erratum", "updated", "deleted", "revised"), 0)


@pytest.fixture
def evidence(engine, matcher):
    with stored_evidence(engine, matcher) as world:
        yield world


@pytest.fixture
def run(db_url_engine, evidence: Evidence, monkeypatch):
    url = db_url_engine[0]
    monkeypatch.setenv("USER", "shelly")
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EVIDENCEWATCH_EUTILS_URL", evidence.fake.base_url)
    monkeypatch.setenv("NCBI_EMAIL", "tests@evidencewatch.invalid")
    monkeypatch.setenv("NCBI_API_KEY", "test-key")

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", url, *args])

    return invoke


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_a_retraction_reaches_the_export_and_review_show_and_a_rerun_reports_zeros(
    run, evidence: Evidence
):
    assert last_json(run("recheck", "--json").output) == {"checked": 2, "requests": 1, **ZEROS}
    evidence.retract_first()
    result = run("recheck", "--json")
    assert result.exit_code == 0, result.output
    assert last_json(result.output) == {"checked": 2, "requests": 1, **ZEROS, "retracted": 1}
    assert last_json(run("recheck", "--json").output) == {"checked": 2, "requests": 1, **ZEROS}

    exported = run("export", "--status", "accepted").output.splitlines()
    [row] = [json.loads(line) for line in exported if line.startswith("{")]
    [flag] = row["integrity"]
    assert (flag["kind"], flag["notice_pmid"], flag["notice_date"], flag["state"]) == (
        "retracted",
        RETRACTION_PMID,
        "2026-11-28",
        "open",
    )
    shown = run("review", "show", str(evidence.accepted_id))
    assert f"INTEGRITY: RETRACTED by notice PMID {RETRACTION_PMID} of 2026-11-28" in shown.output
    data = json.loads(run("review", "show", str(evidence.accepted_id), "--json").output)
    assert data["integrity"][0]["notice_pmid"] == RETRACTION_PMID


def test_the_text_output_says_what_it_found(run, evidence: Evidence):
    evidence.retract_first()
    result = run("recheck")
    assert result.exit_code == 0, result.output
    assert "rechecked 2 papers in 1 requests: 1 retracted" in result.output


def test_confirm_withdraws_the_papers_evidence_and_is_audited(run, evidence: Evidence, session):
    evidence.retract_first()
    run("recheck")
    listed = json.loads(run("review", "integrity", "--json").output)
    [notice] = listed
    assert notice["pmid"] == PMIDS[0] and notice["candidates"][0]["status"] == "accepted"
    result = run("review", "integrity", "confirm", str(notice["id"]), "--note", "image fraud")
    assert result.exit_code == 0, result.output
    assert f"withdrew #{evidence.accepted_id}" in result.output
    cand = session.get(Candidate, evidence.accepted_id)
    assert cand.status == "withdrawn"
    [event] = session.exec(
        select(AuditEvent).where(
            AuditEvent.candidate_id == cand.id, AuditEvent.action == "withdrawn"
        )
    ).all()
    assert (event.actor, event.from_status, event.reason) == (
        "shelly",
        "accepted",
        "integrity:retracted",
    )
    assert "image fraud" in event.note
    assert json.loads(run("review", "integrity", "--json").output) == []
    again = run("review", "integrity", "confirm", str(notice["id"]))
    assert again.exit_code == 5 and "already confirmed by shelly" in again.output


def test_dismiss_keeps_the_evidence_with_the_note_and_needs_one(run, evidence: Evidence, session):
    evidence.retract_first()
    run("recheck")
    [notice] = json.loads(run("review", "integrity", "--json").output)
    refused = run("review", "integrity", "dismiss", str(notice["id"]), "--note", "  ")
    assert refused.exit_code == 2 and "needs a note" in refused.output
    result = run("review", "integrity", "dismiss", str(notice["id"]), "--note", "wrong paper")
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(Candidate, evidence.accepted_id).status == "accepted"
    row = session.get(IntegrityNotice, notice["id"])
    assert (row.state, row.resolved_by, row.note) == ("dismissed", "shelly", "wrong paper")
    actions = [
        e.action
        for e in session.exec(
            select(AuditEvent).where(AuditEvent.candidate_id == evidence.accepted_id)
        )
    ]
    assert actions[-2:] == ["integrity_flagged", "integrity_dismissed"]
    assert (
        "dismissed by shelly: wrong paper"
        in run("review", "show", str(evidence.accepted_id)).output
    )


def test_an_ncbi_failure_exits_non_zero_and_records_nothing(run, evidence: Evidence, session):
    from evidencewatch.testing.fake_eutils import Fault

    evidence.retract_first()
    evidence.fake.fail_next("efetch", *[Fault.server_error(500)] * 10)
    result = run("recheck", "--json")
    assert result.exit_code != 0 and "error:" in result.output
    assert session.exec(select(IntegrityNotice)).all() == []
