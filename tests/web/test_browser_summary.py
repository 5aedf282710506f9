"""The summary pages in a real browser: the draft, an editor's override, versions side by side."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from evidencewatch.config import load_settings
from evidencewatch.jobs.summary import summary_job
from evidencewatch.storage.db import init_db, make_engine
from factories import make_user
from live import served as live_server
from summary_data import SLC7A5, accept, notice, seed
from web.test_browser import CHROMIUM, browser  # noqa: F401  (the module's chromium)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]
PASSWORD = "erin-password"


@dataclass
class Site:
    url: str
    engine: Engine
    retracted_pmid: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from evidencewatch.web.app import create_app

    folder = tmp_path_factory.mktemp("summary-browser")
    db_url = f"sqlite:///{folder / 'ew.db'}"
    engine = make_engine(db_url)
    init_db(engine)
    settings = load_settings(env={}, database_url=db_url, secret_key="browser-summary-secret")
    with Session(engine, expire_on_commit=False) as s:
        seed(s)
        make_user(s, "erin", "editor", PASSWORD)
        accept(s, "SLC7A5", statement="SLC7A5 high in non-responders")
        s.commit()
    summary_job(
        settings, engine=engine, out_dir=folder, publish=True, now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    with Session(engine, expire_on_commit=False) as s:
        accept(s, "SLC7A5", direction="down", statement="SLC7A5 low in non-responders")
        gone = accept(s, "CYP3A4", statement="CYP3A4 high, later retracted")
        notice(s, gone.pmid, "retracted")
        s.commit()
    summary_job(
        settings, engine=engine, out_dir=folder, publish=True, now=datetime(2026, 12, 2, tzinfo=UTC)
    )
    try:
        with live_server(create_app(settings, engine=engine)) as url:
            yield Site(url, engine, gone.pmid)
    finally:
        engine.dispose()


@pytest.fixture
def page(browser, site: Site) -> Iterator:  # noqa: F811
    context = browser.new_context()
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{site.url}/queue")
    yield page
    context.close()


def test_the_summary_page_shows_the_draft_and_an_editor_overrides_a_status(page, site: Site):
    page.click("nav >> text=Summary")
    page.wait_for_url(f"{site.url}/summary")
    assert page.locator("h1 .badge.draft").inner_text() == "draft, as of now"
    row = page.locator(f"tr.finding-row[data-finding='{SLC7A5}']")
    assert row.locator("td.status").inner_text() == "contested"
    struck = page.locator(f"li.line.retracted[data-pmid='{site.retracted_pmid}'] s")
    assert struck.count() == 1 and "CYP3A4 high, later retracted" in struck.inner_text()
    assert page.locator("#legend li").count() == 6

    page.select_option("form.override select[name=finding_id]", SLC7A5)
    page.select_option("form.override select[name=status]", "supported")
    page.fill("form.override textarea[name=reason]", "the opposing study used another assay")
    page.click("form.override button[type=submit]")
    page.wait_for_url(f"{site.url}/summary#finding-{SLC7A5}")
    expect(page.get_by_text(f"{SLC7A5}: status set to supported")).to_be_visible()
    assert row.locator("td.status").inner_text() == "supported*"
    override = page.locator(f"#finding-{SLC7A5} .override").inner_text()
    assert "the opposing study used another assay" in override and "computed: contested" in override


def test_two_versions_side_by_side_with_what_changed_marked(page, site: Site):
    page.goto(f"{site.url}/summary/versions")
    assert page.locator("tr.version-row").count() == 2
    page.select_option("form.compare-form select[name=a]", "1")
    page.select_option("form.compare-form select[name=b]", "2")
    page.click("form.compare-form button[type=submit]")
    page.wait_for_url(f"{site.url}/summary/compare?a=1&b=2")
    changed = page.locator(f"tr.compare-row[data-key='{SLC7A5}']")
    assert "differs" in (changed.get_attribute("class") or "")
    assert changed.locator("td.a.status").inner_text() == "supported"
    assert changed.locator("td.b.status mark.changed").inner_text() == "contested"
    cyp = page.locator("tr.compare-row[data-key='drug-metabolism-cyp3a4-cyp2a6-mrna-high']")
    assert cyp.locator("td.b.status mark.changed").inner_text() == "support retracted"
    same = page.locator("tr.compare-row[data-key='innate-immunity-lyn-ly96-anxa1-early-relapse']")
    assert "differs" not in (same.get_attribute("class") or "")
    assert same.locator("mark").count() == 0
