"""One HTTP attempt at E-utilities, bounded in time: connect, read, and the request's deadline.

``requests`` knows only per-socket-operation timeouts: a read timeout of 60 s
bounds each wait for the *next* bytes, not the answer. So the body is
streamed and the deadline of the logical request (see
:class:`~evidencewatch.pubmed.client.EutilsClient`) is checked after every
read, and each attempt's timeouts are cut to the time the deadline leaves.
An attempt therefore ends at most one (shortened) read timeout after the
deadline, however slowly the server answers (headers excepted: http.client
reads them line by line, each line bounded by the read timeout).

Every failure leaves as an :class:`EutilsError` whose text has gone through
``redact`` (the requests exception's text holds the full URL, api_key
included), raised ``from None`` so the original never travels with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests
import urllib3

from evidencewatch.core.errors import EutilsError

__all__ = ["Timing", "send"]

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Timing:
    """The limits of one attempt: per-operation timeouts and the request's deadline."""

    connect: float
    read: float
    deadline: float | None  # a value of ``clock``; None: no deadline
    clock: Callable[[], float]

    def timeouts(self, where: str) -> tuple[float, float]:
        """(connect, read) for the next socket operation, never beyond the deadline."""
        if self.deadline is None:
            return self.connect, self.read
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            raise _past_deadline(where)
        return min(self.connect, remaining), min(self.read, remaining)


def send(
    session: requests.Session,
    url: str,
    params: Mapping[str, str | list[str]],
    where: str,
    *,
    post: bool,
    headers: dict[str, str],
    timing: Timing,
    redact: Callable[[str], str],
) -> tuple[requests.Response, bytes]:
    """The response and its whole body, with the transport's failures as EutilsErrors."""
    try:
        timeout = timing.timeouts(where)
        if post:
            response = session.post(url, data=params, headers=headers, timeout=timeout, stream=True)
        else:
            response = session.get(
                url, params=params, headers=headers, timeout=timeout, stream=True
            )
        try:
            return response, _read_body(response, where, timing)
        finally:
            response.close()
    except requests.Timeout as exc:
        raise EutilsError(
            f"timed out: {where}: {type(exc).__name__}: {redact(str(exc))}",
            url=where,
            retryable=True,
        ) from None
    except (
        requests.ConnectionError,
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    ) as exc:
        raise EutilsError(
            f"connection failed: {where}: {type(exc).__name__}: {redact(str(exc))}",
            url=where,
            retryable=True,
        ) from None
    except requests.RequestException as exc:
        raise EutilsError(
            f"request could not be made: {where}: {type(exc).__name__}: {redact(str(exc))}",
            url=where,
        ) from None


def _read_body(response: requests.Response, where: str, timing: Timing) -> bytes:
    """The decoded body, checking the deadline after every read from the socket.

    ``read1`` returns whatever one read brings (``iter_content`` would block
    until a whole chunk arrived, so a server sending a byte a second would
    never meet a deadline check). urllib3's errors are translated as
    ``requests`` translates them in ``iter_content``.
    """
    chunks: list[bytes] = []
    while True:
        try:
            chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
        except urllib3.exceptions.ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        except urllib3.exceptions.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc) from exc
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.ConnectionError(exc) from exc
        except urllib3.exceptions.SSLError as exc:
            raise requests.exceptions.SSLError(exc) from exc
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        if timing.deadline is not None and timing.clock() >= timing.deadline:
            raise _past_deadline(where, received=sum(map(len, chunks)))


def _past_deadline(where: str, *, received: int | None = None) -> EutilsError:
    # Retryable in kind (NCBI was slow, not wrong); the client sees the deadline has
    # passed and starts no further attempt.
    got = "" if received is None else f" after {received} bytes of the answer"
    return EutilsError(
        f"timed out: {where}: the request's deadline passed{got}", url=where, retryable=True
    )
