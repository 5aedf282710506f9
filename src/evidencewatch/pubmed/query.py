"""Build the PubMed ESearch terms for a watchlist.

Each query is ``(GENES) AND (OUTCOME) AND (DISEASE)``:

* ``GENES``: every tracked gene's symbol and *unambiguous* aliases, each as
  ``"name"[tiab]``, OR-ed. Quoting and the field tag bypass Automatic Term Mapping, so a
  symbol never expands into a MeSH/substance search or hits author affiliations
  (research/eutils.md section 5). Ambiguous aliases (``p65``, ``neu``) are never queried.
* ``OUTCOME``: the resistance terms, plus the sensitivity terms except a few generic
  words (:data:`GENERIC_OUTCOME_WORDS`), OR-ed in ``[tiab]``. Sensitivity wording
  ("chemosensitivity", "pathologic complete response") is included because several seed
  findings are stated that way and such abstracts need not say "resistance"; "response"
  or "sensitivity" alone would match nearly every breast-cancer abstract.
* ``DISEASE``: ``"<MeSH>"[mh]`` OR the disease terms in ``[tiab]``. The ``[tiab]`` terms
  find new records before MEDLINE indexing adds MeSH headings.

Therapy agents and class words are deliberately left out. AND-ing them would drop papers
that say "chemoresistance" without naming a drug, and OR-ing them into ``OUTCOME`` would
let in every HER2 + trastuzumab or PCNA + tamoxifen breast-cancer paper. The matcher reads
them afterwards to decide which therapy a candidate concerns.

Every phrase is ASCII: Greek letters are spelled out (``κ`` -> ``kappa``, the MEDLINE
convention), other non-ASCII characters are folded or dropped, and characters that would
break a quoted phrase (``"``, brackets, parentheses) become spaces. A phrase containing a
hyphen or slash is also searched with spaces instead, because a hyphenated phrase missing
from PubMed's phrase index finds nothing.

When the whole term would exceed ``max_length`` characters, the gene OR-list is split
across several queries, each with the same OUTCOME and DISEASE clauses; a gene's names
always stay together in one query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from evidencewatch.watch.watchlist import TrackedGene, Watchlist

__all__ = [
    "GENERIC_OUTCOME_WORDS",
    "QUERY_VERSION",
    "ascii_spellings",
    "build_queries",
    "disease_clause",
    "gene_terms",
    "outcome_terms",
]

# Bump whenever the shape or content of the generated queries changes for the same
# watchlist; scans store it next to the query text.
QUERY_VERSION = "2026.1"

# Sensitivity words too generic to put in the query (kept in the watchlist for the matcher).
GENERIC_OUTCOME_WORDS: frozenset[str] = frozenset(
    {"response", "responses", "responder", "responders", "sensitivity", "sensitive"}
)


def _greek_names() -> dict[str, str]:
    """Greek letters (both cases) to their spelled-out names: "kappa" for U+03BA, etc."""
    names: dict[str, str] = {}
    for code in (*range(0x391, 0x3AA), *range(0x3B1, 0x3CA)):
        name = unicodedata.name(chr(code), "")
        match = re.fullmatch(r"GREEK (?:SMALL|CAPITAL) LETTER (?:FINAL )?([A-Z]+)", name)
        if match:
            names[chr(code)] = match.group(1).lower()
    return names


_GREEK = _greek_names()
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")
_BREAKERS = '"()[]{}'  # characters that would end or confuse a quoted phrase
_SEPARATORS = re.compile(r"[-/]")


def _to_ascii(text: str) -> str:
    out: list[str] = []
    for ch in text:
        ch = _DASHES.get(ch, ch)
        if not ch.isascii():
            folded = unicodedata.normalize("NFKD", ch)
            ch = "".join(_GREEK.get(c, c) for c in folded if not unicodedata.combining(c))
            ch = "".join(c for c in ch if c.isascii())
        if ch in _BREAKERS or (len(ch) == 1 and not ch.isprintable()):
            ch = " "
        out.append(ch or " ")
    return " ".join("".join(out).split())


def ascii_spellings(text: str) -> tuple[str, ...]:
    """The spellings of ``text`` that go into a query, ASCII only, most literal first.

    >>> ascii_spellings("NF-κB p65")
    ('NF-kappaB p65', 'NF kappaB p65')
    """
    base = _to_ascii(text)
    if not base:
        return ()
    spellings = [base]
    if _SEPARATORS.search(base):
        spaced = " ".join(_SEPARATORS.sub(" ", base).split())
        if spaced:
            spellings.append(spaced)
    return tuple(dict.fromkeys(spellings))


def _unique(phrases: Iterable[str]) -> list[str]:
    """ASCII spellings of ``phrases``, de-duplicated case-insensitively (PubMed ignores case)."""
    seen: set[str] = set()
    out: list[str] = []
    for phrase in phrases:
        for spelling in ascii_spellings(phrase):
            key = spelling.casefold()
            if key not in seen:
                seen.add(key)
                out.append(spelling)
    return out


def _tag(phrase: str, field: str) -> str:
    return f'"{phrase}"[{field}]'


def gene_terms(gene: TrackedGene) -> tuple[str, ...]:
    """The gene's symbol and unambiguous aliases as ``"..."[tiab]`` terms."""
    return tuple(_tag(p, "tiab") for p in _unique(gene.query_names))


def outcome_terms(watchlist: Watchlist) -> tuple[str, ...]:
    """Resistance terms, then non-generic sensitivity terms, as ``"..."[tiab]`` terms."""
    sensitivity = (
        t for t in watchlist.sensitivity_terms if t.casefold() not in GENERIC_OUTCOME_WORDS
    )
    return tuple(_tag(p, "tiab") for p in _unique((*watchlist.resistance_terms, *sensitivity)))


def disease_clause(watchlist: Watchlist) -> tuple[str, ...]:
    """The MeSH heading as ``[mh]``, then the disease terms as ``[tiab]``."""
    terms = [_tag(p, "mh") for p in _unique([watchlist.disease_mesh])[:1]]
    terms.extend(_tag(p, "tiab") for p in _unique(watchlist.disease_terms))
    return tuple(terms)


def build_queries(watchlist: Watchlist, *, max_length: int = 1800) -> list[str]:
    """ESearch terms covering every tracked gene, each at most ``max_length`` characters.

    Genes are packed in watchlist order, greedily, so the output is deterministic. Raises
    ``ValueError`` if the fixed clauses, or one gene with them, cannot fit ``max_length``.
    """
    outcome = " OR ".join(outcome_terms(watchlist))
    disease = " OR ".join(disease_clause(watchlist))
    if not outcome:
        raise ValueError("the watchlist has no resistance terms to search for")
    if not disease:
        raise ValueError("the watchlist has no disease terms to search for")
    if not watchlist.genes:
        return []

    suffix = f") AND ({outcome}) AND ({disease})"
    budget = max_length - len("(") - len(suffix)
    if budget <= 0:
        raise ValueError(
            f"max_length={max_length} leaves no room for genes: the resistance and disease "
            f"clauses alone take {len(suffix) + 1} characters"
        )

    chunks: list[list[str]] = []
    current: list[str] = []
    used = 0
    for gene in watchlist.genes:
        terms = gene_terms(gene)
        if not terms:
            raise ValueError(f"gene {gene.symbol!r} has no name that PubMed can search")
        block = " OR ".join(terms)
        if len(block) > budget:
            raise ValueError(
                f"gene {gene.symbol} alone needs {len(block)} characters but only {budget} "
                f"fit beside the other clauses at max_length={max_length}"
            )
        extra = len(block) + (len(" OR ") if current else 0)
        if current and used + extra > budget:
            chunks.append(current)
            current, used = [], 0
            extra = len(block)
        current.append(block)
        used += extra
    if current:
        chunks.append(current)
    return [f"({' OR '.join(chunk)}{suffix}" for chunk in chunks]
