"""Full-text search over candidates (evidencewatch.review.search), on SQLite FTS5 and
PostgreSQL tsvector: what is searched, ranking, filters, upkeep by triggers, safe parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.review import search, votes
from evidencewatch.storage.models import AuditEvent, Candidate, Paper
from factories import make_candidate, make_paper


def ids(session, text, **kw):
    return search.search_ids(session=session, text=text, **kw)


def test_search_finds_words_in_title_abstract_snippets_statement_and_note(session):
    title = make_candidate(session, make_paper(session, title="Palbociclib failure in ER+ disease"))
    abstract = make_candidate(
        session, make_paper(session, abstract="Organoids grew despite alpelisib exposure.")
    )
    snippet = make_candidate(
        session, None, snippets=[{"text": "Capivasertib was stopped early.", "section": "x"}]
    )
    statement = make_candidate(session, None, statement="Entinostat restored sensitivity.")
    note = make_candidate(session, None, note="ask Maria about the xenograft cohort")
    make_candidate(session, None)  # matches none of the words below
    session.commit()
    assert ids(session, "palbociclib") == [title.id]
    assert ids(session, "ALPELISIB") == [abstract.id]
    assert ids(session, "capivasertib") == [snippet.id]
    assert ids(session, "entinostat") == [statement.id]
    assert ids(session, "xenograft maria") == [note.id]


def test_every_word_must_match_and_a_quoted_phrase_must_match_in_order(session):
    both = make_candidate(session, make_paper(session, title="Fulvestrant resistance in PDX"))
    one = make_candidate(session, make_paper(session, title="Fulvestrant dosing schedules"))
    make_candidate(session, make_paper(session, title="Resistance fulvestrant order swapped"))
    session.commit()
    assert ids(session, "fulvestrant PDX") == [both.id]
    assert set(ids(session, "fulvestrant")) >= {both.id, one.id}
    assert ids(session, '"fulvestrant resistance"') == [both.id]


def test_a_title_hit_ranks_above_an_abstract_hit_and_ties_keep_the_queue_order(session):
    in_abstract = make_candidate(
        session, make_paper(session, abstract="We also tried everolimus once."), score=90
    )
    in_title = make_candidate(session, make_paper(session, title="Everolimus and ESR1"), score=1)
    low = make_candidate(session, make_paper(session, title="Ribociclib study A"), score=2)
    high = make_candidate(session, make_paper(session, title="Ribociclib study B"), score=8)
    session.commit()
    assert ids(session, "everolimus") == [in_title.id, in_abstract.id]
    assert ids(session, "ribociclib study") == [high.id, low.id]


def test_search_applies_status_gene_and_therapy_filters(session):
    paper = make_paper(session, title="Trastuzumab emtansine resistance")
    esr1 = make_candidate(session, paper, "ESR1")
    erbb2 = make_candidate(session, paper, "ERBB2", status="accepted", therapy_class="her2")
    session.commit()
    assert set(ids(session, "emtansine")) == {esr1.id, erbb2.id}
    assert ids(session, "emtansine", status="pending") == [esr1.id]
    assert ids(session, "emtansine", gene="ERBB2") == [erbb2.id]
    assert ids(session, "emtansine", therapy_class="her2") == [erbb2.id]
    esr1.created_at = datetime(2026, 1, 5, 23, 59, tzinfo=UTC)
    session.add(esr1)
    session.commit()
    assert ids(session, "emtansine", until=date(2026, 1, 5)) == [esr1.id]
    assert ids(session, "emtansine", since=date(2026, 1, 6)) == [erbb2.id]
    with pytest.raises(InvalidDecision, match="status"):
        ids(session, "emtansine", status="bogus")


def test_the_index_follows_inserts_edits_paper_revisions_and_deletes(session):
    paper = make_paper(session, title="Initial title")
    cand = make_candidate(session, paper, statement="nothing yet")
    session.commit()
    assert ids(session, "tucatinib") == []

    cand.statement = "Tucatinib overcame resistance."
    session.add(cand)
    session.commit()
    assert ids(session, "tucatinib") == [cand.id]

    cand.score = 50.0  # rescoring leaves the document alone
    session.add(cand)
    session.commit()
    assert ids(session, "tucatinib") == [cand.id]

    paper.title = "Revised: neratinib after lapatinib"
    session.add(paper)
    session.commit()
    assert ids(session, "neratinib") == [cand.id]
    assert ids(session, "initial") == []

    for event in session.exec(select(AuditEvent).where(AuditEvent.candidate_id == cand.id)):
        session.delete(event)
    session.delete(cand)
    session.commit()
    assert ids(session, "tucatinib") == []


@pytest.mark.parametrize(
    "text",
    [
        'fulvestrant" OR 1=1 --',
        "NEAR(a b) AND NOT *",
        "col:title ^start",
        "'; DROP TABLE candidate; --",
        '"""',
        "a & b | !c <-> d",
        "(((",
        "\x00\n\t",
    ],
)
def test_hostile_text_is_searched_as_plain_words_never_as_syntax(session, text):
    make_candidate(session, make_paper(session, title="fulvestrant NOT responding"))
    session.commit()
    found = ids(session, text)  # must not raise
    assert isinstance(found, list)
    assert session.exec(select(Candidate)).first() is not None  # nothing was dropped
    assert session.exec(select(Paper)).first() is not None


def test_operators_are_words_so_or_narrows_instead_of_widening(session):
    a = make_candidate(session, make_paper(session, title="Abemaciclib data"))
    make_candidate(session, make_paper(session, title="Olaparib data"))
    session.commit()
    assert ids(session, "abemaciclib OR olaparib") == []
    assert ids(session, "abemaciclib") == [a.id]


def test_parse_query_keeps_words_and_phrases_and_caps_the_terms():
    assert search.parse_query('"ESR1 Y537S" fulvestrant').phrases == (
        ("ESR1", "Y537S"),
        ("fulvestrant",),
    )
    assert search.parse_query("PI3K/AKT*").phrases == (("PI3K",), ("AKT",))
    assert search.parse_query('  "" ** ').phrases == ()
    assert search.parse_query('x" y').fts5() == '"x" "y"'
    many = search.parse_query(" ".join(f"w{n}" for n in range(40)))
    assert len(many.phrases) == search.MAX_TERMS


def test_empty_or_punctuation_only_text_finds_nothing(session):
    make_candidate(session, None)
    session.commit()
    assert ids(session, "") == [] and ids(session, "  ?! ") == []


def test_search_page_pages_over_the_ranked_hits(session):
    made = [
        make_candidate(session, make_paper(session, title=f"Elacestrant cohort {n}"), score=n)
        for n in range(5)
    ]
    session.commit()
    first = search.search_page(session=session, text="elacestrant", per_page=2)
    assert first.total == 5 and first.pages == 3
    assert [i.candidate.id for i in first.items] == [made[4].id, made[3].id]
    last = search.search_page(session=session, text="elacestrant", per_page=2, page=3)
    assert [i.candidate.id for i in last.items] == [made[0].id]
    assert last.items[0].paper.title == "Elacestrant cohort 0"


def test_past_the_rank_limit_hits_come_in_queue_order_and_filters_still_apply(session, monkeypatch):
    # The same title-above-abstract pair as above, ranked while few match...
    in_abstract = make_candidate(
        session, make_paper(session, abstract="We also tried everolimus once."), score=90
    )
    in_title = make_candidate(session, make_paper(session, title="Everolimus and ESR1"), score=1)
    middle = make_candidate(session, make_paper(session, title="Everolimus revisited"), score=50)
    make_candidate(session, make_paper(session, title="Something else"), score=99)
    deferred = make_candidate(
        session, make_paper(session, title="Everolimus deferred"), score=70, status="deferred"
    )
    session.commit()
    assert ids(session, "everolimus", status="pending")[-1] == in_abstract.id
    # ...and best score first once more match than RANK_LIMIT (a word in nearly every record).
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    assert ids(session, "everolimus", status="pending") == [in_abstract.id, middle.id, in_title.id]
    assert ids(session, "everolimus") == [in_abstract.id, deferred.id, middle.id, in_title.id]
    assert ids(session, "everolimus", status="pending", limit=2) == [in_abstract.id, middle.id]
    assert ids(session, "everolimus", status="deferred") == [deferred.id]
    assert ids(session, "everolimus revisited", status="pending") == [middle.id]


def test_in_dual_review_a_standing_vote_is_never_found_until_both_have_voted(session):
    cand = make_candidate(session, make_paper(session, title="Alpelisib in PIK3CA disease"))
    other = make_candidate(session, make_paper(session, title="Unrelated tamoxifen cohort"))
    session.commit()
    votes.vote(session=session, candidate_id=cand.id, voter="bob", decision="accept",
               expected_version=1, edits={"statement": "Vepdegestrant restored response."},
               note="ask Quimby about the organoids")  # fmt: skip
    votes.vote(session=session, candidate_id=other.id, voter="bob", decision="reject",
               expected_version=1, reason="duplicate", note="Quimby saw this twice")  # fmt: skip
    session.commit()
    # Alice searches for the words of Bob's note and statement: nothing, nor any hint.
    for words in ("quimby", "vepdegestrant", "organoids", "twice"):
        assert ids(session, words) == []
        assert search.search_page(session=session, text=words).total == 0
    assert ids(session, "alpelisib") == [cand.id]  # the candidate itself stays findable
    same = {"statement": "Vepdegestrant restored response."}
    votes.vote(session=session, candidate_id=cand.id, voter="alice", decision="accept",
               expected_version=1, edits=same)  # fmt: skip
    session.commit()
    # Both have voted and agreed: the decision's statement and joint note are searchable.
    assert ids(session, "vepdegestrant") == [cand.id]
    assert ids(session, "quimby organoids") == [cand.id]
    assert ids(session, "twice") == []  # the other candidate still waits for a second vote
