"""The curators' labels of a set: ``labels.tsv`` and ``shared_labels.tsv``, and gold values.

A candidate (paper x gene) is labelled 1 when a curator would accept it for
that gene, else 0. For each structured field, ``labels.tsv`` lists the values
the curator confirmed (``;`` separates several that apply).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

FIELDS = ("therapy_class", "direction", "effect", "alteration", "subtype", "model_system")
# Curators' words in labels.tsv -> the extractor's vocabulary (evidencewatch.extract).
_GOLD_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "subtype": {
        "tnbc": ("triple-negative",),
        "er-positive": ("er-positive", "luminal a", "luminal b"),
        "luminal": ("luminal a", "luminal b"),
    },
    "model_system": {
        "patients": ("patient_cohort",),
        "cell lines": ("cell_line",),
        "trial": ("clinical_trial",),
    },
}


@dataclass(frozen=True, slots=True)
class Label:
    pmid: int
    gene: str  # "-" = every gene of this PMID
    label: int
    reject_reason: str = ""
    gold: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class LabelSet:
    by_pair: dict[tuple[int, str], Label] = field(default_factory=dict)
    by_pmid: dict[int, Label] = field(default_factory=dict)  # the "-" rows
    # PMID -> the entrez date of labels.tsv: the time order of a record whose XML has none.
    entrez_dates: dict[int, date] = field(default_factory=dict)

    def label_of(self, pmid: int, gene: str) -> tuple[int, str]:
        """(label, reject reason) of a candidate; a pair nobody listed is a rejection.

        A candidate for a gene the curators did not list on this paper is what
        the matcher finds when a paper names a second gene in passing (HER2 as
        the subtype); curators reject it as making no claim about that gene.
        """
        if (pmid, gene) in self.by_pair:
            row = self.by_pair[(pmid, gene)]
            return row.label, row.reject_reason
        if pmid in self.by_pmid:
            return 0, self.by_pmid[pmid].reject_reason
        return 0, "no_resistance_claim"

    @property
    def positives(self) -> list[Label]:
        return [row for row in self.by_pair.values() if row.label == 1]

    def merged(self, other: LabelSet) -> LabelSet:
        """Both sets' rows; ``other`` wins where both label the same pair or PMID."""
        return LabelSet(
            by_pair={**self.by_pair, **other.by_pair},
            by_pmid={**self.by_pmid, **other.by_pmid},
            entrez_dates={**self.entrez_dates, **other.entrez_dates},
        )


def load_labels(path: Path) -> LabelSet:
    labels = LabelSet()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        for row in reader:
            gold = {
                f: tuple(v.strip() for v in row.get(f, "").split(";") if v.strip()) for f in FIELDS
            }
            item = Label(
                pmid=int(row["pmid"]),
                gene=row["gene"].strip(),
                label=int(row["label"]),
                reject_reason=row.get("reject_reason", "").strip(),
                gold={k: v for k, v in gold.items() if v},
            )
            if item.gene == "-":
                labels.by_pmid[item.pmid] = item
            else:
                labels.by_pair[(item.pmid, item.gene)] = item
            entrez = (row.get("entrez_date") or "").strip()
            if entrez:
                labels.entrez_dates[item.pmid] = _entrez_date(entrez, path, reader.line_num)
    return labels


def _entrez_date(value: str, path: Path, line: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{path}:{line}: entrez_date {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def load_shared_labels(path: Path) -> LabelSet:
    """The curator labels of ``shared_labels.tsv`` (real background records read by hand)."""
    labels = LabelSet()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            item = Label(
                pmid=int(row["pmid"]),
                gene=row["gene"].strip(),
                label=int(row.get("label", "0") or 0),
                reject_reason=row.get("reject_reason", "").strip(),
            )
            labels.by_pair[(item.pmid, item.gene)] = item
    return labels


def load_mention_labels(path: Path) -> set[tuple[int, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            (int(row["pmid"]), row["gene"].strip())
            for row in csv.DictReader(handle, delimiter="\t")
            if row.get("mentioned", "1").strip() == "1"
        }


def gold_matches(field_name: str, suggested: str, gold: Iterable[str]) -> bool:
    """Whether a machine suggestion is one of the curator's values (or their synonyms)."""
    value = suggested.strip().lower()
    synonyms = _GOLD_SYNONYMS.get(field_name, {})
    for g in gold:
        key = g.strip().lower()
        if value == key or value in synonyms.get(key, ()):
            return True
    return False
