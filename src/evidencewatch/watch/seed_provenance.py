"""Who named a tracked gene: the seed document, or a paper one of its findings cites.

A ``[[gene]]`` is the document's unless it says ``named_by = "cited_paper"``; then
``cited_paper`` must say which paper (a citation a reader can look up and its PMC
ID) and which finding cites it. That the finding exists is checked when the
findings are loaded against the watchlist (:func:`check_cited_findings`), with the
error pointing at the watchlist's line.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any, cast

from evidencewatch.core.vocabulary import GENE_SOURCES
from evidencewatch.watch.seed_toml import Checker, PathKey, read_toml
from evidencewatch.watch.watchlist import CitedPaper, GeneSource, Watchlist

__all__ = ["check_cited_findings", "named_by"]

_PMCID_RE = re.compile(r"^PMC\d+$")
_FINDING_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def named_by(
    chk: Checker, raw: dict[str, Any], where: PathKey, what: str
) -> tuple[GeneSource, CitedPaper | None]:
    """The ``named_by`` and ``cited_paper`` keys of one ``[[gene]]``, checked together."""
    source = chk.text(
        raw.get("named_by", "document"),
        (*where, "named_by"),
        "named_by",
        what,
        choices=GENE_SOURCES,
    )
    value = raw.get("cited_paper")
    if source != "cited_paper":
        if value is not None:
            chk.fail(
                (*where, "cited_paper"),
                "cited_paper",
                f'{what}: cited_paper is only for a gene with named_by = "cited_paper"',
            )
        return "document", None
    if value is None:
        chk.fail(
            where,
            "cited_paper",
            f'{what}: named_by = "cited_paper" needs cited_paper = {{ citation = "...", '
            'pmcid = "PMC...", finding = "<finding id>" }',
        )
    return "cited_paper", _cited_paper(chk, value, (*where, "cited_paper"), what)


def _cited_paper(chk: Checker, value: object, where: PathKey, what: str) -> CitedPaper:
    table = chk.table(value, where, "cited_paper", f"{what} cited_paper")
    chk.keys(
        table,
        where,
        f"{what} cited_paper",
        prefix="cited_paper.",
        required=("citation", "pmcid", "finding"),
    )

    def field(key: str, **kwargs: Any) -> str:
        return chk.text(table[key], (*where, key), f"cited_paper.{key}", what, **kwargs)

    return CitedPaper(
        citation=field("citation"),
        pmcid=field("pmcid", pattern=_PMCID_RE, hint='a PMC ID such as "PMC5732731"'),
        finding=field("finding", pattern=_FINDING_ID_RE, hint="the id of a [[finding]]"),
    )


def check_cited_findings(watchlist: Watchlist, finding_ids: Collection[str]) -> None:
    """SeedFileError at the watchlist's line when a gene's citing finding does not exist."""
    missing = [
        (index, gene)
        for index, gene in enumerate(watchlist.genes)
        if gene.cited_paper is not None and gene.cited_paper.finding not in finding_ids
    ]
    if not missing:
        return
    index, gene = missing[0]
    cited = cast(CitedPaper, gene.cited_paper)
    if watchlist.source:
        path = Path(watchlist.source)
        text, _ = read_toml(path)
        chk = Checker(path, text)
    else:
        chk = Checker(Path("watchlist"), "")
    chk.fail(
        ("gene", index, "cited_paper", "finding"),
        "cited_paper.finding",
        f"[[gene]] {gene.symbol}: cited_paper.finding {cited.finding!r} is not a finding "
        "in findings.toml",
    )
