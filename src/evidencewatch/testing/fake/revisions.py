"""Revising a record the fake serves, as NLM revises one: notices and a newer DateRevised.

When a paper is retracted, corrected or updated, NLM adds a ``CommentsCorrections``
link to the notice (``RetractionIn``, ``ErratumIn``, ``ExpressionOfConcernIn``,
``UpdateIn``), for a retraction the publication type "Retracted Publication", and
moves ``DateRevised`` on. :func:`revise` does that to one record of a running
:class:`~evidencewatch.testing.fake.server.FakeEutils`; every EFetch from then on
serves the new revision. The element shapes follow real PubMed records (PMID
32887691's UpdateIn and ErratumIn, the 2019 sample file's RetractionIn):

    <CommentsCorrections RefType="RetractionIn">
      <RefSource>BMJ. 2020 Nov 19;371:m4475.</RefSource><PMID Version="1">33214213</PMID>
    </CommentsCorrections>
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from evidencewatch.testing.fake.records import FakeRecord
    from evidencewatch.testing.fake.server import FakeEutils

__all__ = ["Notice", "concern", "erratum", "retraction", "revise", "revised_record", "update"]

# MedlineCitation children that come after CommentsCorrectionsList in the DTD.
_AFTER_COMMENTS = (
    "GeneSymbolList",
    "MeshHeadingList",
    "NumberOfReferences",
    "PersonalNameSubjectList",
    "OtherID",
    "OtherAbstract",
    "KeywordList",
    "CoiStatement",
    "SpaceFlightMission",
    "InvestigatorList",
    "GeneralNote",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Notice:
    """One ``CommentsCorrections`` link to add; ``pmid`` None writes none (older errata)."""

    ref_type: str
    on: date
    pmid: int | None = None
    journal: str = "Fict Cancer Lett"

    @property
    def ref_source(self) -> str:
        return f"{self.journal}. {self.on.year} {_MONTHS[self.on.month - 1]} {self.on.day}:e1."


def retraction(pmid: int | None, on: date) -> Notice:
    return Notice("RetractionIn", on, pmid)


def concern(pmid: int | None, on: date) -> Notice:
    return Notice("ExpressionOfConcernIn", on, pmid)


def erratum(pmid: int | None, on: date) -> Notice:
    return Notice("ErratumIn", on, pmid)


def update(pmid: int | None, on: date) -> Notice:
    return Notice("UpdateIn", on, pmid)


def revise(
    fake: FakeEutils,
    pmid: int,
    *,
    date_revised: date,
    notices: Sequence[Notice] = (),
    retracted: bool = False,
) -> FakeRecord:
    """Serve a new revision of ``pmid`` from now on: ``notices`` added, DateRevised moved on.

    ``retracted`` also adds the publication type "Retracted Publication".
    Raises KeyError when the fake holds no record ``pmid``.
    """
    new = revised_record(
        fake.records[pmid], date_revised=date_revised, notices=notices, retracted=retracted
    )
    fake.add_records([new])
    return new


def revised_record(
    record: FakeRecord,
    *,
    date_revised: date,
    notices: Sequence[Notice] = (),
    retracted: bool = False,
) -> FakeRecord:
    """``record`` with ``notices``, a "Retracted Publication" type if asked, and DateRevised."""
    root = etree.fromstring(record.xml)
    citation = root.find("MedlineCitation")
    if citation is None:
        raise ValueError(f"PMID {record.pmid}: only a PubmedArticle can be revised")
    _set_date_revised(citation, date_revised)
    if notices:
        _add_comments(citation, notices)
    if retracted:
        _add_publication_type(citation, "Retracted Publication", "D016441")
    xml = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return replace(record, xml=xml)


def _set_date_revised(citation: etree._Element, day: date) -> None:
    old = citation.find("DateRevised")
    if old is not None:
        citation.remove(old)
    el = etree.Element("DateRevised")
    for tag, value in (
        ("Year", f"{day.year}"),
        ("Month", f"{day.month:02d}"),
        ("Day", f"{day.day:02d}"),
    ):
        etree.SubElement(el, tag).text = value
    # PMID, DateCompleted?, DateRevised?, Article: after the PMID and any DateCompleted.
    anchor = citation.find("DateCompleted")
    if anchor is None:
        anchor = citation.find("PMID")
    index = list(citation).index(anchor) + 1 if anchor is not None else 0
    citation.insert(index, el)


def _add_comments(citation: etree._Element, notices: Sequence[Notice]) -> None:
    holder = citation.find("CommentsCorrectionsList")
    if holder is None:
        holder = etree.Element("CommentsCorrectionsList")
        later = [i for i, child in enumerate(citation) if child.tag in _AFTER_COMMENTS]
        citation.insert(later[0] if later else len(citation), holder)
    for notice in notices:
        link = etree.SubElement(holder, "CommentsCorrections", RefType=notice.ref_type)
        etree.SubElement(link, "RefSource").text = notice.ref_source
        if notice.pmid is not None:
            etree.SubElement(link, "PMID", Version="1").text = str(notice.pmid)


def _add_publication_type(citation: etree._Element, name: str, ui: str) -> None:
    types = citation.find("Article/PublicationTypeList")
    if types is None:
        raise ValueError("the record has no PublicationTypeList")
    if not any(t.text == name for t in types):
        etree.SubElement(types, "PublicationType", UI=ui).text = name
