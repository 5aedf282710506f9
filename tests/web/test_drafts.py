"""What a curator typed into a decision that lost a race (evidencewatch.web.drafts): kept
across the redirect after a 409, shown once, and never posted again by a reload."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from evidencewatch.web.app import create_app
from evidencewatch.web.drafts import Draft, DraftStore
from factories import make_candidate
from web.webtools import TestClient, audit_actions, form_page, sign_in, status_of

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

STATEMENT = "ESR1 Y537S clones grew on tamoxifen (n = 6);\nsee Fig. 3 <b>and</b> & more."
ESCAPED_STATEMENT = (
    "ESR1 Y537S clones grew on tamoxifen (n = 6);\nsee Fig. 3 &lt;b&gt;and&lt;/b&gt; &amp; more."
)
NOTE = "ovarian cohort, not breast\n(checked twice)"


def bob_decides(settings, engine, session: Session, cid: int, action: str = "reject") -> None:
    """Another curator, in another browser, decides ``cid`` first."""
    with TestClient(create_app(settings, engine=engine)) as bob:
        sign_in(bob, session, "bob")
        csrf, _ = form_page(bob, cid)
        data = {"csrf_token": csrf, "version": "1", "reason": "duplicate", "statement": "bob's"}
        r = bob.post(f"/candidates/{cid}/{action}", data=data, follow_redirects=False)
        assert r.status_code == 303


def kept(page: str) -> list[tuple[str, str]]:
    block = re.search(r'<dl class="kept"[^>]*>(.*?)</dl>', page, re.S)
    assert block, "no block of kept values on the page"
    return re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(1), re.S)


# --- the store ------------------------------------------------------------------------------


def draft(cid: int = 1, user: int | None = 7) -> Draft:
    return Draft(cid, user, "accept", {"statement": "s"}, "problem")


def test_a_draft_is_taken_once():
    store = DraftStore()
    key = store.put(draft())
    assert store.take(key) == draft()
    assert store.take(key) is None and store.take("unknown") is None


def test_drafts_expire_after_their_time_to_live():
    now = [1000.0]
    store = DraftStore(ttl=60, clock=lambda: now[0])
    old = store.put(draft(1))
    now[0] += 30
    young = store.put(draft(2))
    now[0] += 31
    assert store.take(old) is None  # 61 s old
    assert store.take(young) == draft(2)


def test_the_store_keeps_at_most_its_limit_dropping_the_oldest():
    store = DraftStore(limit=3)
    keys = [store.put(draft(n)) for n in range(5)]
    assert len(store) == 3
    assert store.take(keys[0]) is None and store.take(keys[1]) is None
    assert store.take(keys[4]) == draft(4)


# --- after a conflict -----------------------------------------------------------------------


def test_after_a_conflict_the_typed_statement_is_shown_though_the_form_is_gone(
    client, settings, engine, session
):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    bob_decides(settings, engine, session, cid)
    data = {"csrf_token": csrf, "version": "1", "statement": STATEMENT, "alteration": "Y537S"}
    r = client.post(f"/candidates/{cid}/accept", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/candidates/{cid}"
    page = client.get(f"/candidates/{cid}").text
    assert "while you were looking" in page
    assert 'action="/candidates/' not in page  # a curator cannot re-decide: no form ...
    assert "what you typed is kept in the form" not in page
    assert kept(page) == [  # ... so the typed values are shown, escaped, to copy
        ("Alteration", "Y537S"),
        ("Statement, in your own words", ESCAPED_STATEMENT),
    ]
    assert status_of(session, cid) == ("rejected", 2)


def test_after_a_conflict_the_typed_reason_and_note_are_shown(client, settings, engine, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    bob_decides(settings, engine, session, cid, "accept")
    data = {"csrf_token": csrf, "version": "1", "reason": "not_breast_cancer", "note": NOTE}
    r = client.post(f"/candidates/{cid}/reject", data=data)  # TestClient follows the 303
    assert r.url.path == f"/candidates/{cid}" and "while you were looking" in r.text
    assert kept(r.text) == [("Reason", "Not breast cancer"), ("Note", NOTE)]


def test_after_a_conflict_an_editor_gets_the_form_back_with_what_they_typed(
    client, settings, engine, session
):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session, "erin", "editor")
    csrf, _ = form_page(client, cid)
    bob_decides(settings, engine, session, cid)
    data = {"csrf_token": csrf, "version": "1", "note": "waiting for the full text"}
    r = client.post(f"/candidates/{cid}/defer", data=data)
    assert r.url.path == f"/candidates/{cid}" and "while you were looking" in r.text
    assert "what you typed is kept in the form" in r.text
    assert 'value="waiting for the full text"' in r.text
    assert 'name="version" value="2"' in r.text  # the version the page now shows
    assert '<dl class="kept"' not in r.text


def test_reloading_the_page_after_a_conflict_posts_nothing_and_shows_the_draft_once(
    client, settings, engine, session
):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    bob_decides(settings, engine, session, cid)
    data = {"csrf_token": csrf, "version": "1", "statement": "alice's statement"}
    first = client.post(f"/candidates/{cid}/accept", data=data)
    assert first.request.method == "GET"  # the browser landed on a page fetched with GET
    assert "alice&#39;s statement" in first.text
    reload = client.get(f"/candidates/{cid}")
    assert reload.status_code == 200
    assert "Not saved" not in reload.text and "alice&#39;s statement" not in reload.text
    assert audit_actions(session, cid) == ["created", "rejected"]


def test_a_draft_is_shown_only_on_its_candidates_page(client, settings, engine, session):
    cid = make_candidate(session, None, "ESR1").id
    other = make_candidate(session, None, "ERBB2").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    bob_decides(settings, engine, session, cid)
    data = {"csrf_token": csrf, "version": "1", "statement": "for the first one"}
    client.post(f"/candidates/{cid}/accept", data=data, follow_redirects=False)
    assert "for the first one" not in client.get(f"/candidates/{other}").text
    assert "for the first one" in client.get(f"/candidates/{cid}").text
