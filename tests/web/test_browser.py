"""The review app in a real browser: Debian's chromium driven by Playwright.

One uvicorn server (in a thread, on a free loopback port, over its own SQLite
database) and one browser serve the whole module; each test signs in with a
fresh browser context.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidencewatch.config import load_settings
from evidencewatch.review import decisions
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import AuditEvent, Candidate
from factories import make_candidate, make_paper, make_user
from live import served as live_server
from web.hostile import TITLE_TEXT, store_hostile_record

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]
PWNED_TITLE = "<script>window.__pwned = 1</script> ESR1 and an inert title"
PASSWORD = "alice-password"


@dataclass
class Site:
    url: str
    engine: Engine
    ids: dict[str, int]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, matcher) -> Iterator[Site]:
    from evidencewatch.web.app import create_app

    db_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'evidencewatch.db'}"
    engine = make_engine(db_url)
    init_db(engine)
    with Session(engine) as s:
        make_user(s, "alice", "curator", PASSWORD)
        ids = {
            "first": make_candidate(s, make_paper(s, title="First: ESR1 Y537S"), "ESR1", 9).id,
            "second": make_candidate(s, make_paper(s, title="Second: ABCB1"), "ABCB1", 8).id,
            "third": make_candidate(s, make_paper(s, title="Third: TOP2A"), "TOP2A", 7).id,
            "fourth": make_candidate(s, make_paper(s, title="Fourth: ERBB2"), "ERBB2", 6).id,
            "pwned": make_candidate(s, make_paper(s, title=PWNED_TITLE), "ESR1", 0.5).id,
            "csrf": make_candidate(s, make_paper(s, title="CSRF target"), "PGR", 0.1).id,
            "hostile": store_hostile_record(s, matcher, score=0.3),
            "conflict": make_candidate(s, make_paper(s, title="Race: BARD1"), "BARD1", 0.05).id,
        }
        s.commit()
    settings = load_settings(env={}, database_url=db_url, secret_key="browser-test-secret")
    try:
        with live_server(create_app(settings, engine=engine)) as url:
            yield Site(url=url, engine=engine, ids=ids)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def signed_in(browser, site: Site) -> dict:
    """Sign in once through the real form; tests reuse the session cookie."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/queue")
    assert "/login" in page.url  # read pages need sign-in by default
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{site.url}/queue")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def page(browser, site: Site, signed_in: dict) -> Iterator:
    """A page signed in as alice (curator), in a fresh browser context, on the queue."""
    context = browser.new_context(storage_state=signed_in)
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(f"{site.url}/queue")
    assert page.url == f"{site.url}/queue"
    yield page
    context.close()


def candidate(site: Site, key: str) -> Candidate:
    with Session(site.engine) as s:
        return s.get(Candidate, site.ids[key])


def focused_name(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name || ''")


def test_curator_works_the_queue_with_the_keyboard(page, site: Site):
    """j/k select, o opens; r, d and a reach the decision forms; Ctrl+Enter submits."""
    ids = site.ids
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.get_attribute("tr.queue-row.selected", "data-id") == str(ids["first"])
    page.keyboard.press("o")
    page.wait_for_url(f"{site.url}/candidates/{ids['first']}")

    page.keyboard.press("r")  # reject: the reason select takes the focus
    assert focused_name(page) == "reason"
    page.select_option("form.reject select[name=reason]", "alias_collision")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"{site.url}/candidates/{ids['second']}")  # on to the next pending one
    assert page.get_by_text(f"Rejected #{ids['first']} (ESR1").is_visible()

    page.keyboard.press("d")  # defer: the note takes the focus
    assert focused_name(page) == "note"
    page.keyboard.type("needs the full text")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"{site.url}/candidates/{ids['third']}")

    page.keyboard.press("a")  # accept: the statement takes the focus ...
    assert focused_name(page) == "statement"
    page.keyboard.type("a d r j k")  # ... and shortcut letters typed there stay text
    assert focused_name(page) == "statement"
    assert page.input_value("textarea[name=statement]") == "a d r j k"
    assert page.url == f"{site.url}/candidates/{ids['third']}"

    assert candidate(site, "first").status == "rejected"
    assert candidate(site, "second").status == "deferred"
    assert candidate(site, "second").note == "needs the full text"


def test_accept_with_edits_then_see_the_audit_trail(page, site: Site):
    cid = site.ids["third"]
    page.goto(f"{site.url}/candidates/{cid}")
    page.select_option("form.accept select[name=therapy_class]", "chemotherapy")
    page.fill("form.accept input[name=alteration]", "amplification")
    page.select_option("form.accept select[name=evidence_level]", "D")
    page.fill("textarea[name=statement]", "TOP2A amplification predicted anthracycline resistance.")
    page.click("form.accept button[type=submit]")
    page.wait_for_url(f"{site.url}/candidates/{site.ids['fourth']}")
    page.goto(f"{site.url}/candidates/{cid}")
    history = page.locator("table.audit")
    assert history.locator("tr.audit-row").count() == 2
    row = history.locator("tr.audit-row").last
    assert "alice" in row.inner_text() and "pending → accepted" in row.inner_text()
    assert "endocrine → chemotherapy" in row.inner_text()
    assert "∅ → amplification" in row.inner_text()
    saved = candidate(site, "third")
    assert (saved.status, saved.therapy_class, saved.evidence_level) == (
        "accepted",
        "chemotherapy",
        "D",
    )
    assert saved.provenance["therapy_class"] == "curator"


def test_reject_with_a_reason_from_the_form(page, site: Site):
    cid = site.ids["fourth"]
    page.goto(f"{site.url}/candidates/{cid}")
    page.select_option("form.reject select[name=reason]", "not_breast_cancer")
    page.fill("form.reject input[name=note]", "ovarian cohort")
    page.click("form.reject button[type=submit]")
    page.wait_for_url(lambda url: f"/candidates/{cid}" not in url)
    page.goto(f"{site.url}/candidates/{cid}")
    expect(page.get_by_text("Rejected by alice")).to_be_visible()
    assert "Not breast cancer" in page.locator("table.audit").inner_text()


def test_script_in_a_title_stays_inert_text(page, site: Site):
    page.goto(f"{site.url}/queue")
    expect(page.get_by_text(PWNED_TITLE)).to_be_visible()
    page.goto(f"{site.url}/candidates/{site.ids['pwned']}")
    assert page.locator("h1.paper-title").inner_text() == PWNED_TITLE
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_question_mark_shows_the_shortcut_help(page):
    assert page.locator("#help").is_hidden()
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("#help").is_hidden()


def test_a_form_posted_without_its_csrf_token_is_refused(page, site: Site):
    cid = site.ids["csrf"]
    page.goto(f"{site.url}/candidates/{cid}")
    page.locator("form.reject input[name=csrf_token]").evaluate("el => el.remove()")
    page.select_option("form.reject select[name=reason]", "duplicate")
    with page.expect_response(f"{site.url}/candidates/{cid}/reject") as response:
        page.click("form.reject button[type=submit]")
    assert response.value.status == 403
    expect(page.get_by_text("security token is missing or out of date")).to_be_visible()
    assert candidate(site, "csrf").status == "pending"
    with Session(site.engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.candidate_id == cid)).all()
    assert [e.action for e in events] == ["created"]


# Every element of a title, with how many attributes it carries: only PubMed's inline
# tags may be there, and none of them with an attribute.
TITLE_ELEMENTS = """sel => Array.from(document.querySelector(sel).querySelectorAll('*'))
    .map(e => [e.localName, e.attributes.length])"""
SAFE_ELEMENTS = [["i", 0], ["math", 0], ["msup", 0], ["mi", 0], ["mn", 0], ["b", 0]]


def test_hostile_pubmed_markup_parsed_from_xml_renders_as_bare_inline_tags(page, site: Site):
    cid = site.ids["hostile"]
    page.goto(f"{site.url}/queue")
    queue_title = f"tr[data-id='{cid}'] td.title a"
    assert page.evaluate(TITLE_ELEMENTS, queue_title) == SAFE_ELEMENTS
    page.goto(f"{site.url}/candidates/{cid}")
    assert page.evaluate(TITLE_ELEMENTS, "h1.paper-title") == SAFE_ELEMENTS
    assert page.locator("h1.paper-title").text_content() == TITLE_TEXT
    page.hover("h1.paper-title i")
    page.click("h1.paper-title b")
    page.click("h1.paper-title mi")
    assert page.locator("img, [onerror], [onmouseover], [onclick]").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_after_losing_a_race_the_typed_statement_is_shown_and_a_reload_posts_nothing(
    page, site: Site
):
    cid = site.ids["conflict"]
    page.goto(f"{site.url}/candidates/{cid}")
    statement = "BARD1 loss went with PARP inhibitor resistance;\nsee the second cohort."
    page.fill("textarea[name=statement]", statement)
    with Session(site.engine) as s:  # meanwhile, another curator rejects it
        decisions.reject(
            session=s, candidate_id=cid, actor="bob", expected_version=1, reason="duplicate"
        )
        s.commit()
    with page.expect_response(f"{site.url}/candidates/{cid}/accept") as posted:
        page.click("form.accept button[type=submit]")
    assert posted.value.status == 303
    page.wait_for_url(f"{site.url}/candidates/{cid}")
    expect(page.get_by_text("bob rejected this")).to_be_visible()
    assert page.locator("dl.kept dd").last.inner_text() == statement
    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    page.reload()
    assert methods and set(methods) == {"GET"}  # the reload fetched the page, posted nothing
    assert page.locator("dl.kept").count() == 0  # shown once
    saved = candidate(site, "conflict")
    assert (saved.status, saved.decided_by, saved.statement) == ("rejected", "bob", None)
