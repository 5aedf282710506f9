"""Free-text search over candidates with the database's own full-text index.

What is searched, per candidate: its paper's title and abstract, its snippets, its
statement and its note (migration 0010 builds the index and the triggers that keep it
current). SQLite uses FTS5 (``porter unicode61``, ranked by BM25), PostgreSQL a
``tsvector`` with a GIN index (``english``, ranked by ``ts_rank``); the title weighs
most, then snippets, statement and note, then the abstract. Equal ranks fall back on
the queue's order (best score first). A search whose text matches more than
:data:`RANK_LIMIT` candidates (counted before the filters) is not ranked by relevance:
its hits come in the queue's order, best score first, since ranking every match of a
word in nearly every record cost 0.8 s at 100,000 candidates and relevance says little
among tens of thousands of hits.

Dual review's blinding holds here by construction: the index holds only the candidate's
own columns and its paper, and a vote writes none of them until two votes agree; a
standing vote's note, reason and fields stay in ``review_vote``, never searched.

User text never reaches the full-text syntax: :func:`parse_query` keeps only words
(letters and digits) and double-quoted phrases, and every term is sent quoted (FTS5) or
as a bound parameter of ``phraseto_tsquery`` (PostgreSQL). All terms must match.
``"ESR1 Y537S" fulvestrant`` finds the phrase and the word; ``OR``, ``NOT``, ``*``,
``:`` and brackets are read as plain words or dropped. PostgreSQL drops English stop
words ("the", "with") where SQLite keeps them.

Service functions take a keyword-only ``session`` and never commit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import Session, col, select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import QUEUE_STATUSES
from evidencewatch.review.queue import QueueItem, QueuePage
from evidencewatch.storage.models import Candidate, Paper

MAX_TERMS = 16  # longer queries are cut: more terms only narrow, at a growing cost
MAX_TERM_CHARS = 64
# The most ranked hits one search returns; pages run over these (deep enough for any
# reading, and it bounds the cost of ranking a term that matches everything).
MAX_HITS = 1000
# Above this many matches, hits come in queue order instead of relevance (module doc).
RANK_LIMIT = 5000
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD = re.compile(r"\w+", re.UNICODE)
# What a result row shows (the queue's own row): loading the wide stored record and
# snippets of 50 rows cost 35 ms at 5,000 candidates (benchmarks/bench_search.py).
_ROW_CANDIDATE = tuple(
    getattr(Candidate, name)
    for name in ("id", "pmid", "gene", "status", "score", "therapy_class", "reasons",
                 "version", "decided_by", "decided_at", "created_at")
)  # fmt: skip
_ROW_PAPER = tuple(
    getattr(Paper, name)
    for name in ("pmid", "title", "journal", "pub_date", "crdt", "is_retracted", "is_review",
                 "deleted_at")
)  # fmt: skip
# PostgreSQL: plan each search for its own text (see _custom_plans); False only to measure.
CUSTOM_PLANS = True
# BM25 weights of the FTS5 columns: title, abstract, snippets, statement, note.
_BM25 = "bm25(candidate_fts, 10.0, 1.0, 4.0, 4.0, 4.0)"


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a search asks for: phrases of words, all of which must match."""

    phrases: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def fts5(self) -> str:
        """The FTS5 MATCH string: each phrase quoted; words hold no quotes by construction."""
        return " ".join('"' + " ".join(words) + '"' for words in self.phrases)

    def texts(self) -> list[str]:
        return [" ".join(words) for words in self.phrases]


def parse_query(text: str) -> SearchQuery:
    """User text as phrases of plain words; never an error, whatever the text.

    >>> parse_query('"ESR1 Y537S" fulvestrant OR (tamox*').phrases
    (('ESR1', 'Y537S'), ('fulvestrant',), ('OR',), ('tamox',))
    """
    phrases: list[tuple[str, ...]] = []
    words_used = 0
    for quoted, bare in _PHRASE_OR_WORD.findall(text or ""):
        if bare:
            # An unquoted token splits at punctuation: "PI3K/AKT" is two words.
            found = [(w[:MAX_TERM_CHARS],) for w in _WORD.findall(bare)]
        else:
            words = tuple(w[:MAX_TERM_CHARS] for w in _WORD.findall(quoted))
            found = [words] if words else []
        for phrase in found:
            if words_used + len(phrase) > MAX_TERMS:
                return SearchQuery(tuple(phrases))
            phrases.append(phrase)
            words_used += len(phrase)
    return SearchQuery(tuple(phrases))


@dataclass(frozen=True, slots=True)
class _Filters:
    status: str
    gene: str | None
    therapy_class: str | None
    since: date | None = None
    until: date | None = None

    def sql(self) -> tuple[str, dict[str, Any]]:
        """Extra WHERE clauses on ``c`` (the candidate), with their bound values."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.status != "all":
            clauses.append("c.status = :status")
            params["status"] = self.status
        if self.gene:
            clauses.append("c.gene = :gene")
            params["gene"] = self.gene.strip()
        if self.therapy_class:
            clauses.append("c.therapy_class = :therapy")
            params["therapy"] = self.therapy_class
        # Whole UTC days, both ends inclusive, as in the queue's own filter.
        if self.since is not None:
            clauses.append("c.created_at >= :since")
            params["since"] = _day_start(self.since)
        if self.until is not None:
            clauses.append("c.created_at < :until")
            params["until"] = _day_start(self.until + timedelta(days=1))
        return "".join(f" AND {c}" for c in clauses), params


def _match_sql(dialect: str, query: SearchQuery) -> tuple[str, str, str, dict[str, Any]]:
    """FROM, WHERE and ORDER BY of a search on ``dialect``, with the bound values."""
    if dialect == "postgresql":
        source = (
            f"candidate_search AS s CROSS JOIN (SELECT {_tsquery(query)}) AS q(query) "
            "JOIN candidate AS c ON c.id = s.candidate_id"
        )
        rank = "ts_rank(s.document, q.query) DESC"
        return source, "s.document @@ q.query", rank, _ts_params(query)
    if dialect == "sqlite":
        # CROSS JOIN keeps the full-text table first: given the choice, SQLite walked the
        # candidate's status index and probed the index once per row (1.2 s at 100,000).
        source = "candidate_fts CROSS JOIN candidate AS c ON c.id = candidate_fts.rowid"
        return source, "candidate_fts MATCH :match", f"{_BM25}", {"match": query.fts5()}
    raise InvalidDecision(f"search: the {dialect} database has no full-text search here")


def _matching_ids(dialect: str, query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """A SELECT of the ids of the candidates whose text matches, from the index alone."""
    if dialect == "postgresql":
        where = f"s.document @@ ({_tsquery(query)})"
        sql = f"SELECT s.candidate_id FROM candidate_search AS s WHERE {where}"
        return sql, _ts_params(query)
    return "SELECT rowid FROM candidate_fts WHERE candidate_fts MATCH :match", {
        "match": query.fts5()
    }


def _tsquery(query: SearchQuery) -> str:
    return " && ".join(f"phraseto_tsquery('english', :p{n})" for n in range(len(query.phrases)))


def _ts_params(query: SearchQuery) -> dict[str, Any]:
    return {f"p{n}": t for n, t in enumerate(query.texts())}


def search_ids(
    *,
    session: Session,
    text: str,
    status: str = "all",
    gene: str | None = None,
    therapy_class: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = MAX_HITS,
) -> list[int]:
    """Ids of the candidates matching ``text``, best match first (at most ``limit``).

    Equal matches keep the queue's order (best score first, then newest); past
    :data:`RANK_LIMIT` matches, all of them do (see the module doc).
    """
    if status not in QUEUE_STATUSES:
        raise InvalidDecision(f"status: {status!r} is not one of {', '.join(QUEUE_STATUSES)}")
    query = parse_query(text)
    if not query:
        return []
    dialect = session.get_bind().dialect.name
    restore = _custom_plans(session) if dialect == "postgresql" and CUSTOM_PLANS else None
    ids = _search(
        session, dialect, query, _Filters(status, gene, therapy_class, since, until), limit
    )
    if restore is not None:
        _set_plan_cache_mode(session, restore)
    return ids


def _search(
    session: Session, dialect: str, query: SearchQuery, filters: _Filters, limit: int
) -> list[int]:
    """:func:`search_ids` once the text is parsed: counted, then listed ranked or in order."""
    source, match, rank, params = _match_sql(dialect, query)
    extra, filter_params = filters.sql()
    bound = {**params, **filter_params, "limit": max(1, min(limit, MAX_HITS))}
    # Counted from the index alone and only up to RANK_LIMIT + 1: a bounded walk of the
    # matches before any filter, never a ranking (under 2 ms for a word in every record).
    ids_sql, id_params = _matching_ids(dialect, query)
    many = f"SELECT count(*) FROM ({ids_sql} LIMIT :cap) AS m"
    if _run(session, many, {**id_params, "cap": RANK_LIMIT + 1})[0] > RANK_LIMIT:
        sql = (
            f"SELECT c.id FROM candidate AS c WHERE c.id IN ({ids_sql}){extra} "
            "ORDER BY c.score DESC, c.id DESC LIMIT :limit"
        )
        return _run(session, sql, {**id_params, **filter_params, "limit": bound["limit"]})
    sql = (
        f"SELECT c.id FROM {source} WHERE {match}{extra} "
        f"ORDER BY {rank}, c.score DESC, c.id DESC LIMIT :limit"
    )
    return _run(session, sql, bound)


def _custom_plans(session: Session) -> str:
    """Plan the search's statements for their own values until the transaction ends or the
    returned setting is put back (PostgreSQL).

    psycopg prepares a statement once it has run five times on a connection, and every
    search of one phrase shares one statement. PostgreSQL's generic plan knows neither the
    tsquery nor how many rows match, so it rechecks every match and calls
    ``phraseto_tsquery`` once per row (a phrase in most of 20,000 records: 60 ms for the
    bounded count, 16 ms planned for its value), and for a word in every record it sorts
    every match where the plan for the value walks the queue's index and stops at 1,000.
    """
    row = session.execute(
        sa.text(
            "SELECT current_setting('plan_cache_mode'), "
            "set_config('plan_cache_mode', 'force_custom_plan', true)"
        )
    ).one()
    return str(row[0])


def _set_plan_cache_mode(session: Session, mode: str) -> None:
    session.execute(sa.text("SELECT set_config('plan_cache_mode', :mode, true)"), {"mode": mode})


def _run(session: Session, sql: str, bound: dict[str, Any]) -> list[int]:
    """The first column of ``sql``'s rows, with the date filters bound as timestamps."""
    statement = sa.text(sql).bindparams(
        *(sa.bindparam(name, type_=sa.DateTime(timezone=True)) for name in ("since", "until")
          if name in bound)
    )  # fmt: skip
    return [int(row[0]) for row in session.execute(statement, bound)]


def search_page(
    *,
    session: Session,
    text: str,
    status: str = "pending",
    gene: str | None = None,
    therapy_class: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> QueuePage:
    """One page of the search's hits, as the queue shows them; ``total`` counts the hits.

    At most :data:`MAX_HITS` hits are ranked; a search that matches more says so by
    having ``total == MAX_HITS`` (narrow it with more words or the filters).
    """
    per_page = min(max(per_page, 1), 500)
    ids = search_ids(
        session=session, text=text, status=status, gene=gene, therapy_class=therapy_class,
        since=since, until=until,
    )  # fmt: skip
    pages = max(1, math.ceil(len(ids) / per_page))
    page = min(max(page, 1), pages)
    shown = ids[(page - 1) * per_page : page * per_page]
    return QueuePage(
        items=_items(session, shown), total=len(ids), page=page, pages=pages, per_page=per_page
    )


def _items(session: Session, ids: list[int]) -> list[QueueItem]:
    """The queue rows of ``ids``, in the order of ``ids``."""
    if not ids:
        return []
    title_markup = Paper.record["title_markup"].as_string()
    rows = session.exec(
        select(Candidate, Paper, title_markup)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(col(Candidate.id).in_(ids))
        .options(orm.load_only(*_ROW_CANDIDATE), orm.load_only(*_ROW_PAPER))
    ).all()
    order = {cid: n for n, cid in enumerate(ids)}
    rows = sorted(rows, key=lambda row: order[row[0].id or 0])
    return [QueueItem(c, p, markup or "") for c, p, markup in rows]


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
