"""watchlist.toml: bad gene, alias and therapy entries are rejected at their line."""

from __future__ import annotations

from watch.seed_samples import (
    MINI_WATCHLIST,
    assert_names,
    edit,
    line_of,
    watchlist_error,
)


def test_duplicate_gene_symbol_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, 'symbol = "RELA"', 'symbol = "ERBB2"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'symbol = "ERBB2"', 2), "symbol")
    assert "duplicate symbol" in err.message


def test_malformed_hgnc_id_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, 'hgnc_id = "HGNC:9955"', 'hgnc_id = "9955"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'hgnc_id = "9955"'), "hgnc_id")


def test_ambiguous_alias_without_context_words_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, 'context = ["HER2"]\n', "")
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, '"neu"'), "context")


def test_unknown_alias_kind_is_rejected_at_its_line(tmp_path):
    text = edit(MINI_WATCHLIST, 'kind = "alias"', 'kind = "nickname"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, '"nickname"'), "aliases.kind")


def test_unambiguous_name_shared_by_two_genes_is_rejected(tmp_path):
    text = edit(MINI_WATCHLIST, '{ text = "RelA", kind = "alias" }', '{ text = "HER2" }')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, '[{ text = "HER2" }]'), "aliases.text")
    assert "also a name of ERBB2" in err.message


def test_watchlist_missing_a_therapy_class_is_rejected(tmp_path):
    text = edit(
        MINI_WATCHLIST,
        '[[therapy]]\nclass = "endocrine"\nclass_terms = ["endocrine therapy"]\n'
        'agents = ["tamoxifen"]\n\n',
        "",
    )
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "[[therapy]]", 1), "therapy.class")
    assert "missing: endocrine" in err.message
