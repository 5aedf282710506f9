"""Team review in a real browser (Debian's chromium driven by Playwright): a whole paper
accepted at once, dual review with two curators and a conflict an editor resolves, undo.

One uvicorn server per review mode (in a thread, on a free loopback port, over its own
SQLite database) serves the module; each curator signs in with a fresh browser context.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from evidencewatch.config import load_settings
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Candidate
from factories import make_candidate, make_paper, make_user
from live import served as live_server
from web.test_browser import CHROMIUM, browser  # noqa: F401 (the module's browser fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium at /usr/bin/chromium"),
]
PEOPLE = {"alice": "curator", "bob": "curator", "erin": "editor"}


@dataclass
class Site:
    url: str
    engine: Engine
    ids: dict[str, int]


def _serve(tmp: Path, mode: str) -> Iterator[Site]:
    from evidencewatch.web.app import create_app

    db_url = f"sqlite:///{tmp / 'evidencewatch.db'}"
    engine = make_engine(db_url)
    init_db(engine)
    with Session(engine) as s:
        for name, role in PEOPLE.items():
            make_user(s, name, role, f"{name}-password")
        paper = make_paper(s, title="ESR1 and ERBB2 in one paper", pmid=99100001)
        ids = {
            "esr1": make_candidate(s, paper, "ESR1", 9).id,
            "erbb2": make_candidate(s, paper, "ERBB2", 8).id,
            "lone": make_candidate(s, make_paper(s, title="Lone TOP2A"), "TOP2A", 7).id,
        }
        s.commit()
    settings = load_settings(
        env={}, database_url=db_url, secret_key="browser-team-secret", review_mode=mode
    )
    try:
        with live_server(create_app(settings, engine=engine)) as url:
            yield Site(url=url, engine=engine, ids=ids)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def single_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _serve(tmp_path_factory.mktemp("single"), "single")


@pytest.fixture(scope="module")
def dual_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _serve(tmp_path_factory.mktemp("dual"), "dual")


@pytest.fixture
def sign_in(browser):  # noqa: F811
    """sign_in(site, name) -> a page signed in as ``name``, on the queue."""
    contexts = []

    def open_as(site: Site, name: str):
        context = browser.new_context()
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site.url}/login")
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", f"{name}-password")
        page.press("input[name=password]", "Enter")
        page.wait_for_url(f"{site.url}/queue")
        return page

    yield open_as
    for context in contexts:
        context.close()


def status(site: Site, key: str) -> str:
    with Session(site.engine) as s:
        return s.get(Candidate, site.ids[key]).status


def test_a_curator_accepts_a_whole_paper_from_its_queue_row(single_site: Site, sign_in):
    site = single_site
    page = sign_in(site, "alice")
    row = page.locator("tr.queue-row").first
    assert row.locator("a.gene-chip").all_inner_texts() == ["ESR1", "ERBB2"]
    row.locator("td.title a").click()
    page.wait_for_url(f"{site.url}/candidates/{site.ids['esr1']}")
    page.click("details.paper-decide summary")
    page.fill("form.accept-paper textarea[name=statement]", "ESR1 and ERBB2 went with resistance.")
    page.click("form.accept-paper button[type=submit]")
    expect(page.get_by_text("Accepted ESR1, ERBB2 of PMID 99100001.")).to_be_visible()
    assert status(site, "esr1") == status(site, "erbb2") == "accepted"
    page.goto(f"{site.url}/queue")
    assert page.locator("tr.queue-row").count() == 1  # only the lone paper is left


def test_a_curator_undoes_a_decision_from_the_button_after_it(single_site: Site, sign_in):
    site = single_site
    page = sign_in(site, "bob")
    page.goto(f"{site.url}/candidates/{site.ids['lone']}")
    page.select_option("form.reject select[name=reason]", "duplicate")
    page.click("form.reject button[type=submit]")
    page.wait_for_url(f"{site.url}/queue")  # nothing pending is left
    assert status(site, "lone") == "rejected"
    page.click("button[data-undo]")
    page.wait_for_url(f"{site.url}/candidates/{site.ids['lone']}")
    expect(page.get_by_text(f"Undid your rejected of #{site.ids['lone']}.")).to_be_visible()
    assert status(site, "lone") == "pending"
    assert "undone" in page.locator("table.audit").inner_text()


def test_two_curators_disagree_and_an_editor_resolves_the_conflict(dual_site: Site, sign_in):
    site = dual_site
    cid = site.ids["esr1"]
    alice = sign_in(site, "alice")
    alice.goto(f"{site.url}/candidates/{cid}")
    alice.fill("textarea[name=statement]", "ESR1 Y537S went with tamoxifen resistance.")
    alice.click("form.accept button[type=submit]")
    expect(alice.get_by_text("it needs a second curator's vote")).to_be_visible()
    alice.goto(f"{site.url}/queue")
    assert alice.locator(f"a.gene-chip[data-candidate='{cid}']").count() == 0  # voted: hidden

    bob = sign_in(site, "bob")
    assert bob.locator(f"a.gene-chip[data-candidate='{cid}']").count() == 1
    bob.goto(f"{site.url}/candidates/{cid}")
    assert bob.locator(".vote-row").count() == 0  # alice's vote stays hidden
    assert "tamoxifen resistance" not in bob.locator("section.decide").inner_text()
    bob.select_option("form.reject select[name=reason]", "not_breast_cancer")
    bob.click("form.reject button[type=submit]")
    expect(bob.get_by_text("it goes to an editor")).to_be_visible()
    assert status(site, "esr1") == "pending"

    erin = sign_in(site, "erin")
    erin.click("nav.nav a[href='/conflicts']")
    conflict = erin.locator(f"article.conflict[data-id='{cid}']")
    assert conflict.locator(".vote-row").count() == 2
    conflict.locator("textarea[name=note]").fill("The cohort is ER-positive breast cancer.")
    conflict.locator("button[value=accept]").click()
    expect(erin.get_by_text("No conflicts.")).to_be_visible()
    assert status(site, "esr1") == "accepted"
    erin.goto(f"{site.url}/candidates/{cid}")
    history = erin.locator("table.audit").inner_text()
    assert "conflict resolved: The cohort is ER-positive" in history
    erin.goto(f"{site.url}/agreement")
    assert "only 1 shared decision" in erin.locator("table.agreement").inner_text()
