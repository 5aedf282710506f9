"""NCBI E-utilities client: the only code in evidencewatch that knows NCBI's URLs.

Why this module is strict rather than convenient: a monitor that treats a bad
answer as "no new papers" loses papers for good once the scan watermark moves
on. So every answer is validated before anyone sees it:

* HTTP 429, 5xx, connection failures, timeouts, empty/ill-formed/truncated
  bodies and backend ``<ERROR>`` texts are retried with exponential backoff and
  full jitter (honouring ``Retry-After``), then raised with the attempt count;
* an HTTP 200 carrying ``<ERROR>`` is never an empty result;
* an ESearch ``ErrorList`` (PhraseNotFound/FieldNotFound) fails the query,
  because PubMed silently dropped those terms and broadened the search;
* ``Count`` must agree with the ``IdList`` (below the 9,999 cap); at or above
  the cap the result is returned and the caller must split the date window.

All requests from one client go through one thread-safe :class:`RateLimiter`,
and every request carries ``db``, ``tool``, ``email`` and ``api_key``. The
api_key is redacted from every message and log line this module produces, and
requests that carry it are POSTed so it never appears in a URL.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self, TypeVar
from urllib.parse import quote, quote_plus, urlencode

import requests
from lxml import etree

from evidencewatch import __version__
from evidencewatch.core.errors import (
    EutilsError,
    EutilsPhraseNotFound,
    EutilsQueryError,
    EutilsRateLimited,
    EutilsServerError,
)

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
DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"

#: PubMed ESearch returns at most this many IDs for one query (since Nov 2022).
#: A result whose ``count`` reaches it must be split (e.g. by halving the date window).
ESEARCH_CAP = 9999

#: Most PMIDs NCBI accepts in one EFetch/EPost request.
EFETCH_MAX_IDS = 10_000

#: Terms longer than this are POSTed: long GET URLs risk HTTP 414 (eutils.md §5).
POST_TERM_LENGTH = 300

#: A server-requested pause longer than this is cut short: we would rather spend
#: one more attempt than hang a scheduled scan for an hour.
MAX_RETRY_AFTER = 120.0

_T = TypeVar("_T")

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

_PMCID = re.compile(r"PMC\d+", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


@dataclass(frozen=True)
class SearchResult:
    """One ESearch answer, already validated.

    ``count`` is PubMed's total; ``ids`` holds at most :data:`ESEARCH_CAP` of them.
    When ``count > len(ids)`` (see :attr:`truncated`) the caller must narrow the
    query (split the date window) to see the rest; the client does not raise,
    because only the caller knows how to split.
    """

    term: str
    count: int
    ids: list[int]
    webenv: str | None
    query_key: str | None
    query_translation: str
    warnings: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        """True when PubMed matched more records than it returned."""
        return self.count > len(self.ids)


class RateLimiter:
    """Spaces request starts so that at most ``rate`` begin in any one second.

    Shared by every thread that uses one client (guarded by a lock). Each caller
    reserves the next free slot under the lock and sleeps outside it, so threads
    queue up in order instead of waking together. Slots are spaced
    ``(1 + headroom) / rate`` apart: NCBI counts *arrivals*, and network jitter
    can squeeze ``rate + 1`` exactly-spaced requests into one of its seconds
    (Biopython found 0.333 s "sometimes hit the NCBI rate limit" and uses 0.37 s).

    ``clock`` and ``sleep`` are injectable so tests can run on a fake clock.
    The limiter is per process: two processes (or two clients) with the same key
    are not coordinated.
    """

    def __init__(
        self,
        rate: float,
        *,
        headroom: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if headroom < 0:
            raise ValueError(f"headroom must not be negative, got {headroom!r}")
        self.rate = rate
        self.interval = (1.0 + headroom) / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: float | None = None

    def acquire(self) -> float:
        """Wait for this caller's slot; returns how long it waited (seconds)."""
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def defer(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now (after a 429/503 Retry-After).

        NCBI limits by IP or key, not by thread, so when it asks one thread to
        wait, every thread of this client waits.
        """
        with self._lock:
            until = self._clock() + seconds
            if self._next_slot is None or self._next_slot < until:
                self._next_slot = until


def article_id_term(article_id: str) -> str:
    """The ESearch term that finds the PMID(s) for a DOI or PMC ID.

    PMC IDs use ``PMC123[pmcid]``; DOIs use the article-identifier field
    ``"10.x/y"[aid]`` (the PMC ID Converter only knows articles in PMC). Common
    prefixes (``doi:``, ``https://doi.org/``) are removed. Anything else is a
    ``ValueError``: guessing would search for the wrong thing.
    """
    value = article_id.strip()
    lowered = value.lower()
    if lowered.startswith("doi:"):
        value = value[4:].strip()
    elif lowered.startswith("pmcid:"):
        value = value[6:].strip()
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    if _PMCID.fullmatch(value):
        return f"{value.upper()}[pmcid]"
    if _DOI.fullmatch(value) and '"' not in value:
        return f'"{value}"[aid]'
    raise ValueError(f"not a DOI or PMC ID: {article_id!r}")


class EutilsClient:
    """Talks to PubMed through ESearch and EFetch, and refuses to return doubtful answers.

    One instance may be shared by many threads: the rate limiter, the attempt
    counter and the connection pool are all thread-safe. ``on_request`` is called
    with the endpoint name (``"esearch"``/``"efetch"``) once per HTTP attempt,
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
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.tool = tool
        self.email = email or None
        self._api_key = api_key or None
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._timeout = timeout
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
            parse=lambda body, where: self._parse_esearch(body, where, term=term, retmax=retmax),
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

    def efetch(self, ids: Sequence[int]) -> bytes:
        """PubMed XML (a ``PubmedArticleSet``) for these PMIDs, always POSTed.

        The body is checked to be complete, well-formed XML, but records for
        deleted PMIDs are simply absent: the caller must compare what came back
        with what it asked for.
        """
        if not ids:
            raise ValueError("efetch needs at least one PMID")
        if len(ids) > EFETCH_MAX_IDS:
            raise ValueError(f"efetch takes at most {EFETCH_MAX_IDS} PMIDs, got {len(ids)}")
        params = {"id": ",".join(str(int(i)) for i in ids), "retmode": "xml"}
        return self._call("efetch", params, post=True, parse=self._check_efetch)

    def efetch_history(self, *, webenv: str, query_key: str, retstart: int, retmax: int) -> bytes:
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
        return self._call("efetch", params, post=True, parse=self._check_efetch)

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
        params: dict[str, str],
        *,
        post: bool,
        parse: Callable[[bytes, str], _T],
    ) -> _T:
        """Run one logical request: attempts, validation and retries with backoff."""
        for attempt in range(1, self._max_tries + 1):
            try:
                body, where = self._request(endpoint, params, post=post)
                return parse(body, where)
            except EutilsError as err:
                self._scrub(err)
                if not err.retryable:
                    raise
                if attempt >= self._max_tries:
                    err.args = (f"{err.args[0]} (gave up after {attempt} attempts)",)
                    raise
                delay = self._retry_delay(attempt, err)
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

    def _request(self, endpoint: str, params: dict[str, str], *, post: bool) -> tuple[bytes, str]:
        """Exactly one HTTP attempt. Returns the body and a redacted description of the call.

        The single place that adds db/tool/email/api_key, waits for the rate
        limiter and counts attempts. Raises :class:`EutilsError` (retryable or not)
        for anything other than HTTP 200.
        """
        url = f"{self.base_url}{endpoint}.fcgi"
        full: dict[str, str] = {"db": "pubmed", **params, "tool": self.tool}
        if self.email:
            full["email"] = self.email
        if self._api_key:
            full["api_key"] = self._api_key
        where = self._describe(url, full, post=post)

        self.rate_limiter.acquire()
        with self._count_lock:
            self.requests_made += 1
        if self._on_request is not None:
            self._on_request(endpoint)
        log.debug("E-utilities request: %s", where)

        try:
            if post:
                response = self._session.post(
                    url, data=full, headers=self._headers, timeout=self._timeout
                )
            else:
                response = self._session.get(
                    url, params=full, headers=self._headers, timeout=self._timeout
                )
            body = response.content
        except requests.Timeout as exc:
            # "from None": the requests exception's text holds the full URL, api_key included.
            raise EutilsError(
                f"timed out: {where}: {type(exc).__name__}: {self._redact(str(exc))}",
                url=where,
                retryable=True,
            ) from None
        except (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise EutilsError(
                f"connection failed: {where}: {type(exc).__name__}: {self._redact(str(exc))}",
                url=where,
                retryable=True,
            ) from None
        except requests.RequestException as exc:
            raise EutilsError(
                f"request could not be made: {where}: {type(exc).__name__}: "
                f"{self._redact(str(exc))}",
                url=where,
            ) from None

        status = response.status_code
        if status == 200:
            return body, where
        snippet = _snippet(body)
        retry_after = _retry_after(response.headers.get("Retry-After"))
        if status == 429:
            raise EutilsRateLimited(
                f"HTTP 429 Too Many Requests (rate limited) from {where}: {snippet}",
                url=where,
                retry_after=retry_after,
            )
        if status >= 500:
            raise EutilsServerError(
                f"HTTP {status} {response.reason} from {where}: {snippet}",
                url=where,
                status=status,
                retry_after=retry_after,
            )
        raise EutilsError(f"HTTP {status} {response.reason} from {where}: {snippet}", url=where)

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

    def _describe(self, url: str, params: dict[str, str], *, post: bool) -> str:
        """A short, redacted description of a call for messages and logs."""
        shown = {
            k: (v if len(v) <= 120 else v[:100] + f"...({len(v)} chars)") for k, v in params.items()
        }
        if "api_key" in shown:
            shown["api_key"] = "REDACTED"
        return f"{'POST' if post else 'GET'} {url}?{urlencode(shown)}"

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

    # ------------------------------------------------------------ body validation

    def _parse_esearch(self, body: bytes, where: str, *, term: str, retmax: int) -> SearchResult:
        root = _parse_xml(body, where)
        if root.tag != "eSearchResult":
            raise EutilsError(
                f"unexpected response from {where}: root element <{root.tag}>, "
                f"not <eSearchResult>: {_snippet(body)}",
                url=where,
                retryable=True,
            )
        error = root.find("ERROR")
        if error is not None:
            raise _error_element(error, where)

        translation = (root.findtext("QueryTranslation") or "").strip()
        error_list = root.find("ErrorList")
        if error_list is not None and len(error_list):
            phrases = tuple((e.text or "").strip() for e in error_list.iter("PhraseNotFound"))
            fields = tuple((e.text or "").strip() for e in error_list.iter("FieldNotFound"))
            problems = [f"{e.tag} {(e.text or '').strip()!r}" for e in error_list]
            raise EutilsPhraseNotFound(
                f"PubMed could not find {', '.join(problems)} in the query {term!r}; it "
                f"silently dropped them and searched the rest (QueryTranslation: "
                f"{translation!r}). Fix the query: {where}",
                url=where,
                phrases=phrases,
                fields=fields,
            )

        count_text = root.findtext("Count")
        try:
            count = int((count_text or "").strip())
            ids = [int((e.text or "").strip()) for e in root.iterfind("IdList/Id")]
        except ValueError:
            raise EutilsError(
                f"malformed eSearchResult (Count {count_text!r} or an Id is not a number) "
                f"from {where}",
                url=where,
                retryable=True,
            ) from None

        expected = min(count, retmax)
        if count < ESEARCH_CAP and len(ids) != expected:
            raise EutilsError(
                f"ESearch Count {count} disagrees with the {len(ids)} IDs returned "
                f"(expected {expected}) from {where}",
                url=where,
                retryable=True,
            )

        warnings = []
        warning_list = root.find("WarningList")
        if warning_list is not None:
            warnings = [f"{w.tag}: {(w.text or '').strip()}" for w in warning_list]
        webenv = (root.findtext("WebEnv") or "").strip() or None
        query_key = (root.findtext("QueryKey") or "").strip() or None
        return SearchResult(
            term=term,
            count=count,
            ids=ids,
            webenv=webenv,
            query_key=query_key,
            query_translation=translation,
            warnings=warnings,
        )

    def _check_efetch(self, body: bytes, where: str) -> bytes:
        """Return an EFetch body only if it is a complete, well-formed PubmedArticleSet."""
        if not body or body.isspace():
            raise EutilsError(f"empty response body from {where}", url=where, retryable=True)
        if body[-4096:].rstrip().endswith(b"</PubmedArticleSet>"):
            root_tag = _check_well_formed(body, where)
            if root_tag == "PubmedArticleSet":
                return body
            raise EutilsError(
                f"unexpected response from {where}: root element <{root_tag}>",
                url=where,
                retryable=True,
            )
        # Not the normal ending: an <eFetchResult><ERROR>, an empty <PubmedArticleSet/>,
        # an HTML page, or a body cut short. Parse to tell which (these are small,
        # except a truncated set, which fails fast enough).
        try:
            root = etree.fromstring(body, _xml_parser())
        except etree.XMLSyntaxError as exc:
            raise EutilsError(
                f"truncated or ill-formed EFetch body from {where} ({len(body)} bytes, "
                f"does not end with </PubmedArticleSet>, ends {body[-60:]!r}): {exc}",
                url=where,
                retryable=True,
            ) from None
        if root.tag == "eFetchResult":
            error = root.find("ERROR")
            if error is not None:
                raise _error_element(error, where)
        if root.tag == "PubmedArticleSet":
            return body
        raise EutilsError(
            f"unexpected response from {where}: root element <{root.tag}>: {_snippet(body)}",
            url=where,
            retryable=True,
        )


# ---------------------------------------------------------------------- helpers


def _xml_parser() -> etree.XMLParser:
    """A parser that never touches the network or a DTD (one per call: parsers aren't shared)."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )


def _parse_xml(body: bytes, where: str) -> etree._Element:
    if not body or body.isspace():
        raise EutilsError(f"empty response body from {where}", url=where, retryable=True)
    try:
        return etree.fromstring(body, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise EutilsError(
            f"ill-formed XML from {where} ({len(body)} bytes): {exc}: {_snippet(body)}",
            url=where,
            retryable=True,
        ) from None


def _check_well_formed(body: bytes, where: str, chunk: int = 1 << 20) -> str:
    """Stream-parse ``body`` to prove it is well-formed XML; returns the root tag.

    Streams and discards finished records so a 10,000-record EFetch body costs
    one record's worth of tree, not the whole document's.
    """
    parser = etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
    )
    root_tag = ""
    depth = 0
    try:
        for offset in range(0, len(body), chunk):
            parser.feed(body[offset : offset + chunk])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if not root_tag:
                        root_tag = str(element.tag)
                    continue
                depth -= 1
                if depth == 1:
                    element.clear(keep_tail=True)
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise EutilsError(
            f"ill-formed EFetch XML from {where} ({len(body)} bytes): {exc}",
            url=where,
            retryable=True,
        ) from None
    return root_tag


def _error_element(error: etree._Element, where: str) -> EutilsError:
    """Turn an ``<ERROR>`` in a 200 response into the right exception.

    Only texts that say NCBI's backend failed are worth retrying; anything about
    the request itself (bad retstart, expired WebEnv, empty ID list) is not.
    """
    text = " ".join("".join(error.itertext()).split())
    message = f"NCBI returned <ERROR> {text!r} with HTTP 200: {where}"
    if _PERMANENT_ERROR.search(text) or not _TRANSIENT_ERROR.search(text):
        return EutilsQueryError(message, url=where)
    return EutilsError(message, url=where, retryable=True)


def _snippet(body: bytes, limit: int = 300) -> str:
    """The start of a response body as one line of text, for error messages."""
    text = body[: limit * 8].decode("utf-8", errors="replace")
    if re.match(r"\s*<(?:!doctype html|html)", text, re.IGNORECASE):
        text = re.sub(r"<[^>]*>", " ", text)  # an HTML error page: keep its words, not its tags
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _retry_after(value: str | None) -> float | None:
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
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
