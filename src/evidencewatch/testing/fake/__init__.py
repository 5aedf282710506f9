"""A fake NCBI E-utilities server: real HTTP on 127.0.0.1, PubMed's rules and failures.

Why a real server and not mocks: the client's job is HTTP (timeouts, gzip,
POST forms, connection resets, truncated bodies, Retry-After), and only real
sockets exercise it. The offline demo uses the same server, so it ships in the
package.

What it speaks (``/entrez/eutils/esearch.fcgi``, ``efetch.fcgi`` and ``elink.fcgi``):

* ESearch: a small evaluator of PubMed query syntax (see :func:`parse_query`):
  parentheses, upper-case AND/OR/NOT evaluated left to right as PubMed does,
  quoted phrases, ``*`` truncation, field tags ([tiab], [ti], [ab], [mh], [tw],
  [ot], [All Fields], [aid], [pmcid], [uid], [crdt]) and create-date ranges,
  either as ``datetype``/``mindate``/``maxdate`` or ``2026/01/01:2026/01/31[crdt]``.
  Matching is case-insensitive, word-bounded phrase search. A phrase that occurs
  in no record at all is reported as PhraseNotFound *and dropped*, so the search
  broadens, like PubMed's. Results are sorted by PMID, newest first; at most
  ``cap`` IDs are returned; ``usehistory=y`` stores the result set.
* EFetch: by ``id`` (GET or POST form) in the requested order, unknown PMIDs
  missing; or by ``WebEnv``/``query_key``/``retstart``/``retmax``. PMIDs
  :meth:`FakeEutils.withhold` names are found by searches but never served.
* ELink (``elink.fcgi``): ``pubmed_pubmed_citedin`` and ``pubmed_pubmed`` links
  defined with :meth:`FakeEutils.add_links`, answered in NCBI's ``eLinkResult``
  format, one ``LinkSet`` per ``id`` parameter (:mod:`.elink`).
* Faults queued with :meth:`FakeEutils.fail_next` (see :class:`Fault`), among
  them a well-formed EFetch answer that silently leaves records out
  (:meth:`Fault.short_answer`), and an optional per-second rate limit that
  answers 429 like NCBI.
* The truth to test against: :meth:`FakeEutils.matching_pmids` says which PMIDs
  a set of queries matches in a create-date range, from the records themselves.

Every request is recorded in :attr:`FakeEutils.requests`, so tests can assert
what the client sent.

The pieces: :mod:`.records` (what is served), :mod:`.query` and :mod:`.evaluate`
(the search language), :mod:`.faults`, :mod:`.endpoints` (ESearch, EFetch),
:mod:`.corpus` (records and History between requests) and :mod:`.server` (HTTP).
"""

from evidencewatch.testing.fake.faults import MAX_SLOW_SECONDS, Fault, FaultKind
from evidencewatch.testing.fake.query import QuerySyntaxError, parse_query, query_phrases
from evidencewatch.testing.fake.records import (
    FakeRecord,
    make_record,
    records_from_xml,
    synthetic_records,
)
from evidencewatch.testing.fake.server import ESEARCH_CAP, PATH_PREFIX, FakeEutils, FakeRequest

__all__ = [
    "ESEARCH_CAP",
    "MAX_SLOW_SECONDS",
    "PATH_PREFIX",
    "FakeEutils",
    "FakeRecord",
    "FakeRequest",
    "Fault",
    "FaultKind",
    "QuerySyntaxError",
    "make_record",
    "parse_query",
    "query_phrases",
    "records_from_xml",
    "synthetic_records",
]
