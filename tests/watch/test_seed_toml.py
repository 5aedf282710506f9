"""Reading a seed TOML file: syntax errors, unknown keys, wrong types and missing files
are reported at their file, line and field."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import SeedFileError
from evidencewatch.watch.seedfiles import load_watchlist
from watch.seed_samples import (
    MINI_FINDINGS,
    MINI_WATCHLIST,
    assert_names,
    edit,
    findings_error,
    line_of,
    watchlist_error,
)


def test_toml_syntax_error_names_file_line_and_key(tmp_path):
    text = edit(MINI_FINDINGS, 'direction = "mixed"', "direction = mixed")
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, "direction = mixed"), "direction")
    assert "TOML syntax error" in err.message
    assert "column" in err.message


def test_toml_syntax_error_at_end_of_file_points_at_the_last_line(tmp_path):
    text = MINI_FINDINGS.rstrip("\n").removesuffix("]")
    path, err = findings_error(tmp_path, text)
    assert err.path == str(path)
    assert err.line == len(text.splitlines())
    assert "end of file" in err.message


def test_unknown_key_is_rejected_at_its_line(tmp_path):
    text = edit(
        MINI_FINDINGS, 'subtype = "not specified"\n', 'subtype = "not specified"\ncolour = "red"\n'
    )
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'colour = "red"'), "colour")
    assert "unknown key 'colour'" in err.message


def test_wrong_type_is_rejected_at_its_line(tmp_path):
    text = edit(MINI_FINDINGS, "genes = []", 'genes = "ERBB2"')
    path, err = findings_error(tmp_path, text)
    assert_names(err, path, line_of(text, 'genes = "ERBB2"'), "genes")
    assert "must be an array of strings" in err.message


def test_unknown_top_level_table_is_rejected_at_its_header(tmp_path):
    text = edit(MINI_WATCHLIST, '[[gene]]\nsymbol = "RELA"', '[gene2]\nsymbol = "RELA"')
    path, err = watchlist_error(tmp_path, text)
    assert_names(err, path, line_of(text, "[gene2]"), "gene2")


def test_missing_file_is_a_seed_file_error(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(SeedFileError) as info:
        load_watchlist(path)
    assert_names(info.value, path, None, None)
