"""Reading an EFetch answer: parsed once, and refused unless it is a complete article set.

The body is read by the PubMed parser itself, so the records the scan stores
come from the same single parse that judged the body. A body that broke off
(truncated, ill-formed, empty), that is not a ``PubmedArticleSet`` (an HTML
page, an esearch answer) or that carries NCBI's ``<ERROR>`` makes the request
fail; the client retries what is retryable. Records for deleted PMIDs are
simply absent, and problems with single records are left for the caller.
"""

from __future__ import annotations

from evidencewatch.core.errors import EutilsError
from evidencewatch.pubmed.parse import ParsedFile, parse_pubmed
from evidencewatch.pubmed.responses import error_from_text, snippet

__all__ = ["read_efetch"]


def read_efetch(body: bytes, where: str) -> ParsedFile:
    """The records of an EFetch body, or :class:`EutilsError` when the body is not usable."""
    if not body or body.isspace():
        raise EutilsError(f"empty response body from {where}", url=where, retryable=True)
    parsed = parse_pubmed(body, source_name="efetch")
    if not parsed.complete:
        broke = parsed.problems[-1]
        raise EutilsError(
            f"truncated or ill-formed EFetch body from {where} ({len(body)} bytes, "
            f"ends {body[-60:]!r}): {broke.position}: {broke.message}",
            url=where,
            retryable=True,
        )
    if parsed.root == "eFetchResult" and parsed.error is not None:
        raise error_from_text(parsed.error, where)
    if parsed.root != "PubmedArticleSet":
        raise EutilsError(
            f"unexpected response from {where}: root element <{parsed.root}>: {snippet(body)}",
            url=where,
            retryable=True,
        )
    return parsed
