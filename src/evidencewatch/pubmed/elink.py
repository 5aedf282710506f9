"""Reading an ELink answer: which PubMed records link to each source PMID.

ELink is asked with one ``id`` parameter per source PMID (not one
comma-separated ``id``), so NCBI answers with one ``LinkSet`` per source and
every link keeps its source: ``pubmed_pubmed_citedin`` lists the papers that
cite it, ``pubmed_pubmed`` its similar articles (curation-anchors-2.md §5).

The body is parsed by Biopython's ``Bio.Entrez.read``, the field's standard
reader for E-utilities XML, which validates the answer against NCBI's eLink DTD.
Biopython ships that DTD, but it loads whatever DTD the body's DOCTYPE names and
downloads one it does not have. So the DOCTYPE is replaced by the eLink DTD
Biopython ships before parsing, and the parser's download function is one that
refuses: parsing never touches the network, whatever NCBI puts in the DOCTYPE.

As with ESearch and EFetch, a doubtful answer is an error, never "no links": an
empty or ill-formed body and a missing source are retryable, an ``<ERROR>`` is
judged by its text, and a LinkSet naming several sources (which would hide
whose links are whose) is refused.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from Bio import Entrez
from Bio.Entrez import Parser as _entrez_parser

from evidencewatch.core.errors import EutilsError
from evidencewatch.pubmed.responses import error_from_text, snippet

__all__ = ["CITED_IN", "ELINK_BATCH", "SIMILAR", "elink_params", "parse_linksets", "read_elink"]

#: The papers that cite a PMID (built from PMC reference lists, so incomplete).
CITED_IN = "pubmed_pubmed_citedin"
#: PubMed's precomputed similar articles.
SIMILAR = "pubmed_pubmed"
#: Source PMIDs per ELink request: the budget of one request per 100 sources.
ELINK_BATCH = 100

# The eLink DTD Biopython ships (Bio/Entrez/DTDs/elink.dtd); only the file name is
# looked up locally, the URL is what NCBI's own answers name.
_DOCTYPE = (
    b'<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink 20101123//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">'
)
_PROLOG = re.compile(rb"^\s*(<\?xml[^>]*\?>)?\s*(<!DOCTYPE[^>]*>)?", re.DOTALL)
_ERROR = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)


def _no_download(url: object, *args: object, **kwargs: object) -> Any:
    raise OSError(f"evidencewatch never downloads DTDs (asked for {url})")


# Bio.Entrez.Parser downloads a DTD it lacks through this module-level name; a DTD is
# part of the program, not of the answer, so a missing one must fail, not be fetched.
_entrez_parser.urlopen = _no_download  # type: ignore[attr-defined]


def elink_params(ids: Sequence[int], linkname: str) -> dict[str, str | list[str]]:
    """The request's parameters: one ``id`` per source PMID, so each keeps its links."""
    if not ids:
        raise ValueError("elink needs at least one PMID")
    if len(ids) > ELINK_BATCH:
        raise ValueError(f"elink takes at most {ELINK_BATCH} PMIDs per request, got {len(ids)}")
    return {
        "dbfrom": "pubmed",
        "linkname": linkname,
        "cmd": "neighbor",
        "retmode": "xml",
        "id": [str(int(i)) for i in ids],
    }


def read_elink(
    body: bytes, where: str, *, ids: Sequence[int], linkname: str
) -> dict[int, list[int]]:
    """For each source PMID asked for, the PMIDs ``linkname`` links it to (maybe none)."""
    if not body or body.isspace():
        raise EutilsError(f"empty response body from {where}", url=where, retryable=True)
    if (error := _ERROR.search(body)) is not None:
        raise error_from_text(" ".join(error.group(1).decode("utf-8", "replace").split()), where)
    linksets = _parse(body, where)
    found: dict[int, list[int]] = {}
    for linkset in linksets:
        sources = [int(i) for i in linkset.get("IdList", [])]
        if len(sources) != 1:
            raise EutilsError(
                f"ELink answered a LinkSet for {len(sources)} PMIDs at once from {where}: "
                "its links cannot be told apart by source",
                url=where,
            )
        links = [
            int(link["Id"])
            for db in linkset.get("LinkSetDb", [])
            if db.get("LinkName") == linkname
            for link in db.get("Link", [])
        ]
        found.setdefault(sources[0], []).extend(links)
    missing = [int(i) for i in ids if int(i) not in found]
    if missing:
        raise EutilsError(
            f"ELink left out {len(missing)} of the {len(ids)} PMIDs asked for "
            f"({missing[:5]}) from {where}",
            url=where,
            retryable=True,
        )
    return {int(i): list(dict.fromkeys(found[int(i)])) for i in ids}


def parse_linksets(body: bytes) -> list[Any]:
    """The LinkSets of an eLinkResult body, read by ``Bio.Entrez.read`` with the shipped DTD."""
    match = _PROLOG.match(body)
    rest = body[match.end() :] if match else body
    pinned = b'<?xml version="1.0" encoding="UTF-8" ?>\n' + _DOCTYPE + b"\n" + rest
    result = Entrez.read(io.BytesIO(pinned))  # type: ignore[no-untyped-call]
    return list(result["LinkSet"] if isinstance(result, dict) else result)


def _parse(body: bytes, where: str) -> list[Any]:
    try:
        return parse_linksets(body)
    except (_entrez_parser.NotXMLError, _entrez_parser.CorruptedXMLError) as exc:
        raise EutilsError(
            f"ill-formed ELink XML from {where} ({len(body)} bytes): {exc}: {snippet(body)}",
            url=where,
            retryable=True,
        ) from None
    except (RuntimeError, _entrez_parser.ValidationError, KeyError, ValueError) as exc:
        raise EutilsError(
            f"unexpected ELink answer from {where}: {type(exc).__name__}: {exc}: {snippet(body)}",
            url=where,
            retryable=True,
        ) from None
