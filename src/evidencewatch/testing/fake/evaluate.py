"""Evaluating a parsed query against the records, the way PubMed answers it.

Matching is case-insensitive, word-bounded phrase search with ``*`` truncation.
A phrase that occurs in no record at all (and is not a known phrase) is reported
as PhraseNotFound and dropped, so the search broadens, like PubMed's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidencewatch.testing.fake.query import (
    SHOWN,
    BoolOp,
    Group,
    Node,
    QuerySyntaxError,
    Term,
    parse_date,
)
from evidencewatch.testing.fake.records import FakeRecord

__all__ = ["Evaluation", "Evaluator", "TextIndex"]


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
class Evaluation:
    pmids: set[int]
    translation: str
    phrases_not_found: list[str]
    fields_not_found: list[str]


class TextIndex:
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


class Evaluator:
    """Evaluates a parsed term against a snapshot of the records."""

    def __init__(self, index: TextIndex, known_phrases: set[str]) -> None:
        self.records = index.records
        self.index = index
        self.known = known_phrases
        self.phrases_not_found: list[str] = []
        self.fields_not_found: list[str] = []

    def run(self, node: Node) -> Evaluation:
        pmids, shown = self._eval(node)
        return Evaluation(
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
            start = parse_date(term.value, end=False)
            stop = parse_date(term.end if term.end is not None else term.value, end=True)
            hits = {r.pmid for r in self.records.values() if start <= r.crdt <= stop}
            shown = term.value if term.end is None else f"{term.value}:{term.end}"
            return hits, f"{shown}[{SHOWN['crdt']}]"
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
            return hits, f"{term.value}[{SHOWN[key]}]"

        field_hits, anywhere = self.index.match(key, term.value)
        if not anywhere and " ".join(term.value.lower().split()) not in self.known:
            self.phrases_not_found.append(term.value)
            return None, None
        value = term.value.lower()
        shown = value if value.endswith("*") else f'"{value}"'
        return set(field_hits), f"{shown}[{SHOWN[key]}]"
