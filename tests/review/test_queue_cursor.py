"""Keyset pages of the queue (review.queue.Cursor): walking every page after the last row's
cursor lists the same rows in the same order as walking the numbered (OFFSET) pages, in both
views, on SQLite and PostgreSQL; a cursor that is not one is refused, naming ``after``."""

from __future__ import annotations

import base64
import random

import pytest

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.review.paper_queue import paper_queue
from evidencewatch.review.queue import Cursor, queue
from factories import make_candidate, make_paper

GENES = ("ESR1", "ERBB2", "PIK3CA")
# Few distinct scores, so that ties (broken by id) fall across page boundaries, and scores
# that only survive a round trip exactly (0.1 + 0.2, a tiny one, negatives).
SCORES = (5.0, 0.1 + 0.2, 0.3, -1.5, 1e-300, 0.0, 2.0 / 3.0)


def _fill(session, papers: int = 60, seed: int = 3) -> None:
    rng = random.Random(seed)
    for _ in range(papers):
        paper = make_paper(session)
        for gene in rng.sample(GENES, rng.randint(1, 3)):
            status = rng.choice(("pending", "pending", "pending", "accepted", "deferred"))
            make_candidate(session, paper, gene, score=rng.choice(SCORES), status=status)
    session.commit()


def _walk_offset(fetch, pages_of) -> list[int]:
    first = fetch(page=1)
    rows = [pages_of(first)]
    for number in range(2, first.pages + 1):
        rows.append(pages_of(fetch(page=number)))
    return [row for page in rows for row in page]


def _walk_cursor(fetch, pages_of, view: str) -> tuple[list[int], list[int]]:
    page, rows, numbers = fetch(page=1), [], []
    while True:
        rows += pages_of(page)
        numbers.append(page.page)
        if page.next_after is None:
            return rows, numbers
        page = fetch(after=Cursor.decode(page.next_after, view))


FILTERS = [{}, {"status": "all"}, {"gene": "ERBB2"}, {"status": "deferred"}]


@pytest.mark.parametrize("filters", FILTERS)
def test_cursor_pages_list_the_candidate_queue_in_the_offset_order(session, filters):
    _fill(session)

    def fetch(**where):
        return queue(session=session, per_page=7, **filters, **where)

    def ids(page):
        return [item.candidate.id for item in page.items]

    by_offset = _walk_offset(fetch, ids)
    by_cursor, numbers = _walk_cursor(fetch, ids, "candidates")
    assert by_cursor == by_offset and len(by_offset) == fetch(page=1).total > 7
    assert numbers == list(range(1, len(numbers) + 1))  # each page knows its number
    everything = queue(session=session, per_page=500, **filters)
    assert by_cursor == ids(everything)  # one page of all of them: the same order


@pytest.mark.parametrize("filters", FILTERS)
def test_cursor_pages_list_the_paper_queue_in_the_offset_order(session, filters):
    _fill(session)

    def fetch(**where):
        return paper_queue(session=session, per_page=6, **filters, **where)

    def best(page):
        return [item.best.candidate.id for item in page.items]

    by_offset = _walk_offset(fetch, best)
    by_cursor, _numbers = _walk_cursor(fetch, best, "papers")
    assert by_cursor == by_offset and len(by_cursor) == fetch(page=1).total > 6
    papers = [item.best.paper.pmid for item in paper_queue(session=session, per_page=500).items]
    assert len(set(papers)) == len(papers)  # no paper twice


def test_the_last_page_has_no_cursor_and_a_cursor_past_the_end_gives_an_empty_page(session):
    low = make_candidate(session, None, score=-5.0)
    make_candidate(session, None, score=5.0)
    session.commit()
    page = queue(session=session, per_page=2)
    assert page.next_after is None and len(page.items) == 2
    assert queue(session=session, per_page=1).next_after is not None
    past = Cursor("candidates", low.score, low.id or 0, 2)
    assert queue(session=session, per_page=1, after=past).items == []


def test_a_cursor_round_trips_and_a_malformed_or_altered_one_is_refused_naming_after():
    cursor = Cursor("papers", 0.1 + 0.2, 123456, 7)
    token = cursor.encode()
    assert Cursor.decode(token, "papers") == cursor
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    altered = raw.replace("|123456|", "|123457|")  # another row, same checksum
    forged = base64.urlsafe_b64encode(altered.encode()).decode().rstrip("=")
    for bad in ("abc", "", "%%%", forged, token[:-3], token + "xx", "A" * 500):
        with pytest.raises(InvalidDecision, match=r"^after: ") as refused:
            Cursor.decode(bad, "papers")
        assert refused.value.status == 400
    with pytest.raises(InvalidDecision, match=r"^after: .*candidates view"):
        Cursor.decode(token, "candidates")
    with pytest.raises(InvalidDecision, match=r"^--after: "):
        Cursor.decode("abc", "papers", name="--after")


def test_the_paper_view_with_therapy_and_date_filters_lists_the_candidate_queues_papers(session):
    """The probe for a paper's better candidate keeps the filters (written for the pmid index)."""
    from datetime import UTC, date, datetime

    rng = random.Random(5)
    for n in range(40):
        paper = make_paper(session)
        for gene in rng.sample(GENES, rng.randint(1, 3)):
            make_candidate(
                session, paper, gene, score=rng.choice(SCORES),
                therapy_class=rng.choice(("endocrine", "chemotherapy")),
                created_at=datetime(2026, 1, 1 + n % 20, tzinfo=UTC),
            )  # fmt: skip
    session.commit()
    filters = {"therapy_class": "endocrine", "since": date(2026, 1, 5), "until": date(2026, 1, 15)}
    flat = [i.candidate for i in queue(session=session, per_page=500, **filters).items]
    papers = paper_queue(session=session, per_page=500, **filters)
    assert [i.best.candidate.id for i in papers.items] == [
        next(c.id for c in flat if c.pmid == pmid) for pmid in dict.fromkeys(c.pmid for c in flat)
    ]
    assert 0 < papers.total < 40
