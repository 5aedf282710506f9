"""Positions: the line of every table, key and array element of a TOML text, by path."""

from __future__ import annotations

from evidencewatch.watch.toml_positions import Positions

TEXT = """\
# comment
[terms]
resistance = [
    "a",
    "b",  # trailing comment
]

[[finding]]
id = "first"

[[finding]]
id = "second"
citations = [
    { label = "[^1]", pmcid = "PMC1" },
    { label = "[^2]",
      url = "https://example.org" },
]
"""


def test_tables_keys_and_array_elements_have_their_own_lines():
    positions = Positions(TEXT)
    assert positions.line_for(("terms",)) == 2
    assert positions.line_for(("terms", "resistance")) == 3
    assert positions.line_for(("terms", "resistance", 1)) == 5


def test_arrays_of_tables_are_numbered_from_zero_in_file_order():
    positions = Positions(TEXT)
    assert positions.line_for(("finding", 0)) == 8
    assert positions.line_for(("finding", 1, "id")) == 12
    assert positions.line_for(("finding", 1, "citations", 0, "pmcid")) == 14
    assert positions.line_for(("finding", 1, "citations", 1, "url")) == 16


def test_a_missing_key_falls_back_to_its_enclosing_table():
    positions = Positions(TEXT)
    assert positions.line_for(("finding", 0, "claim")) == 8
    assert positions.line_for(("nowhere",)) is None
