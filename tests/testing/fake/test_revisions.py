"""Revising a record the fake serves: the new revision is what EFetch returns from then on,
with the element shapes of real records (CommentsCorrections, DateRevised, the type)."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from lxml import etree

from evidencewatch.testing.fake import revisions
from evidencewatch.testing.fake_eutils import FakeEutils, make_record


@pytest.fixture
def fake():
    with FakeEutils(
        [make_record(7, crdt=date(2026, 11, 2), title="ESR1 study", mesh=["Humans"])]
    ) as server:
        yield server


def served(fake: FakeEutils) -> etree._Element:
    body = requests.get(
        fake.base_url + "efetch.fcgi", params={"db": "pubmed", "id": "7"}, timeout=10
    )
    [article] = etree.fromstring(body.content).findall("PubmedArticle")
    return article


def test_a_revision_is_served_from_then_on_in_the_dtds_order(fake: FakeEutils):
    revisions.revise(
        fake,
        7,
        date_revised=date(2026, 12, 1),
        notices=[
            revisions.retraction(99, date(2026, 11, 28)),
            revisions.erratum(None, date(2026, 11, 3)),
        ],
        retracted=True,
    )
    citation = served(fake).find("MedlineCitation")
    tags = [child.tag for child in citation]
    assert tags.index("PMID") < tags.index("DateRevised") < tags.index("Article")
    assert tags.index("CommentsCorrectionsList") < tags.index("MeshHeadingList")
    assert [citation.findtext(f"DateRevised/{t}") for t in ("Year", "Month", "Day")] == [
        "2026",
        "12",
        "01",
    ]
    links = citation.findall("CommentsCorrectionsList/CommentsCorrections")
    assert [(c.get("RefType"), c.findtext("PMID")) for c in links] == [
        ("RetractionIn", "99"),
        ("ErratumIn", None),
    ]
    assert links[0].find("PMID").get("Version") == "1"
    assert links[0].findtext("RefSource") == "Fict Cancer Lett. 2026 Nov 28:e1."
    types = [t.text for t in citation.iterfind("Article/PublicationTypeList/PublicationType")]
    assert types == ["Journal Article", "Retracted Publication"]


def test_a_second_revision_moves_date_revised_on_and_keeps_earlier_notices(fake: FakeEutils):
    revisions.revise(
        fake, 7, date_revised=date(2026, 12, 1), notices=[revisions.concern(98, date(2026, 11, 30))]
    )
    revisions.revise(
        fake, 7, date_revised=date(2026, 12, 9), notices=[revisions.update(97, date(2026, 12, 8))]
    )
    citation = served(fake).find("MedlineCitation")
    assert len(citation.findall("DateRevised")) == 1
    assert citation.findtext("DateRevised/Day") == "09"
    assert [c.get("RefType") for c in citation.iterfind("CommentsCorrectionsList/*")] == [
        "ExpressionOfConcernIn",
        "UpdateIn",
    ]


def test_revising_a_pmid_the_fake_does_not_hold_is_a_key_error(fake: FakeEutils):
    with pytest.raises(KeyError):
        revisions.revise(fake, 8, date_revised=date(2026, 12, 1))
