"""The review web app through FastAPI's TestClient: sign-in, CSRF, queue, candidate, decisions."""

from __future__ import annotations

import logging
import re

import pytest

from evidencewatch.review.accounts import get_user
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.web import app as web_app
from evidencewatch.web.app import create_app
from evidencewatch.web.deps import SESSION_COOKIE
from factories import make_candidate, make_paper, make_user
from web.hostile import FORBIDDEN, SAFE_TITLE_HTML, store_hostile_record
from web.webtools import TestClient, audit_actions, form_page, sign_in, status_of, token

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- sign-in and access ---------------------------------------------------------------------


def test_home_redirects_to_the_queue(client, session):
    sign_in(client, session)
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/queue"


def test_read_pages_redirect_to_login_when_read_requires_login(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    for path in ("/queue?gene=ESR1", f"/candidates/{cid}"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login?next=/")
    r = client.get("/queue?gene=ESR1")
    assert r.url.path == "/login" and 'name="next" value="/queue?gene=ESR1"' in r.text


def test_read_pages_are_open_without_sign_in_when_read_requires_login_is_off(open_client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    assert open_client.get("/queue").status_code == 200
    page = open_client.get(f"/candidates/{cid}")
    assert page.status_code == 200
    assert "Sign in</a> to accept, reject or defer" in page.text
    assert 'action="/candidates/' not in page.text  # no decision forms for anonymous readers


def test_decisions_need_sign_in_even_when_reading_is_open(open_client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    r = open_client.post(
        f"/candidates/{cid}/reject",
        data={"csrf_token": token(open_client), "version": "1", "reason": "duplicate"},
        follow_redirects=False,
    )
    assert r.status_code == 401 and "Sign in" in r.text
    assert status_of(session, cid) == ("pending", 1)


def test_wrong_password_is_refused_and_unknown_user_gets_the_same_answer(client, session):
    make_user(session, "alice", "curator", "alice-password")
    session.commit()
    for name, password in (("alice", "nope-nope"), ("mallory", "alice-password")):
        r = client.post(
            "/login", data={"username": name, "password": password, "csrf_token": token(client)}
        )
        assert r.status_code == 401 and "Wrong user name or password." in r.text


def test_login_redirects_only_to_paths_on_this_site(client, session):
    make_user(session, "alice", "curator", "alice-password")
    session.commit()
    data = {"username": "alice", "password": "alice-password", "next": "//evil.example/x"}
    r = client.post("/login", data={**data, "csrf_token": token(client)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/queue"


def test_logout_ends_the_session(client, session):
    sign_in(client, session)
    r = client.post("/logout", data={"csrf_token": token(client, "/queue")})
    assert r.url.path == "/login" and "Signed out." in r.text
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_a_disabled_user_is_signed_out_on_the_next_request(client, session):
    sign_in(client, session)
    alice = get_user(session=session, username="alice")
    alice.active = False
    session.add(alice)
    session.commit()
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_session_cookie_is_httponly_samesite_lax_and_secure_only_over_https(settings, engine):
    app = create_app(settings, engine=engine)
    with TestClient(app) as plain, TestClient(app, base_url="https://testserver") as tls:
        cookie = plain.get("/login").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        assert "Secure" in tls.get("/login").headers["set-cookie"]


def test_a_tampered_session_cookie_is_ignored(client, session):
    sign_in(client, session)
    value = client.cookies.get(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, value[:-3] + "abc")
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_pages_carry_security_headers(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    for part in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"):
        assert part in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert client.get("/static/keys.js").status_code == 200


def test_empty_secret_key_signs_with_a_random_per_process_key_and_says_so(settings, engine, caplog):
    web_app.process_secret_key.cache_clear()
    with caplog.at_level(logging.WARNING, logger="evidencewatch.web.app"):
        create_app(settings.with_overrides(secret_key=""), engine=engine)
        create_app(settings.with_overrides(secret_key=""), engine=engine)
    assert len([r for r in caplog.records if "secret_key is not set" in r.message]) == 1
    assert web_app.process_secret_key() == web_app.process_secret_key()
    web_app.process_secret_key.cache_clear()


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sent", [None, "", "not-the-token"])
def test_post_without_the_session_csrf_token_is_refused_and_changes_nothing(client, session, sent):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    data = {"version": "1", "reason": "duplicate"}
    if sent is not None:
        data["csrf_token"] = sent
    r = client.post(f"/candidates/{cid}/reject", data=data)
    assert r.status_code == 403
    assert "security token is missing or out of date" in r.text
    assert status_of(session, cid) == ("pending", 1)
    assert audit_actions(session, cid) == ["created"]


def test_login_form_without_csrf_token_is_refused(client, session):
    make_user(session, "alice", "curator", "alice-password")
    session.commit()
    r = client.post("/login", data={"username": "alice", "password": "alice-password"})
    assert r.status_code == 403
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_csrf_token_from_another_session_is_refused(settings, engine, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    app = create_app(settings, engine=engine)
    with TestClient(app) as victim, TestClient(app) as attacker:
        sign_in(victim, session)
        stolen = token(attacker)
        r = victim.post(f"/candidates/{cid}/defer", data={"csrf_token": stolen, "version": "1"})
        assert r.status_code == 403
    assert status_of(session, cid) == ("pending", 1)


# --- queue ----------------------------------------------------------------------------------


def test_queue_lists_pending_best_first_with_counts_per_gene(client, session):
    make_candidate(session, make_paper(session, title="Low ESR1 paper"), "ESR1", score=1)
    make_candidate(session, make_paper(session, title="High ABCB1 paper"), "ABCB1", score=5)
    make_candidate(session, None, "ESR1", score=3, status="accepted")
    session.commit()
    sign_in(client, session)
    page = client.get("/queue").text
    assert page.index("High ABCB1 paper") < page.index("Low ESR1 paper")
    assert "2 candidates" in page
    assert re.search(r"ESR1 <span class=\"count\">1</span>", page)


def test_queue_filters_by_gene_therapy_status_and_date(client, session):
    make_candidate(session, make_paper(session, title="Endocrine ESR1"), "ESR1")
    make_candidate(
        session, make_paper(session, title="Chemo TOP2A"), "TOP2A", therapy_class="chemotherapy"
    )
    make_candidate(session, make_paper(session, title="Decided ERBB2"), "ERBB2", status="rejected")
    session.commit()
    sign_in(client, session)
    by_gene = client.get("/queue?gene=ESR1").text
    assert "Endocrine ESR1" in by_gene and "Chemo TOP2A" not in by_gene
    by_therapy = client.get("/queue?therapy=chemotherapy").text
    assert "Chemo TOP2A" in by_therapy and "Endocrine ESR1" not in by_therapy
    rejected = client.get("/queue?status=rejected").text
    assert "Decided ERBB2" in rejected and "Endocrine ESR1" not in rejected
    later = client.get("/queue?since=2027-01-01&until=&gene=").text
    assert "No pending candidates match" in later


def test_queue_with_a_malformed_date_answers_400_naming_the_field(client, session):
    sign_in(client, session)
    r = client.get("/queue?since=yesterday")
    assert r.status_code == 400 and "since" in r.text


def test_queue_pages_keep_the_filters(client, session):
    for n in range(52):
        make_candidate(session, None, "ESR1", score=n)
    session.commit()
    sign_in(client, session)
    first = client.get("/queue?gene=ESR1").text
    assert "page 1 of 2" in first and 'href="/queue?gene=ESR1&amp;after=' in first
    assert "page 2 of 2" in client.get("/queue?gene=ESR1&page=2").text


def test_bulk_reject_rejects_the_ticked_candidates_with_one_reason(client, session):
    a = make_candidate(session, None, "ESR1").id
    b = make_candidate(session, None, "ESR1").id
    c = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    r = client.post(
        "/queue/bulk-reject",
        data={
            "csrf_token": token(client, "/queue"),
            "ids": [str(a), str(b)],
            "reason": "not_breast_cancer",
            "return_to": "/queue?gene=ESR1",
        },
    )
    assert r.url.path == "/queue" and "Rejected 2 candidates." in r.text
    assert status_of(session, a)[0] == status_of(session, b)[0] == "rejected"
    assert status_of(session, c)[0] == "pending"


# --- candidate page -------------------------------------------------------------------------


def test_candidate_page_shows_highlighted_snippets_reasons_fields_and_history(client, session):
    paper = make_paper(
        session,
        title="ESR1 mutations in metastatic disease",
        abstract=[("BACKGROUND", "Tamoxifen resistance is common."), ("RESULTS", "ESR1 rose.")],
        doi="10.1000/xyz",
    )
    cand = make_candidate(
        session,
        paper,
        "ESR1",
        score=4.5,
        reasons=[
            {"feature": "gene_in_title", "weight": 2.0, "detail": "ESR1 in title"},
            {"feature": "model:tfidf_svm", "weight": 0.8, "detail": "'endocrine resistance'"},
        ],
    )
    sibling = make_candidate(session, paper, "ERBB2", status="accepted", decided_by="bob")
    session.commit()
    sign_in(client, session)
    page = client.get(f"/candidates/{cand.id}").text
    assert '<mark class="hl-gene">ESR1</mark>' in page  # snippet spans and abstract terms
    assert '<strong class="label">BACKGROUND:</strong>' in page
    assert "https://pubmed.ncbi.nlm.nih.gov/" in page and "https://doi.org/10.1000/xyz" in page
    assert "gene_in_title" in page and "Model features" in page and "tfidf_svm" in page
    assert 'class="badge prov-machine">machine' in page
    assert "already accepted" in page and f'href="/candidates/{sibling.id}"' in page
    assert "History" in page and "created" in page
    assert 'data-shortcut-form="a"' in page and 'name="version" value="1"' in page


def test_candidate_page_warns_when_the_paper_is_retracted(client, session):
    paper = make_paper(session, is_retracted=True)
    cid = make_candidate(session, paper, "ESR1").id
    session.commit()
    sign_in(client, session)
    assert "This paper is <strong>retracted</strong>" in client.get(f"/candidates/{cid}").text


def test_unknown_candidate_is_a_404_page(client, session):
    sign_in(client, session)
    for path in ("/candidates/999999", "/candidates/not-a-number", "/no/such/page"):
        r = client.get(path)
        assert r.status_code == 404 and "Not found" in r.text


def test_script_in_a_title_is_shown_as_text_on_every_page(client, session):
    paper = make_paper(session, title=f"{SCRIPT} ESR1", abstract=f"ESR1 {SCRIPT} resistance")
    cid = make_candidate(
        session, paper, "ESR1", snippets=[{"text": SCRIPT, "section": SCRIPT, "spans": []}]
    ).id
    other = make_candidate(session, paper, "ERBB2").id
    session.commit()
    sign_in(client, session)
    for path in ("/queue", f"/candidates/{cid}", f"/candidates/{other}", "/queue?status=all"):
        page = client.get(path).text
        assert SCRIPT not in page, path
        assert ESCAPED in page, path


def test_hostile_pubmed_markup_from_the_real_parser_is_sanitised_on_every_page(
    client, session, matcher
):
    cid = store_hostile_record(session, matcher)
    session.commit()
    sign_in(client, session)
    candidate_page = client.get(f"/candidates/{cid}").text
    title = re.search(r'<h1 class="paper-title">(.*?)</h1>', candidate_page, re.S)
    assert title and title.group(1) == SAFE_TITLE_HTML
    queue_page = client.get("/queue").text
    link = re.search(rf'<a href="/candidates/{cid}">(.*?)</a>', queue_page, re.S)
    assert link and link.group(1) == SAFE_TITLE_HTML
    for page in (candidate_page, queue_page):
        for bad in FORBIDDEN:
            assert bad not in page, bad


def test_bidi_controls_from_pubmed_and_curators_are_not_shown_but_stay_stored(client, session):
    rlo, pdf, rli, pdi = "\u202e", "\u202c", "\u2067", "\u2069"
    title = f"ESR1 {rlo}ecnatsiser{pdf} in tumours"
    paper = make_paper(session, title=title, journal=f"{rli}Journal{pdi}")
    cid = make_candidate(session, paper, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    note = f"checked {rlo}detcartser ton{pdf}"
    client.post(f"/candidates/{cid}/defer", data={"csrf_token": csrf, "version": "1", "note": note})
    for path in (f"/candidates/{cid}", "/queue?status=all"):
        page = client.get(path).text
        assert "ESR1 ecnatsiser in tumours" in page and "Journal" in page, path
        assert not {rlo, pdf, rli, pdi} & set(page), path
    assert "checked detcartser ton" in client.get(f"/candidates/{cid}").text
    session.expire_all()
    assert session.get(Candidate, cid).note == note  # stored exactly as typed
    assert session.get(Paper, paper.pmid).title == title


# --- decisions through forms ----------------------------------------------------------------


def test_accept_form_saves_edits_with_curator_provenance_and_opens_the_next(client, session):
    first = make_candidate(session, None, "ESR1", score=9).id
    second = make_candidate(session, None, "ABCB1", score=5).id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, first)
    r = client.post(
        f"/candidates/{first}/accept",
        data={
            "csrf_token": csrf,
            "version": "1",
            "gene": "ESR1",
            "therapy_class": "endocrine",
            "agents": "tamoxifen, fulvestrant",
            "direction": "up",
            "effect": "resistance",
            "alteration": "Y537S",
            "subtype": "",
            "model_system": "",
            "evidence_level": "D",
            "statement": "MCF7 cells with ESR1 Y537S resisted tamoxifen.",
        },
    )
    assert r.url.path == f"/candidates/{second}"
    assert f"Accepted #{first} (ESR1" in r.text
    session.expire_all()
    cand = session.get(Candidate, first)
    assert cand.status == "accepted" and cand.decided_by == "alice"
    assert cand.agents == ["tamoxifen", "fulvestrant"] and cand.alteration == "Y537S"
    assert cand.provenance["alteration"] == cand.provenance["therapy_class"] == "curator"
    assert "subtype" not in cand.provenance  # left empty, was empty: nothing confirmed
    page = client.get(f"/candidates/{first}").text
    assert "<del>∅</del> → <ins>Y537S</ins>" in page


def test_reject_form_without_a_reason_is_a_400_that_keeps_the_page(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    r = client.post(
        f"/candidates/{cid}/reject",
        data={"csrf_token": csrf, "version": "1", "reason": "", "note": "my note"},
    )
    assert r.status_code == 400 and "reason" in r.text and 'value="my note"' in r.text
    assert status_of(session, cid) == ("pending", 1)


def test_stale_form_redirects_to_a_page_naming_who_decided_and_nothing_is_overwritten(
    client, settings, engine, session
):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)  # alice loads version 1
    with TestClient(create_app(settings, engine=engine)) as bob:
        sign_in(bob, session, "bob")
        bob_csrf, _ = form_page(bob, cid)
        bob.post(
            f"/candidates/{cid}/reject",
            data={"csrf_token": bob_csrf, "version": "1", "reason": "duplicate"},
        )
    r = client.post(
        f"/candidates/{cid}/accept",
        data={"csrf_token": csrf, "version": "1", "statement": "alice's careful statement"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/candidates/{cid}"
    page = client.get(r.headers["location"]).text
    assert re.search(r"bob rejected this at \d\d:\d\d UTC while you were looking", page)
    assert "reload to see it" in page and "Nothing was overwritten" in page
    session.expire_all()
    cand = session.get(Candidate, cid)
    assert (cand.status, cand.version, cand.statement, cand.decided_by) == (
        "rejected",
        2,
        None,
        "bob",
    )
    assert audit_actions(session, cid) == ["created", "rejected"]


def test_curator_cannot_change_a_decision_on_the_web_but_an_editor_can(client, session):
    cid = make_candidate(session, None, "ESR1", status="rejected", reject_reason="duplicate").id
    session.commit()
    sign_in(client, session)
    csrf, page = form_page(client, cid)
    assert "Changing a decision needs an editor" in page
    r = client.post(
        f"/candidates/{cid}/accept",
        data={"csrf_token": csrf, "version": "1", "statement": "s"},
    )
    assert r.status_code == 403 and status_of(session, cid) == ("rejected", 1)
    client.post("/logout", data={"csrf_token": csrf})
    sign_in(client, session, "erin", "editor")
    csrf, _ = form_page(client, cid)
    r = client.post(
        f"/candidates/{cid}/accept",
        data={"csrf_token": csrf, "version": "1", "statement": "It is evidence after all."},
    )
    assert r.status_code == 200 and status_of(session, cid) == ("accepted", 2)


def test_defer_form_records_the_note_in_the_audit_trail(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    client.post(
        f"/candidates/{cid}/defer",
        data={"csrf_token": csrf, "version": "1", "note": "needs the full text"},
    )
    page = client.get(f"/candidates/{cid}").text
    assert "needs the full text" in page and "pending → deferred" in page
    assert status_of(session, cid) == ("deferred", 2)


def test_each_decision_route_runs_the_apps_on_decided_callback(settings, engine, session):
    app = create_app(settings, engine=engine)
    assert app.state.on_decided is None  # a web worker never retrains (jobs.retraining does)
    seen: list[tuple[int, str]] = []
    app.state.on_decided = lambda _session, cand: seen.append((cand.id, cand.status))
    a, b, c, d = (make_candidate(session, None, "ESR1", score=n).id for n in (4, 3, 2, 1))
    session.commit()
    with TestClient(app) as client:
        sign_in(client, session)
        csrf, _ = form_page(client, a)
        client.post(
            f"/candidates/{a}/accept", data={"csrf_token": csrf, "version": "1", "statement": "s"}
        )
        client.post(
            f"/candidates/{b}/reject",
            data={"csrf_token": csrf, "version": "1", "reason": "duplicate"},
        )
        client.post(f"/candidates/{c}/defer", data={"csrf_token": csrf, "version": "1"})
        client.post(
            "/queue/bulk-reject",
            data={"csrf_token": csrf, "ids": [str(d)], "reason": "duplicate"},
        )
    assert seen == [(a, "accepted"), (b, "rejected"), (c, "deferred"), (d, "rejected")]


def test_an_unexpected_error_is_a_500_on_the_error_page_with_the_security_headers(settings, engine):
    app = create_app(settings, engine=engine)

    def broken() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/broken")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in r.text and "see its log" in r.text
    assert "secret internals" not in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
