"""Reading one citation element into a :class:`PubmedRecord`.

Three shapes carry a citation: ``PubmedArticle`` (a ``MedlineCitation`` plus
its ``PubmedData``), the old format's bare ``MedlineCitation``, and
``PubmedBookArticle`` (a ``BookDocument`` plus its ``PubmedBookData``). Every
path is anchored to the record's own elements, so PMIDs and DOIs of the
reference list or of ``CommentsCorrections`` are never taken for the
record's own. A record that cannot be read raises
:class:`~evidencewatch.pubmed.elements.Malformed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from evidencewatch.pubmed.elements import (
    NO_DATE,
    Element,
    Malformed,
    append_text,
    clean_doi,
    clean_pmcid,
    first_child,
    read_abstract,
    read_article_ids,
    read_authors,
    read_comments,
    read_elocation_doi,
    read_full_date,
    read_history,
    read_other_pmcid,
    read_pmid,
    read_pub_date,
    text_and_markup,
    text_of,
    with_affiliation,
)
from evidencewatch.pubmed.records import CommentCorrection, PubDate, PubmedRecord

__all__ = ["read_record"]


def read_record(el: Element, tag: str) -> PubmedRecord:
    """The record of a ``PubmedArticle``, ``PubmedBookArticle`` or old ``MedlineCitation``."""
    if tag == "PubmedArticle":
        citation = first_child(el, "MedlineCitation")
        if citation is None:
            raise Malformed("PubmedArticle has no MedlineCitation")
        return _article(citation, first_child(el, "PubmedData"))
    if tag == "PubmedBookArticle":
        return _book(el)
    return _article(el, None)


def _history_and_ids(data: Element | None) -> tuple[dict[str, date], dict[str, str]]:
    """``History`` dates and ``ArticleIdList`` ids of a ``PubmedData``/``PubmedBookData``."""
    history: dict[str, date] = {}
    ids: dict[str, str] = {}
    if data is not None:
        # Direct children only: each ReferenceList/Reference has an ArticleIdList too.
        for child in data.iterchildren("History", "ArticleIdList"):
            if child.tag == "History":
                history = read_history(child)
            else:
                read_article_ids(child, ids)
    return history, ids


# --- PubmedArticle and old-format MedlineCitation -------------------------------------


@dataclass(slots=True)
class _Citation:
    """What a ``MedlineCitation`` holds around its ``Article``."""

    pmid_el: Element | None = None
    article: Element | None = None
    mesh: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    comments: list[CommentCorrection] = field(default_factory=list)
    medline_ta: str = ""
    other_pmcid: str | None = None
    date_revised: date | None = None


@dataclass(slots=True)
class _Article:
    """What an ``Article`` holds."""

    title_el: Element | None = None
    abstract_el: Element | None = None
    journal_el: Element | None = None
    author_list: Element | None = None
    languages: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    elocation_doi: str | None = None
    article_date: date | None = None
    affiliation: str = ""  # pre-2014 DTDs: one affiliation, the first author's


def _article(citation: Element, pubmed_data: Element | None) -> PubmedRecord:
    cited = _citation(citation)
    pmid, version = read_pmid(cited.pmid_el, citation)
    # Required by the DTD, but stub records have only a PMID.
    art = _article_parts(cited.article) if cited.article is not None else _Article()
    journal, journal_abbrev, pub_date = _journal(art.journal_el)
    history, ids = _history_and_ids(pubmed_data)
    authors = read_authors(art.author_list)
    if art.affiliation and authors and not authors[0].affiliations:
        authors = (with_affiliation(authors[0], art.affiliation), *authors[1:])
    title, title_markup = text_and_markup(art.title_el)
    return PubmedRecord(
        pmid=pmid,
        version=version,
        kind="article",
        title=title,
        title_markup=title_markup,
        abstract=read_abstract(art.abstract_el),
        journal=journal,
        journal_abbrev=journal_abbrev or cited.medline_ta,
        pub_date=pub_date,
        article_date=art.article_date,
        history=history,
        authors=authors,
        doi=clean_doi(ids.get("doi")) or art.elocation_doi,
        pmcid=clean_pmcid(ids.get("pmc")) or cited.other_pmcid,
        mesh_terms=tuple(cited.mesh),
        keywords=tuple(dict.fromkeys(cited.keywords)),
        publication_types=tuple(art.publication_types),
        comments_corrections=tuple(cited.comments),
        language=tuple(art.languages),
        status=citation.get("Status"),
        date_revised=cited.date_revised,
    )


def _citation(citation: Element) -> _Citation:
    parts = _Citation()
    for child in citation:
        tag = child.tag
        if tag == "PMID":
            parts.pmid_el = child if parts.pmid_el is None else parts.pmid_el
        elif tag == "Article":
            parts.article = child
        elif tag == "MeshHeadingList":
            for descriptor in child.iter("DescriptorName"):
                append_text(parts.mesh, descriptor)
        elif tag == "KeywordList":
            for keyword in child.iterchildren("Keyword"):
                append_text(parts.keywords, keyword)
        elif tag == "CommentsCorrectionsList":
            parts.comments.extend(read_comments(child))
        elif tag == "MedlineJournalInfo":
            parts.medline_ta = text_of(first_child(child, "MedlineTA"))
        elif tag == "DateRevised":
            parts.date_revised = _date_revised(child)
        elif tag == "OtherID" and parts.other_pmcid is None:
            # The old format's "PMC4688250 [Available on ...]".
            parts.other_pmcid = read_other_pmcid(child)
    return parts


def _date_revised(el: Element) -> date | None:
    """``DateRevised``; a broken one is unknown rather than a reason to lose the record."""
    try:
        return read_full_date(el, "DateRevised")
    except Malformed:
        return None


def _article_parts(article: Element) -> _Article:
    parts = _Article()
    for child in article:
        tag = child.tag
        if tag == "ArticleTitle":
            parts.title_el = child
        elif tag == "Abstract":
            parts.abstract_el = child
        elif tag == "Journal":
            parts.journal_el = child
        elif tag == "AuthorList":
            parts.author_list = child if parts.author_list is None else parts.author_list
        elif tag == "Language":
            append_text(parts.languages, child)
        elif tag == "PublicationTypeList":
            for publication_type in child.iterchildren("PublicationType"):
                append_text(parts.publication_types, publication_type)
        elif tag == "ELocationID":
            parts.elocation_doi = parts.elocation_doi or read_elocation_doi(child)
        elif tag == "ArticleDate":
            if parts.article_date is None and child.get("DateType", "Electronic") == "Electronic":
                parts.article_date = read_full_date(child, "ArticleDate")
        elif tag == "Affiliation":
            parts.affiliation = text_of(child)
    return parts


def _journal(journal_el: Element | None) -> tuple[str, str, PubDate]:
    """The journal's title, its ISO abbreviation and the issue's publication date."""
    journal = journal_abbrev = ""
    pub_date = NO_DATE
    if journal_el is not None:
        for child in journal_el:
            tag = child.tag
            if tag == "Title":
                journal = text_of(child)
            elif tag == "ISOAbbreviation":
                journal_abbrev = text_of(child)
            elif tag == "JournalIssue":
                pub_date = read_pub_date(first_child(child, "PubDate"))
    return journal, journal_abbrev, pub_date


# --- PubmedBookArticle ------------------------------------------------------------------


@dataclass(slots=True)
class _BookDocument:
    """What a ``BookDocument`` holds."""

    pmid_el: Element | None = None
    title_el: Element | None = None
    abstract_el: Element | None = None
    book_el: Element | None = None
    author_list: Element | None = None
    languages: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    comments: list[CommentCorrection] = field(default_factory=list)
    elocation_doi: str | None = None


def _book(el: Element) -> PubmedRecord:
    document = first_child(el, "BookDocument")
    if document is None:
        raise Malformed("PubmedBookArticle has no BookDocument")
    history, ids = _history_and_ids(first_child(el, "PubmedBookData"))
    doc = _book_document(document, ids)
    pmid, version = read_pmid(doc.pmid_el, document)
    book_title_el, pub_date = _book_part(doc)
    # A whole book rather than a chapter: the book title is the title.
    title, title_markup = text_and_markup(
        doc.title_el if doc.title_el is not None else book_title_el
    )
    return PubmedRecord(
        pmid=pmid,
        version=version,
        kind="book",
        title=title,
        title_markup=title_markup,
        abstract=read_abstract(doc.abstract_el),
        pub_date=pub_date,
        history=history,
        authors=read_authors(doc.author_list),
        doi=clean_doi(ids.get("doi")) or doc.elocation_doi,
        pmcid=clean_pmcid(ids.get("pmc")),
        keywords=tuple(dict.fromkeys(doc.keywords)),
        publication_types=tuple(doc.publication_types),
        comments_corrections=tuple(doc.comments),
        language=tuple(doc.languages),
        book_title=text_of(book_title_el) or None,
    )


def _book_document(document: Element, ids: dict[str, str]) -> _BookDocument:
    doc = _BookDocument()
    for child in document:
        tag = child.tag
        if tag == "PMID":
            doc.pmid_el = child if doc.pmid_el is None else doc.pmid_el
        elif tag == "ArticleIdList":
            read_article_ids(child, ids)  # after PubmedBookData's, which win
        elif tag == "ArticleTitle":
            doc.title_el = child
        elif tag == "Abstract":
            doc.abstract_el = child
        elif tag == "Book":
            doc.book_el = child
        elif tag == "AuthorList":
            if doc.author_list is None and child.get("Type", "authors") == "authors":
                doc.author_list = child
        elif tag == "Language":
            append_text(doc.languages, child)
        elif tag == "PublicationType":
            append_text(doc.publication_types, child)
        elif tag == "KeywordList":
            for keyword in child.iterchildren("Keyword"):
                append_text(doc.keywords, keyword)
        elif tag == "CommentsCorrectionsList":
            doc.comments.extend(read_comments(child))
        elif tag == "ELocationID":
            doc.elocation_doi = doc.elocation_doi or read_elocation_doi(child)
    return doc


def _book_part(doc: _BookDocument) -> tuple[Element | None, PubDate]:
    """The ``Book``'s title element and date; its authors and DOI fill gaps in ``doc``."""
    book_title_el = None
    pub_date = NO_DATE
    if doc.book_el is not None:
        for child in doc.book_el:
            tag = child.tag
            if tag == "BookTitle":
                book_title_el = child
            elif tag == "PubDate":
                pub_date = read_pub_date(child)
            elif tag == "AuthorList":
                if doc.author_list is None and child.get("Type", "authors") == "authors":
                    doc.author_list = child  # a whole book: its authors are the book's
            elif tag == "ELocationID":
                doc.elocation_doi = doc.elocation_doi or read_elocation_doi(child)
    return book_title_el, pub_date
