"""Contradictions: which candidates oppose a seed finding or earlier accepted evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from evidencewatch.review.contradictions import citation_link, find_contradictions, opposition
from evidencewatch.storage.models import Candidate, SeedFindingRow
from factories import make_candidate, make_paper

IN_PERIOD = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
BOTH_GENES, EARLIER, OPPOSED, NEW_PENDING = 91_000_001, 91_000_004, 91_000_005, 91_000_006


def _accepted(session: Session, pmid: int, title: str, at: datetime, **kw) -> Candidate:
    values = {
        "therapy_class": "chemotherapy",
        "direction": "up",
        "effect": "resistance",
        "statement": "SLC7A5 high in non-responders.",
        "decided_by": "alice",
        "decided_at": at,
    }
    values.update(kw)
    return make_candidate(
        session, make_paper(session, pmid, title), "SLC7A5", status="accepted", **values
    )


@pytest.fixture
def known(session: Session) -> Session:
    """Two seed findings; SLC7A5 evidence taking both sides; a pending NEIL1 candidate."""
    session.add(
        SeedFindingRow(
            id="slc7a5-high",
            genes=["SLC7A5"],
            direction="up",
            effect="resistance",
            therapy_class="chemotherapy",
            claim="High SLC7A5 separates non-responders to anthracycline-taxane therapy.",
            citations=[{"label": "[^1]", "pmid": 38256136}],
        )
    )
    session.add(
        SeedFindingRow(
            id="neil1-eme2-radio",
            genes=["NEIL1", "EME2"],
            direction="up",
            effect="no_association",
            therapy_class="radiotherapy",
            claim="NEIL1 and EME2 levels did not track outcome after radiotherapy.",
            citations=[
                {
                    "label": "[^8]",
                    "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/",
                    "pmcid": "PMC7851527",
                    "pmid": None,
                }
            ],
        )
    )
    _accepted(session, BOTH_GENES, "SLC7A5 and RELA in HER2+ tumours", IN_PERIOD)
    _accepted(session, EARLIER, "Earlier SLC7A5 work", datetime(2026, 10, 1, 9, tzinfo=UTC))
    _accepted(
        session,
        OPPOSED,
        "Low SLC7A5 and chemoresistance",
        IN_PERIOD + timedelta(days=2),
        direction="down",
        statement="Loss of SLC7A5 went with chemoresistance.",
    )
    make_candidate(
        session,
        make_paper(session, NEW_PENDING, "NEIL1 and radioresistance"),
        "NEIL1",
        therapy_class="radiotherapy",
        direction="up",
        effect="resistance",
        created_at=IN_PERIOD,
    )
    session.commit()
    return session


def test_find_contradictions_works_on_candidate_rows(known: Session):
    pending = known.exec(select(Candidate).where(Candidate.pmid == NEW_PENDING)).one()
    agreeing = known.exec(select(Candidate).where(Candidate.pmid == EARLIER)).one()
    found = find_contradictions(session=known, candidates=[pending, agreeing])
    assert [(c.subject.candidate_id, c.opposing.seed_id) for c in found] == [
        (pending.id, "neil1-eme2-radio")
    ]
    assert found[0].subject.title == "NEIL1 and radioresistance"
    assert found[0].opposing.citations[0].url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/"


def test_an_accepted_pair_that_disagrees_is_reported_once_on_the_later_side(known: Session):
    accepted = known.exec(
        select(Candidate).where(Candidate.status == "accepted", Candidate.gene == "SLC7A5")
    ).all()
    found = [
        c for c in find_contradictions(session=known, candidates=accepted) if c.basis == "accepted"
    ]
    assert [(c.subject.pmid, c.opposing.pmid) for c in found] == [(OPPOSED, EARLIER)]


@pytest.mark.parametrize(
    ("mine", "theirs", "kind"),
    [
        (("up", "resistance"), ("down", "resistance"), "opposite direction"),
        (("down", "sensitivity"), ("up", "sensitivity"), "opposite direction"),
        (("up", "resistance"), ("up", "sensitivity"), "opposite effect"),
        (("up", "resistance"), ("up", "no_association"), "effect vs no association"),
        (("up", "sensitivity"), ("none", "no_association"), "effect vs no association"),
        (("up", "resistance"), ("down", "sensitivity"), None),  # the same claim, put two ways
        (("up", "resistance"), ("up", "resistance"), None),
        (("mixed", "resistance"), ("up", "resistance"), None),
        (("up", "prognosis"), ("down", "prognosis"), None),
        (("up", "resistance"), ("down", "no_association"), None),
        ((None, "resistance"), ("up", "resistance"), None),
    ],
)
def test_opposition_rules(mine, theirs, kind):
    assert opposition(*mine, *theirs) == kind
    assert opposition(*theirs, *mine) == kind


@pytest.mark.parametrize(
    ("citation", "text", "url"),
    [
        (
            {"pmid": 38256136, "pmcid": "PMC1", "url": "https://x.org"},
            "PMID 38256136",
            "https://pubmed.ncbi.nlm.nih.gov/38256136/",
        ),
        (
            {"pmcid": "PMC4770917", "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/"},
            "PMC4770917",
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/",
        ),
        (
            {"doi": "10.3389/fonc.2025.1439516"},
            "doi:10.3389/fonc.2025.1439516",
            "https://doi.org/10.3389/fonc.2025.1439516",
        ),
        (
            {"bookshelf_id": "NBK583808"},
            "NBK583808",
            "https://www.ncbi.nlm.nih.gov/books/NBK583808/",
        ),
        (
            {"url": "https://jamanetwork.com/journals/jama/fullarticle/899864"},
            "jamanetwork.com",
            "https://jamanetwork.com/journals/jama/fullarticle/899864",
        ),
        ({"url": "javascript:alert(1)"}, "javascript:alert(1)", None),
    ],
)
def test_citation_links_prefer_pubmed_and_never_invent_a_pmid(citation, text, url):
    link = citation_link({"label": "[^1]", **citation})
    assert (link.text, link.url) == (text, url)


def test_a_pending_candidate_is_checked_against_all_accepted_evidence(known: Session):
    pending = make_candidate(
        known,
        make_paper(known, 91_000_050, "SLC7A5 loss, again"),
        "SLC7A5",
        therapy_class="chemotherapy",
        direction="down",
        effect="resistance",
    )
    known.commit()
    found = find_contradictions(session=known, candidates=[pending])
    assert [(c.basis, c.opposing.seed_id or c.opposing.pmid, c.similar) for c in found] == [
        ("seed", "slc7a5-high", 0),
        ("accepted", EARLIER, 1),  # the earliest of the two "up" papers, and one more
    ]
    assert found[1].opposing.title == "Earlier SLC7A5 work"
    assert found[1].opposing.stance == "up → resistance"


def test_candidates_without_a_full_stance_are_never_contradictions(known: Session):
    vague = make_candidate(
        known, make_paper(known, 91_000_051, "SLC7A5, vaguely"), "SLC7A5", therapy_class=None
    )
    known.commit()
    assert find_contradictions(session=known, candidates=[vague]) == []
