"""Judging what NCBI sent back: HTTP codes, XML bodies, ``<ERROR>`` texts, Retry-After.

Shared by the ESearch and EFetch readers and the client's HTTP layer. Every
failure is an :class:`~evidencewatch.core.errors.EutilsError` that says
whether retrying could help.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

import requests
from lxml import etree

from evidencewatch.core.errors import (
    EutilsError,
    EutilsQueryError,
    EutilsRateLimited,
    EutilsServerError,
)
from evidencewatch.core.timeutil import as_utc, utcnow

__all__ = [
    "describe_call",
    "error_from_text",
    "error_text",
    "http_error",
    "parse_xml",
    "retry_after_seconds",
    "snippet",
]

# <ERROR> texts that describe the request itself; retrying cannot help. Checked first,
# because NCBI prefixes even permanent failures with "Search Backend failed:" (e.g. the
# "'retstart' cannot be larger than 9998" error).
_PERMANENT_ERROR = re.compile(
    r"retstart|cannot be larger|out of (?:acceptable )?range|invalid|expired|"
    r"is empty|no correct ids|cannot retrieve history|unable to obtain query",
    re.IGNORECASE,
)
# <ERROR> texts that describe a temporary failure on NCBI's side.
_TRANSIENT_ERROR = re.compile(
    r"backend failed|temporar|try again|timed? ?out|unavailable|internal (?:server )?error|"
    r"server error|database is not available|connection",
    re.IGNORECASE,
)


def parse_xml(body: bytes, where: str) -> etree._Element:
    """The root of a small XML answer; an empty or ill-formed body is a retryable error."""
    if not body or body.isspace():
        raise EutilsError(f"empty response body from {where}", url=where, retryable=True)
    # A parser that never touches the network or a DTD (one per call: parsers aren't shared).
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise EutilsError(
            f"ill-formed XML from {where} ({len(body)} bytes): {exc}: {snippet(body)}",
            url=where,
            retryable=True,
        ) from None


def error_text(error: etree._Element) -> str:
    """An ``<ERROR>`` element's text on one line."""
    return " ".join("".join(error.itertext()).split())


def error_from_text(text: str, where: str) -> EutilsError:
    """Turn an ``<ERROR>`` text in a 200 response into the right exception.

    Only texts that say NCBI's backend failed are worth retrying; anything about
    the request itself (bad retstart, expired WebEnv, empty ID list) is not.
    """
    message = f"NCBI returned <ERROR> {text!r} with HTTP 200: {where}"
    if _PERMANENT_ERROR.search(text) or not _TRANSIENT_ERROR.search(text):
        return EutilsQueryError(message, url=where)
    return EutilsError(message, url=where, retryable=True)


def snippet(body: bytes, limit: int = 300) -> str:
    """The start of a response body as one line of text, for error messages."""
    text = body[: limit * 8].decode("utf-8", errors="replace")
    if re.match(r"\s*<(?:!doctype html|html)", text, re.IGNORECASE):
        text = re.sub(r"<[^>]*>", " ", text)  # an HTML error page: keep its words, not its tags
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (as_utc(when) - utcnow()).total_seconds())


def describe_call(url: str, params: Mapping[str, str | list[str]], *, post: bool) -> str:
    """A short, redacted description of a call for messages and logs.

    A parameter given several times (ELink's one ``id`` per PMID) is shown once,
    its values joined by commas.
    """
    shown = {}
    for k, value in params.items():
        v = value if isinstance(value, str) else ",".join(value)
        shown[k] = v if len(v) <= 120 else v[:100] + f"...({len(v)} chars)"
    if "api_key" in shown:
        shown["api_key"] = "REDACTED"
    return f"{'POST' if post else 'GET'} {url}?{urlencode(shown)}"


def http_error(response: requests.Response, body: bytes, where: str) -> EutilsError:
    """The error for a non-200 answer: 429 and 5xx are retryable, other codes are not."""
    status = response.status_code
    text = snippet(body)
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    if status == 429:
        return EutilsRateLimited(
            f"HTTP 429 Too Many Requests (rate limited) from {where}: {text}",
            url=where,
            retry_after=retry_after,
        )
    if status >= 500:
        return EutilsServerError(
            f"HTTP {status} {response.reason} from {where}: {text}",
            url=where,
            status=status,
            retry_after=retry_after,
        )
    return EutilsError(f"HTTP {status} {response.reason} from {where}: {text}", url=where)
