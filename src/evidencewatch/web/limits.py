"""What the app accepts from a request: ids and numbers in paths and forms, and body size.

Anything outside these limits is refused at the edge, on the app's error page,
before a query runs: a database cannot even compare an id past its integer
range (SQLite raises OverflowError beyond 2**63 - 1), and a form is never
more than a few kilobytes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evidencewatch.core.errors import EvidenceWatchError, InvalidDecision

# SQLite's INTEGER holds at most 2**63 - 1 (PostgreSQL's largest integer too): no row has a
# larger id, and SQLite cannot even be asked about one.
MAX_ROW_ID = 2**63 - 1
# The largest form the app takes. A full accept form is under 80 KB even with a 5,000
# character statement in three-byte characters, percent-encoded; anything bigger is not ours.
MAX_FORM_BYTES = 256 * 1024

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
"""A row id in a path; one out of range is a 404 like any unknown id."""


class FormTooLarge(EvidenceWatchError):
    """The request body is over :data:`MAX_FORM_BYTES`: refused before it is read."""

    status = 413

    def __init__(self, limit: int = MAX_FORM_BYTES) -> None:
        super().__init__(
            f"this form is too large: the app accepts at most {limit // 1024} KB "
            f"({limit:,} bytes) in one request; nothing was saved"
        )


def form_number(value: object, field: str, *, upper: int = MAX_ROW_ID) -> int:
    """``value`` (a form field) as a whole number from 1 to ``upper``.

    :class:`InvalidDecision` (400) names ``field`` when it is missing, not a
    number or out of range.
    """
    if value is None or value == "":
        raise InvalidDecision(f"{field}: missing from the form; reload the page and try again")
    text = value.strip() if isinstance(value, str) else ""
    # ASCII digits only: int() would also take "+3", "٣" or "1_000".
    if not (text.isascii() and text.isdigit()):
        shown = repr(text[:40]) if text else "a file"
        raise InvalidDecision(f"{field}: {shown} is not a whole number")
    if len(text) > len(str(upper)) or not 1 <= int(text) <= upper:
        raise InvalidDecision(f"{field}: {text[:40]} is out of range (1 to {upper})")
    return int(text)


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes with :class:`FormTooLarge` (413).

    The declared Content-Length is checked on the first read, and the bytes
    actually received on every read (a chunked body declares none), so the app
    never holds more than ``limit`` bytes of one request. Bodies are read only
    by the form parser, inside the app, so the error reaches its error page.
    """

    def __init__(self, app: ASGIApp, *, limit: int = MAX_FORM_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_long = declared.isdigit() and int(declared) > self.limit
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if too_long:
                raise FormTooLarge(self.limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise FormTooLarge(self.limit)
            return message

        await self.app(scope, limited_receive, send)
