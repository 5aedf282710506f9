"""Loading an evaluation set: the labelled records and the real background of negatives.

The evaluation set (issue #5) is the labelled set (``tests/eval``: fictional
records written like real abstracts, ``labels.tsv``) plus the real PubMed
records of ``../shared/pubmed`` as a background of negatives: every record
:func:`~evidencewatch.pubmed.parse.iter_pubmed` reads there, deduplicated by
PMID, labelled 0 except where ``shared_labels.tsv`` (read by hand) says
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evidencewatch.core.paths import CHECKOUT
from evidencewatch.evaluation.cassettes import cassette_bodies
from evidencewatch.evaluation.labels import (
    LabelSet,
    load_labels,
    load_mention_labels,
    load_shared_labels,
)
from evidencewatch.pubmed.parse import iter_pubmed, parse_pubmed
from evidencewatch.pubmed.records import PubmedRecord

REPO = CHECKOUT
DEFAULT_SET = REPO / "tests" / "eval"
DEFAULT_BACKGROUND = REPO.parent / "shared" / "pubmed"
DEFAULT_RECORDS = "labelled.xml"
# The sealed set (issue #10): written by someone who never saw this code, read only by
# `evidencewatch eval --sealed` and the one test that records its figures. Its records
# are `records.xml`; it has no background of its own.
SEALED_SET = DEFAULT_SET / "sealed"
SEALED_RECORDS = "records.xml"
# The first sealed set sits in SEALED_SET itself; each later one, written the same way by a
# new writer, in a sub-folder of it, so a set once measured is never rewritten.
ROOT_SEALED_NAME = "sealed"


def sealed_set_dirs(root: Path | None = None) -> dict[str, Path]:
    """Every sealed set under ``root`` (default SEALED_SET) by name: the root's own, then
    each sub-folder holding records.xml and labels.tsv, in name order."""
    root = SEALED_SET if root is None else root
    subs = sorted(sub for sub in (root.iterdir() if root.is_dir() else []) if sub.is_dir())
    found: dict[str, Path] = {}
    for name, folder in [(ROOT_SEALED_NAME, root), *((sub.name, sub) for sub in subs)]:
        if (folder / SEALED_RECORDS).is_file() and (folder / "labels.tsv").is_file():
            found[name] = folder
    return found


def load_records(path: Path) -> list[PubmedRecord]:
    parsed = parse_pubmed(path)
    if parsed.problems:
        first = parsed.problems[0]
        raise ValueError(
            f"{path}: {len(parsed.problems)} unreadable records, first: "
            f"{first.position}: {first.message}"
        )
    return parsed.records


def load_background(root: Path) -> dict[int, PubmedRecord]:
    """Every PubMed record in the shared corpus: XML files (plain or gzip) and vcr cassettes.

    Read with :func:`iter_pubmed`; the first record of a PMID wins (files in
    name order). Unreadable records and files that are not PubMed XML are
    passed over.
    """
    records: dict[int, PubmedRecord] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = path.name
        if name.endswith((".xml", ".xml.gz")):
            sources: list[bytes | Path] = [path]
        elif name.endswith(".yaml"):
            sources = [
                b.encode("utf-8")
                for b in cassette_bodies(path, strict=False)
                if "<PubmedArticle" in b or "<MedlineCitation" in b
            ]
        else:
            continue
        for source in sources:
            try:
                for item in iter_pubmed(source):
                    if isinstance(item, PubmedRecord):
                        records.setdefault(item.pmid, item)
            except (OSError, ValueError):
                continue
    return records


@dataclass
class Background:
    """The real background of the set: its records and hand labels, or why it is absent."""

    records: dict[int, PubmedRecord] = field(default_factory=dict)
    labels: LabelSet = field(default_factory=LabelSet)
    mentions: set[tuple[int, str]] = field(default_factory=set)
    skipped: str | None = None


def load_background_set(eval_dir: Path, background_dir: Path | None) -> Background:
    """The background records and ``shared_labels.tsv``; both are needed, or neither is used."""
    labels_path = eval_dir / "shared_labels.tsv"
    if background_dir is None:
        return Background(skipped="no background: the set is measured on its own records")
    if not background_dir.is_dir():
        return Background(skipped=f"the real background corpus is not at {background_dir}")
    if not labels_path.is_file():
        return Background(skipped=f"no hand labels for the background at {labels_path}")
    return Background(
        records=load_background(background_dir),
        labels=load_shared_labels(labels_path),
        mentions=load_mention_labels(labels_path),
    )


@dataclass
class EvalSet:
    """One evaluation's input: the labelled records and their labels, and the background."""

    records: list[PubmedRecord]
    labels: LabelSet
    background: Background
    # The background's records that are not in the labelled set, in PMID order.
    background_records: list[PubmedRecord]

    @property
    def all_labels(self) -> LabelSet:
        """The labelled set's labels and the background's hand labels (those win)."""
        return self.labels.merged(self.background.labels)


def load_set(
    eval_dir: Path, background_dir: Path | None, records_name: str = DEFAULT_RECORDS
) -> EvalSet:
    """``labels.tsv`` and the records (``labelled.xml``) of ``eval_dir``, and the background
    when present."""
    labels = load_labels(eval_dir / "labels.tsv")
    records = load_records(eval_dir / records_name)
    background = load_background_set(eval_dir, background_dir)
    labelled_pmids = {r.pmid for r in records}
    return EvalSet(
        records=records,
        labels=labels,
        background=background,
        background_records=[
            r for pmid, r in sorted(background.records.items()) if pmid not in labelled_pmids
        ],
    )
