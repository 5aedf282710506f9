"""Seed findings: the curated starting evidence, as loaded from ``seed_evidence/findings.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["up", "down", "mixed", "none"]
Effect = Literal["resistance", "sensitivity", "no_association", "prognosis"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference exactly as the seed document gives it.

    ``pmid`` is empty until resolved from the PMC ID or DOI: never invented.
    """

    label: str  # the footnote, e.g. "[^5]"
    url: str
    pmid: int | None = None
    pmcid: str | None = None
    doi: str | None = None
    bookshelf_id: str | None = None


@dataclass(frozen=True, slots=True)
class SeedFinding:
    id: str  # stable slug, e.g. "drug-metabolism-cyp3a4-cyp2a6"
    genes: tuple[str, ...]  # HGNC symbols
    alteration: str  # mRNA, protein, nuclear_localisation, signature, mutation, ...
    pattern: str  # e.g. "high mRNA in pre-treatment tumours"
    direction: Direction  # direction of the gene's change associated with the effect
    effect: Effect
    therapy_class: str
    agents: tuple[str, ...]
    resistance_kind: Literal["intrinsic", "acquired", "unspecified"]
    subtype: str
    claim: str  # in our own words
    citations: tuple[Citation, ...]
    model_system: str = ""
    group: str = ""  # functional group, e.g. "Drug metabolism"
