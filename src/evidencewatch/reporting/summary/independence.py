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
    """What independence is judged on, for one paper.

    ``cohorts`` may be left None with the paper's ``text`` given: the names are then
    read only if the paper shares an author with another one on the same side.
    """

    pmid: int
    authors: frozenset[str]
    cohorts: frozenset[str] | None = None
    text: str = ""

    def cohort_names(self) -> frozenset[str]:
        return self.cohorts if self.cohorts is not None else cohort_names(self.text)


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
    """Authors and cohort names from a stored record (``PubmedRecord.to_json``).

    A paper without authors is never linked, so its text is not searched for names.
    """
    authors = author_keys(record.get("authors") or ())
    if not authors:
        return StudyFacts(pmid=pmid, authors=authors, cohorts=frozenset())
    parts = [str(record.get("title") or "")]
    parts += [str(s.get("text") or "") for s in record.get("abstract") or ()]
    return StudyFacts(pmid=pmid, authors=authors, text=" ".join(parts))


def possibly_dependent(studies: Sequence[StudyFacts]) -> list[list[int]]:
    """Groups (sorted PMIDs, at least two) linked by a shared author AND a shared cohort name.

    Linking is transitive: if A and B share, and B and C share, A, B and C form one group.
    Only papers that share an author are compared (an index by author), so a side of
    many papers by different teams costs little.
    """
    parent = {s.pmid: s.pmid for s in studies}

    def root(pmid: int) -> int:
        while parent[pmid] != pmid:
            parent[pmid] = parent[parent[pmid]]
            pmid = parent[pmid]
        return pmid

    by_author: dict[str, list[StudyFacts]] = {}
    for s in studies:
        for author in s.authors:
            by_author.setdefault(author, []).append(s)
    names: dict[int, frozenset[str]] = {}

    def cohorts(s: StudyFacts) -> frozenset[str]:
        if s.pmid not in names:
            names[s.pmid] = s.cohort_names()
        return names[s.pmid]

    for sharing in by_author.values():
        for i, a in enumerate(sharing):
            for b in sharing[i + 1 :]:
                if root(a.pmid) != root(b.pmid) and cohorts(a) & cohorts(b):
                    parent[root(b.pmid)] = root(a.pmid)
    groups: dict[int, list[int]] = {}
    for s in sorted(studies, key=lambda s: s.pmid):
        groups.setdefault(root(s.pmid), []).append(s.pmid)
    return sorted(g for g in groups.values() if len(g) > 1)
