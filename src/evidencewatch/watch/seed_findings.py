"""Loading ``findings.toml``: the seed review's findings with their citations.

Checked against the watchlist when one is given: every gene must be tracked
(by its HGNC symbol), every agent listed under the finding's therapy class, and
every finding a watchlist gene names as citing its paper must exist.
A footnote label must be cited identically wherever it appears.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from evidencewatch.core.vocabulary import (
    ALTERATIONS,
    DIRECTIONS,
    EFFECTS,
    MODEL_SYSTEMS,
    RESISTANCE_KINDS,
    THERAPY_CLASSES,
)
from evidencewatch.watch.findings import Citation, Direction, Effect, SeedFinding
from evidencewatch.watch.seed_provenance import check_cited_findings
from evidencewatch.watch.seed_toml import Checker, PathKey, ordinal, read_toml, type_name
from evidencewatch.watch.seed_watchlist import SYMBOL_RE
from evidencewatch.watch.watchlist import Watchlist

__all__ = ["load_findings"]

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LABEL_RE = re.compile(r"^\[\^\d+\]$")
_URL_RE = re.compile(r"^https?://\S+$")
_PMCID_RE = re.compile(r"^PMC\d+$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_BOOKSHELF_RE = re.compile(r"^NBK\d+$")
_PUBMED_URL_RE = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")
_PMC_URL_RE = re.compile(r"\b(PMC\d+)")
_NBK_URL_RE = re.compile(r"\b(NBK\d+)")
_CITATION_IDS = ("pmid", "pmcid", "doi", "bookshelf_id", "url")

# footnote label -> (its citation, where it was first given)
_Footnotes = dict[str, tuple[Citation, PathKey]]


_FINDING_REQUIRED = (
    "id",
    "genes",
    "alteration",
    "pattern",
    "direction",
    "effect",
    "therapy_class",
    "agents",
    "resistance_kind",
    "subtype",
    "claim",
    "citations",
)
_FINDING_OPTIONAL = ("group", "model_system")


def load_findings(path: Path, *, watchlist: Watchlist | None = None) -> list[SeedFinding]:
    """Load ``findings.toml``. With a watchlist, genes and agents must be tracked there.

    Raises :class:`SeedFileError` (file, line, field) on the first problem found.
    """
    path = Path(path)
    text, data = read_toml(path)
    chk = Checker(path, text)
    chk.keys(data, (), "the findings file", prefix="", required=("finding",))
    raw_findings = chk.table_array(data["finding"], ("finding",), "finding", "[[finding]]")

    findings: list[SeedFinding] = []
    ids: dict[str, int] = {}
    citations_by_label: _Footnotes = {}
    for index, raw in enumerate(raw_findings):
        finding = _finding(chk, raw, index, ids, citations_by_label, watchlist)
        findings.append(finding)
    if watchlist is not None:
        check_cited_findings(watchlist, ids)
    return findings


def _finding(
    chk: Checker,
    raw: dict[str, Any],
    index: int,
    ids: dict[str, int],
    citations_by_label: _Footnotes,
    watchlist: Watchlist | None,
) -> SeedFinding:
    where: PathKey = ("finding", index)
    chk.keys(
        raw,
        where,
        f"the {ordinal(index)} [[finding]]",
        prefix="",
        required=_FINDING_REQUIRED,
        optional=_FINDING_OPTIONAL,
    )
    finding_id = _finding_id(chk, raw, index, ids)
    what = f"[[finding]] {finding_id!r}"

    def field(key: str, **kwargs: Any) -> str:
        return chk.text(raw[key], (*where, key), key, what, **kwargs)

    genes = _finding_genes(chk, raw["genes"], (*where, "genes"), what, watchlist)
    alteration = field("alteration", choices=ALTERATIONS)
    pattern = field("pattern", prose=True)
    direction = field("direction", choices=DIRECTIONS)
    effect = field("effect", choices=EFFECTS)
    therapy_class = field("therapy_class", choices=THERAPY_CLASSES)
    agents = chk.text_list(raw["agents"], (*where, "agents"), "agents", f"{what} agents")
    if watchlist is not None:
        _check_agents(chk, agents, therapy_class, (*where, "agents"), what, watchlist)
    resistance_kind = field("resistance_kind", choices=RESISTANCE_KINDS)
    subtype = field("subtype")
    claim = field("claim", prose=True)
    group = chk.text(raw.get("group", ""), (*where, "group"), "group", what, allow_empty=True)
    # The one vocabulary of model systems (core.vocabulary), as the machine and curators use.
    system = raw.get("model_system", "")
    model_system = chk.text(system, (*where, "model_system"), "model_system", what,
                            allow_empty=True, choices=MODEL_SYSTEMS if system else ())  # fmt: skip
    citations = _citations(chk, raw["citations"], (*where, "citations"), what, citations_by_label)
    return SeedFinding(
        id=finding_id,
        genes=genes,
        alteration=alteration,
        pattern=pattern,
        direction=cast(Direction, direction),
        effect=cast(Effect, effect),
        therapy_class=therapy_class,
        agents=agents,
        resistance_kind=cast(Any, resistance_kind),
        subtype=subtype,
        claim=claim,
        citations=citations,
        model_system=model_system,
        group=group,
    )


def _finding_id(chk: Checker, raw: dict[str, Any], index: int, ids: dict[str, int]) -> str:
    """The finding's slug; ``ids`` (slug -> index) catches one used twice."""
    where: PathKey = ("finding", index, "id")
    finding_id = chk.text(
        raw["id"],
        where,
        "id",
        f"the {ordinal(index)} [[finding]]",
        pattern=_SLUG_RE,
        hint="a slug of lower-case words joined by '-'",
    )
    if finding_id in ids:
        chk.fail(
            where,
            "id",
            f"[[finding]] {finding_id!r}: duplicate id; first used at line "
            f"{chk.line(('finding', ids[finding_id]))}",
        )
    ids[finding_id] = index
    return finding_id


def _finding_genes(
    chk: Checker, value: object, where: PathKey, what: str, watchlist: Watchlist | None
) -> tuple[str, ...]:
    """The finding's HGNC symbols; with a watchlist, each must be tracked there."""
    genes = chk.text_list(
        value,
        where,
        "genes",
        f"{what} genes",
        pattern=SYMBOL_RE,
        hint="an HGNC symbol",
        case_sensitive=True,
    )
    if watchlist is not None:
        _check_genes_tracked(chk, genes, where, what, watchlist)
    return genes


def _check_genes_tracked(
    chk: Checker, genes: tuple[str, ...], where: PathKey, what: str, watchlist: Watchlist
) -> None:
    tracked = set(watchlist.symbols)
    for index, symbol in enumerate(genes):
        if symbol in tracked:
            continue
        hint = "add a [[gene]] for it in watchlist.toml first"
        for gene in watchlist.genes:
            if symbol.casefold() in {a.text.casefold() for a in gene.aliases} or (
                symbol.casefold() == gene.symbol.casefold()
            ):
                hint = f"{symbol!r} is a name of {gene.symbol}: use the HGNC symbol"
                break
        chk.fail(
            (*where, index),
            "genes",
            f"{what}: gene {symbol!r} is not tracked in the watchlist ({hint})",
        )


def _check_agents(
    chk: Checker,
    agents: tuple[str, ...],
    therapy_class: str,
    where: PathKey,
    what: str,
    watchlist: Watchlist,
) -> None:
    therapy = next((t for t in watchlist.therapies if t.therapy_class == therapy_class), None)
    known = (
        set()
        if therapy is None
        else {t.casefold() for t in (*therapy.agents, *therapy.class_terms)}
    )
    for index, agent in enumerate(agents):
        if agent.casefold() not in known:
            chk.fail(
                (*where, index),
                "agents",
                f"{what}: agent {agent!r} is not listed under the {therapy_class} [[therapy]] "
                "(agents or class_terms) in the watchlist",
            )


def _citations(
    chk: Checker,
    value: object,
    where: PathKey,
    what: str,
    citations_by_label: _Footnotes,
) -> tuple[Citation, ...]:
    if not isinstance(value, list) or not value:
        chk.fail(
            where,
            "citations",
            f"{what}: citations must be a non-empty array of inline tables like "
            '{ label = "[^1]", url = "https://..." }',
        )
    citations: list[Citation] = []
    labels: set[str] = set()
    for index, raw in enumerate(value):
        item_where = (*where, index)
        item_what = f"{what} citation {index + 1}"
        if not isinstance(raw, dict):
            chk.fail(
                item_where,
                "citations",
                f"{item_what}: must be an inline table, got {type_name(raw)}",
            )
        chk.keys(
            raw,
            item_where,
            item_what,
            prefix="citations.",
            required=("label",),
            optional=_CITATION_IDS,
        )
        label = _label(chk, raw["label"], item_where, item_what, labels)
        if not any(k in raw for k in _CITATION_IDS):
            chk.fail(
                item_where,
                "citations",
                f"{item_what}: needs at least one of pmid, pmcid, doi, bookshelf_id, url",
            )
        citation = _citation(chk, raw, label, item_where, item_what)
        earlier = citations_by_label.get(label)
        if earlier is not None and earlier[0] != citation:
            chk.fail(
                item_where,
                "citations",
                f"{item_what}: {label} differs from the same footnote at line "
                f"{chk.line(earlier[1])}; a footnote must be cited identically everywhere",
            )
        citations_by_label.setdefault(label, (citation, item_where))
        citations.append(citation)
    return tuple(citations)


def _label(chk: Checker, value: object, where: PathKey, what: str, labels: set[str]) -> str:
    """A citation's footnote label; ``labels`` (those of its finding) catches one cited twice."""
    label = chk.text(
        value,
        (*where, "label"),
        "citations.label",
        what,
        pattern=_LABEL_RE,
        hint='a footnote label such as "[^1]"',
    )
    if label in labels:
        chk.fail((*where, "label"), "citations.label", f"{what}: {label} cited twice")
    labels.add(label)
    return label


def _citation(chk: Checker, raw: dict[str, Any], label: str, where: PathKey, what: str) -> Citation:
    def optional_text(key: str, pattern: re.Pattern[str], hint: str) -> str | None:
        if key not in raw:
            return None
        return chk.text(
            raw[key], (*where, key), f"citations.{key}", what, pattern=pattern, hint=hint
        )

    url = optional_text("url", _URL_RE, "an http(s) URL") or ""
    pmid: int | None = None
    if "pmid" in raw:
        value = raw["pmid"]
        if isinstance(value, bool) or not isinstance(value, int):
            chk.fail(
                (*where, "pmid"),
                "citations.pmid",
                f"{what}: pmid must be an integer (no quotes), got {type_name(value)}",
            )
        if value <= 0:
            chk.fail((*where, "pmid"), "citations.pmid", f"{what}: pmid must be positive")
        pmid = value
    pmcid = optional_text("pmcid", _PMCID_RE, 'a PMC ID such as "PMC4770917"')
    doi = optional_text("doi", _DOI_RE, 'a DOI such as "10.3389/fonc.2025.1439516"')
    bookshelf_id = optional_text(
        "bookshelf_id", _BOOKSHELF_RE, 'a Bookshelf ID such as "NBK583808"'
    )

    # An identifier the URL itself spells out must agree with it.
    for key, given, url_re in (
        ("pmid", None if pmid is None else str(pmid), _PUBMED_URL_RE),
        ("pmcid", pmcid, _PMC_URL_RE),
        ("bookshelf_id", bookshelf_id, _NBK_URL_RE),
    ):
        in_url = url_re.search(url)
        if given is not None and in_url is not None and in_url.group(1) != given:
            chk.fail(
                (*where, key),
                f"citations.{key}",
                f"{what}: {key} {given} does not match the URL, which gives {in_url.group(1)}",
            )
    return Citation(
        label=label, url=url, pmid=pmid, pmcid=pmcid, doi=doi, bookshelf_id=bookshelf_id
    )
