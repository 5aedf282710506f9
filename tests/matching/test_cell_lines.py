"""Breast-cancer cell lines in their usual spellings."""

from __future__ import annotations

import pytest

from evidencewatch.matching.cell_lines import find_cell_lines


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("MCF7, mcf-7 and MCF-7/ADR cells", ["MCF-7"]),
        ("MDA MB 231 and MDA-MB-468 cells", ["MDA-MB-231", "MDA-MB-468"]),
        ("SKBR3, SK-BR-3, BT474 and HCC1954", ["SK-BR-3", "BT-474", "HCC1954"]),
        ("ZR-75-1, Hs578T, SUM149PT and T-47D", ["ZR-75-1", "Hs578T", "SUM149", "T47D"]),
        ("MCF-70 and XMCF-7 are not cell lines here", []),
    ],
)
def test_cell_lines_are_found_in_their_spellings(text, lines):
    assert find_cell_lines(text) == lines
