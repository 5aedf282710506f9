"""The PubMed query language, as far as the fake speaks it: tokens, a parse tree, dates.

Operators are evaluated strictly left to right as PubMed does; field tags map to
the record fields they search (see ``FIELDS``); create-date and PMID ranges are
terms of their own. Evaluating a tree against records is
:mod:`evidencewatch.testing.fake.evaluate`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "DATETYPES",
    "FIELDS",
    "SHOWN",
    "BoolOp",
    "Group",
    "Node",
    "QuerySyntaxError",
    "Term",
    "parse_date",
    "parse_query",
    "query_phrases",
]


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
    field: str  # canonical field key, see FIELDS
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
FIELDS: dict[str, tuple[str, str]] = {}
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
        FIELDS[_name] = (_key, _shown)
SHOWN = {key: shown for key, shown in FIELDS.values()}  # field key -> name in QueryTranslation
_RANGE_FIELDS = {"crdt", "uid"}
DATETYPES = {"crdt", "edat"}  # the fake keeps one date per record


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
        inner, pos = _parse_seq(tokens, pos + 1)
        if pos >= len(tokens) or tokens[pos].kind != "RPAREN":
            raise QuerySyntaxError("unbalanced parenthesis: missing ')'")
        return Group(inner), pos + 1
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
        key = FIELDS.get(tag.lower(), ("?", ""))[0]
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


def parse_date(text: str, *, end: bool) -> date:
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
