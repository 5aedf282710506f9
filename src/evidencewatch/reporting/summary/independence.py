"""Which studies may not be independent: papers that share an author and a cohort or trial name.

Pure functions over what a stored PubMed record holds (authors, title,
abstract). Counting stays by paper; a shared author plus a shared cohort or
trial name only flags the papers, for a curator to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Named cohorts, trials and data sets breast-cancer papers reuse, spelled as papers do.
KNOWN_COHORTS: tuple[str, ...] = (
    "METABRIC",
    "TCGA",
    "I-SPY",
    "I-SPY2",
    "GeparTrio",
    "GeparQuinto",
    "GeparSixto",
    "GeparSepto",
    "NeoALTTO",
    "NeoSphere",
    "HERA",
    "ATAC",
    "BIG 1-98",
    "SCAN-B",
    "CALGB",
    "NSABP",
    "SWOG",
    "MINDACT",
    "TAILORx",
)
_KNOWN = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(n) for n in sorted(KNOWN_COHORTS, key=len, reverse=True))
    + r")(?:[ -]?[A-Z]?-?\d+)?\b",
    re.IGNORECASE,
)
# An acronym or accession before "trial", "cohort" or "study", and registry numbers.
_NAMED = re.compile(r"\b([A-Z][A-Z0-9-]{2,}(?: ?\d+)?) (?:trial|cohort|study)\b")
_IDS = re.compile(r"\b(NCT\d{8}|GSE\d{3,})\b")
_NOT_NAMES = frozenset({"DNA", "RNA", "MRNA", "HER2", "PCR", "QPCR", "RT-PCR", "IHC", "THE"})


@dataclass(frozen=True, slots=True)
class StudyFacts:
    """What independence is judged on, for one paper."""

    pmid: int
    authors: frozenset[str]
    cohorts: frozenset[str]


def author_keys(authors: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """One key per author: surname and first initial, lower case; collectives by name."""
    keys: set[str] = set()
    for author in authors:
        last = str(author.get("last_name") or "").strip().lower()
        if last:
            initials = str(author.get("initials") or author.get("fore_name") or "")
            keys.add(f"{last} {initials[:1].lower()}".strip())
        elif author.get("collective_name"):
            keys.add(" ".join(str(author["collective_name"]).lower().split()))
    return frozenset(keys)


def cohort_names(text: str) -> frozenset[str]:
    """Cohort, trial and data-set names in ``text`` as keys: upper case, no spaces or hyphens,
    so "I-SPY 2", "I-SPY2" and "ISPY2" are one name."""
    found = {_key(m.group(0)) for m in _KNOWN.finditer(text)}
    for m in _NAMED.finditer(text):
        key = _key(m.group(1))
        # "B-27 study" inside "NSABP B-27 study" is the known name's number, not a name.
        if m.group(1).upper() not in _NOT_NAMES and not any(f.endswith(key) for f in found):
            found.add(key)
    found.update(_key(m.group(1)) for m in _IDS.finditer(text))
    return frozenset(found)


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", "", name).upper()


def study_facts(pmid: int, record: Mapping[str, Any]) -> StudyFacts:
    """Authors and cohort names from a stored record (``PubmedRecord.to_json``)."""
    parts = [str(record.get("title") or "")]
    parts += [str(s.get("text") or "") for s in record.get("abstract") or ()]
    return StudyFacts(
        pmid=pmid,
        authors=author_keys(record.get("authors") or ()),
        cohorts=cohort_names(" ".join(parts)),
    )


def possibly_dependent(studies: Sequence[StudyFacts]) -> list[list[int]]:
    """Groups (sorted PMIDs, at least two) linked by a shared author AND a shared cohort name.

    Linking is transitive: if A and B share, and B and C share, A, B and C form one group.
    """
    parent = {s.pmid: s.pmid for s in studies}

    def root(pmid: int) -> int:
        while parent[pmid] != pmid:
            parent[pmid] = parent[parent[pmid]]
            pmid = parent[pmid]
        return pmid

    ordered = sorted(studies, key=lambda s: s.pmid)
    for i, a in enumerate(ordered):
        if not a.authors or not a.cohorts:
            continue
        for b in ordered[i + 1 :]:
            if a.authors & b.authors and a.cohorts & b.cohorts:
                parent[root(b.pmid)] = root(a.pmid)
    groups: dict[int, list[int]] = {}
    for s in ordered:
        groups.setdefault(root(s.pmid), []).append(s.pmid)
    return sorted(g for g in groups.values() if len(g) > 1)
