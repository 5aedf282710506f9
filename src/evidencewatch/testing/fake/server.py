"""A fake NCBI E-utilities server: real HTTP on 127.0.0.1, PubMed's rules and failures.

Why a real server and not mocks: the client's job is HTTP (timeouts, gzip,
POST forms, connection resets, truncated bodies, Retry-After), and only real
sockets exercise it. The offline demo uses the same server, so it ships in the
package.

What it speaks (``/entrez/eutils/esearch.fcgi`` and ``efetch.fcgi``):

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
  missing; or by ``WebEnv``/``query_key``/``retstart``/``retmax``.
* Faults queued with :meth:`FakeEutils.fail_next` (see :class:`Fault`), and an
  optional per-second rate limit that answers 429 like NCBI.

Every request is recorded in :attr:`FakeEutils.requests`, so tests can assert
what the client sent.
"""

from __future__ import annotations

import argparse
import enum
import gzip
import json
import logging
import re
import secrets
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from lxml import etree

__all__ = [
    "FakeEutils",
    "FakeRecord",
    "FakeRequest",
    "Fault",
    "FaultKind",
    "QuerySyntaxError",
    "main",
    "make_record",
    "parse_query",
    "query_phrases",
    "records_from_xml",
    "synthetic_records",
]

log = logging.getLogger("evidencewatch.testing.fake_eutils")

PATH_PREFIX = "/entrez/eutils/"
ESEARCH_CAP = 9999  # PubMed's; kept separate from the client's constant on purpose
MAX_SLOW_SECONDS = 3.0

_ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
_EFETCH_HEAD = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)


# --------------------------------------------------------------------------- records


@dataclass
class FakeRecord:
    """One PubMed record the fake can find and serve.

    ``xml`` is one ``<PubmedArticle>`` (or ``<PubmedBookArticle>``) element;
    ``text`` is what [All Fields] searches (title, abstract, MeSH, keywords).
    ``fields`` optionally splits that text by field (keys ``title``, ``abstract``,
    ``mesh``, ``keywords``) so [ti]/[tiab]/[mh]/[ot] can differ; without it every
    field tag searches ``text``. ``article_ids`` are DOIs, PMC IDs and the like,
    for [aid] and [pmcid].
    """

    pmid: int
    crdt: date
    xml: bytes
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    article_ids: tuple[str, ...] = ()


_PUBLICATION_TYPE_UI = {
    "Journal Article": "D016428",
    "Review": "D016454",
    "Retracted Publication": "D016441",
    "Retraction of Publication": "D016440",
    "Preprint": "D000076942",
}


def _date_xml(tag: str, day: date, attrs: str = "", time_of_day: bool = False) -> str:
    hm = "<Hour>6</Hour><Minute>0</Minute>" if time_of_day else ""
    return (
        f"<{tag}{attrs}><Year>{day.year}</Year><Month>{day.month:02d}</Month>"
        f"<Day>{day.day:02d}</Day>{hm}</{tag}>"
    )


def make_record(
    pmid: int,
    *,
    crdt: date,
    title: str,
    abstract: str = "",
    mesh: Sequence[str] = (),
    keywords: Sequence[str] = (),
    doi: str | None = None,
    pmcid: str | None = None,
    journal: str = "Journal of Placeholder Oncology",
    publication_types: Sequence[str] = ("Journal Article",),
) -> FakeRecord:
    """Build a small, DTD-shaped ``PubmedArticle`` and its :class:`FakeRecord`.

    For tests that need a record with particular words, dates or identifiers
    without hand-writing XML. All text is escaped; markup is not supported
    (write the XML and use :func:`records_from_xml` for that).
    """
    e = escape
    mesh_xml = ""
    if mesh:
        mesh_xml = (
            "<MeshHeadingList>"
            + "".join(
                f'<MeshHeading><DescriptorName UI="D000000" MajorTopicYN="N">{e(m)}'
                "</DescriptorName></MeshHeading>"
                for m in mesh
            )
            + "</MeshHeadingList>"
        )
    kw_xml = ""
    if keywords:
        kw_xml = (
            '<KeywordList Owner="NOTNLM">'
            + "".join(f'<Keyword MajorTopicYN="N">{e(k)}</Keyword>' for k in keywords)
            + "</KeywordList>"
        )
    abstract_xml = (
        f"<Abstract><AbstractText>{e(abstract)}</AbstractText></Abstract>" if abstract else ""
    )
    types_xml = "".join(
        f'<PublicationType UI="{_PUBLICATION_TYPE_UI.get(t, "D000000")}">{e(t)}</PublicationType>'
        for t in publication_types
    )
    ids_xml = f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
    elocation = ""
    if doi:
        ids_xml += f'<ArticleId IdType="doi">{e(doi)}</ArticleId>'
        elocation = f'<ELocationID EIdType="doi" ValidYN="Y">{e(doi)}</ELocationID>'
    if pmcid:
        ids_xml += f'<ArticleId IdType="pmc">{e(pmcid)}</ArticleId>'
    article_date = _date_xml("ArticleDate", crdt, attrs=' DateType="Electronic"')
    entrez = _date_xml("PubMedPubDate", crdt, attrs=' PubStatus="entrez"', time_of_day=True)
    pubmed = _date_xml("PubMedPubDate", crdt, attrs=' PubStatus="pubmed"', time_of_day=True)
    xml = (
        f'<PubmedArticle><MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID>'
        f'<Article PubModel="Electronic"><Journal><JournalIssue CitedMedium="Internet">'
        f"<PubDate><Year>{crdt.year}</Year><Month>{crdt.month:02d}</Month>"
        f"<Day>{crdt.day:02d}</Day></PubDate></JournalIssue><Title>{e(journal)}</Title>"
        f"</Journal><ArticleTitle>{e(title)}</ArticleTitle>{elocation}{abstract_xml}"
        f'<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Placeholder</LastName>'
        f"<ForeName>Pat</ForeName><Initials>P</Initials></Author></AuthorList>"
        f"<Language>eng</Language><PublicationTypeList>{types_xml}</PublicationTypeList>"
        f"{article_date}"
        f"</Article><MedlineJournalInfo><Country>United States</Country>"
        f"<MedlineTA>{e(journal)}</MedlineTA><NlmUniqueID>0000000</NlmUniqueID>"
        f"</MedlineJournalInfo>{mesh_xml}{kw_xml}</MedlineCitation>"
        f"<PubmedData><History>"
        f"{entrez}{pubmed}"
        f"</History><PublicationStatus>epublish</PublicationStatus>"
        f"<ArticleIdList>{ids_xml}</ArticleIdList></PubmedData></PubmedArticle>"
    )
    fields = {
        "title": title,
        "abstract": abstract,
        "mesh": " ; ".join(mesh),
        "keywords": " ; ".join(keywords),
    }
    ids = tuple(i for i in (doi, pmcid) if i)
    return FakeRecord(
        pmid=pmid,
        crdt=crdt,
        xml=xml.encode("utf-8"),
        text=_join_text(fields),
        fields=fields,
        article_ids=ids,
    )


def synthetic_records(
    n: int, *, start_pmid: int, first_crdt: date, per_day: int, text: str
) -> list[FakeRecord]:
    """``n`` cheap records, PMIDs ascending from ``start_pmid``, ``per_day`` per create date.

    Every record's title is ``text``, so one phrase finds them all: enough to
    push a query past the 9,999 cap and test window splitting.
    """
    if per_day < 1:
        raise ValueError("per_day must be at least 1")
    return [
        make_record(
            start_pmid + i,
            crdt=first_crdt + timedelta(days=i // per_day),
            title=text,
        )
        for i in range(n)
    ]


def _join_text(fields: dict[str, str]) -> str:
    return "\n".join(v for k in ("title", "abstract", "mesh", "keywords") if (v := fields.get(k)))


def _itertext(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _history_date(el: etree._Element, status: str) -> date | None:
    for container in ("PubmedData/History", "PubmedBookData/History"):
        for pub in el.iterfind(f"{container}/PubMedPubDate"):
            if pub.get("PubStatus") == status:
                try:
                    return date(
                        int(pub.findtext("Year") or ""),
                        int(pub.findtext("Month") or ""),
                        int(pub.findtext("Day") or ""),
                    )
                except ValueError:
                    return None
    return None


def records_from_xml(data: bytes, *, default_crdt: date | None = None) -> list[FakeRecord]:
    """Split a ``PubmedArticleSet`` (plain or gzipped bytes) into :class:`FakeRecord` objects.

    Uses lxml directly, independent of evidencewatch's own parser, so a parser
    bug cannot hide itself in the fake. The create date is the History
    ``PubStatus="entrez"`` date (falling back to ``"pubmed"``, then
    ``default_crdt``); a record with none of them is a ``ValueError``.
    """
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(data, parser)
    if root.tag in ("PubmedArticle", "PubmedBookArticle"):
        elements = [root]
    else:
        elements = [el for el in root if el.tag in ("PubmedArticle", "PubmedBookArticle")]
    records = []
    for el in elements:
        pmid_text = el.findtext("MedlineCitation/PMID") or el.findtext("BookDocument/PMID")
        if not pmid_text or not pmid_text.strip().isdigit():
            raise ValueError(f"a <{el.tag}> has no numeric PMID")
        pmid = int(pmid_text)
        crdt = _history_date(el, "entrez") or _history_date(el, "pubmed") or default_crdt
        if crdt is None:
            raise ValueError(f"PMID {pmid}: no entrez or pubmed date in History")
        title = (
            _itertext(el.find("MedlineCitation/Article/ArticleTitle"))
            or _itertext(el.find("BookDocument/ArticleTitle"))
            or _itertext(el.find("BookDocument/Book/BookTitle"))
        )
        abstract = " ".join(
            _itertext(a)
            for a in [
                *el.iterfind("MedlineCitation/Article/Abstract/AbstractText"),
                *el.iterfind("BookDocument/Abstract/AbstractText"),
            ]
        )
        mesh = " ; ".join(
            _itertext(d)
            for d in el.iterfind("MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName")
        )
        keywords = " ; ".join(
            _itertext(k)
            for k in [
                *el.iterfind("MedlineCitation/KeywordList/Keyword"),
                *el.iterfind("BookDocument/KeywordList/Keyword"),
            ]
        )
        ids: list[str] = []
        for path in (
            "PubmedData/ArticleIdList/ArticleId",
            "PubmedBookData/ArticleIdList/ArticleId",
            "BookDocument/ArticleIdList/ArticleId",
            "MedlineCitation/Article/ELocationID",
        ):
            for a in el.iterfind(path):
                if a.tag == "ELocationID" and a.get("EIdType") != "doi":
                    continue
                if a.get("IdType") == "pubmed":
                    continue
                value = (a.text or "").strip()
                if value and value not in ids:
                    ids.append(value)
        fields = {"title": title, "abstract": abstract, "mesh": mesh, "keywords": keywords}
        records.append(
            FakeRecord(
                pmid=pmid,
                crdt=crdt,
                xml=etree.tostring(el, encoding="UTF-8", xml_declaration=False, with_tail=False),
                text=_join_text(fields),
                fields=fields,
                article_ids=tuple(ids),
            )
        )
    return records


# --------------------------------------------------------------------------- query syntax


class QuerySyntaxError(ValueError):
    """The term cannot be parsed (unbalanced parentheses, dangling operator...)."""


@dataclass(frozen=True)
class _Token:
    kind: str  # WORD, PHRASE, TAG, OP, LPAREN, RPAREN
    value: str


@dataclass(frozen=True)
class Term:
    """A searchable term: a phrase or word in one field, or a date/PMID range."""

    value: str
    field: str  # canonical field key, see _FIELDS
    quoted: bool = False
    tag: str | None = None  # the tag as written, for FieldNotFound
    end: str | None = None  # range terms (crdt, uid): the upper bound


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND, OR, NOT
    left: Node
    right: Node


@dataclass(frozen=True)
class Group:
    child: Node


Node = Term | BoolOp | Group

# tag (lower case) -> (field key, name shown in QueryTranslation)
_FIELDS: dict[str, tuple[str, str]] = {}
for _names, _key, _shown in (
    (("tiab", "title/abstract"), "tiab", "Title/Abstract"),
    (("ti", "title"), "title", "Title"),
    (("ab", "abstract"), "abstract", "Abstract"),
    (("mh", "mesh", "mesh terms", "mh:noexp", "mesh terms:noexp", "majr"), "mesh", "MeSH Terms"),
    (("ot", "other term"), "keywords", "Other Term"),
    (("tw", "text word"), "tw", "Text Word"),
    (("all fields", "all"), "all", "All Fields"),
    (("aid", "article identifier"), "aid", "Article Identifier"),
    (("pmcid",), "pmcid", "PMCID"),
    (("uid", "pmid"), "uid", "UID"),
    (
        ("crdt", "create date", "date - create", "edat", "entry date", "date - entry"),
        "crdt",
        "Date - Create",
    ),
):
    for _name in _names:
        _FIELDS[_name] = (_key, _shown)
_SHOWN = {key: shown for key, shown in _FIELDS.values()}
_RANGE_FIELDS = {"crdt", "uid"}
_DATETYPES = {"crdt", "edat"}  # the fake keeps one date per record


def _tokenize(term: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(term)
    while i < n:
        ch = term[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Token("LPAREN", ch))
            i += 1
        elif ch == ")":
            tokens.append(_Token("RPAREN", ch))
            i += 1
        elif ch == '"':
            end = term.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(f"unterminated quote at position {i}")
            tokens.append(_Token("PHRASE", term[i + 1 : end]))
            i = end + 1
        elif ch == "[":
            end = term.find("]", i + 1)
            if end < 0:
                raise QuerySyntaxError(f"unterminated field tag at position {i}")
            tokens.append(_Token("TAG", term[i + 1 : end].strip()))
            i = end + 1
        else:
            j = i
            while j < n and not term[j].isspace() and term[j] not in '()"[':
                j += 1
            word = term[i:j]
            tokens.append(_Token("OP" if word in ("AND", "OR", "NOT") else "WORD", word))
            i = j
    return tokens


def parse_query(term: str) -> Node:
    """Parse a PubMed-style term into a tree.

    Operators are evaluated strictly left to right (PubMed has no precedence:
    ``a OR b AND c`` is ``(a OR b) AND c``); adjacent terms without an operator
    are ANDed. Unquoted words followed by a tag form one phrase
    (``breast cancer[tiab]``); untagged words are separate [All Fields] terms.
    """
    tokens = _tokenize(term)
    if not tokens:
        raise QuerySyntaxError("empty query")
    node, pos = _parse_seq(tokens, 0)
    if pos != len(tokens):
        raise QuerySyntaxError("unbalanced parenthesis: unexpected ')'")
    return node


def query_phrases(term: str) -> list[str]:
    """Every searchable phrase or word in a term (not dates, PMIDs or identifiers).

    For ``FakeEutils(known_phrases=...)``: a demo or scan test whose few records
    cannot contain every alias of every gene registers the query's own phrases,
    as the real PubMed's phrase index would hold them.
    """
    found: list[str] = []

    def walk(node: Node) -> None:
        if isinstance(node, Group):
            walk(node.child)
        elif isinstance(node, BoolOp):
            walk(node.left)
            walk(node.right)
        elif node.field not in ("crdt", "uid", "aid", "pmcid"):
            found.append(node.value)

    walk(parse_query(term))
    return found


def _parse_seq(tokens: list[_Token], pos: int) -> tuple[Node, int]:
    left, pos = _parse_unit(tokens, pos)
    while pos < len(tokens) and tokens[pos].kind != "RPAREN":
        op = "AND"
        if tokens[pos].kind == "OP":
            op = tokens[pos].value
            pos += 1
        right, pos = _parse_unit(tokens, pos)
        left = BoolOp(op, left, right)
    return left, pos


def _parse_unit(tokens: list[_Token], pos: int) -> tuple[Node, int]:
    if pos >= len(tokens):
        raise QuerySyntaxError("the query ends where a term was expected")
    tok = tokens[pos]
    if tok.kind == "LPAREN":
        node, pos = _parse_seq(tokens, pos + 1)
        if pos >= len(tokens) or tokens[pos].kind != "RPAREN":
            raise QuerySyntaxError("unbalanced parenthesis: missing ')'")
        return Group(node), pos + 1
    if tok.kind == "PHRASE":
        tag, pos = _take_tag(tokens, pos + 1)
        return _maybe_range(_make_term(tok.value, tag, quoted=True), tokens, pos)
    if tok.kind == "WORD":
        words = []
        while pos < len(tokens) and tokens[pos].kind == "WORD":
            words.append(tokens[pos].value)
            pos += 1
        tag, pos = _take_tag(tokens, pos)
        if tag is not None:
            return _maybe_range(_make_term(" ".join(words), tag, quoted=False), tokens, pos)
        node: Node = _make_term(words[0], None, quoted=False)
        for w in words[1:]:
            node = BoolOp("AND", node, _make_term(w, None, quoted=False))
        return node, pos
    raise QuerySyntaxError(f"unexpected {tok.value!r} where a term was expected")


def _take_tag(tokens: list[_Token], pos: int) -> tuple[str | None, int]:
    if pos < len(tokens) and tokens[pos].kind == "TAG":
        return tokens[pos].value, pos + 1
    return None, pos


def _make_term(value: str, tag: str | None, *, quoted: bool) -> Term:
    key = "all"
    if tag is not None:
        key = _FIELDS.get(tag.lower(), ("?", ""))[0]
    if key in _RANGE_FIELDS and ":" in value:
        start, _, end = value.partition(":")
        return Term(start.strip(), key, quoted, tag, end.strip())
    return Term(value.strip(), key, quoted, tag)


def _maybe_range(term: Term, tokens: list[_Token], pos: int) -> tuple[Node, int]:
    """Join ``"2026/01/01"[crdt] : "2026/01/31"[crdt]`` into one range term."""
    if (
        term.field in _RANGE_FIELDS
        and term.end is None
        and pos < len(tokens)
        and tokens[pos].kind == "WORD"
        and tokens[pos].value == ":"
    ):
        nxt, after = _parse_unit(tokens, pos + 1)
        if not isinstance(nxt, Term) or nxt.field != term.field:
            raise QuerySyntaxError(f"a range needs two {term.tag} values")
        return Term(term.value, term.field, term.quoted, term.tag, nxt.value), after
    return term, pos


def _parse_date(text: str, *, end: bool) -> date:
    """``YYYY``, ``YYYY/MM`` or ``YYYY/MM/DD`` (``-`` or ``.`` also accepted).

    A partial date means its first day as a lower bound and its last day as an
    upper bound, so ``2026:2026[crdt]`` is the whole year.
    """
    parts = [p for p in re.split(r"[/.\-]", text.strip()) if p]
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise QuerySyntaxError(f"invalid date {text!r}")
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(parts[1])
    if len(parts) == 2:
        if not end:
            return date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    try:
        return date(year, month, int(parts[2]))
    except ValueError:
        raise QuerySyntaxError(f"invalid date {text!r}") from None


def _phrase_pattern(value: str) -> re.Pattern[str]:
    words = value.split()
    parts = []
    for w in words:
        if w.endswith("*") and len(w) > 1:
            parts.append(re.escape(w.rstrip("*")) + r"\w*")
        else:
            parts.append(re.escape(w))
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _field_text(rec: FakeRecord, key: str) -> str:
    f = rec.fields
    if not f or key == "all":
        return rec.text
    if key == "tiab":
        return f"{f.get('title', '')}\n{f.get('abstract', '')}"
    if key == "tw":
        return rec.text
    return f.get(key, "")


@dataclass
class _Evaluation:
    pmids: set[int]
    translation: str
    phrases_not_found: list[str]
    fields_not_found: list[str]


class _TextIndex:
    """Records grouped by identical field text, plus a cache of phrase matches.

    Why: a phrase is matched once per *distinct* text, not once per record, so
    12,000 synthetic records sharing one title cost one regex search, and a
    window split that repeats a query reuses the cached matches. Rebuilt
    whenever records change; callers hold the server lock.
    """

    def __init__(self, records: dict[int, FakeRecord]) -> None:
        self.records = records
        self._groups: dict[str, dict[str, list[int]]] = {}
        self._matches: dict[tuple[str, str], tuple[frozenset[int], bool]] = {}

    def _texts(self, key: str) -> dict[str, list[int]]:
        groups = self._groups.get(key)
        if groups is None:
            groups = {}
            for rec in self.records.values():
                groups.setdefault(_field_text(rec, key), []).append(rec.pmid)
            self._groups[key] = groups
        return groups

    def match(self, key: str, value: str) -> tuple[frozenset[int], bool]:
        """PMIDs whose ``key`` field holds the phrase, and whether any record's text does."""
        cache_key = (key, " ".join(value.lower().split()))
        cached = self._matches.get(cache_key)
        if cached is None:
            pattern = _phrase_pattern(value)
            hits = frozenset(
                pmid
                for text, pmids in self._texts(key).items()
                if pattern.search(text)
                for pmid in pmids
            )
            anywhere = bool(hits) or any(pattern.search(text) for text in self._texts("all"))
            cached = self._matches[cache_key] = (hits, anywhere)
        return cached


class _Evaluator:
    """Evaluates a parsed term against a snapshot of the records."""

    def __init__(self, index: _TextIndex, known_phrases: set[str]) -> None:
        self.records = index.records
        self.index = index
        self.known = known_phrases
        self.phrases_not_found: list[str] = []
        self.fields_not_found: list[str] = []

    def run(self, node: Node) -> _Evaluation:
        pmids, shown = self._eval(node)
        return _Evaluation(
            pmids if pmids is not None else set(),
            shown or "",
            self.phrases_not_found,
            self.fields_not_found,
        )

    def _eval(self, node: Node) -> tuple[set[int] | None, str | None]:
        """Returns (matching PMIDs, translation); (None, None) when the node was dropped."""
        if isinstance(node, Group):
            pmids, shown = self._eval(node.child)
            return pmids, (f"({shown})" if shown is not None else None)
        if isinstance(node, BoolOp):
            lp, ls = self._eval(node.left)
            rp, rs = self._eval(node.right)
            if lp is None or ls is None:
                if node.op == "NOT":
                    return None, None
                return rp, rs
            if rp is None or rs is None:
                return lp, ls
            if node.op == "AND":
                result = lp & rp
            elif node.op == "OR":
                result = lp | rp
            else:
                result = lp - rp
            return result, f"{ls} {node.op} {rs}"
        return self._term(node)

    def _term(self, term: Term) -> tuple[set[int] | None, str | None]:
        key = term.field
        if key == "?":
            self.fields_not_found.append(term.tag or "")
            key = "all"
        if key == "crdt":
            start = _parse_date(term.value, end=False)
            stop = _parse_date(term.end if term.end is not None else term.value, end=True)
            hits = {r.pmid for r in self.records.values() if start <= r.crdt <= stop}
            shown = term.value if term.end is None else f"{term.value}:{term.end}"
            return hits, f"{shown}[{_SHOWN['crdt']}]"
        if key == "uid":
            try:
                low = int(term.value)
                high = int(term.end) if term.end is not None else low
            except ValueError:
                raise QuerySyntaxError(f"invalid PMID {term.value!r}") from None
            hits = {p for p in self.records if low <= p <= high}
            shown = term.value if term.end is None else f"{term.value}:{term.end}"
            return hits, f"{shown}[UID]"
        if key in ("aid", "pmcid"):
            wanted = term.value.strip().lower()
            if key == "pmcid" and wanted.isdigit():
                wanted = "pmc" + wanted
            hits = {
                r.pmid
                for r in self.records.values()
                if any(i.lower() == wanted for i in r.article_ids)
            }
            if not hits and wanted not in self.known:
                self.phrases_not_found.append(term.value)
                return None, None
            return hits, f"{term.value}[{_SHOWN[key]}]"

        field_hits, anywhere = self.index.match(key, term.value)
        if not anywhere and " ".join(term.value.lower().split()) not in self.known:
            self.phrases_not_found.append(term.value)
            return None, None
        value = term.value.lower()
        shown = value if value.endswith("*") else f'"{value}"'
        return set(field_hits), f"{shown}[{_SHOWN[key]}]"


# --------------------------------------------------------------------------- faults


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
    ``Fault.custom(200, b"")``.
    """

    kind: FaultKind
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    keep: float = 0.5
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
    def custom(
        cls, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Fault:
        """Exactly this status, body and headers (empty bodies, a bare XML prolog, HTML...)."""
        return cls(
            FaultKind.CUSTOM, status=status, body=body, headers=tuple((headers or {}).items())
        )


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------- server


@dataclass
class FakeRequest:
    """One request as the fake saw it; POST form fields are merged into ``params``."""

    method: str
    path: str
    endpoint: str | None  # "esearch", "efetch" or None
    params: dict[str, str]
    headers: dict[str, str]
    time: float
    client: str
    status: int | None = None  # what the fake answered; None if it reset the connection


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "text/xml; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


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
        self._records: dict[int, FakeRecord] = {}
        self._known: set[str] = set()
        self._index = _TextIndex(self._records)
        self._faults: dict[str, deque[Fault]] = {"esearch": deque(), "efetch": deque()}
        self._history: dict[str, list[list[int]]] = {}
        self._arrivals: dict[str, deque[float]] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_records(records)
        self.add_known_phrases(known_phrases)

    # ----------------------------------------------------------- configuration

    def add_records(self, records: Iterable[FakeRecord]) -> None:
        """Add or replace records (by PMID); takes effect for the next request."""
        with self._lock:
            for rec in records:
                self._records[rec.pmid] = rec
            self._index = _TextIndex(self._records)

    def add_known_phrases(self, phrases: Iterable[str]) -> None:
        """Phrases that never count as PhraseNotFound (see the class docstring)."""
        with self._lock:
            self._known.update(" ".join(p.lower().split()) for p in phrases)

    @property
    def records(self) -> dict[int, FakeRecord]:
        """A copy of the records, by PMID."""
        with self._lock:
            return dict(self._records)

    def fail_next(self, endpoint: str, *faults: Fault) -> None:
        """Queue faults for the next calls to ``"esearch"`` or ``"efetch"``, one per call."""
        if endpoint not in self._faults:
            raise ValueError(f"endpoint must be 'esearch' or 'efetch', not {endpoint!r}")
        for fault in faults:
            if endpoint == "efetch" and fault.kind in (
                FaultKind.PHRASE_NOT_FOUND,
                FaultKind.COUNT_MISMATCH,
            ):
                raise ValueError(f"{fault.kind.value} only applies to esearch")
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
        host, port = self._server.server_address[:2]
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
            if name in ("esearch.fcgi", "efetch.fcgi"):
                endpoint = name.removesuffix(".fcgi")
        client = flat.get("api_key") or handler.client_address[0]
        req = FakeRequest(
            method=method,
            path=split.path,
            endpoint=endpoint,
            params=flat,
            headers={k: v for k, v in handler.headers.items()},
            time=time.monotonic(),
            client=client,
        )
        with self._lock:
            self.requests.append(req)
            fault = (
                self._faults[endpoint].popleft() if endpoint and self._faults[endpoint] else None
            )
            limit = self.rate_limit or (10 if flat.get("api_key") else 3)
            arrivals = self._arrivals.setdefault(client, deque())
            arrivals.append(req.time)
            while arrivals and arrivals[0] <= req.time - 1.0:
                arrivals.popleft()
            recent = len(arrivals)
        rate_headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - recent)),
        }

        if self.enforce_rate_limit and recent > limit:
            self._send(handler, req, self._rate_limited(client, recent, limit, "1"), rate_headers)
            return
        if endpoint is None:
            self._send(
                handler,
                req,
                _Response(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html"),
                rate_headers,
            )
            return
        if fault is not None and fault.kind is FaultKind.CONNECTION_RESET:
            self._reset(handler)
            return
        if fault is not None and fault.kind is FaultKind.SLOW:
            self._stopping.wait(fault.seconds)

        response = self._answer(endpoint, flat, fault, client, recent, limit)
        keep = fault.keep if fault is not None and fault.kind is FaultKind.TRUNCATED else None
        http_level = fault.http_level if fault is not None else False
        self._send(handler, req, response, rate_headers, keep=keep, http_level=http_level)

    def _answer(
        self,
        endpoint: str,
        params: dict[str, str],
        fault: Fault | None,
        client: str,
        recent: int,
        limit: int,
    ) -> _Response:
        kind = fault.kind if fault is not None else None
        if fault is not None and kind is FaultKind.RATE_LIMITED:
            return self._rate_limited(client, recent, limit, fault.retry_after)
        if fault is not None and kind is FaultKind.HTTP_ERROR:
            if fault.body or fault.status not in _HTML_ERRORS:
                return _Response(fault.status, fault.body, "text/plain; charset=UTF-8")
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return _Response(fault.status, _html_error_page(fault.status), "text/html", headers)
        if fault is not None and kind is FaultKind.CUSTOM:
            return _Response(
                fault.status, fault.body, "text/xml; charset=UTF-8", dict(fault.headers)
            )
        if fault is not None and kind is FaultKind.BACKEND_ERROR:
            root = "eSearchResult" if endpoint == "esearch" else "eFetchResult"
            return _error_xml(root, fault.message)
        if endpoint == "esearch":
            return self._esearch(params, fault)
        return self._efetch(params)

    def _rate_limited(
        self, client: str, count: int, limit: int, retry_after: str | None
    ) -> _Response:
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
        return _Response(429, body, "application/json", headers)

    def _reset(self, handler: _Handler) -> None:
        """Close with RST and no response (what a crashed front end looks like)."""
        handler.close_connection = True
        try:
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
        except OSError:
            pass

    def _send(
        self,
        handler: _Handler,
        req: FakeRequest,
        response: _Response,
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

    # ----------------------------------------------------------- ESearch

    def _esearch(self, p: dict[str, str], fault: Fault | None) -> _Response:
        if p.get("db", "pubmed") != "pubmed":
            return _error_xml("eSearchResult", f"the fake only knows db=pubmed, not {p['db']!r}")
        term = p.get("term", "").strip()
        if not term:
            return _error_xml("eSearchResult", "Empty term: there is nothing to search for")
        try:
            retstart = int(p.get("retstart") or 0)
            retmax = int(p.get("retmax") or 20)
        except ValueError:
            return _error_xml("eSearchResult", "Invalid retstart or retmax: not a number")
        if retstart < 0 or retmax < 0:
            return _error_xml("eSearchResult", "Invalid retstart or retmax: negative")
        if retstart >= self.cap:
            return _error_xml(
                "eSearchResult",
                f"Search Backend failed: Exception:\n'retstart' cannot be larger than "
                f"{self.cap - 1}. For PubMed, ESearch can only retrieve the first "
                f"{self.cap:,} records matching the query (fake server).",
            )
        mindate, maxdate = p.get("mindate"), p.get("maxdate")
        datetype = (p.get("datetype") or "crdt").lower()
        date_range: tuple[date, date] | None = None
        if mindate or maxdate:
            if not (mindate and maxdate):
                return _error_xml("eSearchResult", "Invalid dates: mindate and maxdate go together")
            if datetype not in _DATETYPES:
                return _error_xml(
                    "eSearchResult",
                    f"Invalid datetype {datetype!r}: the fake keeps only the create date "
                    f"({', '.join(sorted(_DATETYPES))})",
                )
            try:
                date_range = (_parse_date(mindate, end=False), _parse_date(maxdate, end=True))
            except QuerySyntaxError as exc:
                return _error_xml("eSearchResult", str(exc).replace("invalid", "Invalid"))

        try:
            tree = parse_query(term)
            with self._lock:
                evaluation = _Evaluator(self._index, self._known).run(tree)
                crdts = {pmid: self._records[pmid].crdt for pmid in evaluation.pmids}
        except QuerySyntaxError as exc:
            return _error_xml("eSearchResult", f"Invalid query syntax: {exc}")

        translation = evaluation.translation
        pmids = evaluation.pmids
        if date_range is not None:
            low, high = date_range
            pmids = {pmid for pmid in pmids if low <= crdts[pmid] <= high}
            shown = f"{low:%Y/%m/%d}:{high:%Y/%m/%d}[Date - Create]"
            translation = f"({translation}) AND {shown}" if translation else shown
        ids = sorted(pmids, reverse=True)
        count = len(ids)

        if p.get("rettype") == "count":
            return _Response(
                200,
                (
                    _ESEARCH_HEAD + f"<eSearchResult><Count>{count}</Count></eSearchResult>\n"
                ).encode(),
            )
        warnings: list[tuple[str, str]] = []
        page_size = retmax
        if retstart + retmax > self.cap:
            page_size = self.cap - retstart
            warnings.append(
                (
                    "OutputMessage",
                    f"Restrictions achieved. start and count adjusted to {retstart}, {page_size}",
                )
            )
        page = ids[retstart : retstart + page_size]
        if count == 0:
            warnings.append(("OutputMessage", "No items found."))

        history = ""
        if p.get("usehistory", "").lower() == "y":
            with self._lock:
                webenv = p.get("WebEnv") or ""
                if webenv not in self._history:
                    webenv = "MCID_" + secrets.token_hex(12)
                    self._history[webenv] = []
                self._history[webenv].append(ids)
                query_key = len(self._history[webenv])
            history = f"<QueryKey>{query_key}</QueryKey><WebEnv>{webenv}</WebEnv>"

        phrases = list(evaluation.phrases_not_found)
        if fault is not None and fault.kind is FaultKind.PHRASE_NOT_FOUND:
            phrases.append(fault.message)
        shown_count = count
        if fault is not None and fault.kind is FaultKind.COUNT_MISMATCH:
            if page:
                page = page[:-1]
            else:
                shown_count += 1

        parts = [
            _ESEARCH_HEAD,
            f"<eSearchResult><Count>{shown_count}</Count><RetMax>{len(page)}</RetMax>"
            f"<RetStart>{retstart}</RetStart>{history}<IdList>\n",
            "".join(f"<Id>{pmid}</Id>\n" for pmid in page),
            "</IdList><TranslationSet/>",
            f"<QueryTranslation>{escape(translation)}</QueryTranslation>",
        ]
        if phrases or evaluation.fields_not_found:
            parts.append("<ErrorList>")
            parts += [f"<PhraseNotFound>{escape(x)}</PhraseNotFound>" for x in phrases]
            parts += [
                f"<FieldNotFound>{escape(x)}</FieldNotFound>" for x in evaluation.fields_not_found
            ]
            parts.append("</ErrorList>")
        if warnings:
            parts.append("<WarningList>")
            parts += [f"<{tag}>{escape(text)}</{tag}>" for tag, text in warnings]
            parts.append("</WarningList>")
        parts.append("</eSearchResult>\n")
        return _Response(200, "".join(parts).encode("utf-8"))

    # ----------------------------------------------------------- EFetch

    def _efetch(self, p: dict[str, str]) -> _Response:
        if p.get("db", "pubmed") != "pubmed":
            return _error_xml("eFetchResult", f"the fake only knows db=pubmed, not {p['db']!r}")
        if (p.get("retmode") or "xml").lower() != "xml" or (p.get("rettype") or "xml") != "xml":
            return _error_xml("eFetchResult", "the fake serves only retmode=xml PubMed records")
        with self._lock:
            if "id" in p:
                tokens = [t for t in re.split(r"[,\s]+", p["id"]) if t]
                if not tokens:
                    return _error_xml("eFetchResult", "Supplied id parameter is empty.")
                wanted = [int(t) for t in tokens if t.isdigit()]
                if not wanted:
                    response = _error_xml(
                        "eFetchResult", "ID list is empty! Possibly it has no correct IDs."
                    )
                    response.status = 400
                    return response
                seen: set[int] = set()
                chosen = []
                for pmid in wanted:
                    if pmid in self._records and pmid not in seen:
                        seen.add(pmid)
                        chosen.append(self._records[pmid])
            elif "WebEnv" in p:
                sets = self._history.get(p["WebEnv"])
                try:
                    key = int(p.get("query_key") or 1)
                    retstart = int(p.get("retstart") or 0)
                    retmax = int(p.get("retmax") or 20)
                except ValueError:
                    return _error_xml("eFetchResult", "Invalid query_key, retstart or retmax")
                if sets is None or not 1 <= key <= len(sets):
                    return _error_xml(
                        "eFetchResult",
                        "Cannot retrieve history data: unknown WebEnv or query_key "
                        "(the session may have expired; repeat the search)",
                    )
                ids = sets[key - 1]
                if ids and retstart >= len(ids):
                    return _error_xml(
                        "eFetchResult",
                        f"Cannot retrieve history data: OUT OF RANGE (retstart {retstart}, "
                        f"{len(ids)} records)",
                    )
                chosen = [
                    self._records[pmid]
                    for pmid in ids[retstart : retstart + retmax]
                    if pmid in self._records
                ]
            else:
                return _error_xml("eFetchResult", "Supplied id parameter is empty.")
        body = (
            _EFETCH_HEAD.encode()
            + b"<PubmedArticleSet>\n"
            + b"".join(rec.xml + b"\n" for rec in chosen)
            + b"</PubmedArticleSet>\n"
        )
        return _Response(200, body)


def _error_xml(root: str, message: str) -> _Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"<{root}><ERROR>{escape(message)}</ERROR></{root}>\n"
    )
    return _Response(200, body.encode("utf-8"))


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


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Serve records from PubMed XML files until interrupted; prints the base URL."""
    parser = argparse.ArgumentParser(
        prog="python -m evidencewatch.testing.fake_eutils",
        description="Serve PubMed records from XML files as a fake NCBI E-utilities server "
        "on 127.0.0.1 (point evidencewatch's eutils URL at the printed base URL).",
    )
    parser.add_argument(
        "files", nargs="+", type=Path, help="PubmedArticleSet XML (.xml or .xml.gz)"
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--cap", type=int, default=ESEARCH_CAP, help="ESearch ID cap")
    parser.add_argument(
        "--enforce-rate-limit", action="store_true", help="answer 429 above 3 (10 with key) req/s"
    )
    parser.add_argument(
        "--default-crdt",
        type=date.fromisoformat,
        default=None,
        help="create date (YYYY-MM-DD) for records whose History has none",
    )
    args = parser.parse_args(argv)
    records: list[FakeRecord] = []
    for path in args.files:
        try:
            records += records_from_xml(path.read_bytes(), default_crdt=args.default_crdt)
        except (OSError, ValueError, etree.XMLSyntaxError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
    fake = FakeEutils(
        records, cap=args.cap, port=args.port, enforce_rate_limit=args.enforce_rate_limit
    )
    with fake:
        print(f"serving {len(records)} records; Ctrl-C to stop", file=sys.stderr)
        print(fake.base_url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
