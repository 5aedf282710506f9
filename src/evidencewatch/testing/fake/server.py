"""The fake's HTTP side: a real server on 127.0.0.1, its request log, queue and rate limit.

Why a real server and not mocks: the client's job is HTTP (timeouts, gzip,
POST forms, connection resets, truncated bodies, Retry-After), and only real
sockets exercise it. Each request is parsed (POST form fields merged into the
query), recorded in :attr:`FakeEutils.requests`, counted against the optional
per-second rate limit, matched with the next queued fault, and routed to
ESearch or EFetch (:mod:`evidencewatch.testing.fake.endpoints`).
"""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

from evidencewatch.testing.fake.corpus import Corpus
from evidencewatch.testing.fake.elink import LINKNAMES, elink
from evidencewatch.testing.fake.endpoints import efetch, esearch
from evidencewatch.testing.fake.faults import (
    Fault,
    FaultKind,
    fault_response,
    reset_connection,
    truncation,
)
from evidencewatch.testing.fake.query import parse_query
from evidencewatch.testing.fake.records import FakeRecord
from evidencewatch.testing.fake.responses import Response, not_found, rate_limited

__all__ = ["ESEARCH_CAP", "PATH_PREFIX", "FakeEutils", "FakeRequest"]

# The logger keeps the name it had before the fake became a package, so logging set-ups stay valid.
log = logging.getLogger("evidencewatch.testing.fake_eutils")

PATH_PREFIX = "/entrez/eutils/"
ESEARCH_CAP = 9999  # PubMed's; kept separate from the client's constant on purpose


@dataclass
class FakeRequest:
    """One request as the fake saw it; POST form fields are merged into ``params``."""

    method: str
    path: str
    endpoint: str | None  # "esearch", "efetch", "elink" or None
    params: dict[str, str]
    headers: dict[str, str]
    time: float
    client: str
    status: int | None = None  # what the fake answered; None if it reset the connection
    #: Every value of every parameter (ELink takes one ``id`` per source PMID).
    multi: dict[str, list[str]] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeEutils) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, addr = super().get_request()
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, addr

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_open_sockets(self) -> None:
        """Unblock handler threads waiting on idle keep-alive connections."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeEutils/1.0"
    timeout = 30  # idle keep-alive connections are dropped after this
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def do_GET(self) -> None:
        self.server.fake._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._handle(self, "POST")

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class FakeEutils:
    """The fake E-utilities server. Use as a context manager, or call start()/stop().

    ``cap`` is PubMed's 9,999-ID ESearch limit (smaller values make cap tests
    cheap). ``enforce_rate_limit`` answers 429 when one client (api_key, or IP
    without one) sends more than ``rate_limit`` requests in any one second;
    ``rate_limit`` defaults to NCBI's 3, or 10 with an api_key.
    ``known_phrases`` are treated as present in PubMed's phrase index even if no
    record contains them, so a query for a real-but-unmatched gene symbol is not
    PhraseNotFound (the real PubMed knows far more phrases than a few fake records).
    Register a whole query's vocabulary with :func:`query_phrases`.
    """

    def __init__(
        self,
        records: Iterable[FakeRecord] = (),
        *,
        cap: int = ESEARCH_CAP,
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_rate_limit: bool = False,
        rate_limit: int | None = None,
        known_phrases: Iterable[str] = (),
    ) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self.host = host
        self.port = port
        self.enforce_rate_limit = enforce_rate_limit
        self.rate_limit = rate_limit
        self.requests: list[FakeRequest] = []
        self._lock = threading.RLock()
        self._corpus = Corpus(self._lock)
        self._faults: dict[str, deque[Fault]] = {
            "esearch": deque(),
            "efetch": deque(),
            "elink": deque(),
        }
        self._arrivals: dict[str, deque[float]] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_records(records)
        self.add_known_phrases(known_phrases)

    # ----------------------------------------------------------- configuration

    def add_records(self, records: Iterable[FakeRecord]) -> None:
        """Add or replace records (by PMID); takes effect for the next request."""
        self._corpus.add_records(records)

    def add_known_phrases(self, phrases: Iterable[str]) -> None:
        """Phrases that never count as PhraseNotFound (see the class docstring)."""
        self._corpus.add_known_phrases(phrases)

    def remove_records(self, pmids: Iterable[int]) -> None:
        """Forget records, as PubMed forgets a deleted PMID: no search or EFetch finds them."""
        self._corpus.remove_records(pmids)

    def withhold(self, pmids: Iterable[int]) -> None:
        """Searches still find these PMIDs, but EFetch leaves them out of every answer."""
        self._corpus.withhold(pmids)

    def release(self, pmids: Iterable[int]) -> None:
        """EFetch serves withheld PMIDs again."""
        self._corpus.withhold(pmids, withheld=False)

    @property
    def records(self) -> dict[int, FakeRecord]:
        """A copy of the records, by PMID."""
        return self._corpus.records

    def matching_pmids(self, terms: Iterable[str], *, mindate: date, maxdate: date) -> set[int]:
        """Every PMID one of ``terms`` matches with a create date in the range, withheld or not.

        The fake's own truth, computed from its records rather than from any
        answer it sent: what a scan of that window should end up storing.
        """
        found: set[int] = set()
        for term in terms:
            evaluation, crdts = self._corpus.search(parse_query(term))
            found.update(p for p in evaluation.pmids if mindate <= crdts[p] <= maxdate)
        return found

    def add_links(self, linkname: str, links: dict[int, Iterable[int]]) -> None:
        """ELink links from each source PMID, e.g. ``pubmed_pubmed_citedin``: who cites it."""
        if linkname not in LINKNAMES:
            raise ValueError(f"linkname must be one of {LINKNAMES}, not {linkname!r}")
        self._corpus.add_links(linkname, links)

    def fail_next(self, endpoint: str, *faults: Fault) -> None:
        """Queue faults for the next calls to ``"esearch"``, ``"efetch"`` or ``"elink"``."""
        if endpoint not in self._faults:
            raise ValueError(f"endpoint must be 'esearch', 'efetch' or 'elink', not {endpoint!r}")
        for fault in faults:
            if endpoint != "esearch" and fault.kind in (
                FaultKind.PHRASE_NOT_FOUND,
                FaultKind.COUNT_MISMATCH,
            ):
                raise ValueError(f"{fault.kind.value} only applies to esearch")
            if endpoint == "esearch" and fault.kind is FaultKind.SHORT_ANSWER:
                raise ValueError(f"{fault.kind.value} only applies to efetch")
        with self._lock:
            self._faults[endpoint].extend(faults)

    def pending_faults(self, endpoint: str) -> int:
        """How many queued faults have not fired yet."""
        with self._lock:
            return len(self._faults[endpoint])

    def requests_to(self, endpoint: str) -> list[FakeRequest]:
        """The recorded requests to one endpoint, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.endpoint == endpoint]

    # ----------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/entrez/eutils/``; available once started."""
        if self._server is None:
            raise RuntimeError("FakeEutils is not running: call start() or use it as a context")
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}{PATH_PREFIX}"

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self.port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # how long stop() waits
            name=f"fake-eutils-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_open_sockets()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ----------------------------------------------------------- request handling

    def _handle(self, handler: _Handler, method: str) -> None:
        req = _read_request(handler, method)
        fault, recent, limit = self._admit(req)
        rate_headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - recent)),
        }
        if self.enforce_rate_limit and recent > limit:
            self._send(handler, req, rate_limited(req.client, recent, limit, "1"), rate_headers)
            return
        if req.endpoint is None:
            self._send(handler, req, not_found(), rate_headers)
            return
        if fault is not None and fault.kind is FaultKind.CONNECTION_RESET:
            reset_connection(handler)
            return
        if fault is not None and fault.kind is FaultKind.SLOW:
            self._stopping.wait(fault.seconds)

        response = fault_response(
            fault, req.endpoint, client=req.client, recent=recent, limit=limit
        )
        if response is None:
            response = self._answer(req.endpoint, req.params, fault, req.multi)
        keep, http_level = truncation(fault)
        self._send(handler, req, response, rate_headers, keep=keep, http_level=http_level)

    def _admit(self, req: FakeRequest) -> tuple[Fault | None, int, int]:
        """Record the request; its fault, its client's requests in the last second, and limit."""
        endpoint = req.endpoint
        with self._lock:
            self.requests.append(req)
            fault = (
                self._faults[endpoint].popleft() if endpoint and self._faults[endpoint] else None
            )
            limit = self.rate_limit or (10 if req.params.get("api_key") else 3)
            arrivals = self._arrivals.setdefault(req.client, deque())
            arrivals.append(req.time)
            while arrivals and arrivals[0] <= req.time - 1.0:
                arrivals.popleft()
            return fault, len(arrivals), limit

    def _answer(
        self,
        endpoint: str,
        params: dict[str, str],
        fault: Fault | None,
        multi: dict[str, list[str]],
    ) -> Response:
        if endpoint == "esearch":
            return esearch(self._corpus, params, fault, self.cap)
        if endpoint == "elink":
            return elink(self._corpus, multi, fault)
        return efetch(self._corpus, params, fault)

    def _send(
        self,
        handler: _Handler,
        req: FakeRequest,
        response: Response,
        extra_headers: dict[str, str],
        *,
        keep: float | None = None,
        http_level: bool = False,
    ) -> None:
        body = response.body
        if keep is not None and not http_level:
            body = body[: int(len(body) * keep)]
        headers = {"Content-Type": response.content_type, **extra_headers, **response.headers}
        if body and "gzip" in req.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        announced = len(body)
        close = False
        if keep is not None and http_level:
            body = body[: int(len(body) * keep)]
            close = True
        req.status = response.status
        try:
            handler.send_response(response.status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(announced))
            if close:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            handler.close_connection = True


def _read_request(handler: _Handler, method: str) -> FakeRequest:
    """The request as the fake records it: query and POST form merged, last value wins."""
    split = urlsplit(handler.path)
    params = parse_qs(split.query, keep_blank_values=True)
    if method == "POST":
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        if "application/x-www-form-urlencoded" in handler.headers.get("Content-Type", ""):
            for key, values in parse_qs(
                raw.decode("utf-8", errors="replace"), keep_blank_values=True
            ).items():
                params.setdefault(key, []).extend(values)
    flat = {k: v[-1] for k, v in params.items()}
    endpoint = None
    if split.path.startswith(PATH_PREFIX):
        name = split.path[len(PATH_PREFIX) :]
        if name in ("esearch.fcgi", "efetch.fcgi", "elink.fcgi"):
            endpoint = name.removesuffix(".fcgi")
    return FakeRequest(
        method=method,
        path=split.path,
        endpoint=endpoint,
        params=flat,
        headers={k: v for k, v in handler.headers.items()},
        time=time.monotonic(),
        client=flat.get("api_key") or handler.client_address[0],
        multi=params,
    )
