"""Plain records parsed from PubMed XML.

These are the only shapes the rest of evidencewatch sees of PubMed: the parser
produces them from bytes, matching and storage consume them. They hold text,
never trusted HTML: ``title`` and abstract ``text`` are plain text (inline
markup flattened), while ``title_markup``/``markup`` keep PubMed's inline tags
as a *string to be sanitised*, for display through the allow-list renderer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

RecordKind = Literal["article", "book"]


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One ``AbstractText`` element: its label and category, plain text and markup."""

    text: str
    label: str | None = None
    category: str | None = None  # NlmCategory: BACKGROUND, METHODS, RESULTS, ...
    markup: str = ""


@dataclass(frozen=True, slots=True)
class Author:
    """A person (last/fore name, initials) or a collective (``CollectiveName``)."""

    last_name: str | None = None
    fore_name: str | None = None
    initials: str | None = None
    collective_name: str | None = None
    orcid: str | None = None
    affiliations: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        if self.collective_name:
            return self.collective_name
        return " ".join(p for p in (self.last_name, self.initials) if p)


@dataclass(frozen=True, slots=True)
class CommentCorrection:
    """A ``CommentsCorrections`` link such as RetractionIn or ErratumIn."""

    ref_type: str
    ref_source: str = ""
    pmid: int | None = None

    @property
    def notice_date(self) -> date | None:
        """The notice's publication date as its citation (``RefSource``) gives it, if it does.

        PubMed writes "Mol Pharmacol. 1998 Feb;53(2):346" or "BMJ. 2020 Nov 19;371:m4475":
        the first year followed by a month name (and perhaps a day); a bare year is January 1.
        """
        return refsource_date(self.ref_source)


@dataclass(frozen=True, slots=True)
class PubDate:
    """A publication date as PubMed gives it: parts when present, else MedlineDate text."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: str | None = None
    medline_date: str | None = None

    def as_date(self) -> date | None:
        """The earliest calendar day the date can mean, or None without a year."""
        if self.year is None:
            return None
        return date(self.year, self.month or 1, self.day or 1)

    def display(self) -> str:
        if self.medline_date:
            return self.medline_date
        parts = [str(self.year)] if self.year else []
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        elif self.season:
            parts.append(self.season)
        return "-".join(parts) if self.month else " ".join(parts)


@dataclass(frozen=True, slots=True)
class PubmedRecord:
    """One citation: a ``PubmedArticle``, a ``PubmedBookArticle`` or an old ``MedlineCitation``."""

    pmid: int
    version: int = 1
    kind: RecordKind = "article"
    title: str = ""
    title_markup: str = ""
    abstract: tuple[AbstractSection, ...] = ()
    journal: str = ""
    journal_abbrev: str = ""
    pub_date: PubDate = field(default_factory=PubDate)
    article_date: date | None = None  # ArticleDate DateType="Electronic"
    history: dict[str, date] = field(default_factory=dict)  # PubStatus -> date (entrez=crdt)
    authors: tuple[Author, ...] = ()
    doi: str | None = None
    pmcid: str | None = None
    mesh_terms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    comments_corrections: tuple[CommentCorrection, ...] = ()
    language: tuple[str, ...] = ()
    status: str | None = None  # MedlineCitation/@Status
    book_title: str | None = None
    date_revised: date | None = None  # MedlineCitation/DateRevised: NLM's last revision

    @property
    def text(self) -> str:
        """Title and abstract as one text: what matching, extraction and ranking all read."""
        return title_and_abstract(self.title, (section.text for section in self.abstract))

    @property
    def abstract_text(self) -> str:
        """The abstract as plain text, sections joined with their labels."""
        parts = []
        for section in self.abstract:
            parts.append(f"{section.label}: {section.text}" if section.label else section.text)
        return "\n".join(parts)

    @property
    def crdt(self) -> date | None:
        """PubMed's Create Date (History PubStatus="entrez")."""
        return self.history.get("entrez")

    @property
    def is_retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or any(
            c.ref_type == "RetractionIn" for c in self.comments_corrections
        )

    @property
    def is_review(self) -> bool:
        return any(t in ("Review", "Systematic Review") for t in self.publication_types)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (dates as ISO strings) for storing the full parsed record."""
        data: dict[str, Any] = _jsonable(asdict(self))
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PubmedRecord:
        """Rebuild a record stored with :meth:`to_json`."""
        return cls(
            pmid=int(data["pmid"]),
            version=int(data.get("version", 1)),
            kind=data.get("kind", "article"),
            title=data.get("title", ""),
            title_markup=data.get("title_markup", ""),
            abstract=tuple(AbstractSection(**s) for s in data.get("abstract", ())),
            journal=data.get("journal", ""),
            journal_abbrev=data.get("journal_abbrev", ""),
            pub_date=PubDate(**data.get("pub_date", {})),
            article_date=_date_or_none(data.get("article_date")),
            history={k: date.fromisoformat(v) for k, v in data.get("history", {}).items()},
            authors=tuple(
                Author(**{**a, "affiliations": tuple(a.get("affiliations", ()))})
                for a in data.get("authors", ())
            ),
            doi=data.get("doi"),
            pmcid=data.get("pmcid"),
            mesh_terms=tuple(data.get("mesh_terms", ())),
            keywords=tuple(data.get("keywords", ())),
            publication_types=tuple(data.get("publication_types", ())),
            comments_corrections=tuple(
                CommentCorrection(**c) for c in data.get("comments_corrections", ())
            ),
            language=tuple(data.get("language", ())),
            status=data.get("status"),
            book_title=data.get("book_title"),
            date_revised=_date_or_none(data.get("date_revised")),
        )


@dataclass(frozen=True, slots=True)
class DeletedCitations:
    """The PMIDs of one ``DeleteCitation`` element in an update file."""

    pmids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A citation the caller's ``keep`` test passed over unread: only its PMID is known."""

    pmid: int


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A record that could not be read: where it was and why. The rest of the file still loads."""

    source: str
    position: str  # e.g. "line 1204" or "record 17"
    message: str


_MONTH_NUMBERS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_REFSOURCE_DATE = re.compile(r"\b((?:19|20)\d{2})(?: ([A-Z][a-z]{2})[a-z]*\.?(?: (\d{1,2})\b)?)?")


def refsource_date(text: str) -> date | None:
    """The first date in a ``RefSource`` citation ("... 2026 Nov 20:e2099"), or None."""
    match = _REFSOURCE_DATE.search(text or "")
    if match is None:
        return None
    year_text, month_text, day_text = match.groups()
    month = _MONTH_NUMBERS.get((month_text or "").lower())
    if month is None:  # no month, or a word that is not one ("1998 Spring")
        return date(int(year_text), 1, 1)
    try:
        return date(int(year_text), month, int(day_text) if day_text else 1)
    except ValueError:  # "Feb 30"
        return date(int(year_text), month, 1)


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def title_and_abstract(title: str, sections: Iterable[str]) -> str:
    """The one text built from a paper: its title, then each abstract section on its own line.

    Offsets the matcher reports (snippets, mention spans) are offsets into this text, so
    every stage that reads a paper builds it here.
    """
    return "\n".join((title, *sections))
