"""The records the fake serves: built in code, read from PubMed XML, and rendered for EFetch."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape

from lxml import etree

__all__ = [
    "FakeRecord",
    "article_set",
    "make_record",
    "records_from_xml",
    "synthetic_records",
]

_EFETCH_HEAD = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)


@dataclass
class FakeRecord:
    """One PubMed record the fake can find and serve.

    ``xml`` is one ``<PubmedArticle>`` (or ``<PubmedBookArticle>``) element;
    ``text`` is what [All Fields] searches (title, abstract, MeSH, keywords).
    ``fields`` optionally splits that text by field (keys ``title``, ``abstract``,
    ``mesh``, ``keywords``) so [ti]/[tiab]/[mh]/[ot] can differ; without it every
    field tag searches ``text``. ``article_ids`` are DOIs, PMC IDs and the like,
    for [aid] and [pmcid].
    """

    pmid: int
    crdt: date
    xml: bytes
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    article_ids: tuple[str, ...] = ()


def article_set(records: Iterable[FakeRecord]) -> bytes:
    """An EFetch body: the records' XML, in the given order, as one ``PubmedArticleSet``."""
    return (
        _EFETCH_HEAD.encode()
        + b"<PubmedArticleSet>\n"
        + b"".join(rec.xml + b"\n" for rec in records)
        + b"</PubmedArticleSet>\n"
    )


# --------------------------------------------------------------------------- built in code

_PUBLICATION_TYPE_UI = {
    "Journal Article": "D016428",
    "Review": "D016454",
    "Retracted Publication": "D016441",
    "Retraction of Publication": "D016440",
    "Preprint": "D000076942",
}


def _date_xml(tag: str, day: date, attrs: str = "", time_of_day: bool = False) -> str:
    hm = "<Hour>6</Hour><Minute>0</Minute>" if time_of_day else ""
    return (
        f"<{tag}{attrs}><Year>{day.year}</Year><Month>{day.month:02d}</Month>"
        f"<Day>{day.day:02d}</Day>{hm}</{tag}>"
    )


def _mesh_xml(mesh: Sequence[str]) -> str:
    if not mesh:
        return ""
    return (
        "<MeshHeadingList>"
        + "".join(
            f'<MeshHeading><DescriptorName UI="D000000" MajorTopicYN="N">{escape(m)}'
            "</DescriptorName></MeshHeading>"
            for m in mesh
        )
        + "</MeshHeadingList>"
    )


def _keywords_xml(keywords: Sequence[str]) -> str:
    if not keywords:
        return ""
    return (
        '<KeywordList Owner="NOTNLM">'
        + "".join(f'<Keyword MajorTopicYN="N">{escape(k)}</Keyword>' for k in keywords)
        + "</KeywordList>"
    )


def _ids_xml(pmid: int, doi: str | None, pmcid: str | None) -> tuple[str, str]:
    """The ``ArticleIdList`` content and the DOI ``ELocationID`` (empty without a DOI)."""
    ids_xml = f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
    elocation = ""
    if doi:
        ids_xml += f'<ArticleId IdType="doi">{escape(doi)}</ArticleId>'
        elocation = f'<ELocationID EIdType="doi" ValidYN="Y">{escape(doi)}</ELocationID>'
    if pmcid:
        ids_xml += f'<ArticleId IdType="pmc">{escape(pmcid)}</ArticleId>'
    return ids_xml, elocation


def _article_xml(
    pmid: int,
    crdt: date,
    *,
    title: str,
    abstract: str,
    mesh: Sequence[str],
    keywords: Sequence[str],
    doi: str | None,
    pmcid: str | None,
    journal: str,
    publication_types: Sequence[str],
) -> str:
    e = escape
    abstract_xml = (
        f"<Abstract><AbstractText>{e(abstract)}</AbstractText></Abstract>" if abstract else ""
    )
    types_xml = "".join(
        f'<PublicationType UI="{_PUBLICATION_TYPE_UI.get(t, "D000000")}">{e(t)}</PublicationType>'
        for t in publication_types
    )
    ids_xml, elocation = _ids_xml(pmid, doi, pmcid)
    article_date = _date_xml("ArticleDate", crdt, attrs=' DateType="Electronic"')
    entrez = _date_xml("PubMedPubDate", crdt, attrs=' PubStatus="entrez"', time_of_day=True)
    pubmed = _date_xml("PubMedPubDate", crdt, attrs=' PubStatus="pubmed"', time_of_day=True)
    return (
        f'<PubmedArticle><MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID>'
        f'<Article PubModel="Electronic"><Journal><JournalIssue CitedMedium="Internet">'
        f"<PubDate><Year>{crdt.year}</Year><Month>{crdt.month:02d}</Month>"
        f"<Day>{crdt.day:02d}</Day></PubDate></JournalIssue><Title>{e(journal)}</Title>"
        f"</Journal><ArticleTitle>{e(title)}</ArticleTitle>{elocation}{abstract_xml}"
        f'<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Placeholder</LastName>'
        f"<ForeName>Pat</ForeName><Initials>P</Initials></Author></AuthorList>"
        f"<Language>eng</Language><PublicationTypeList>{types_xml}</PublicationTypeList>"
        f"{article_date}"
        f"</Article><MedlineJournalInfo><Country>United States</Country>"
        f"<MedlineTA>{e(journal)}</MedlineTA><NlmUniqueID>0000000</NlmUniqueID>"
        f"</MedlineJournalInfo>{_mesh_xml(mesh)}{_keywords_xml(keywords)}</MedlineCitation>"
        f"<PubmedData><History>"
        f"{entrez}{pubmed}"
        f"</History><PublicationStatus>epublish</PublicationStatus>"
        f"<ArticleIdList>{ids_xml}</ArticleIdList></PubmedData></PubmedArticle>"
    )


def make_record(
    pmid: int,
    *,
    crdt: date,
    title: str,
    abstract: str = "",
    mesh: Sequence[str] = (),
    keywords: Sequence[str] = (),
    doi: str | None = None,
    pmcid: str | None = None,
    journal: str = "Journal of Placeholder Oncology",
    publication_types: Sequence[str] = ("Journal Article",),
) -> FakeRecord:
    """Build a small, DTD-shaped ``PubmedArticle`` and its :class:`FakeRecord`.

    For tests that need a record with particular words, dates or identifiers
    without hand-writing XML. All text is escaped; markup is not supported
    (write the XML and use :func:`records_from_xml` for that).
    """
    xml = _article_xml(
        pmid,
        crdt,
        title=title,
        abstract=abstract,
        mesh=mesh,
        keywords=keywords,
        doi=doi,
        pmcid=pmcid,
        journal=journal,
        publication_types=publication_types,
    )
    fields = {
        "title": title,
        "abstract": abstract,
        "mesh": " ; ".join(mesh),
        "keywords": " ; ".join(keywords),
    }
    ids = tuple(i for i in (doi, pmcid) if i)
    return FakeRecord(
        pmid=pmid,
        crdt=crdt,
        xml=xml.encode("utf-8"),
        text=_join_text(fields),
        fields=fields,
        article_ids=ids,
    )


def synthetic_records(
    n: int, *, start_pmid: int, first_crdt: date, per_day: int, text: str
) -> list[FakeRecord]:
    """``n`` cheap records, PMIDs ascending from ``start_pmid``, ``per_day`` per create date.

    Every record's title is ``text``, so one phrase finds them all: enough to
    push a query past the 9,999 cap and test window splitting.
    """
    if per_day < 1:
        raise ValueError("per_day must be at least 1")
    return [
        make_record(
            start_pmid + i,
            crdt=first_crdt + timedelta(days=i // per_day),
            title=text,
        )
        for i in range(n)
    ]


def _join_text(fields: dict[str, str]) -> str:
    return "\n".join(v for k in ("title", "abstract", "mesh", "keywords") if (v := fields.get(k)))


# --------------------------------------------------------------------------- read from XML


def _itertext(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _history_date(el: etree._Element, status: str) -> date | None:
    for container in ("PubmedData/History", "PubmedBookData/History"):
        for pub in el.iterfind(f"{container}/PubMedPubDate"):
            if pub.get("PubStatus") == status:
                try:
                    return date(
                        int(pub.findtext("Year") or ""),
                        int(pub.findtext("Month") or ""),
                        int(pub.findtext("Day") or ""),
                    )
                except ValueError:
                    return None
    return None


def records_from_xml(data: bytes, *, default_crdt: date | None = None) -> list[FakeRecord]:
    """Split a ``PubmedArticleSet`` (plain or gzipped bytes) into :class:`FakeRecord` objects.

    Uses lxml directly, independent of evidencewatch's own parser, so a parser
    bug cannot hide itself in the fake. The create date is the History
    ``PubStatus="entrez"`` date (falling back to ``"pubmed"``, then
    ``default_crdt``); a record with none of them is a ``ValueError``.
    """
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(data, parser)
    if root.tag in ("PubmedArticle", "PubmedBookArticle"):
        elements = [root]
    else:
        elements = [el for el in root if el.tag in ("PubmedArticle", "PubmedBookArticle")]
    return [_record_from_element(el, default_crdt) for el in elements]


def _record_from_element(el: etree._Element, default_crdt: date | None) -> FakeRecord:
    pmid_text = el.findtext("MedlineCitation/PMID") or el.findtext("BookDocument/PMID")
    if not pmid_text or not pmid_text.strip().isdigit():
        raise ValueError(f"a <{el.tag!s}> has no numeric PMID")
    pmid = int(pmid_text)
    crdt = _history_date(el, "entrez") or _history_date(el, "pubmed") or default_crdt
    if crdt is None:
        raise ValueError(f"PMID {pmid}: no entrez or pubmed date in History")
    fields = _element_fields(el)
    return FakeRecord(
        pmid=pmid,
        crdt=crdt,
        xml=etree.tostring(el, encoding="UTF-8", xml_declaration=False, with_tail=False),
        text=_join_text(fields),
        fields=fields,
        article_ids=_element_ids(el),
    )


def _element_fields(el: etree._Element) -> dict[str, str]:
    """Title, abstract, MeSH and keywords as [ti], [ab], [mh] and [ot] search them."""
    title = (
        _itertext(el.find("MedlineCitation/Article/ArticleTitle"))
        or _itertext(el.find("BookDocument/ArticleTitle"))
        or _itertext(el.find("BookDocument/Book/BookTitle"))
    )
    abstract = " ".join(
        _itertext(a)
        for a in [
            *el.iterfind("MedlineCitation/Article/Abstract/AbstractText"),
            *el.iterfind("BookDocument/Abstract/AbstractText"),
        ]
    )
    mesh = " ; ".join(
        _itertext(d)
        for d in el.iterfind("MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName")
    )
    keywords = " ; ".join(
        _itertext(k)
        for k in [
            *el.iterfind("MedlineCitation/KeywordList/Keyword"),
            *el.iterfind("BookDocument/KeywordList/Keyword"),
        ]
    )
    return {"title": title, "abstract": abstract, "mesh": mesh, "keywords": keywords}


def _element_ids(el: etree._Element) -> tuple[str, ...]:
    """DOIs, PMC IDs and the like of the record itself, never of its reference list."""
    ids: list[str] = []
    for path in (
        "PubmedData/ArticleIdList/ArticleId",
        "PubmedBookData/ArticleIdList/ArticleId",
        "BookDocument/ArticleIdList/ArticleId",
        "MedlineCitation/Article/ELocationID",
    ):
        for a in el.iterfind(path):
            if a.tag == "ELocationID" and a.get("EIdType") != "doi":
                continue
            if a.get("IdType") == "pubmed":
                continue
            value = (a.text or "").strip()
            if value and value not in ids:
                ids.append(value)
    return tuple(ids)
