"""NCBI E-utilities client: the only code in evidencewatch that knows NCBI's URLs.

Why this module is strict rather than convenient: a monitor that treats a bad
answer as "no new papers" loses papers for good once the scan watermark moves
on. So every answer is validated before anyone sees it
(:mod:`~evidencewatch.pubmed.esearch`, :mod:`~evidencewatch.pubmed.efetch`):

* HTTP 429, 5xx, connection failures, timeouts, empty/ill-formed/truncated
  bodies and backend ``<ERROR>`` texts are retried with exponential backoff and
  full jitter (honouring ``Retry-After``), then raised with the attempt count;
* an HTTP 200 carrying ``<ERROR>`` is never an empty result;
* an ESearch ``ErrorList`` (PhraseNotFound/FieldNotFound) fails the query,
  because PubMed silently dropped those terms and broadened the search;
* ``Count`` must agree with the ``IdList`` (below the 9,999 cap); at or above
  the cap the result is returned and the caller must split the date window.

Nothing waits on NCBI without bound: each HTTP attempt has a connect and a
read timeout, and ``deadline`` caps one logical request, retries and their
waits included. A server that accepts the connection and never answers, or
trickles its answer a byte at a time, fails the request once the deadline has
passed instead of holding a scan for ``max_tries`` read timeouts.

All requests from one client go through one thread-safe :class:`RateLimiter`,
and every request carries ``db``, ``tool``, ``email`` and ``api_key``. The
api_key is redacted from every message and log line this module produces, and
requests that carry it are POSTed so it never appears in a URL.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from types import TracebackType
from typing import Self, TypeVar
from urllib.parse import quote, quote_plus

import requests

from evidencewatch import __version__
from evidencewatch.core.errors import (
    EutilsError,
    EutilsPhraseNotFound,
)
from evidencewatch.pubmed.efetch import read_efetch
from evidencewatch.pubmed.elink import elink_params, read_elink
from evidencewatch.pubmed.esearch import ESEARCH_CAP, SearchResult, article_id_term, read_esearch
from evidencewatch.pubmed.links import EUTILS_BASE_URL
from evidencewatch.pubmed.parse import ParsedFile
from evidencewatch.pubmed.ratelimit import RateLimiter
from evidencewatch.pubmed.responses import describe_call, http_error
from evidencewatch.pubmed.transport import Timing, send

__all__ = [
    "DEFAULT_BASE_URL",
    "EFETCH_MAX_IDS",
    "ESEARCH_CAP",
    "EutilsClient",
    "RateLimiter",
    "SearchResult",
    "article_id_term",
]

log = logging.getLogger("evidencewatch.pubmed")

#: NCBI's production endpoint. Only configuration defaults should use it; tests
#: and the offline demo point the client at :mod:`evidencewatch.testing.fake_eutils`.
DEFAULT_BASE_URL = EUTILS_BASE_URL

#: Most PMIDs NCBI accepts in one EFetch/EPost request.
EFETCH_MAX_IDS = 10_000

#: Terms longer than this are POSTed: long GET URLs risk HTTP 414 (eutils.md §5).
POST_TERM_LENGTH = 300

#: A server-requested pause longer than this is cut short: we would rather spend
#: one more attempt than hang a scheduled scan for an hour.
MAX_RETRY_AFTER = 120.0

_T = TypeVar("_T")


class EutilsClient:
    """Talks to PubMed through ESearch, EFetch and ELink, and refuses to return doubtful answers.

    One instance may be shared by many threads: the rate limiter, the attempt
    counter and the connection pool are all thread-safe. ``on_request`` is called
    with the endpoint name (``"esearch"``, ``"efetch"``, ``"elink"``) once per attempt,
    retries included, so scans can count what they cost NCBI.
    """

    def __init__(
        self,
        *,
        base_url: str,
        tool: str,
        email: str | None,
        api_key: str | None = None,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (10, 60),
        deadline: float | None = None,
        max_tries: int = 5,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        requests_per_second: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Callable[[str], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not tool or any(ch.isspace() for ch in tool):
            raise ValueError(f"tool must be a non-empty name without spaces, got {tool!r}")
        if max_tries < 1:
            raise ValueError(f"max_tries must be at least 1, got {max_tries!r}")
        if backoff_base < 0 or backoff_max < 0:
            raise ValueError("backoff_base and backoff_max must not be negative")
        if min(timeout) <= 0 or (deadline is not None and deadline <= 0):
            raise ValueError(f"timeouts and deadline must be positive, got {timeout}, {deadline}")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.tool = tool
        self.email = email or None
        self._api_key = api_key or None
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._timeout = timeout
        self._deadline = deadline
        self._clock = clock
        self._max_tries = max_tries
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._sleep = sleep
        self._on_request = on_request
        self._rng = rng if rng is not None else random.Random()
        if requests_per_second is None:
            requests_per_second = 10.0 if self._api_key else 3.0
        self.rate_limiter = RateLimiter(requests_per_second, clock=clock, sleep=sleep)
        self.requests_made = 0
        self._count_lock = threading.Lock()
        self._headers = {
            "Accept-Encoding": "gzip",
            "User-Agent": f"evidencewatch/{__version__} ({tool})",
        }
        if self.email is None:
            log.warning(
                "E-utilities client has no email: NCBI uses it to contact you before "
                "blocking an IP; configure one"
            )

    # ------------------------------------------------------------------ public API

    def esearch(
        self,
        term: str,
        *,
        mindate: date | None = None,
        maxdate: date | None = None,
        datetype: str = "crdt",
        retmax: int = ESEARCH_CAP,
        usehistory: bool = True,
    ) -> SearchResult:
        """Search PubMed; the result's IDs are complete unless ``result.truncated``.

        ``retmax`` above :data:`ESEARCH_CAP` is lowered to it (PubMed would do the
        same, with a warning). Long terms (and every search when an api_key is
        set) are POSTed. Raises :class:`EutilsPhraseNotFound` when PubMed
        dropped part of the term, :class:`EutilsQueryError` for a rejected query and
        :class:`EutilsError` when NCBI kept failing.
        """
        if not term.strip():
            raise ValueError("esearch needs a non-empty term")
        if retmax < 0:
            raise ValueError(f"retmax must not be negative, got {retmax!r}")
        retmax = min(retmax, ESEARCH_CAP)
        params: dict[str, str] = {"term": term, "retmax": str(retmax), "retmode": "xml"}
        if usehistory:
            params["usehistory"] = "y"
        if (mindate is None) != (maxdate is None):
            raise ValueError("mindate and maxdate must be given together (NCBI ignores one alone)")
        if mindate is not None and maxdate is not None:
            if mindate > maxdate:
                raise ValueError(f"mindate {mindate} is after maxdate {maxdate}")
            params["datetype"] = datetype
            params["mindate"] = mindate.strftime("%Y/%m/%d")
            params["maxdate"] = maxdate.strftime("%Y/%m/%d")
        # With an api_key, POST everything: a key in a URL ends up in proxy logs and in
        # urllib3's debug log. Without one, short searches stay readable GETs.
        post = len(term) > POST_TERM_LENGTH or self._api_key is not None
        return self._call(
            "esearch",
            params,
            post=post,
            parse=lambda body, where: read_esearch(body, where, term=term, retmax=retmax),
        )

    def esearch_count(
        self,
        term: str,
        *,
        mindate: date | None,
        maxdate: date | None,
        datetype: str = "crdt",
    ) -> int:
        """Only the number of matches (``retmax=0``), used to decide how to split windows."""
        result = self.esearch(
            term, mindate=mindate, maxdate=maxdate, datetype=datetype, retmax=0, usehistory=False
        )
        return result.count

    def efetch(self, ids: Sequence[int]) -> ParsedFile:
        """The parsed PubMed records for these PMIDs, always POSTed.

        The body is parsed once, and only a complete ``PubmedArticleSet`` is
        accepted (see :mod:`~evidencewatch.pubmed.efetch`). Records for deleted
        PMIDs are simply absent and single unreadable records are listed in
        ``problems``: the caller compares what came back with what it asked for.
        One request, one answer: callers that must not lose a PMID to a short
        answer go through :func:`evidencewatch.pubmed.fetching.fetch_by_ids`.
        """
        if not ids:
            raise ValueError("efetch needs at least one PMID")
        if len(ids) > EFETCH_MAX_IDS:
            raise ValueError(f"efetch takes at most {EFETCH_MAX_IDS} PMIDs, got {len(ids)}")
        params = {"id": ",".join(str(int(i)) for i in ids), "retmode": "xml"}
        return self._call("efetch", params, post=True, parse=read_efetch)

    def efetch_history(
        self, *, webenv: str, query_key: str, retstart: int, retmax: int
    ) -> ParsedFile:
        """One page of a result set stored on NCBI's History server by ``esearch``.

        An unknown or expired WebEnv raises :class:`EutilsQueryError`: re-run the
        search rather than retrying the page.
        """
        if retstart < 0 or retmax < 1 or retmax > EFETCH_MAX_IDS:
            raise ValueError(
                f"need retstart >= 0 and 1 <= retmax <= {EFETCH_MAX_IDS}, got {retstart}, {retmax}"
            )
        params = {
            "WebEnv": webenv,
            "query_key": str(query_key),
            "retstart": str(retstart),
            "retmax": str(retmax),
            "retmode": "xml",
        }
        return self._call("efetch", params, post=True, parse=read_efetch)

    def elink(self, ids: Sequence[int], *, linkname: str) -> dict[int, list[int]]:
        """For each source PMID, the PMIDs ``linkname`` links it to (:mod:`.elink`); POSTed."""
        return self._call(
            "elink",
            elink_params(ids, linkname),
            post=True,
            parse=lambda body, where: read_elink(body, where, ids=ids, linkname=linkname),
        )

    def resolve_article_id(self, article_id: str) -> list[int]:
        """PMIDs for a DOI or PMC ID; ``[]`` when PubMed does not know the identifier.

        PubMed answers an unknown identifier with PhraseNotFound, which for this
        lookup simply means "no such article", not a broken query.
        """
        term = article_id_term(article_id)
        try:
            return self.esearch(term, retmax=100, usehistory=False).ids
        except EutilsPhraseNotFound:
            return []

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._own_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------ request plumbing

    def _call(
        self,
        endpoint: str,
        params: Mapping[str, str | list[str]],
        *,
        post: bool,
        parse: Callable[[bytes, str], _T],
    ) -> _T:
        """Run one logical request: attempts, validation and retries with backoff."""
        deadline = None if self._deadline is None else self._clock() + self._deadline
        for attempt in range(1, self._max_tries + 1):
            try:
                body, where = self._request(endpoint, params, post=post, deadline=deadline)
                return parse(body, where)
            except EutilsError as err:
                self._scrub(err)
                if not err.retryable:
                    raise
                if attempt >= self._max_tries:
                    err.args = (f"{err.args[0]} (gave up after {attempt} attempts)",)
                    raise
                delay = self._retry_delay(attempt, err)
                if deadline is not None and self._clock() + delay >= deadline:
                    err.args = (
                        f"{err.args[0]} (gave up after {attempt} attempts: the next would "
                        f"start after the {self._deadline:g} s deadline per request)",
                    )
                    raise
                log.warning(
                    "E-utilities %s attempt %d of %d failed: %s; retrying in %.2f s",
                    endpoint,
                    attempt,
                    self._max_tries,
                    err,
                    delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _request(
        self,
        endpoint: str,
        params: Mapping[str, str | list[str]],
        *,
        post: bool,
        deadline: float | None = None,
    ) -> tuple[bytes, str]:
        """Exactly one HTTP attempt. Returns the body and a redacted description of the call.

        The single place that adds db/tool/email/api_key, waits for the rate
        limiter and counts attempts. Raises :class:`EutilsError` (retryable or not)
        for anything other than HTTP 200.
        """
        url = f"{self.base_url}{endpoint}.fcgi"
        full: dict[str, str | list[str]] = {"db": "pubmed", **params, "tool": self.tool}
        if self.email:
            full["email"] = self.email
        if self._api_key:
            full["api_key"] = self._api_key
        where = describe_call(url, full, post=post)

        self.rate_limiter.acquire()
        with self._count_lock:
            self.requests_made += 1
        if self._on_request is not None:
            self._on_request(endpoint)
        log.debug("E-utilities request: %s", where)
        timing = Timing(*self._timeout, deadline=deadline, clock=self._clock)
        response, body = send(
            self._session,
            url,
            full,
            where,
            post=post,
            headers=self._headers,
            timing=timing,
            redact=self._redact,
        )
        if response.status_code != 200:
            raise http_error(response, body, where)
        return body, where

    def _retry_delay(self, attempt: int, err: EutilsError) -> float:
        """Full-jitter exponential backoff, but never shorter than the server's Retry-After."""
        cap = min(self._backoff_max, self._backoff_base * 2 ** (attempt - 1))
        delay = self._rng.uniform(0.0, cap)
        retry_after = getattr(err, "retry_after", None)
        if retry_after is not None:
            retry_after = min(float(retry_after), MAX_RETRY_AFTER)
            self.rate_limiter.defer(retry_after)
            delay = max(delay, retry_after)
        return delay

    def _redact(self, text: str) -> str:
        """Remove the api_key (raw or URL-encoded) from text that may have echoed it."""
        key = self._api_key
        if not key:
            return text
        for form in {key, quote_plus(key), quote(key, safe="")}:
            text = text.replace(form, "REDACTED")
        return text

    def _scrub(self, err: EutilsError) -> None:
        """Redact an error in place: every error leaves through here (one choke point)."""
        if err.args:
            err.args = (self._redact(str(err.args[0])), *err.args[1:])
        if err.url:
            err.url = self._redact(err.url)
