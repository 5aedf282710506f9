"""MEDLINE-format text (PubMed's "Save -> PubMed format", .nbib, .txt) as PubmedRecords.

PubMed's own export of a saved search, and what citation managers write, is the
MEDLINE tagged format: ``PMID- 12345678``, ``TI  - ...``, continuation lines indented
six spaces, a blank line between records. Biopython's ``Bio.Medline`` is the field's
reader for it; this module splits the text into records itself (so a problem names
the record's number and line), has ``Bio.Medline`` read each one, and turns its
fields into the same :class:`PubmedRecord` the XML parser makes, so an import of a
saved search is matched and stored exactly like an XML file.

A record without a numeric PMID, with a line that is not ``TAG - value`` or a
continuation, is a :class:`ParseProblem`; the next record is read as usual. These
are pure functions from text to records; nothing here touches the network.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime

from evidencewatch.pubmed.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    ParseProblem,
    PubDate,
    PubmedRecord,
)

__all__ = ["is_medline", "iter_medline", "medline_record"]

_LINE = re.compile(r"^(?:[A-Z][A-Z0-9]{0,3} {0,3}- |      |[A-Z][A-Z0-9]{0,3} {0,3}-$)")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
_COMMENT_TAGS = {
    "CIN": "CommentIn", "CON": "CommentOn", "EIN": "ErratumIn", "EFR": "ErratumFor",
    "RIN": "RetractionIn", "ROF": "RetractionOf", "UIN": "UpdateIn", "UOF": "UpdateOf",
    "ECI": "ExpressionOfConcernIn", "ECF": "ExpressionOfConcernFor",
    "RPI": "RepublishedIn", "RPF": "RepublishedFrom", "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
}  # fmt: skip
_REF_PMID = re.compile(r"PMID:\s*(\d+)")


def is_medline(head: bytes) -> bool:
    """Whether a file's first bytes look like MEDLINE text (its first tag is PMID)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"PMID-") or text.startswith(b"PMID -")


def iter_medline(text: str, source: str) -> Iterator[PubmedRecord | ParseProblem]:
    """Each record of MEDLINE text, or a problem naming its number and line."""
    from Bio import Medline  # biopython loads only for MEDLINE input

    for index, (line_no, lines) in enumerate(_chunks(text), 1):
        where = f"record {index}, line {line_no}"
        bad = next((k for k, line in enumerate(lines) if not _LINE.match(line)), None)
        if bad is not None:
            yield ParseProblem(
                source, where, f"line {line_no + bad} is not 'TAG - value': {lines[bad][:60]!r}"
            )
            continue
        fields = Medline.read(io.StringIO("\n".join(lines) + "\n"))  # type: ignore[no-untyped-call]
        try:
            yield medline_record(dict(fields))
        except ValueError as exc:
            yield ParseProblem(source, where, str(exc))


def _chunks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated record."""
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line.rstrip())
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


def _one(fields: dict[str, object], tag: str) -> str:
    value = fields.get(tag)
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value).strip() if value is not None else ""


def _many(fields: dict[str, object], tag: str) -> list[str]:
    value = fields.get(tag)
    if value is None:
        return []
    return [str(v).strip() for v in (value if isinstance(value, list) else [value])]


def medline_record(fields: dict[str, object]) -> PubmedRecord:
    """A PubmedRecord from one record's ``Bio.Medline`` fields; ValueError if unusable."""
    pmid_text = _one(fields, "PMID")
    if not pmid_text.isdigit() or int(pmid_text) <= 0:
        raise ValueError(f"PMID is {pmid_text!r}, not a positive number")
    abstract = _one(fields, "AB")
    title = _one(fields, "TI") or _one(fields, "BTI")
    return PubmedRecord(
        pmid=int(pmid_text),
        kind="book" if "BTI" in fields and "TI" not in fields else "article",
        title=title,
        title_markup=title,
        abstract=(AbstractSection(abstract, markup=abstract),) if abstract else (),
        journal=_one(fields, "JT"),
        journal_abbrev=_one(fields, "TA"),
        pub_date=_pub_date(_one(fields, "DP")),
        history=_history(fields),
        authors=_authors(fields),
        doi=_article_id(fields, "doi"),
        pmcid=_one(fields, "PMC") or None,
        mesh_terms=tuple(_mesh(h) for h in _many(fields, "MH")),
        keywords=tuple(_many(fields, "OT")),
        publication_types=tuple(_many(fields, "PT")),
        comments_corrections=_comments(fields),
        language=tuple(_many(fields, "LA")),
        status=_one(fields, "STAT") or None,
        book_title=_one(fields, "BTI") or None,
    )


def _pub_date(text: str) -> PubDate:
    """``2026 Oct 2``, ``2026 Oct``, ``2026``; anything else is kept as MedlineDate text."""
    m = re.fullmatch(r"(\d{4})(?: ([A-Za-z]{3})(?: (\d{1,2}))?)?", text)
    month = _MONTHS.get(m.group(2).lower()) if m and m.group(2) else None
    if m is None or (m.group(2) and month is None):
        year = re.match(r"\d{4}", text)
        return PubDate(year=int(year.group(0)) if year else None, medline_date=text or None)
    day = int(m.group(3)) if m.group(3) else None
    return PubDate(year=int(m.group(1)), month=month, day=day)


def _history(fields: dict[str, object]) -> dict[str, date]:
    """``PHST  - 2026/10/02 06:00 [entrez]`` lines, and EDAT/CRDT, as status -> date."""
    out: dict[str, date] = {}
    for line in _many(fields, "PHST"):
        m = re.match(r"(\d{4}/\d{2}/\d{2})(?: \d{2}:\d{2})? \[(\w+)\]", line)
        if m:
            out.setdefault(m.group(2), _ymd(m.group(1)))
    for tag, status in (("CRDT", "entrez"), ("EDAT", "entrez"), ("MHDA", "medline")):
        value = _one(fields, tag)[:10]
        if value and status not in out and re.fullmatch(r"\d{4}/\d{2}/\d{2}", value):
            out[status] = _ymd(value)
    return out


def _ymd(text: str) -> date:
    return datetime.strptime(text, "%Y/%m/%d").date()


def _authors(fields: dict[str, object]) -> tuple[Author, ...]:
    full, short = _many(fields, "FAU"), _many(fields, "AU")
    authors = []
    for k, name in enumerate(full or short):
        last, _, fore = name.partition(", ") if full else (name, "", "")
        initials = short[k].rpartition(" ")[2] if k < len(short) and full else None
        if not full:
            last, _, initials = name.rpartition(" ") if " " in name else (name, "", "")
        authors.append(Author(last_name=last, fore_name=fore or None, initials=initials or None))
    authors.extend(Author(collective_name=c) for c in _many(fields, "CN"))
    return tuple(authors)


def _article_id(fields: dict[str, object], kind: str) -> str | None:
    for value in _many(fields, "AID") + _many(fields, "LID"):
        if value.endswith(f"[{kind}]"):
            return value.removesuffix(f"[{kind}]").strip()
    return None


def _mesh(heading: str) -> str:
    """``Breast Neoplasms/*drug therapy`` -> ``Breast Neoplasms``."""
    return heading.split("/", 1)[0].lstrip("*").strip()


def _comments(fields: dict[str, object]) -> tuple[CommentCorrection, ...]:
    out = []
    for tag, ref_type in _COMMENT_TAGS.items():
        for value in _many(fields, tag):
            m = _REF_PMID.search(value)
            out.append(CommentCorrection(ref_type, value, int(m.group(1)) if m else None))
    return tuple(out)
