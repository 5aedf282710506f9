"""ESearch: the terms it is sent for article identifiers, and reading its answers.

An answer is validated before anyone sees it: an ``<ERROR>`` in a 200 is
never an empty result; an ``ErrorList`` (PhraseNotFound/FieldNotFound) fails
the query, because PubMed silently dropped those terms and broadened the
search; ``Count`` must agree with the ``IdList`` below the 9,999 cap, while at
or above the cap the result is returned and the caller must split the window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidencewatch.core.errors import EutilsError, EutilsPhraseNotFound

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["ESEARCH_CAP", "SearchResult", "article_id_term", "read_esearch"]

#: PubMed ESearch returns at most this many IDs for one query (since Nov 2022).
#: A result whose ``count`` reaches it must be split (e.g. by halving the date window).
ESEARCH_CAP = 9999

_PMCID = re.compile(r"PMC\d+", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


@dataclass(frozen=True)
class SearchResult:
    """One ESearch answer, already validated.

    ``count`` is PubMed's total; ``ids`` holds at most :data:`ESEARCH_CAP` of them.
    When ``count > len(ids)`` (see :attr:`truncated`) the caller must narrow the
    query (split the date window) to see the rest; the client does not raise,
    because only the caller knows how to split.
    """

    term: str
    count: int
    ids: list[int]
    webenv: str | None
    query_key: str | None
    query_translation: str
    warnings: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        """True when PubMed matched more records than it returned."""
        return self.count > len(self.ids)


def article_id_term(article_id: str) -> str:
    """The ESearch term that finds the PMID(s) for a DOI or PMC ID.

    PMC IDs use ``PMC123[pmcid]``; DOIs use the article-identifier field
    ``"10.x/y"[aid]`` (the PMC ID Converter only knows articles in PMC). Common
    prefixes (``doi:``, ``https://doi.org/``) are removed. Anything else is a
    ``ValueError``: guessing would search for the wrong thing.
    """
    value = article_id.strip()
    lowered = value.lower()
    if lowered.startswith("doi:"):
        value = value[4:].strip()
    elif lowered.startswith("pmcid:"):
        value = value[6:].strip()
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    if _PMCID.fullmatch(value):
        return f"{value.upper()}[pmcid]"
    if _DOI.fullmatch(value) and '"' not in value:
        return f'"{value}"[aid]'
    raise ValueError(f"not a DOI or PMC ID: {article_id!r}")


def read_esearch(body: bytes, where: str, *, term: str, retmax: int) -> SearchResult:
    """The validated result in an ESearch body; raises :class:`EutilsError` otherwise."""
    # lxml and requests load with the first search, not with `status`, which only
    # needs ESEARCH_CAP through the scan windows.
    from evidencewatch.pubmed.responses import error_from_text, error_text, parse_xml, snippet

    root = parse_xml(body, where)
    if root.tag != "eSearchResult":
        raise EutilsError(
            f"unexpected response from {where}: root element <{root.tag!s}>, "
            f"not <eSearchResult>: {snippet(body)}",
            url=where,
            retryable=True,
        )
    error = root.find("ERROR")
    if error is not None:
        raise error_from_text(error_text(error), where)
    translation = (root.findtext("QueryTranslation") or "").strip()
    _check_error_list(root, where, term=term, translation=translation)
    count, ids = _count_and_ids(root, where, retmax=retmax)
    warnings = []
    warning_list = root.find("WarningList")
    if warning_list is not None:
        warnings = [f"{w.tag!s}: {(w.text or '').strip()}" for w in warning_list]
    return SearchResult(
        term=term,
        count=count,
        ids=ids,
        webenv=(root.findtext("WebEnv") or "").strip() or None,
        query_key=(root.findtext("QueryKey") or "").strip() or None,
        query_translation=translation,
        warnings=warnings,
    )


def _check_error_list(root: etree._Element, where: str, *, term: str, translation: str) -> None:
    error_list = root.find("ErrorList")
    if error_list is None or not len(error_list):
        return
    phrases = tuple((e.text or "").strip() for e in error_list.iter("PhraseNotFound"))
    fields = tuple((e.text or "").strip() for e in error_list.iter("FieldNotFound"))
    problems = [f"{e.tag!s} {(e.text or '').strip()!r}" for e in error_list]
    raise EutilsPhraseNotFound(
        f"PubMed could not find {', '.join(problems)} in the query {term!r}; it "
        f"silently dropped them and searched the rest (QueryTranslation: "
        f"{translation!r}). Fix the query: {where}",
        url=where,
        phrases=phrases,
        fields=fields,
    )


def _count_and_ids(root: etree._Element, where: str, *, retmax: int) -> tuple[int, list[int]]:
    count_text = root.findtext("Count")
    try:
        count = int((count_text or "").strip())
        ids = [int((e.text or "").strip()) for e in root.iterfind("IdList/Id")]
    except ValueError:
        raise EutilsError(
            f"malformed eSearchResult (Count {count_text!r} or an Id is not a number) from {where}",
            url=where,
            retryable=True,
        ) from None
    expected = min(count, retmax)
    if count < ESEARCH_CAP and len(ids) != expected:
        raise EutilsError(
            f"ESearch Count {count} disagrees with the {len(ids)} IDs returned "
            f"(expected {expected}) from {where}",
            url=where,
            retryable=True,
        )
    return count, ids
