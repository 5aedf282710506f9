"""ESearch and EFetch: E-utilities' parameters in, PubMed's XML (or its ``<ERROR>``) out.

* ESearch: the term is parsed and evaluated over the corpus, optionally limited
  to a create-date range (``datetype``/``mindate``/``maxdate``). Results are
  sorted by PMID, newest first; at most ``cap`` IDs are returned, with PubMed's
  warning; ``usehistory=y`` stores the result set.
* EFetch: by ``id`` (GET or POST form) in the requested order, unknown and
  withheld PMIDs missing; or by ``WebEnv``/``query_key``/``retstart``/``retmax``.
  A short-answer fault leaves some of the records out of the well-formed answer.
"""

from __future__ import annotations

import re
from datetime import date
from xml.sax.saxutils import escape

from evidencewatch.testing.fake.corpus import Corpus
from evidencewatch.testing.fake.evaluate import Evaluation
from evidencewatch.testing.fake.faults import Fault, efetch_records, esearch_page, esearch_phrases
from evidencewatch.testing.fake.query import DATETYPES, QuerySyntaxError, parse_date, parse_query
from evidencewatch.testing.fake.records import FakeRecord, article_set
from evidencewatch.testing.fake.responses import Response, error_xml

__all__ = ["efetch", "esearch"]

_ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)


# --------------------------------------------------------------------------- ESearch


def esearch(corpus: Corpus, p: dict[str, str], fault: Fault | None, cap: int) -> Response:
    """Answer one ESearch request; ``fault`` may corrupt the answer (see faults)."""
    if p.get("db", "pubmed") != "pubmed":
        return error_xml("eSearchResult", f"the fake only knows db=pubmed, not {p['db']!r}")
    term = p.get("term", "").strip()
    if not term:
        return error_xml("eSearchResult", "Empty term: there is nothing to search for")
    paging = _paging(p, cap)
    if isinstance(paging, Response):
        return paging
    date_range = _date_range(p)
    if isinstance(date_range, Response):
        return date_range
    try:
        evaluation, crdts = corpus.search(parse_query(term))
    except QuerySyntaxError as exc:
        return error_xml("eSearchResult", f"Invalid query syntax: {exc}")

    translation = evaluation.translation
    pmids = evaluation.pmids
    if date_range is not None:
        low, high = date_range
        pmids = {pmid for pmid in pmids if low <= crdts[pmid] <= high}
        shown = f"{low:%Y/%m/%d}:{high:%Y/%m/%d}[Date - Create]"
        translation = f"({translation}) AND {shown}" if translation else shown
    ids = sorted(pmids, reverse=True)
    if p.get("rettype") == "count":
        return Response(
            200,
            (
                _ESEARCH_HEAD + f"<eSearchResult><Count>{len(ids)}</Count></eSearchResult>\n"
            ).encode(),
        )
    history = ""
    if p.get("usehistory", "").lower() == "y":
        webenv, query_key = corpus.store(p.get("WebEnv") or "", ids)
        history = f"<QueryKey>{query_key}</QueryKey><WebEnv>{webenv}</WebEnv>"
    return _esearch_result(ids, paging, cap, history, translation, evaluation, fault)


def _paging(p: dict[str, str], cap: int) -> tuple[int, int] | Response:
    """``(retstart, retmax)``, or the ``<ERROR>`` PubMed answers for them."""
    try:
        retstart = int(p.get("retstart") or 0)
        retmax = int(p.get("retmax") or 20)
    except ValueError:
        return error_xml("eSearchResult", "Invalid retstart or retmax: not a number")
    if retstart < 0 or retmax < 0:
        return error_xml("eSearchResult", "Invalid retstart or retmax: negative")
    if retstart >= cap:
        return error_xml(
            "eSearchResult",
            f"Search Backend failed: Exception:\n'retstart' cannot be larger than "
            f"{cap - 1}. For PubMed, ESearch can only retrieve the first "
            f"{cap:,} records matching the query (fake server).",
        )
    return retstart, retmax


def _date_range(p: dict[str, str]) -> tuple[date, date] | Response | None:
    """The ``mindate``/``maxdate`` create-date range, None without one, or an ``<ERROR>``."""
    mindate, maxdate = p.get("mindate"), p.get("maxdate")
    datetype = (p.get("datetype") or "crdt").lower()
    if not (mindate or maxdate):
        return None
    if not (mindate and maxdate):
        return error_xml("eSearchResult", "Invalid dates: mindate and maxdate go together")
    if datetype not in DATETYPES:
        return error_xml(
            "eSearchResult",
            f"Invalid datetype {datetype!r}: the fake keeps only the create date "
            f"({', '.join(sorted(DATETYPES))})",
        )
    try:
        return parse_date(mindate, end=False), parse_date(maxdate, end=True)
    except QuerySyntaxError as exc:
        return error_xml("eSearchResult", str(exc).replace("invalid", "Invalid"))


def _esearch_result(
    ids: list[int],
    paging: tuple[int, int],
    cap: int,
    history: str,
    translation: str,
    evaluation: Evaluation,
    fault: Fault | None,
) -> Response:
    retstart, retmax = paging
    warnings: list[tuple[str, str]] = []
    page_size = retmax
    if retstart + retmax > cap:
        page_size = cap - retstart
        warnings.append(
            (
                "OutputMessage",
                f"Restrictions achieved. start and count adjusted to {retstart}, {page_size}",
            )
        )
    page = ids[retstart : retstart + page_size]
    if not ids:
        warnings.append(("OutputMessage", "No items found."))
    phrases = esearch_phrases(fault, list(evaluation.phrases_not_found))
    page, shown_count = esearch_page(fault, page, len(ids))

    parts = [
        _ESEARCH_HEAD,
        f"<eSearchResult><Count>{shown_count}</Count><RetMax>{len(page)}</RetMax>"
        f"<RetStart>{retstart}</RetStart>{history}<IdList>\n",
        "".join(f"<Id>{pmid}</Id>\n" for pmid in page),
        "</IdList><TranslationSet/>",
        f"<QueryTranslation>{escape(translation)}</QueryTranslation>",
    ]
    if phrases or evaluation.fields_not_found:
        parts.append("<ErrorList>")
        parts += [f"<PhraseNotFound>{escape(x)}</PhraseNotFound>" for x in phrases]
        parts += [
            f"<FieldNotFound>{escape(x)}</FieldNotFound>" for x in evaluation.fields_not_found
        ]
        parts.append("</ErrorList>")
    if warnings:
        parts.append("<WarningList>")
        parts += [f"<{tag}>{escape(text)}</{tag}>" for tag, text in warnings]
        parts.append("</WarningList>")
    parts.append("</eSearchResult>\n")
    return Response(200, "".join(parts).encode("utf-8"))


# --------------------------------------------------------------------------- EFetch


def efetch(corpus: Corpus, p: dict[str, str], fault: Fault | None = None) -> Response:
    """Answer one EFetch request: records by ``id``, or a page of a History set.

    ``fault`` may leave records out of the answer (see :func:`efetch_records`).
    """
    if p.get("db", "pubmed") != "pubmed":
        return error_xml("eFetchResult", f"the fake only knows db=pubmed, not {p['db']!r}")
    if (p.get("retmode") or "xml").lower() != "xml" or (p.get("rettype") or "xml") != "xml":
        return error_xml("eFetchResult", "the fake serves only retmode=xml PubMed records")
    with corpus.lock:
        if "id" in p:
            chosen = _by_id(corpus, p["id"])
        elif "WebEnv" in p:
            chosen = _from_history(corpus, p)
        else:
            return error_xml("eFetchResult", "Supplied id parameter is empty.")
    if isinstance(chosen, Response):
        return chosen
    return Response(200, article_set(efetch_records(fault, chosen)))


def _by_id(corpus: Corpus, id_param: str) -> list[FakeRecord] | Response:
    tokens = [t for t in re.split(r"[,\s]+", id_param) if t]
    if not tokens:
        return error_xml("eFetchResult", "Supplied id parameter is empty.")
    wanted = [int(t) for t in tokens if t.isdigit()]
    if not wanted:
        response = error_xml("eFetchResult", "ID list is empty! Possibly it has no correct IDs.")
        response.status = 400
        return response
    return corpus.by_ids(wanted)


def _from_history(corpus: Corpus, p: dict[str, str]) -> list[FakeRecord] | Response:
    try:
        key = int(p.get("query_key") or 1)
        retstart = int(p.get("retstart") or 0)
        retmax = int(p.get("retmax") or 20)
    except ValueError:
        return error_xml("eFetchResult", "Invalid query_key, retstart or retmax")
    ids = corpus.stored(p["WebEnv"], key)
    if ids is None:
        return error_xml(
            "eFetchResult",
            "Cannot retrieve history data: unknown WebEnv or query_key "
            "(the session may have expired; repeat the search)",
        )
    if ids and retstart >= len(ids):
        return error_xml(
            "eFetchResult",
            f"Cannot retrieve history data: OUT OF RANGE (retstart {retstart}, {len(ids)} records)",
        )
    return corpus.by_pmids(ids[retstart : retstart + retmax])
