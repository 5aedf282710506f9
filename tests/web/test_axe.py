"""axe-core (WCAG 2 A/AA) finds no violation on any page of the app: login, queue,
candidate, digests and a digest. CSP is bypassed for these tests only, to inject axe."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from evidencewatch.storage.models import Digest
from web.axe import describe, violations
from web.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    Site,
    browser,
    signed_in,
    site,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def digest_id(site: Site) -> int:  # noqa: F811
    from evidencewatch.config import load_settings
    from evidencewatch.jobs.digests import digest_job

    settings = load_settings(env={}, database_url=str(site.engine.url), secret_key="x",
                             digest_dir=str(site.engine.url.database) + ".digests")  # fmt: skip
    digest = digest_job(settings, engine=site.engine, since=date(2026, 1, 1),
                        until=date(2026, 12, 31), fmt="both", mail=False)  # fmt: skip
    assert digest.id is not None
    with Session(site.engine) as s:
        assert s.get(Digest, digest.id) is not None
    return digest.id


@pytest.fixture
def axe_page(browser, signed_in):  # noqa: F811
    context = browser.new_context(storage_state=signed_in, bypass_csp=True)
    context.set_default_timeout(10000)
    page = context.new_page()
    yield page
    context.close()


def _check(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, url
    found = violations(page)
    assert found == [], f"axe-core on {url}:\n{describe(found)}"


def test_login_page_has_no_axe_violations(browser, site):  # noqa: F811
    context = browser.new_context(bypass_csp=True)
    try:
        _check(context.new_page(), f"{site.url}/login")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/queue", "/queue?status=all", "/queue?q=ESR1"])
def test_queue_pages_have_no_axe_violations(axe_page, site, path):  # noqa: F811
    _check(axe_page, f"{site.url}{path}")


@pytest.mark.parametrize("key", ["first", "hostile", "conflict"])
def test_candidate_pages_have_no_axe_violations(axe_page, site, key):  # noqa: F811
    _check(axe_page, f"{site.url}/candidates/{site.ids[key]}")


def test_digest_pages_have_no_axe_violations(axe_page, site, digest_id):  # noqa: F811
    _check(axe_page, f"{site.url}/digests")
    _check(axe_page, f"{site.url}/digests/{digest_id}")
