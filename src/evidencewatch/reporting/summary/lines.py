"""What the summary is built from, as plain data, and which side of a finding a line is on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from evidencewatch.review.contradictions import opposition

SCHEMA_VERSION = "1.0"
OTHER_GROUP = "Other tracked genes"
UNSPECIFIED = "unspecified"


@dataclass(frozen=True, slots=True)
class Line:
    """One accepted candidate (a paper-gene pair) as the summary shows it."""

    candidate_id: int
    pmid: int
    gene: str
    therapy_class: str | None
    direction: str | None
    effect: str | None
    alteration: str | None
    subtype: str | None
    model_system: str | None
    evidence_level: str | None
    statement: str | None
    title: str
    year: int | None
    text_source: str  # TEXT_SOURCES: "full_text" or "abstract"
    retracted: bool
    integrity: tuple[str, ...] = ()  # live notice kinds on the paper: concern, erratum...

    def as_json(self) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "pmid": self.pmid,
            "year": self.year,
            "gene": self.gene,
            "title": self.title,
            "statement": self.statement or "",
            "therapy_class": self.therapy_class,
            "direction": self.direction,
            "effect": self.effect,
            "alteration": self.alteration,
            "model_system": self.model_system,
            "subtype": self.subtype,
            "evidence_level": self.evidence_level,
            "text_source": self.text_source,
            "retracted": self.retracted,
            "integrity": list(self.integrity),
        }


@dataclass(frozen=True, slots=True)
class Override:
    """The latest override of one finding's status."""

    finding_id: str
    status: str
    reason: str
    actor: str
    at: datetime


class FindingLike(Protocol):
    """What the summary reads from a seed finding (a ``SeedFindingRow`` will do)."""

    @property
    def id(self) -> str: ...
    @property
    def genes(self) -> list[str]: ...
    @property
    def therapy_class(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def effect(self) -> str: ...
    @property
    def alteration(self) -> str: ...


def side_of(finding: FindingLike, line: Line) -> str | None:
    """Which side of ``finding`` the line is on: supporting, opposing, no_association, or None.

    A line bears on a finding when it names one of its genes, its therapy class,
    and its alteration (or no alteration). Then: the same direction and effect
    supports it (for a no-association finding, any no-association line in a
    compatible direction); a no-association line against a resistance or
    sensitivity finding is "no association"; a stance that ``opposition`` says
    opposes it is opposing. Anything else is not covered: a new row.
    """
    if line.gene not in finding.genes or line.therapy_class != finding.therapy_class:
        return None
    if line.alteration and line.alteration != finding.alteration:
        return None
    direction, effect = (line.direction or "").lower(), (line.effect or "").lower()
    if finding.effect == "no_association" and effect == "no_association":
        compatible = direction in ("", "none", "mixed") or finding.direction in ("none", "mixed")
        return "supporting" if compatible or direction == finding.direction else None
    if direction == finding.direction and effect == finding.effect:
        return "supporting"
    kind = opposition(direction, effect, finding.direction, finding.effect)
    if kind is None:
        return None
    if kind == "effect vs no association" and effect == "no_association":
        return "no_association"
    return "opposing"


def row_key(line: Line) -> str:
    """A new row's stable key: gene, therapy class, alteration, direction, effect."""
    parts = (line.therapy_class, line.alteration, line.direction, line.effect)
    return "|".join((line.gene, *(p or UNSPECIFIED for p in parts)))
