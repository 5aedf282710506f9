"""The queue's search box, progress panel and "open by" marks, through the real app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from evidencewatch.review.presence import PRESENCE_MINUTES, mark_open
from evidencewatch.web.app import create_app
from factories import make_candidate, make_paper
from web.webtools import TestClient, sign_in


def test_queue_search_lists_only_the_hits_best_first_and_keeps_the_text(client, session):
    hit = make_candidate(
        session, make_paper(session, title="Inavolisib in PIK3CA tumours"), "PIK3CA"
    )
    make_candidate(session, make_paper(session, title="Something else"), "ESR1", score=99)
    sign_in(client, session)
    page = client.get("/queue", params={"q": "inavolisib"}).text
    assert f'data-id="{hit.id}"' in page and page.count('class="queue-row"') == 1
    assert 'value="inavolisib"' in page and "1 match for “inavolisib”" in page
    hostile = client.get("/queue", params={"q": '<script>") OR 1=1 --'})
    assert hostile.status_code == 200 and '<script>")' not in hostile.text
    assert "0 matches" in hostile.text


def test_queue_shows_the_progress_panel_with_the_rule(client, session):
    make_candidate(session, None, status="accepted", decided_at=datetime(2026, 11, 1, tzinfo=UTC))
    make_candidate(session, None)
    sign_in(client, session)
    page = client.get("/queue").text
    assert "Progress" in page and "Relevant found" in page
    assert "buscar" in page and "Callaghan" in page and 'data-stop="false"' in page


def test_queue_shows_who_else_has_a_candidate_open_for_five_minutes(
    settings, engine, session, fast_password_hashing
):
    cand = make_candidate(session, None)
    other = make_candidate(session, None, score=0.5)
    session.commit()
    with TestClient(create_app(settings, engine=engine)) as bob:
        sign_in(bob, session, "bob")
        assert bob.get(f"/candidates/{cand.id}").status_code == 200
        assert "open by" not in bob.get("/queue").text  # never yourself
    with TestClient(create_app(settings, engine=engine)) as alice:
        sign_in(alice, session, "alice")
        page = alice.get("/queue").text
        assert page.count("open by bob") == 1
        stale = datetime.now(UTC) - timedelta(minutes=PRESENCE_MINUTES + 1)
        mark_open(session=session, candidate_id=cand.id, username="bob", now=stale)
        session.commit()
        assert "open by bob" not in alice.get("/queue").text
        assert other.id is not None
