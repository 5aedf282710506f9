"""Streaming parser for PubMed XML: efetch responses, baseline and update files.

:func:`iter_pubmed` reads a ``PubmedArticleSet`` (or an old ``MedlineCitationSet``)
with ``lxml.etree.iterparse`` and yields one item per citation as soon as its end tag
is read, then throws the element away, so memory stays flat on 30,000-record files.
It yields three kinds of item:

- :class:`PubmedRecord` for each ``PubmedArticle``, ``PubmedBookArticle`` and old-format
  ``MedlineCitation``;
- :class:`DeletedCitations` for each ``DeleteCitation`` of an update file;
- :class:`ParseProblem` for a record that cannot be read (no or non-numeric PMID, a date
  that is not a date, ...). The next record is read as usual. A file that stops being
  well-formed XML (truncated download) ends with one problem naming lxml's line and
  column, after every record before the break. Nothing is raised for bad content.

Every path is anchored (``MedlineCitation/PMID``, ``PubmedData/ArticleIdList``, ...), so
PMIDs and DOIs of the reference list, ``CommentsCorrections`` or ``DeleteCitation`` are
never taken for the record's own. The DTD is never loaded or fetched and entities are
not resolved. Strings are kept as strings: markup in titles and abstracts is returned
verbatim in ``title_markup``/``markup`` for the display sanitiser, never interpreted.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, TypeAlias

from lxml import etree

from evidencewatch.pubmed.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    DeletedCitations,
    ParseProblem,
    PubDate,
    PubmedRecord,
    SkippedRecord,
)

__all__ = ["KeepTest", "ParsedFile", "PubmedItem", "Source", "iter_pubmed", "parse_pubmed"]

PubmedItem: TypeAlias = PubmedRecord | DeletedCitations | ParseProblem
Source: TypeAlias = bytes | str | Path | BinaryIO
Element: TypeAlias = etree._Element
KeepTest: TypeAlias = Callable[[int, str], bool]

_GZIP_MAGIC = b"\x1f\x8b"
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_ROOT_TAGS = frozenset(
    {"PubmedArticleSet", "PubmedBookArticleSet", "MedlineCitationSet", *_RECORD_TAGS}
)
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+$")
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
_NO_DATE = PubDate()
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# "Cites" entries mirror the reference list: they are not links about the article itself.
_SKIPPED_REF_TYPES = frozenset({"Cites"})


@dataclass(slots=True)
class ParsedFile:
    """Everything read from one file: its records, deleted PMIDs and problems, in order."""

    records: list[PubmedRecord] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


class _Malformed(ValueError):
    """A record breaks the PubMed DTD in a way that stops it being read."""


def parse_pubmed(source: Source, *, source_name: str | None = None) -> ParsedFile:
    """Read a whole PubMed XML file or body into lists (see :func:`iter_pubmed`)."""
    parsed = ParsedFile()
    for item in iter_pubmed(source, source_name=source_name):
        if isinstance(item, PubmedRecord):
            parsed.records.append(item)
        elif isinstance(item, DeletedCitations):
            parsed.deleted.extend(item.pmids)
        else:
            parsed.problems.append(item)
    return parsed


def iter_pubmed(
    source: Source,
    *,
    source_name: str | None = None,
    keep: KeepTest | None = None,
) -> Iterator[PubmedItem | SkippedRecord]:
    """Yield the records, deletions and problems of PubMed XML, streaming.

    ``source`` is the XML as bytes, a path (``str`` or :class:`~pathlib.Path`) or a binary
    file object; gzip-compressed input is recognised by its magic bytes and decompressed
    on the fly. ``source_name`` names the input in problems (default: the path, the file
    object's name, or ``"<bytes>"``). A missing file raises :class:`OSError`; bad content
    never raises but yields :class:`ParseProblem`.

    ``keep(pmid, text)``, when given, sees each citation's PMID and the text of its
    title and abstract before it is read; a citation it refuses is yielded as
    :class:`SkippedRecord` without being parsed.
    Bulk imports use it to read only the few citations that could mention a tracked
    gene: walking a record's elements in Python costs far more than lxml's own
    serialisation of its text.
    """
    name = source_name or _default_name(source)
    with ExitStack() as stack:
        stream = _open(source, stack)
        yield from _iterate(stream, name, keep)


_PEEK_PATHS = {
    "PubmedArticle": ("MedlineCitation/PMID", "MedlineCitation/Article"),
    "PubmedBookArticle": ("BookDocument/PMID", "BookDocument"),
    "MedlineCitation": ("PMID", "Article"),
}


def _peek(el: Element, tag: str) -> tuple[int | None, str]:
    """A citation's PMID and the text of its title and abstract, without reading the rest."""
    pmid_path, article_path = _PEEK_PATHS[tag]
    pmid_text = (el.findtext(pmid_path) or "").strip()
    parts = []
    article = el.find(article_path)
    if article is not None:
        for child_tag in ("ArticleTitle", "Abstract"):
            child = article.find(child_tag)
            if child is not None:
                parts.append(etree.tostring(child, method="text", encoding="unicode"))
    return (int(pmid_text) if pmid_text.isdigit() else None), "\n".join(parts)


def _iterate(
    stream: BinaryIO, name: str, keep: KeepTest | None = None
) -> Iterator[PubmedItem | SkippedRecord]:
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=_RECORD_TAGS,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    index = 0
    while True:
        try:
            _event, el = next(events)
        except StopIteration:
            break
        except etree.XMLSyntaxError as exc:
            line, column = exc.position
            message = _POSITION_SUFFIX.sub("", exc.msg or str(exc))
            yield ParseProblem(
                name,
                f"line {line}, column {column}",
                f"not well-formed XML after record {index}: {message}",
            )
            return
        except (EOFError, OSError, zlib.error) as exc:  # truncated or corrupt gzip stream
            yield ParseProblem(name, f"after record {index}", f"cannot read the input: {exc}")
            return
        tag = el.tag
        if tag == "DeleteCitation":
            yield from _deleted(el, name)
        else:
            if tag == "MedlineCitation":
                parent = el.getparent()
                if parent is not None and parent.tag != "MedlineCitationSet":
                    continue  # part of a PubmedArticle: read with it at its end tag
            index += 1
            if keep is not None:
                pmid, text = _peek(el, tag)
                # A record without a readable PMID is parsed, so its problem gets reported.
                if pmid is not None and not keep(pmid, text):
                    yield SkippedRecord(pmid)
                    _forget(el)
                    continue
            try:
                record = _record(el, tag)
            except ValueError as exc:
                line = el.sourceline
                where = f"record {index}" if line is None else f"record {index}, line {line}"
                yield ParseProblem(name, where, str(exc))
            else:
                yield record
        _forget(el)
    root = events.root
    if root is not None and root.tag not in _ROOT_TAGS:
        # E.g. an eFetchResult/ERROR body or an esearch result: no records is not "no news".
        yield ParseProblem(name, "root element", f"not PubMed article XML: <{root.tag}>")


def _forget(el: Element) -> None:
    """Free a processed element and everything before it, keeping the tree small."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _record(el: Element, tag: str) -> PubmedRecord:
    if tag == "PubmedArticle":
        citation = _child(el, "MedlineCitation")
        if citation is None:
            raise _Malformed("PubmedArticle has no MedlineCitation")
        return _article(citation, _child(el, "PubmedData"))
    if tag == "PubmedBookArticle":
        return _book(el)
    return _article(el, None)


def _deleted(el: Element, name: str) -> Iterator[PubmedItem]:
    pmids: list[int] = []
    for pmid_el in el.iterchildren("PMID"):
        try:
            pmids.append(_int(pmid_el.text, "DeleteCitation PMID"))
        except ValueError as exc:
            yield ParseProblem(name, f"DeleteCitation, line {pmid_el.sourceline}", str(exc))
    yield DeletedCitations(tuple(pmids))


# --- PubmedArticle and old-format MedlineCitation -------------------------------------
#
# The functions below walk children directly and compare tags instead of calling
# find()/xpath(): on a baseline file that is several times faster, and the walk is
# what decides the parser's speed once lxml has built the record.


def _article(citation: Element, pubmed_data: Element | None) -> PubmedRecord:
    pmid_el = article = None
    mesh: list[str] = []
    keywords: list[str] = []
    comments: list[CommentCorrection] = []
    medline_ta = ""
    other_pmcid: str | None = None
    for child in citation:
        tag = child.tag
        if tag == "PMID":
            pmid_el = child if pmid_el is None else pmid_el
        elif tag == "Article":
            article = child
        elif tag == "MeshHeadingList":
            for descriptor in child.iter("DescriptorName"):
                _append_text(mesh, descriptor)
        elif tag == "KeywordList":
            for keyword in child.iterchildren("Keyword"):
                _append_text(keywords, keyword)
        elif tag == "CommentsCorrectionsList":
            comments.extend(_comments(child))
        elif tag == "MedlineJournalInfo":
            medline_ta = _text(_child(child, "MedlineTA"))
        elif (
            tag == "OtherID" and other_pmcid is None
        ):  # old format: "PMC4688250 [Available on ...]"
            other_pmcid = _pmcid_from_other_id(child)
    pmid, version = _pmid(pmid_el, citation)

    title_el = abstract_el = journal_el = author_list = None
    languages: list[str] = []
    publication_types: list[str] = []
    elocation_doi: str | None = None
    article_date: date | None = None
    article_affiliation = ""
    if article is not None:  # required by the DTD, but stub records have only a PMID
        for child in article:
            tag = child.tag
            if tag == "ArticleTitle":
                title_el = child
            elif tag == "Abstract":
                abstract_el = child
            elif tag == "Journal":
                journal_el = child
            elif tag == "AuthorList":
                author_list = child if author_list is None else author_list
            elif tag == "Language":
                _append_text(languages, child)
            elif tag == "PublicationTypeList":
                for publication_type in child.iterchildren("PublicationType"):
                    _append_text(publication_types, publication_type)
            elif tag == "ELocationID":
                elocation_doi = elocation_doi or _elocation_doi(child)
            elif tag == "ArticleDate":
                if article_date is None and child.get("DateType", "Electronic") == "Electronic":
                    article_date = _full_date(child, "ArticleDate")
            elif tag == "Affiliation":  # pre-2014 DTDs: one affiliation, the first author's
                article_affiliation = _text(child)

    journal = journal_abbrev = ""
    pub_date = _NO_DATE
    if journal_el is not None:
        for child in journal_el:
            tag = child.tag
            if tag == "Title":
                journal = _text(child)
            elif tag == "ISOAbbreviation":
                journal_abbrev = _text(child)
            elif tag == "JournalIssue":
                pub_date = _pub_date(_child(child, "PubDate"))

    history: dict[str, date] = {}
    ids: dict[str, str] = {}
    if pubmed_data is not None:
        # Direct children only: each ReferenceList/Reference has an ArticleIdList too.
        for child in pubmed_data.iterchildren("History", "ArticleIdList"):
            if child.tag == "History":
                history = _history(child)
            else:
                _article_ids(child, ids)

    authors = _authors(author_list)
    if article_affiliation and authors and not authors[0].affiliations:
        authors = (_with_affiliation(authors[0], article_affiliation), *authors[1:])

    title, title_markup = _text_and_markup(title_el)
    return PubmedRecord(
        pmid=pmid,
        version=version,
        kind="article",
        title=title,
        title_markup=title_markup,
        abstract=_abstract(abstract_el),
        journal=journal,
        journal_abbrev=journal_abbrev or medline_ta,
        pub_date=pub_date,
        article_date=article_date,
        history=history,
        authors=authors,
        doi=_doi(ids.get("doi")) or elocation_doi,
        pmcid=_pmcid(ids.get("pmc")) or other_pmcid,
        mesh_terms=tuple(mesh),
        keywords=tuple(dict.fromkeys(keywords)),
        publication_types=tuple(publication_types),
        comments_corrections=tuple(comments),
        language=tuple(languages),
        status=citation.get("Status"),
    )


# --- PubmedBookArticle ------------------------------------------------------------------


def _book(el: Element) -> PubmedRecord:
    document = _child(el, "BookDocument")
    if document is None:
        raise _Malformed("PubmedBookArticle has no BookDocument")

    ids: dict[str, str] = {}
    history: dict[str, date] = {}
    book_data = _child(el, "PubmedBookData")
    if book_data is not None:
        for child in book_data.iterchildren("History", "ArticleIdList"):
            if child.tag == "History":
                history = _history(child)
            else:
                _article_ids(child, ids)

    pmid_el = title_el = abstract_el = book_el = author_list = None
    languages: list[str] = []
    publication_types: list[str] = []
    keywords: list[str] = []
    comments: list[CommentCorrection] = []
    elocation_doi: str | None = None
    for child in document:
        tag = child.tag
        if tag == "PMID":
            pmid_el = child if pmid_el is None else pmid_el
        elif tag == "ArticleIdList":
            _article_ids(child, ids)  # after PubmedBookData's, which win
        elif tag == "ArticleTitle":
            title_el = child
        elif tag == "Abstract":
            abstract_el = child
        elif tag == "Book":
            book_el = child
        elif tag == "AuthorList":
            if author_list is None and child.get("Type", "authors") == "authors":
                author_list = child
        elif tag == "Language":
            _append_text(languages, child)
        elif tag == "PublicationType":
            _append_text(publication_types, child)
        elif tag == "KeywordList":
            for keyword in child.iterchildren("Keyword"):
                _append_text(keywords, keyword)
        elif tag == "CommentsCorrectionsList":
            comments.extend(_comments(child))
        elif tag == "ELocationID":
            elocation_doi = elocation_doi or _elocation_doi(child)
    pmid, version = _pmid(pmid_el, document)

    book_title_el = None
    pub_date = _NO_DATE
    if book_el is not None:
        for child in book_el:
            tag = child.tag
            if tag == "BookTitle":
                book_title_el = child
            elif tag == "PubDate":
                pub_date = _pub_date(child)
            elif tag == "AuthorList":
                if author_list is None and child.get("Type", "authors") == "authors":
                    author_list = child  # a whole book: its authors are the book's
            elif tag == "ELocationID":
                elocation_doi = elocation_doi or _elocation_doi(child)

    if title_el is None:  # a whole book rather than a chapter: the book title is the title
        title_el = book_title_el
    title, title_markup = _text_and_markup(title_el)
    return PubmedRecord(
        pmid=pmid,
        version=version,
        kind="book",
        title=title,
        title_markup=title_markup,
        abstract=_abstract(abstract_el),
        pub_date=pub_date,
        history=history,
        authors=_authors(author_list),
        doi=_doi(ids.get("doi")) or elocation_doi,
        pmcid=_pmcid(ids.get("pmc")),
        keywords=tuple(dict.fromkeys(keywords)),
        publication_types=tuple(publication_types),
        comments_corrections=tuple(comments),
        language=tuple(languages),
        book_title=_text(book_title_el) or None,
    )


# --- shared pieces ---------------------------------------------------------------------


def _pmid(pmid_el: Element | None, parent: Element) -> tuple[int, int]:
    """The record's own PMID and version, from the first ``PMID`` child of its citation."""
    if pmid_el is None:
        raise _Malformed(f"{parent.tag} has no PMID")
    pmid = _int(pmid_el.text, "PMID")
    if pmid <= 0:
        raise _Malformed(f"PMID is {pmid_el.text!r}, not a positive number")
    version_text = pmid_el.get("Version")
    version = _int(version_text, f"PMID {pmid} Version") if version_text else 1
    return pmid, version


def _abstract(abstract_el: Element | None) -> tuple[AbstractSection, ...]:
    if abstract_el is None:
        return ()
    sections = []
    for part in abstract_el.iterchildren("AbstractText"):
        text, markup = _text_and_markup(part)
        if text:
            sections.append(
                AbstractSection(
                    text, part.get("Label") or None, part.get("NlmCategory") or None, markup
                )
            )
    return tuple(sections)


def _authors(author_list: Element | None) -> tuple[Author, ...]:
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
                last = _text(child) or None
            elif tag == "ForeName" or tag == "FirstName":
                fore = _text(child) or None
            elif tag == "Initials":
                initials = _text(child) or None
            elif tag == "AffiliationInfo":
                for affiliation in child.iterchildren("Affiliation"):
                    _append_text(affiliations, affiliation)
            elif tag == "Identifier":
                if orcid is None and child.get("Source") == "ORCID":
                    orcid = _orcid(child.text)
            elif tag == "CollectiveName":
                collective = _text(child) or None
            elif tag == "Affiliation":  # 2014 DTD
                _append_text(affiliations, child)
        if last or fore or collective:
            authors.append(Author(last, fore, initials, collective, orcid, tuple(affiliations)))
    return tuple(authors)


def _with_affiliation(author: Author, affiliation: str) -> Author:
    return Author(
        last_name=author.last_name,
        fore_name=author.fore_name,
        initials=author.initials,
        collective_name=author.collective_name,
        orcid=author.orcid,
        affiliations=(affiliation,),
    )


def _comments(comments_list: Element) -> Iterator[CommentCorrection]:
    for link in comments_list.iterchildren("CommentsCorrections"):
        ref_type = link.get("RefType") or ""
        if ref_type in _SKIPPED_REF_TYPES:
            continue
        pmid_el = _child(link, "PMID")
        pmid_text = (pmid_el.text or "").strip() if pmid_el is not None else ""
        yield CommentCorrection(
            ref_type=ref_type,
            ref_source=_text(_child(link, "RefSource")),
            pmid=int(pmid_text) if pmid_text.isascii() and pmid_text.isdigit() else None,
        )


def _article_ids(id_list: Element, ids: dict[str, str]) -> None:
    """Add ``IdType -> value`` from an ``ArticleIdList``, keeping the first of each type."""
    for article_id in id_list.iterchildren("ArticleId"):
        id_type = article_id.get("IdType")
        value = (article_id.text or "").strip()
        if id_type and value and id_type not in ids:
            ids[id_type] = value


def _elocation_doi(el: Element) -> str | None:
    if el.get("EIdType") != "doi" or el.get("ValidYN") == "N":
        return None
    return _doi(el.text)


def _doi(value: str | None) -> str | None:
    if not value:
        return None
    doi = value.strip()
    if doi[:4].lower() in ("http", "doi:"):
        doi = _DOI_PREFIX.sub("", doi)
    return doi or None


def _pmcid(value: str | None) -> str | None:
    """``PMC1234567``; PubMed also writes it bare (``1234567``) or versioned (``PMC1234567.1``)."""
    if not value:
        return None
    match = _PMCID.fullmatch(value.strip())
    return f"PMC{match.group(1)}" if match else None


def _pmcid_from_other_id(el: Element) -> str | None:
    if el.get("Source") != "NLM":
        return None
    text = (el.text or "").strip()
    return _pmcid(text.split()[0]) if text.startswith("PMC") else None


def _orcid(value: str | None) -> str | None:
    text = (value or "").strip()
    match = _ORCID.search(text)
    if match:
        return "-".join(match.groups()).upper()
    return text or None


def _history(history_el: Element) -> dict[str, date]:
    """``PubStatus -> date``; a status whose date cannot be read is left out."""
    history: dict[str, date] = {}
    for stamp in history_el.iterchildren("PubMedPubDate"):
        status = stamp.get("PubStatus")
        if not status or status in history:
            continue
        try:
            history[status] = _full_date(stamp, "PubMedPubDate")
        except ValueError:
            continue
    return history


def _full_date(el: Element, what: str) -> date:
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
        raise _Malformed(f"{what} lacks Year, Month or Day")
    return _calendar_date(_int(year, what), _month(month, what), _int(day, what), what)


def _pub_date(el: Element | None) -> PubDate:
    """``PubDate``: Year with Month (name or number) and Day, or Season, or MedlineDate."""
    if el is None:
        return _NO_DATE
    year = month = day = None
    season = medline_date = None
    for child in el:
        tag = child.tag
        if tag == "Year":
            year = _int(child.text, "PubDate Year")
        elif tag == "Month":
            month = _month(child.text, "PubDate")
        elif tag == "Day":
            day = _int(child.text, "PubDate Day")
        elif tag == "Season":
            season = _text(child) or None
        elif tag == "MedlineDate":
            medline_date = _text(child) or None
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
        raise _Malformed(f"{what} {year}-{month:02d}-{day:02d} is not a calendar date") from None


def _month(value: str | None, what: str) -> int:
    text = (value or "").strip()
    number = int(text) if text.isascii() and text.isdigit() else _MONTHS.get(text[:3].lower(), 0)
    if not 1 <= number <= 12:
        raise _Malformed(f"{what} Month is {value!r}, not a month")
    return number


def _int(value: str | None, what: str) -> int:
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()):
        raise _Malformed(f"{what} is {value!r}, not a number")
    return int(text)


def _text(el: Element | None) -> str:
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


def _text_and_markup(el: Element | None) -> tuple[str, str]:
    """Plain text, and the inner XML as a string with inline tags kept (to be sanitised)."""
    if el is None:
        return "", ""
    if len(el) == 0:
        text = _squash(el.text) if el.text else ""
        return text, _escape(text)
    parts = [_escape(el.text) if el.text else ""]
    parts.extend(etree.tostring(child, encoding=str, with_tail=True) for child in el)
    return _text(el), _squash("".join(parts))


def _squash(text: str) -> str:
    """Collapse runs of XML whitespace (space, tab, CR, LF) to one space and trim."""
    if "\n" in text or "\t" in text or "\r" in text or "  " in text:
        return _XML_SPACE.sub(" ", text).strip(" ")
    return text.strip(" ")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _child(el: Element, tag: str) -> Element | None:
    """The first child with this tag (much faster than ``find`` for a plain tag name)."""
    return next(el.iterchildren(tag), None)


def _append_text(values: list[str], el: Element | None) -> None:
    text = _text(el)
    if text:
        values.append(text)


# --- input -------------------------------------------------------------------------------


def _default_name(source: Source) -> str:
    if isinstance(source, str | Path):
        return str(source)
    if isinstance(source, bytes | bytearray | memoryview):
        return "<bytes>"
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _open(source: Source, stack: ExitStack) -> BinaryIO:
    """A binary stream of the XML, gunzipped when the data starts with gzip's magic bytes."""
    stream: BinaryIO
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        stream = io.BytesIO(data)
        head = data[:2]
    elif isinstance(source, str | Path):
        if isinstance(source, str) and source.lstrip().startswith("<"):
            raise ValueError("iter_pubmed takes a str as a path; pass XML text as bytes")
        stream = stack.enter_context(open(source, "rb"))
        head = stream.read(2)
        stream.seek(0)
    else:
        head = source.read(2)
        stream = io.BufferedReader(_Prefixed(head, source))  # type: ignore[arg-type]
    if head == _GZIP_MAGIC:
        return stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))  # type: ignore[return-value]
    return stream


class _Prefixed(io.RawIOBase):
    """A read-only stream that gives back bytes already read, then the rest of a stream."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
