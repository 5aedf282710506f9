"""What a curator may submit with a decision: field values, notes and reject reasons.

Each check raises :class:`InvalidDecision` naming the field, so the web form
and the CLI can say what to correct.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EDITABLE_FIELDS,
    EFFECTS,
    EVIDENCE_LEVELS,
    THERAPY_CLASSES,
    RejectReason,
    model_system_value,
)
from evidencewatch.storage.models import Candidate

_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
NOTE_LIMIT = 5000


def validate_edits(edits: Mapping[str, Any]) -> dict[str, Any]:
    """The curator's field values, normalised; InvalidDecision names the first bad field."""
    out: dict[str, Any] = {}
    for name, raw in edits.items():
        if name not in EDITABLE_FIELDS:
            raise InvalidDecision(f"{name}: not an editable field ({', '.join(EDITABLE_FIELDS)})")
        if name == "gene":
            gene = str(raw or "").strip()
            if not _GENE.match(gene):
                raise InvalidDecision(f"gene: {gene!r} is not a gene symbol")
            out[name] = gene
        elif name == "agents":
            items = raw.split(",") if isinstance(raw, str) else list(raw or [])
            agents = list(dict.fromkeys(str(a).strip() for a in items if str(a).strip()))
            if len(agents) > 30 or any(len(a) > 100 for a in agents):
                raise InvalidDecision("agents: at most 30 agents of up to 100 characters")
            out[name] = agents
        elif name == "evidence_level":
            out[name] = _choice(str(raw or "").strip().upper() or None, name, EVIDENCE_LEVELS)
        elif name == "model_system":
            out[name] = _model_system(raw)
        elif name in ("direction", "effect", "therapy_class"):
            allowed = {"direction": DIRECTIONS, "effect": EFFECTS}.get(name, THERAPY_CLASSES)
            out[name] = _choice(str(raw or "").strip() or None, name, allowed)
        else:
            out[name] = clean_text(raw, name, NOTE_LIMIT if name == "statement" else 200)
    return out


def _model_system(raw: Any) -> str | None:
    """A MODEL_SYSTEMS value from what a curator typed or picked ("cell line" is cell_line)."""
    try:
        return model_system_value(str(raw or ""))
    except ValueError as exc:
        raise InvalidDecision(f"model_system: {exc}") from exc


def _choice(value: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise InvalidDecision(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def clean_text(value: Any, name: str, limit: int) -> str | None:
    """``value`` stripped, None when empty; InvalidDecision when over ``limit`` characters."""
    text = str(value).strip() if value is not None else ""
    if len(text) > limit:
        raise InvalidDecision(f"{name}: at most {limit} characters, got {len(text)}")
    return text or None


def reason_code(reason: str | None) -> str:
    """``reason`` if it is a :class:`RejectReason` code, else InvalidDecision listing them."""
    codes = [r.value for r in RejectReason]
    if reason not in codes:
        raise InvalidDecision(f"reason: {reason!r} is not a reject reason ({', '.join(codes)})")
    return str(reason)


def check_gene_free(*, session: Session, candidate: Candidate, gene: str) -> None:
    """InvalidDecision if the candidate's paper already has a candidate for ``gene``."""
    other = session.exec(
        select(Candidate.id).where(Candidate.pmid == candidate.pmid, Candidate.gene == gene)
    ).first()
    if other is not None:
        raise InvalidDecision(
            f"gene: PMID {candidate.pmid} already has a candidate for {gene} (#{other})"
        )
