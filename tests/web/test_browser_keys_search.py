"""Search and the candidate-page keys in a real browser (Debian's chromium, Playwright)."""

from __future__ import annotations

import pytest

from web.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    Site,
    browser,
    candidate,
    focused_name,
    page,
    signed_in,
    site,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]


def test_slash_focuses_the_search_and_enter_lists_the_ranked_hits(page, site: Site):  # noqa: F811
    page.keyboard.press("/")
    assert focused_name(page) == "q"
    page.keyboard.type("Y537S")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/queue?q=Y537S" in url)
    rows = page.locator("tr.queue-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-id") == str(site.ids["first"])
    assert "1 match for “Y537S”" in page.inner_text(".search-result")
    page.click("text=clear search")
    page.wait_for_url(f"{site.url}/queue")
    assert page.locator("tr.queue-row").count() > 1


def test_j_k_and_n_move_between_pending_candidates_without_deciding(page, site: Site):  # noqa: F811
    ids = site.ids
    page.goto(f"{site.url}/candidates/{ids['first']}")
    page.keyboard.press("j")
    page.wait_for_url(f"{site.url}/candidates/{ids['second']}")
    page.keyboard.press("n")
    page.wait_for_url(f"{site.url}/candidates/{ids['third']}")
    page.keyboard.press("k")
    page.wait_for_url(f"{site.url}/candidates/{ids['second']}")
    assert candidate(site, "first").status == "pending"
    assert candidate(site, "second").status == "pending"


def test_shift_r_goes_to_the_missing_reason_then_enter_on_it_rejects(page, site: Site):  # noqa: F811
    cid = site.ids["first"]
    page.goto(f"{site.url}/candidates/{cid}")
    page.keyboard.press("Shift+R")  # no reason chosen yet: the reason takes the focus
    assert focused_name(page) == "reason" and page.url.endswith(f"/candidates/{cid}")
    assert candidate(site, "first").status == "pending"
    page.select_option("form.reject select[name=reason]", "alias_collision")
    page.focus("form.reject select[name=reason]")
    page.keyboard.press("Enter")  # the form is complete: Enter decides, no Ctrl needed
    page.wait_for_url(lambda url: f"/candidates/{cid}" not in url)
    assert candidate(site, "first").status == "rejected"


def test_shift_d_defers_at_once_and_shift_a_waits_for_a_statement(page, site: Site):  # noqa: F811
    cid = site.ids["second"]
    page.goto(f"{site.url}/candidates/{cid}")
    page.keyboard.press("Shift+A")  # accept needs a statement: it takes the focus instead
    assert focused_name(page) == "statement"
    assert candidate(site, "second").status == "pending"
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+D")  # defer needs nothing: one key decides
    page.wait_for_url(lambda url: f"/candidates/{cid}" not in url)
    assert candidate(site, "second").status == "deferred"
