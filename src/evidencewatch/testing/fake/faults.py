"""Faults: the failures a test queues for the next requests, and how each one is applied.

Queued with :meth:`~evidencewatch.testing.fake.server.FakeEutils.fail_next`, one
fault per request. Some replace the answer (:func:`fault_response`), some corrupt
a normal ESearch answer (:func:`esearch_phrases`, :func:`esearch_page`), one
leaves records out of a well-formed EFetch answer (:func:`efetch_records`), some
cut it (:func:`truncation`) and one drops the connection (:func:`reset_connection`).
"""

from __future__ import annotations

import enum
import socket
import struct
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TypeVar

from evidencewatch.testing.fake.responses import Response, error_xml, rate_limited

__all__ = [
    "MAX_SLOW_SECONDS",
    "Fault",
    "FaultKind",
    "efetch_records",
    "esearch_page",
    "esearch_phrases",
    "fault_response",
    "reset_connection",
    "truncation",
]

MAX_SLOW_SECONDS = 3.0

_R = TypeVar("_R")


class FaultKind(enum.Enum):
    """What a queued fault does to one request (see the :class:`Fault` constructors)."""

    RATE_LIMITED = "rate_limited"
    HTTP_ERROR = "http_error"
    TRUNCATED = "truncated"
    BACKEND_ERROR = "backend_error"
    PHRASE_NOT_FOUND = "phrase_not_found"
    COUNT_MISMATCH = "count_mismatch"
    CONNECTION_RESET = "connection_reset"
    SLOW = "slow"
    SHORT_ANSWER = "short_answer"
    NORMAL = "normal"
    CUSTOM = "custom"


_HTML_ERRORS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Fault:
    """One failure for one request. Build them with the class methods.

    ``Fault.rate_limited()``, ``Fault.server_error(500)``, ``Fault.truncated()``,
    ``Fault.backend_error()``, ``Fault.phrase_not_found("x")``,
    ``Fault.count_mismatch()``, ``Fault.connection_reset()``, ``Fault.slow(1.0)``,
    ``Fault.short_answer(0.3)``, ``Fault.normal()``, ``Fault.custom(200, b"")``.
    """

    kind: FaultKind
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    keep: float = 0.5
    drop: float = 0.0
    http_level: bool = False
    message: str = ""
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1) -> Fault:
        """HTTP 429 with NCBI's JSON body and ``Retry-After`` (omitted when None)."""
        ra = None if retry_after is None else _fmt_seconds(retry_after)
        return cls(FaultKind.RATE_LIMITED, status=429, retry_after=ra)

    @classmethod
    def server_error(cls, status: int = 500, *, retry_after: float | None = None) -> Fault:
        """HTTP 5xx (or any error status) with an HTML "WWW Error" diagnostic page."""
        ra = None if retry_after is None else _fmt_seconds(retry_after)
        return cls(FaultKind.HTTP_ERROR, status=status, retry_after=ra)

    @classmethod
    def http_error(cls, status: int, body: bytes = b"") -> Fault:
        """Any HTTP status with this body (e.g. 400, 414)."""
        return cls(FaultKind.HTTP_ERROR, status=status, body=body)

    @classmethod
    def truncated(cls, keep: float = 0.5, *, http_level: bool = False) -> Fault:
        """The normal answer cut after ``keep`` of its bytes.

        By default the Content-Length matches the cut body, so HTTP is happy and
        only the XML is incomplete (a record cut in the middle). With
        ``http_level=True`` the full length is announced and the connection is
        closed early.
        """
        if not 0.0 <= keep < 1.0:
            raise ValueError("keep must be in [0, 1)")
        return cls(FaultKind.TRUNCATED, keep=keep, http_level=http_level)

    @classmethod
    def backend_error(cls, message: str = "") -> Fault:
        """HTTP 200 whose body is only ``<ERROR>``: the search did not run."""
        return cls(
            FaultKind.BACKEND_ERROR,
            message=message or "Search Backend failed: the fake's backend is down, try again",
        )

    @classmethod
    def phrase_not_found(cls, phrase: str = "abcXYZ") -> Fault:
        """A normal ESearch answer that also lists ``phrase`` in ErrorList/PhraseNotFound."""
        return cls(FaultKind.PHRASE_NOT_FOUND, message=phrase)

    @classmethod
    def count_mismatch(cls) -> Fault:
        """An ESearch answer whose IdList holds one ID fewer than Count says."""
        return cls(FaultKind.COUNT_MISMATCH)

    @classmethod
    def connection_reset(cls) -> Fault:
        """Read the request, then reset the connection without answering."""
        return cls(FaultKind.CONNECTION_RESET)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally after ``seconds`` (at most 3): longer than a test client's timeout."""
        if not 0 < seconds <= MAX_SLOW_SECONDS:
            raise ValueError(f"slow faults take 0 < seconds <= {MAX_SLOW_SECONDS}")
        return cls(FaultKind.SLOW, seconds=seconds)

    @classmethod
    def short_answer(cls, drop: float = 0.3) -> Fault:
        """A well-formed EFetch answer that silently leaves out ``drop`` of the records.

        NCBI sometimes answers HTTP 200 with a complete ``PubmedArticleSet`` that
        lacks some of the requested PMIDs. The records left out are spread evenly
        over the answer; at least one is left out of any non-empty answer, and
        ``drop=1`` leaves an empty set.
        """
        if not 0.0 < drop <= 1.0:
            raise ValueError("drop must be in (0, 1]")
        return cls(FaultKind.SHORT_ANSWER, drop=drop)

    @classmethod
    def normal(cls) -> Fault:
        """No fault: the request is answered normally (puts later faults at chosen requests)."""
        return cls(FaultKind.NORMAL)

    @classmethod
    def custom(
        cls, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Fault:
        """Exactly this status, body and headers (empty bodies, a bare XML prolog, HTML...)."""
        return cls(
            FaultKind.CUSTOM, status=status, body=body, headers=tuple((headers or {}).items())
        )


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _html_error_page(status: int) -> bytes:
    """An NCBI-style "WWW Error 5xx Diagnostic" page (our own wording)."""
    reason = _HTML_ERRORS.get(status, "Server Error")
    return (
        f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n'
        f"<html><head><title>fake-eutils01 - WWW Error {status} Diagnostic</title></head>\n"
        f"<body><h1>{reason}</h1>\n"
        f"<p>The fake E-utilities server could not process your request "
        f"(simulated HTTP {status}). Please try again later.</p>\n"
        f"<p>Status: {status} {reason}</p></body></html>\n"
    ).encode()


# --------------------------------------------------------------------------- applying them


def fault_response(
    fault: Fault | None, endpoint: str, *, client: str, recent: int, limit: int
) -> Response | None:
    """What a fault answers instead of the endpoint; None when the endpoint answers."""
    if fault is None:
        return None
    kind = fault.kind
    if kind is FaultKind.RATE_LIMITED:
        return rate_limited(client, recent, limit, fault.retry_after)
    if kind is FaultKind.HTTP_ERROR:
        if fault.body or fault.status not in _HTML_ERRORS:
            return Response(fault.status, fault.body, "text/plain; charset=UTF-8")
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        return Response(fault.status, _html_error_page(fault.status), "text/html", headers)
    if kind is FaultKind.CUSTOM:
        return Response(fault.status, fault.body, "text/xml; charset=UTF-8", dict(fault.headers))
    if kind is FaultKind.BACKEND_ERROR:
        root = {"esearch": "eSearchResult", "elink": "eLinkResult"}.get(endpoint, "eFetchResult")
        return error_xml(root, fault.message)
    return None


def esearch_phrases(fault: Fault | None, phrases: list[str]) -> list[str]:
    """The PhraseNotFound list, with the fault's phrase added."""
    if fault is not None and fault.kind is FaultKind.PHRASE_NOT_FOUND:
        return [*phrases, fault.message]
    return phrases


def esearch_page(fault: Fault | None, page: list[int], count: int) -> tuple[list[int], int]:
    """The IdList and Count to send: one ID fewer than Count under a count mismatch."""
    if fault is not None and fault.kind is FaultKind.COUNT_MISMATCH:
        if page:
            return page[:-1], count
        return page, count + 1
    return page, count


def efetch_records(fault: Fault | None, records: list[_R]) -> list[_R]:
    """The records an EFetch answer holds: a share left out, evenly spread, under a short answer."""
    if fault is None or fault.kind is not FaultKind.SHORT_ANSWER or not records:
        return records
    n = len(records)
    dropped = max(1, round(n * fault.drop))
    left_out = {k * n // dropped for k in range(dropped)}
    return [rec for i, rec in enumerate(records) if i not in left_out]


def truncation(fault: Fault | None) -> tuple[float | None, bool]:
    """The share of the body to keep (None: all of it), and whether to cut below HTTP."""
    keep = fault.keep if fault is not None and fault.kind is FaultKind.TRUNCATED else None
    http_level = fault.http_level if fault is not None else False
    return keep, http_level


def reset_connection(handler: BaseHTTPRequestHandler) -> None:
    """Close with RST and no response (what a crashed front end looks like)."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
