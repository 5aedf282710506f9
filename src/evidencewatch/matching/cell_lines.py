"""Breast-cancer cell lines named in a text."""

from __future__ import annotations

from evidencewatch.matching.terms import TermFinder

BREAST_CELL_LINES: tuple[str, ...] = (
    "MCF-7", "T47D", "MDA-MB-231", "MDA-MB-468", "MDA-MB-453", "MDA-MB-361", "MDA-MB-436",
    "MDA-MB-157", "MDA-MB-175", "BT-474", "SK-BR-3", "HCC1954", "HCC1937", "HCC1806",
    "HCC1569", "HCC1428", "HCC1143", "HCC202", "HCC38", "HCC70", "ZR-75-1", "ZR-75-30",
    "BT-549", "BT-20", "Hs578T", "SUM149", "SUM149PT", "SUM159", "SUM159PT", "SUM190",
    "SUM52", "CAMA-1", "JIMT-1", "EFM-192A", "EFM-19", "UACC-812", "UACC-893", "AU565",
    "KPL-4", "MCF-10A", "4T1",
)  # fmt: skip
_CELL_LINE_CANON = {"SUM149PT": "SUM149", "SUM159PT": "SUM159"}
# Compiled on first use: most records name no cell line and many runs never ask.
_cell_finder: list[TermFinder] = []


def find_cell_lines(text: str) -> list[str]:
    """Canonical names of the breast cell lines named in ``text``, in order of first mention.

    Case and separators are free ("MCF7", "mcf-7", "MDA MB 231"); a digit right after
    the name voids it ("MCF-70"), a suffix after a separator does not ("MCF-7/ADR").
    """
    if not _cell_finder:
        _cell_finder.append(TermFinder({"cell_line": BREAST_CELL_LINES}, exact_case=False))
    found: dict[str, None] = {}
    for _, _, _, name in _cell_finder[0].find(text):
        found.setdefault(_CELL_LINE_CANON.get(name, name), None)
    return list(found)
