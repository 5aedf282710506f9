"""The candidate page's integrity partial over HTTP: the flag after a recheck, and the
confirm and dismiss forms (CSRF-checked, audited)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from evidencewatch.ingest.recheck import apply_recheck, evidence_pmids, fetch_current
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.storage.models import IntegrityNotice
from integrity_world import RETRACTION_PMID, Evidence, stored_evidence
from web.webtools import TestClient, audit_actions, sign_in, status_of, token


@pytest.fixture
def retracted(engine, matcher):
    """Accepted evidence whose paper the fake has since retracted, rechecked."""
    with stored_evidence(engine, matcher) as world:
        world.retract_first()
        with EutilsClient(base_url=world.fake.base_url, tool="t", email=None) as client:
            with Session(engine) as session:
                pmids = evidence_pmids(session=session)
            fetched = fetch_current(client, pmids)
        with Session(engine) as session:
            apply_recheck(session=session, fetched=fetched, detected_by="recheck:test")
            session.commit()
        yield world


def notice_id(session: Session) -> int:
    return session.exec(select(IntegrityNotice)).one().id


def test_the_candidate_page_shows_the_retraction_with_its_notice_pmid_and_date(
    open_client: TestClient, retracted: Evidence
):
    page = open_client.get(f"/candidates/{retracted.accepted_id}").text
    section = page[page.index('id="integrity"') :]
    assert "Retracted" in section and f"PMID {RETRACTION_PMID}" in section
    assert "dated 2026-11-28" in section and "open" in section
    assert "integrity-confirm" not in section  # nobody signed in: no forms


def test_confirming_on_the_page_withdraws_the_evidence(
    client: TestClient, session: Session, retracted: Evidence
):
    sign_in(client, session)
    cid, nid = retracted.accepted_id, notice_id(session)
    page = client.get(f"/candidates/{cid}").text
    assert f'action="/integrity/{nid}/confirm"' in page
    r = client.post(
        f"/integrity/{nid}/confirm",
        data={
            "candidate_id": str(cid),
            "note": "fraud",
            "csrf_token": token(client, f"/candidates/{cid}"),
        },
    )
    assert r.status_code == 200 and r.url.path == f"/candidates/{cid}"
    assert "withdrew 1 candidates" in r.text
    assert status_of(session, cid)[0] == "withdrawn"
    assert audit_actions(session, cid)[-2:] == ["integrity_flagged", "withdrawn"]
    assert re.search(r"<em>confirmed</em> by alice: fraud", r.text)


def test_dismissing_needs_a_note_and_keeps_the_evidence(
    client: TestClient, session: Session, retracted: Evidence
):
    sign_in(client, session)
    cid, nid = retracted.accepted_id, notice_id(session)
    csrf = token(client, f"/candidates/{cid}")
    r = client.post(
        f"/integrity/{nid}/dismiss", data={"candidate_id": str(cid), "csrf_token": csrf}
    )
    assert "Not saved" in r.text and "needs a note" in r.text
    assert status_of(session, cid)[0] == "accepted"
    r = client.post(
        f"/integrity/{nid}/dismiss",
        data={"candidate_id": str(cid), "note": "wrong paper", "csrf_token": csrf},
    )
    assert "the evidence is kept" in r.text
    assert status_of(session, cid)[0] == "accepted"
    assert audit_actions(session, cid)[-1] == "integrity_dismissed"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, session: Session, retracted: Evidence
):
    sign_in(client, session)
    cid, nid = retracted.accepted_id, notice_id(session)
    r = client.post(f"/integrity/{nid}/confirm", data={"candidate_id": str(cid)})
    assert r.status_code == 403
    assert status_of(session, cid)[0] == "accepted"
    session.expire_all()
    assert session.get(IntegrityNotice, nid).state == "open"
