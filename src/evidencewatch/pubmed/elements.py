"""Reading the pieces every PubMed record type shares: PMIDs, text, dates, people, links.

Pure functions over lxml elements, used by :mod:`evidencewatch.pubmed.articles`.
Each walks an element's children directly and compares tags instead of calling
``find()``/``xpath()``: on a baseline file that is several times faster, and
the walk is what decides the parser's speed once lxml has built the record.
A record these cannot read raises :class:`Malformed` (a ``ValueError``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TypeAlias

from lxml import etree

from evidencewatch.pubmed.records import AbstractSection, Author, CommentCorrection, PubDate

Element: TypeAlias = etree._Element

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])")
_PMCID = re.compile(r"(?:PMC)?(\d+)(?:\.\d+)?", re.IGNORECASE)
_YEAR = re.compile(r"\b(\d{4})\b")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
NO_DATE = PubDate()
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# "Cites" entries mirror the reference list: they are not links about the article itself.
_SKIPPED_REF_TYPES = frozenset({"Cites"})


class Malformed(ValueError):
    """A record breaks the PubMed DTD in a way that stops it being read."""


def read_pmid(pmid_el: Element | None, parent: Element) -> tuple[int, int]:
    """The record's own PMID and version, from the first ``PMID`` child of its citation."""
    if pmid_el is None:
        raise Malformed(f"{parent.tag!s} has no PMID")
    pmid = read_int(pmid_el.text, "PMID")
    if pmid <= 0:
        raise Malformed(f"PMID is {pmid_el.text!r}, not a positive number")
    version_text = pmid_el.get("Version")
    version = read_int(version_text, f"PMID {pmid} Version") if version_text else 1
    return pmid, version


def read_abstract(abstract_el: Element | None) -> tuple[AbstractSection, ...]:
    if abstract_el is None:
        return ()
    sections = []
    for part in abstract_el.iterchildren("AbstractText"):
        text, markup = text_and_markup(part)
        if text:
            sections.append(
                AbstractSection(
                    text, part.get("Label") or None, part.get("NlmCategory") or None, markup
                )
            )
    return tuple(sections)


def read_authors(author_list: Element | None) -> tuple[Author, ...]:
    if author_list is None:
        return ()
    authors = []
    for person in author_list.iterchildren("Author"):
        if person.get("ValidYN") == "N":  # a name NLM marked as wrong, kept for history
            continue
        last = fore = initials = collective = orcid = None
        affiliations: list[str] = []
        for child in person:
            tag = child.tag
            if tag == "LastName":
                last = text_of(child) or None
            elif tag == "ForeName" or tag == "FirstName":
                fore = text_of(child) or None
            elif tag == "Initials":
                initials = text_of(child) or None
            elif tag == "AffiliationInfo":
                for affiliation in child.iterchildren("Affiliation"):
                    append_text(affiliations, affiliation)
            elif tag == "Identifier":
                if orcid is None and child.get("Source") == "ORCID":
                    orcid = _orcid(child.text)
            elif tag == "CollectiveName":
                collective = text_of(child) or None
            elif tag == "Affiliation":  # 2014 DTD
                append_text(affiliations, child)
        if last or fore or collective:
            authors.append(Author(last, fore, initials, collective, orcid, tuple(affiliations)))
    return tuple(authors)


def with_affiliation(author: Author, affiliation: str) -> Author:
    return Author(
        last_name=author.last_name,
        fore_name=author.fore_name,
        initials=author.initials,
        collective_name=author.collective_name,
        orcid=author.orcid,
        affiliations=(affiliation,),
    )


def read_comments(comments_list: Element) -> Iterator[CommentCorrection]:
    for link in comments_list.iterchildren("CommentsCorrections"):
        ref_type = link.get("RefType") or ""
        if ref_type in _SKIPPED_REF_TYPES:
            continue
        pmid_el = first_child(link, "PMID")
        pmid_text = (pmid_el.text or "").strip() if pmid_el is not None else ""
        yield CommentCorrection(
            ref_type=ref_type,
            ref_source=text_of(first_child(link, "RefSource")),
            pmid=int(pmid_text) if pmid_text.isascii() and pmid_text.isdigit() else None,
        )


def read_article_ids(id_list: Element, ids: dict[str, str]) -> None:
    """Add ``IdType -> value`` from an ``ArticleIdList``, keeping the first of each type."""
    for article_id in id_list.iterchildren("ArticleId"):
        id_type = article_id.get("IdType")
        value = (article_id.text or "").strip()
        if id_type and value and id_type not in ids:
            ids[id_type] = value


def read_elocation_doi(el: Element) -> str | None:
    if el.get("EIdType") != "doi" or el.get("ValidYN") == "N":
        return None
    return clean_doi(el.text)


def clean_doi(value: str | None) -> str | None:
    if not value:
        return None
    doi = value.strip()
    if doi[:4].lower() in ("http", "doi:"):
        doi = _DOI_PREFIX.sub("", doi)
    return doi or None


def clean_pmcid(value: str | None) -> str | None:
    """``PMC1234567``; PubMed also writes it bare (``1234567``) or versioned (``PMC1234567.1``)."""
    if not value:
        return None
    match = _PMCID.fullmatch(value.strip())
    return f"PMC{match.group(1)}" if match else None


def read_other_pmcid(el: Element) -> str | None:
    if el.get("Source") != "NLM":
        return None
    text = (el.text or "").strip()
    return clean_pmcid(text.split()[0]) if text.startswith("PMC") else None


def _orcid(value: str | None) -> str | None:
    text = (value or "").strip()
    match = _ORCID.search(text)
    if match:
        return "-".join(match.groups()).upper()
    return text or None


def read_history(history_el: Element) -> dict[str, date]:
    """``PubStatus -> date``; a status whose date cannot be read is left out."""
    history: dict[str, date] = {}
    for stamp in history_el.iterchildren("PubMedPubDate"):
        status = stamp.get("PubStatus")
        if not status or status in history:
            continue
        try:
            history[status] = read_full_date(stamp, "PubMedPubDate")
        except ValueError:
            continue
    return history


def read_full_date(el: Element, what: str) -> date:
    """A date whose Year, Month and Day are all required (ArticleDate, PubMedPubDate)."""
    year = month = day = None
    for child in el.iterchildren("Year", "Month", "Day"):
        tag = child.tag
        if tag == "Year":
            year = child.text
        elif tag == "Month":
            month = child.text
        else:
            day = child.text
    if year is None or month is None or day is None:
        raise Malformed(f"{what} lacks Year, Month or Day")
    return _calendar_date(read_int(year, what), _month(month, what), read_int(day, what), what)


def read_pub_date(el: Element | None) -> PubDate:
    """``PubDate``: Year with Month (name or number) and Day, or Season, or MedlineDate."""
    if el is None:
        return NO_DATE
    year = month = day = None
    season = medline_date = None
    for child in el:
        tag = child.tag
        if tag == "Year":
            year = read_int(child.text, "PubDate Year")
        elif tag == "Month":
            month = _month(child.text, "PubDate")
        elif tag == "Day":
            day = read_int(child.text, "PubDate Day")
        elif tag == "Season":
            season = text_of(child) or None
        elif tag == "MedlineDate":
            medline_date = text_of(child) or None
    if year is None and medline_date:
        # "1998 Dec-1999 Jan", "2000 Spring": the first year, for sorting and as_date().
        found = _YEAR.search(medline_date)
        year = int(found.group(1)) if found else None
    if year is not None:
        _calendar_date(year, month or 1, day or 1, "PubDate")
    return PubDate(year, month, day, season, medline_date)


def _calendar_date(year: int, month: int, day: int, what: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Malformed(f"{what} {year}-{month:02d}-{day:02d} is not a calendar date") from None


def _month(value: str | None, what: str) -> int:
    text = (value or "").strip()
    number = int(text) if text.isascii() and text.isdigit() else _MONTHS.get(text[:3].lower(), 0)
    if not 1 <= number <= 12:
        raise Malformed(f"{what} Month is {value!r}, not a month")
    return number


def read_int(value: str | None, what: str) -> int:
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()):
        raise Malformed(f"{what} is {value!r}, not a number")
    return int(text)


def text_of(el: Element | None) -> str:
    """Plain text of an element: inline markup flattened, XML whitespace collapsed."""
    if el is None:
        return ""
    if len(el) == 0:
        text = el.text
        if not text:
            return ""
        if "\n" in text or "\t" in text or "\r" in text or "  " in text:  # _squash, inlined
            return _XML_SPACE.sub(" ", text).strip(" ")
        return text.strip(" ")
    return _squash(etree.tostring(el, method="text", encoding=str, with_tail=False))


def text_and_markup(el: Element | None) -> tuple[str, str]:
    """Plain text, and the inner XML as a string with inline tags kept (to be sanitised)."""
    if el is None:
        return "", ""
    if len(el) == 0:
        text = _squash(el.text) if el.text else ""
        return text, _escape(text)
    parts = [_escape(el.text) if el.text else ""]
    parts.extend(etree.tostring(child, encoding=str, with_tail=True) for child in el)
    return text_of(el), _squash("".join(parts))


def _squash(text: str) -> str:
    """Collapse runs of XML whitespace (space, tab, CR, LF) to one space and trim."""
    if "\n" in text or "\t" in text or "\r" in text or "  " in text:
        return _XML_SPACE.sub(" ", text).strip(" ")
    return text.strip(" ")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def first_child(el: Element, tag: str) -> Element | None:
    """The first child with this tag (much faster than ``find`` for a plain tag name)."""
    return next(el.iterchildren(tag), None)


def append_text(values: list[str], el: Element | None) -> None:
    text = text_of(el)
    if text:
        values.append(text)
