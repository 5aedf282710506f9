"""The answers the fake sends, before gzip and fault truncation: status, body, headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

__all__ = ["Response", "error_xml", "not_found", "rate_limited"]


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/xml; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


def error_xml(root: str, message: str) -> Response:
    """HTTP 200 with only an ``<ERROR>``: how E-utilities reports most failures."""
    body = (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"<{root}><ERROR>{escape(message)}</ERROR></{root}>\n"
    )
    return Response(200, body.encode("utf-8"))


def rate_limited(client: str, count: int, limit: int, retry_after: str | None) -> Response:
    """HTTP 429 with NCBI's JSON body, and ``Retry-After`` when given."""
    body = json.dumps(
        {
            "error": "API rate limit exceeded",
            "api-key": client,
            "count": str(count),
            "limit": str(limit),
        },
        separators=(",", ":"),
    ).encode()
    headers = {"Retry-After": retry_after} if retry_after else {}
    return Response(429, body, "application/json", headers)


def not_found() -> Response:
    """A path that is neither ESearch nor EFetch."""
    return Response(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")
