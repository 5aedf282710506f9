"""Loading ``watchlist.toml``: tracked genes with their aliases, and the term lists.

A name (symbol or alias) shared by two genes must be marked ambiguous in both,
and every therapy class needs its ``[[therapy]]``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from evidencewatch.core.vocabulary import ALIAS_KINDS, THERAPY_CLASSES
from evidencewatch.watch.seed_provenance import named_by
from evidencewatch.watch.seed_toml import Checker, PathKey, ordinal, read_toml, type_name
from evidencewatch.watch.watchlist import Alias, TherapyTerms, TrackedGene, Watchlist

__all__ = ["SYMBOL_RE", "load_watchlist"]

SYMBOL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_HGNC_RE = re.compile(r"^HGNC:[1-9]\d*$")

# every name (symbol or alias text), case-folded -> (symbol, ambiguous, where)
_Names = dict[str, tuple[str, bool, PathKey]]


def load_watchlist(path: Path) -> Watchlist:
    """Load ``watchlist.toml``: tracked genes with aliases, and the term lists.

    Raises :class:`SeedFileError` (file, line, field) on the first problem found.
    """
    path = Path(path)
    text, data = read_toml(path)
    chk = Checker(path, text)
    chk.keys(
        data,
        (),
        "the watchlist",
        prefix="",
        required=("gene", "terms", "therapy", "disease"),
    )
    genes = _genes(chk, chk.table_array(data["gene"], ("gene",), "gene", "[[gene]]"))
    resistance, sensitivity = _terms(chk, data["terms"])
    therapies = _therapies(
        chk, chk.table_array(data["therapy"], ("therapy",), "therapy", "[[therapy]]")
    )
    disease_terms, mesh = _disease(chk, data["disease"])
    return Watchlist(
        genes=genes,
        resistance_terms=resistance,
        therapies=therapies,
        disease_terms=disease_terms,
        disease_mesh=mesh,
        sensitivity_terms=sensitivity,
        source=str(path),
    )


def _terms(chk: Checker, value: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``[terms]`` table: resistance terms (required) and sensitivity terms."""
    terms = chk.table(value, ("terms",), "terms", "[terms]")
    chk.keys(
        terms,
        ("terms",),
        "[terms]",
        prefix="terms.",
        required=("resistance",),
        optional=("sensitivity",),
    )
    resistance = chk.text_list(
        terms["resistance"],
        ("terms", "resistance"),
        "terms.resistance",
        "[terms] resistance",
        allow_empty_list=False,
    )
    sensitivity = chk.text_list(
        terms.get("sensitivity", []),
        ("terms", "sensitivity"),
        "terms.sensitivity",
        "[terms] sensitivity",
    )
    return resistance, sensitivity


def _disease(chk: Checker, value: object) -> tuple[tuple[str, ...], str]:
    """The ``[disease]`` table: its free-text terms and its MeSH heading."""
    disease = chk.table(value, ("disease",), "disease", "[disease]")
    chk.keys(disease, ("disease",), "[disease]", prefix="disease.", required=("terms", "mesh"))
    disease_terms = chk.text_list(
        disease["terms"],
        ("disease", "terms"),
        "disease.terms",
        "[disease] terms",
        allow_empty_list=False,
    )
    mesh = chk.text(disease["mesh"], ("disease", "mesh"), "disease.mesh", "[disease] mesh")
    return disease_terms, mesh


def _genes(chk: Checker, raw_genes: list[dict[str, Any]]) -> tuple[TrackedGene, ...]:
    genes: list[TrackedGene] = []
    symbols: dict[str, int] = {}
    hgnc_ids: dict[str, int] = {}
    names: _Names = {}
    for index, raw in enumerate(raw_genes):
        gene = _gene(chk, raw, index, raw_genes, symbols, hgnc_ids)
        _check_names(chk, gene, ("gene", index), names)
        genes.append(gene)
    return tuple(genes)


def _gene(
    chk: Checker,
    raw: dict[str, Any],
    index: int,
    raw_genes: list[dict[str, Any]],
    symbols: dict[str, int],
    hgnc_ids: dict[str, int],
) -> TrackedGene:
    """One ``[[gene]]``; ``symbols`` and ``hgnc_ids`` (value -> index) catch duplicates."""
    where: PathKey = ("gene", index)
    what = f"the {ordinal(index)} [[gene]]"
    chk.keys(
        raw,
        where,
        what,
        prefix="",
        required=("symbol", "name", "hgnc_id", "why"),
        optional=("aliases", "context", "named_by", "cited_paper"),
    )
    symbol = chk.text(
        raw["symbol"],
        (*where, "symbol"),
        "symbol",
        what,
        pattern=SYMBOL_RE,
        hint="an HGNC symbol such as ERBB2",
    )
    what = f"[[gene]] {symbol}"
    if symbol in symbols:
        chk.fail(
            (*where, "symbol"),
            "symbol",
            f"{what}: duplicate symbol; first defined at line "
            f"{chk.line(('gene', symbols[symbol]))}",
        )
    symbols[symbol] = index
    name = chk.text(raw["name"], (*where, "name"), "name", what)
    hgnc_id = _hgnc_id(chk, raw, index, what, raw_genes, hgnc_ids)
    why = chk.text(raw["why"], (*where, "why"), "why", what)
    source, cited_paper = named_by(chk, raw, where, what)
    context = chk.text_list(
        raw.get("context", []), (*where, "context"), "context", f"{what} context"
    )
    aliases = _aliases(chk, raw.get("aliases", []), where, what, symbol)
    _check_context(chk, aliases, context, where, what)
    return TrackedGene(
        symbol=symbol,
        name=name,
        hgnc_id=hgnc_id,
        aliases=aliases,
        context=context,
        why=why,
        named_by=source,
        cited_paper=cited_paper,
    )


def _hgnc_id(
    chk: Checker,
    raw: dict[str, Any],
    index: int,
    what: str,
    raw_genes: list[dict[str, Any]],
    hgnc_ids: dict[str, int],
) -> str:
    """The gene's HGNC ID; ``hgnc_ids`` (value -> gene index) catches one given twice."""
    where: PathKey = ("gene", index)
    hgnc_id = chk.text(
        raw["hgnc_id"],
        (*where, "hgnc_id"),
        "hgnc_id",
        what,
        pattern=_HGNC_RE,
        hint='an HGNC ID such as "HGNC:3430"',
    )
    if hgnc_id in hgnc_ids:
        other = raw_genes[hgnc_ids[hgnc_id]]["symbol"]
        chk.fail((*where, "hgnc_id"), "hgnc_id", f"{what}: {hgnc_id} is also given for {other}")
    hgnc_ids[hgnc_id] = index
    return hgnc_id


def _check_context(
    chk: Checker, aliases: tuple[Alias, ...], context: tuple[str, ...], where: PathKey, what: str
) -> None:
    """An ambiguous alias counts only near context words, so it needs some."""
    if any(a.ambiguous for a in aliases) and not context:
        first = next(i for i, a in enumerate(aliases) if a.ambiguous)
        chk.fail(
            (*where, "aliases", first),
            "context",
            f"{what}: has ambiguous alias {aliases[first].text!r} but no context words; "
            "add `context = [...]` with words that confirm the gene sense",
        )


def _check_names(chk: Checker, gene: TrackedGene, where: PathKey, names: _Names) -> None:
    """A name another gene already has is an error unless both call it ambiguous."""
    symbol = gene.symbol
    what = f"[[gene]] {symbol}"
    own = [(symbol, False, (*where, "symbol"))]
    own += [
        (a.text, a.ambiguous, (*where, "aliases", i, "text")) for i, a in enumerate(gene.aliases)
    ]
    for text, ambiguous, name_where in own:
        key = text.casefold()
        clash = names.get(key)
        if clash is not None and clash[0] != symbol and not (ambiguous and clash[1]):
            chk.fail(
                name_where,
                "aliases.text" if name_where[-1] == "text" else "symbol",
                f"{what}: {text!r} is also a name of {clash[0]} (line {chk.line(clash[2])}); "
                "a name shared by two genes must be an ambiguous alias in both",
            )
        names.setdefault(key, (symbol, ambiguous, name_where))


def _aliases(
    chk: Checker, value: object, where: PathKey, what: str, symbol: str
) -> tuple[Alias, ...]:
    where = (*where, "aliases")
    if not isinstance(value, list):
        chk.fail(where, "aliases", f"{what}: aliases must be an array of inline tables")
    aliases: list[Alias] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(value):
        item_where = (*where, index)
        item_what = f"{what} alias {index + 1}"
        if not isinstance(raw, dict):
            chk.fail(
                item_where,
                "aliases",
                f"{item_what}: must be an inline table like "
                '{ text = "HER2", ambiguous = false, kind = "alias" }, '
                f"got {type_name(raw)}",
            )
        chk.keys(
            raw,
            item_where,
            item_what,
            prefix="aliases.",
            required=("text",),
            optional=("ambiguous", "kind"),
        )
        text = chk.text(raw["text"], (*item_where, "text"), "aliases.text", item_what)
        ambiguous = chk.boolean(
            raw.get("ambiguous", False), (*item_where, "ambiguous"), "aliases.ambiguous", item_what
        )
        kind = chk.text(
            raw.get("kind", "alias"),
            (*item_where, "kind"),
            "aliases.kind",
            item_what,
            choices=ALIAS_KINDS,
        )
        norm = text.casefold()
        if norm in seen:
            chk.fail(
                (*item_where, "text"),
                "aliases.text",
                f"{item_what}: {text!r} is listed twice (also alias {seen[norm] + 1})",
            )
        if text == symbol:
            chk.fail((*item_where, "text"), "aliases.text", f"{item_what}: repeats the symbol")
        seen[norm] = index
        aliases.append(Alias(text=text, ambiguous=ambiguous, kind=cast(Any, kind)))
    return tuple(aliases)


def _therapies(chk: Checker, raw_therapies: list[dict[str, Any]]) -> tuple[TherapyTerms, ...]:
    therapies: list[TherapyTerms] = []
    classes: dict[str, int] = {}
    for index, raw in enumerate(raw_therapies):
        where: PathKey = ("therapy", index)
        what = f"the {ordinal(index)} [[therapy]]"
        chk.keys(raw, where, what, prefix="therapy.", required=("class", "class_terms", "agents"))
        therapy_class = chk.text(
            raw["class"], (*where, "class"), "therapy.class", what, choices=THERAPY_CLASSES
        )
        what = f"[[therapy]] {therapy_class}"
        if therapy_class in classes:
            first_line = chk.line(("therapy", classes[therapy_class]))
            chk.fail(
                (*where, "class"),
                "therapy.class",
                f"{what}: class given twice (first at line {first_line})",
            )
        classes[therapy_class] = index
        class_terms = chk.text_list(
            raw["class_terms"],
            (*where, "class_terms"),
            "therapy.class_terms",
            f"{what} class_terms",
            allow_empty_list=False,
        )
        agents = chk.text_list(
            raw["agents"], (*where, "agents"), "therapy.agents", f"{what} agents"
        )
        therapies.append(
            TherapyTerms(therapy_class=therapy_class, class_terms=class_terms, agents=agents)
        )
    missing = [c for c in THERAPY_CLASSES if c not in classes]
    if missing:
        chk.fail(
            ("therapy",),
            "therapy.class",
            f"every therapy class needs a [[therapy]]; missing: {', '.join(missing)}",
        )
    return tuple(therapies)
