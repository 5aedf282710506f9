"""The web queue's "next" link carries a cursor (after=); following it lists the same rows as
the numbered pages, which still work; a malformed or altered cursor is a 400 naming it."""

from __future__ import annotations

import html
import re

import pytest

from factories import make_candidate, make_paper
from web.webtools import sign_in

ROW = re.compile(r'class="queue-row" data-href="[^"]*" data-id="(\d+)"')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def _fill(session, papers: int = 115) -> None:
    for n in range(papers):
        paper = make_paper(session)
        make_candidate(session, paper, "ESR1", score=float(n % 9))  # ties across pages
        if n % 3 == 0:
            make_candidate(session, paper, "ERBB2", score=float(n % 5))
    session.commit()


def _walk(client, url: str) -> tuple[list[str], list[str]]:
    """Every row's id following the "next" links from ``url``, and the links followed."""
    rows, links = [], []
    while True:
        page = client.get(url)
        assert page.status_code == 200, page.text[:300]
        rows += ROW.findall(page.text)
        found = NEXT.search(page.text)
        if not found:
            return rows, links
        url = html.unescape(found.group(1))
        links.append(url)


@pytest.mark.parametrize("view", ["papers", "candidates"])
def test_next_links_use_the_cursor_and_list_the_rows_of_the_numbered_pages(client, session, view):
    _fill(session)
    sign_in(client, session)
    start = "/queue" if view == "papers" else "/queue?view=candidates"
    by_cursor, links = _walk(client, start)
    assert links and all("after=" in link and "page=" not in link for link in links)
    assert all(("view=candidates" in link) == (view == "candidates") for link in links)
    by_offset = []
    for number in range(1, len(links) + 2):
        sep = "&" if "?" in start else "?"
        by_offset += ROW.findall(client.get(f"{start}{sep}page={number}").text)
    assert by_cursor == by_offset and len(set(by_cursor)) == len(by_cursor) > 100
    second = client.get(links[0]).text
    assert f"page 2 of {len(links) + 1}" in second and 'rel="prev"' in second


def test_a_malformed_or_altered_cursor_is_a_400_naming_after(client, session):
    _fill(session, papers=60)
    sign_in(client, session)
    link = html.unescape(NEXT.search(client.get("/queue").text).group(1))
    token = link.split("after=")[1]
    for bad in ("nonsense", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "x" * 300):
        r = client.get("/queue", params={"after": bad})
        assert r.status_code == 400 and "after" in r.text
    other_view = client.get("/queue", params={"after": token, "view": "candidates"})
    assert other_view.status_code == 400 and "after" in other_view.text
    with_search = client.get("/queue", params={"after": token, "q": "ESR1"})
    assert with_search.status_code == 400 and "after" in with_search.text
    assert client.get(link).status_code == 200
