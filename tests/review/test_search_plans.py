"""On PostgreSQL a search plans its statements for its own text (review.search): the same
hits however often a statement has run (psycopg prepares it from the fifth run on), and the
connection's plan setting is as it was once the search is done."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from databases import _backends
from evidencewatch.review import search
from factories import make_candidate, make_paper

# Plan caching is PostgreSQL's: this runs on the PostgreSQL backend only.
POSTGRES_ONLY = [b for b in _backends() if not isinstance(b, str)]


def _mode(session) -> str:
    return str(session.execute(sa.text("SELECT current_setting('plan_cache_mode')")).scalar())


@pytest.mark.parametrize("db_url_engine", POSTGRES_ONLY, indirect=True)
def test_repeated_searches_find_the_same_hits_and_leave_the_plan_setting_alone(
    session, monkeypatch
):
    for n in range(30):
        title = "endocrine receptor loss" if n % 3 else "receptor of endocrine origin"
        make_candidate(session, make_paper(session, title=title), "ESR1", score=float(n % 7))
    session.commit()
    before = _mode(session)
    for rank_limit in (search.RANK_LIMIT, 5):  # ranked, and past the limit: queue order
        monkeypatch.setattr(search, "RANK_LIMIT", rank_limit)
        runs = [
            search.search_ids(session=session, text='"endocrine receptor"', status="pending")
            for _ in range(8)
        ]
        assert all(run == runs[0] for run in runs) and len(runs[0]) == 20
        assert _mode(session) == before
    monkeypatch.setattr(search, "CUSTOM_PLANS", False)  # the statements as they were
    assert search.search_ids(session=session, text='"endocrine receptor"') == runs[0]
