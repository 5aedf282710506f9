"""The PubMed query builder: (genes) AND (outcome) AND (disease), split to fit."""

from __future__ import annotations

import dataclasses

import pytest

from evidencewatch.pubmed.query import (
    GENERIC_OUTCOME_WORDS,
    QUERY_VERSION,
    ascii_spellings,
    build_queries,
    disease_clause,
    gene_terms,
    outcome_terms,
)
from evidencewatch.watch.seedfiles import WATCHLIST_FILE, default_seed_dir, load_watchlist
from evidencewatch.watch.watchlist import Alias, TherapyTerms, TrackedGene, Watchlist


@pytest.fixture(scope="module")
def watchlist():
    return load_watchlist(default_seed_dir() / WATCHLIST_FILE)


def split_outside_quotes(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is outside quotes and outside parentheses."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def clauses(query: str) -> list[list[str]]:
    """The query's AND-ed clauses, each as its list of OR-ed terms."""
    out = []
    for clause in split_outside_quotes(query, " AND "):
        assert clause.startswith("(") and clause.endswith(")"), clause
        out.append(split_outside_quotes(clause[1:-1], " OR "))
    return out


def assert_balanced(query: str) -> None:
    depth, quoted = 0, False
    for ch in query:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            assert depth >= 0, query
    assert depth == 0 and not quoted, query


def all_terms(queries: list[str]) -> set[str]:
    return {term for q in queries for clause in clauses(q) for term in clause}


def small_watchlist(*genes: TrackedGene) -> Watchlist:
    return Watchlist(
        genes=genes,
        resistance_terms=("resistance",),
        therapies=(TherapyTerms("chemotherapy", ("chemotherapy",), ("taxane",)),),
        disease_terms=("breast cancer",),
    )


def test_query_is_genes_and_outcome_and_disease_clauses(watchlist):
    for query in build_queries(watchlist):
        genes, outcome, disease = clauses(query)
        assert all(t.endswith('"[tiab]') and t.startswith('"') for t in genes)
        assert '"resistance"[tiab]' in outcome
        assert disease[0] == '"Breast Neoplasms"[mh]'
        assert '"breast cancer"[tiab]' in disease


def test_gene_clause_holds_symbols_and_unambiguous_aliases_in_tiab(watchlist):
    terms = all_terms(build_queries(watchlist))
    for symbol in watchlist.symbols:
        assert f'"{symbol}"[tiab]' in terms
    for expected in ("HER2", "HER-2", "CD340", "FANCJ", "IKK2", "annexin A1", "lipocortin 1"):
        assert f'"{expected}"[tiab]' in terms


def test_ambiguous_aliases_never_appear_as_query_terms(watchlist):
    terms = {t.lower() for t in all_terms(build_queries(watchlist))}
    ambiguous = [a.text for g in watchlist.genes for a in g.aliases if a.ambiguous]
    assert {"neu", "p65", "LAT1", "MD-2", "MD2", "BACH1"} <= set(ambiguous)
    for text in ambiguous:
        for spelling in ascii_spellings(text):
            assert f'"{spelling.lower()}"[tiab]' not in terms


def test_therapy_agents_and_class_words_stay_out_of_the_query(watchlist):
    terms = all_terms(build_queries(watchlist))
    for therapy in watchlist.therapies:
        for word in (*therapy.agents, *therapy.class_terms):
            if word in watchlist.sensitivity_terms or word in watchlist.resistance_terms:
                continue  # e.g. "radiosensitivity" is also a sensitivity term
            assert f'"{word}"[tiab]' not in terms, word


def test_generic_sensitivity_words_are_left_out_but_specific_ones_are_in(watchlist):
    outcome = outcome_terms(watchlist)
    for word in GENERIC_OUTCOME_WORDS:
        assert f'"{word}"[tiab]' not in outcome
    assert '"chemosensitivity"[tiab]' in outcome
    assert '"pathologic complete response"[tiab]' in outcome
    assert '"sensitivity"[tiab]' not in outcome


def test_resistance_terms_come_first_in_the_outcome_clause(watchlist):
    outcome = outcome_terms(watchlist)
    assert outcome[0] == f'"{watchlist.resistance_terms[0]}"[tiab]'


def test_disease_clause_pairs_the_mesh_heading_with_tiab_terms(watchlist):
    disease = disease_clause(watchlist)
    assert disease[0] == '"Breast Neoplasms"[mh]'
    assert '"TNBC"[tiab]' in disease
    assert '"breast tumour"[tiab]' in disease and '"breast tumor"[tiab]' in disease


def test_queries_are_ascii_with_greek_letters_spelled_out(watchlist):
    queries = build_queries(watchlist)
    assert all(q.isascii() for q in queries)
    terms = all_terms(queries)
    assert '"NF-kappaB p65"[tiab]' in terms
    assert '"IKKalpha"[tiab]' in terms
    assert '"IKKbeta"[tiab]' in terms
    assert '"IkappaB kinase alpha"[tiab]' in terms


def test_hyphenated_names_are_searched_with_and_without_the_hyphen(watchlist):
    terms = all_terms(build_queries(watchlist))
    for hyphenated, spaced in (
        ("HER-2", "HER 2"),
        ("IKK-alpha", "IKK alpha"),
        ("non-response", "non response"),
    ):
        assert f'"{hyphenated}"[tiab]' in terms
        assert f'"{spaced}"[tiab]' in terms


def test_case_variants_of_one_name_are_queried_once(watchlist):
    erbb2 = [t.lower() for t in gene_terms(watchlist.gene("ERBB2"))]
    assert erbb2.count('"erbb2"[tiab]') == 1  # ERBB2 and the alias ErbB2
    rela = [t.lower() for t in gene_terms(watchlist.gene("RELA"))]
    assert rela.count('"rela"[tiab]') == 1


def test_embedded_quotes_brackets_and_odd_characters_cannot_break_a_phrase():
    gene = TrackedGene(
        symbol="GENE1",
        name="gene 1",
        hgnc_id="HGNC:1",
        aliases=(Alias('the "odd" (gene) [1]'), Alias("naïve\u2013kinase β"), Alias("\u00b5-gene")),
    )
    (query,) = build_queries(small_watchlist(gene))
    assert query.isascii()
    assert_balanced(query)
    genes = clauses(query)[0]
    assert '"the odd gene 1"[tiab]' in genes
    assert '"naive-kinase beta"[tiab]' in genes
    assert '"naive kinase beta"[tiab]' in genes
    assert '"mu-gene"[tiab]' in genes


def test_ascii_spellings_drop_text_with_nothing_searchable():
    assert ascii_spellings("\u00ae\u2020") == ()
    assert ascii_spellings("  spaced   out ") == ("spaced out",)


@pytest.mark.parametrize("max_length", [1400, 1600, 1800, 3000, 10_000])
def test_parentheses_and_quotes_are_balanced(watchlist, max_length):
    for query in build_queries(watchlist, max_length=max_length):
        assert_balanced(query)


def test_default_queries_fit_1800_characters(watchlist):
    queries = build_queries(watchlist)
    assert queries
    assert all(len(q) <= 1800 for q in queries)


@pytest.mark.parametrize("max_length", [1400, 1500, 1800, 2500, 10_000])
def test_splitting_keeps_every_gene_exactly_once_and_within_max_length(watchlist, max_length):
    queries = build_queries(watchlist, max_length=max_length)
    assert all(len(q) <= max_length for q in queries)
    for gene in watchlist.genes:
        block = gene_terms(gene)
        holders = [q for q in queries if set(block) <= set(clauses(q)[0])]
        assert len(holders) == 1, gene.symbol
        symbol_hits = sum(clauses(q)[0].count(f'"{gene.symbol}"[tiab]') for q in queries)
        assert symbol_hits == 1, gene.symbol
    gene_term_count = sum(len(gene_terms(g)) for g in watchlist.genes)
    assert sum(len(clauses(q)[0]) for q in queries) == gene_term_count


def test_split_queries_share_the_same_outcome_and_disease_clauses(watchlist):
    queries = build_queries(watchlist, max_length=1500)
    assert len(queries) > 1
    tails = {tuple(map(tuple, clauses(q)[1:])) for q in queries}
    assert len(tails) == 1


def test_splitting_is_deterministic_and_follows_watchlist_order(watchlist):
    first = build_queries(watchlist, max_length=1500)
    assert first == build_queries(watchlist, max_length=1500)
    order = []
    for query in first:
        for term in clauses(query)[0]:
            for gene in watchlist.genes:
                if term == f'"{gene.symbol}"[tiab]':
                    order.append(gene.symbol)
    assert order == list(watchlist.symbols)


def test_whole_watchlist_fits_one_query_when_max_length_allows(watchlist):
    (query,) = build_queries(watchlist, max_length=100_000)
    assert len(clauses(query)[0]) == sum(len(gene_terms(g)) for g in watchlist.genes)


def test_max_length_too_small_for_the_fixed_clauses_raises(watchlist):
    with pytest.raises(ValueError, match="leaves no room for genes"):
        build_queries(watchlist, max_length=200)


def test_gene_too_long_for_max_length_raises(watchlist):
    fixed = len(build_queries(watchlist, max_length=100_000)[0]) - len(
        " OR ".join(t for g in watchlist.genes for t in gene_terms(g))
    )
    with pytest.raises(ValueError, match="alone needs"):
        build_queries(watchlist, max_length=fixed + 10)


def test_watchlist_without_genes_gives_no_queries(watchlist):
    assert build_queries(dataclasses.replace(watchlist, genes=())) == []


def test_watchlist_without_resistance_terms_is_an_error(watchlist):
    empty = dataclasses.replace(watchlist, resistance_terms=(), sensitivity_terms=())
    with pytest.raises(ValueError, match="no resistance terms"):
        build_queries(empty)


def test_query_version_is_a_nonempty_string():
    assert isinstance(QUERY_VERSION, str) and QUERY_VERSION.strip()
