"""Streaming parser for PubMed XML: efetch responses, baseline and update files.

:func:`iter_pubmed` reads a ``PubmedArticleSet`` (or an old ``MedlineCitationSet``)
with ``lxml.etree.iterparse`` and yields one item per citation as soon as its end tag
is read, then throws the element away, so memory stays flat on 30,000-record files.
It yields three kinds of item:

- :class:`PubmedRecord` for each ``PubmedArticle``, ``PubmedBookArticle`` and old-format
  ``MedlineCitation``;
- :class:`DeletedCitations` for each ``DeleteCitation`` of an update file;
- :class:`ParseProblem` for a record that cannot be read (no or non-numeric PMID, a date
  that is not a date, ...). The next record is read as usual. A file that stops being
  well-formed XML (truncated download) ends with one problem naming lxml's line and
  column, after every record before the break. Nothing is raised for bad content.

Every path is anchored (``MedlineCitation/PMID``, ``PubmedData/ArticleIdList``, ...), so
PMIDs and DOIs of the reference list, ``CommentsCorrections`` or ``DeleteCitation`` are
never taken for the record's own. The DTD is never loaded or fetched and entities are
not resolved. Strings are kept as strings: markup in titles and abstracts is returned
verbatim in ``title_markup``/``markup`` for the display sanitiser, never interpreted.

This module streams documents and reports on them; reading one citation element is
:mod:`evidencewatch.pubmed.articles`, over the shared readers of
:mod:`evidencewatch.pubmed.elements`.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeAlias

from lxml import etree

from evidencewatch.pubmed.articles import read_record
from evidencewatch.pubmed.elements import Element, read_int
from evidencewatch.pubmed.records import (
    DeletedCitations,
    ParseProblem,
    PubmedRecord,
    SkippedRecord,
)

__all__ = ["KeepTest", "ParsedFile", "PubmedItem", "Source", "iter_pubmed", "parse_pubmed"]

PubmedItem: TypeAlias = PubmedRecord | DeletedCitations | ParseProblem
Source: TypeAlias = bytes | str | Path | BinaryIO
KeepTest: TypeAlias = Callable[[int, str], bool]

_GZIP_MAGIC = b"\x1f\x8b"
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_ROOT_TAGS = frozenset(
    {"PubmedArticleSet", "PubmedBookArticleSet", "MedlineCitationSet", *_RECORD_TAGS}
)
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+$")


@dataclass(slots=True)
class ParsedFile:
    """Everything read from one file: its records, deleted PMIDs and problems, in order.

    The last three fields describe the document as a whole, for callers that
    must tell a complete answer from a broken one (the E-utilities client):
    ``complete`` is False when reading stopped early because the XML broke off
    or the input could not be read (the last problem says where); ``root`` is
    the root element's tag once the document was read; ``error`` is the text of
    an ``<ERROR>`` under a root that is not PubMed article XML.
    """

    records: list[PubmedRecord] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    complete: bool = True
    root: str = ""
    error: str | None = None


@dataclass(slots=True)
class _Document:
    """What reading a document learnt about it as a whole (see :class:`ParsedFile`)."""

    complete: bool = False
    root: str = ""
    error: str | None = None


def parse_pubmed(source: Source, *, source_name: str | None = None) -> ParsedFile:
    """Read a whole PubMed XML file or body into lists (see :func:`iter_pubmed`)."""
    parsed = ParsedFile()
    document = _Document()
    for item in _items(source, source_name, None, document):
        if isinstance(item, PubmedRecord):
            parsed.records.append(item)
        elif isinstance(item, DeletedCitations):
            parsed.deleted.extend(item.pmids)
        elif isinstance(item, ParseProblem):
            parsed.problems.append(item)
    parsed.complete, parsed.root, parsed.error = document.complete, document.root, document.error
    return parsed


def iter_pubmed(
    source: Source,
    *,
    source_name: str | None = None,
    keep: KeepTest | None = None,
) -> Iterator[PubmedItem | SkippedRecord]:
    """Yield the records, deletions and problems of PubMed XML, streaming.

    ``source`` is the XML as bytes, a path (``str`` or :class:`~pathlib.Path`) or a binary
    file object; gzip-compressed input is recognised by its magic bytes and decompressed
    on the fly. ``source_name`` names the input in problems (default: the path, the file
    object's name, or ``"<bytes>"``). A missing file raises :class:`OSError`; bad content
    never raises but yields :class:`ParseProblem`.

    ``keep(pmid, text)``, when given, sees each citation's PMID and the text of its
    title and abstract before it is read; a citation it refuses is yielded as
    :class:`SkippedRecord` without being parsed.
    Bulk imports use it to read only the few citations that could mention a tracked
    gene: walking a record's elements in Python costs far more than lxml's own
    serialisation of its text.
    """
    yield from _items(source, source_name, keep, _Document())


def _items(
    source: Source, source_name: str | None, keep: KeepTest | None, document: _Document
) -> Iterator[PubmedItem | SkippedRecord]:
    name = source_name or _default_name(source)
    with ExitStack() as stack:
        stream = _open(source, stack)
        yield from _iterate(stream, name, keep, document)


_PEEK_PATHS = {
    "PubmedArticle": ("MedlineCitation/PMID", "MedlineCitation/Article"),
    "PubmedBookArticle": ("BookDocument/PMID", "BookDocument"),
    "MedlineCitation": ("PMID", "Article"),
}


def _peek(el: Element, tag: str) -> tuple[int | None, str]:
    """A citation's PMID and the text of its title and abstract, without reading the rest."""
    pmid_path, article_path = _PEEK_PATHS[tag]
    pmid_text = (el.findtext(pmid_path) or "").strip()
    parts = []
    article = el.find(article_path)
    if article is not None:
        for child_tag in ("ArticleTitle", "Abstract"):
            child = article.find(child_tag)
            if child is not None:
                parts.append(etree.tostring(child, method="text", encoding="unicode"))
    return (int(pmid_text) if pmid_text.isdigit() else None), "\n".join(parts)


def _iterate(
    stream: BinaryIO, name: str, keep: KeepTest | None, document: _Document
) -> Iterator[PubmedItem | SkippedRecord]:
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=_RECORD_TAGS,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    index = 0
    while True:
        try:
            _event, el = next(events)
        except StopIteration:
            break
        except etree.XMLSyntaxError as exc:
            yield _syntax_problem(exc, name, index)
            return
        except (EOFError, OSError, zlib.error) as exc:  # truncated or corrupt gzip stream
            yield ParseProblem(name, f"after record {index}", f"cannot read the input: {exc}")
            return
        tag = str(el.tag)
        if tag == "DeleteCitation":
            yield from _deleted(el, name)
        elif tag == "MedlineCitation" and _inside_article(el):
            continue  # part of a PubmedArticle: read with it at its end tag
        else:
            index += 1
            yield _citation(el, tag, name, index, keep)
        _forget(el)
    document.complete = True
    yield from _check_root(events.root, name, document)


def _syntax_problem(exc: etree.XMLSyntaxError, name: str, index: int) -> ParseProblem:
    line, column = exc.position
    message = _POSITION_SUFFIX.sub("", exc.msg or str(exc))
    return ParseProblem(
        name,
        f"line {line}, column {column}",
        f"not well-formed XML after record {index}: {message}",
    )


def _inside_article(citation: Element) -> bool:
    parent = citation.getparent()
    return parent is not None and parent.tag != "MedlineCitationSet"


def _citation(
    el: Element, tag: str, name: str, index: int, keep: KeepTest | None
) -> PubmedRecord | ParseProblem | SkippedRecord:
    """The item for one citation element: its record, a problem, or a skip ``keep`` chose."""
    if keep is not None:
        pmid, text = _peek(el, tag)
        # A record without a readable PMID is parsed, so its problem gets reported.
        if pmid is not None and not keep(pmid, text):
            return SkippedRecord(pmid)
    try:
        return read_record(el, tag)
    except ValueError as exc:
        line = el.sourceline
        where = f"record {index}" if line is None else f"record {index}, line {line}"
        return ParseProblem(name, where, str(exc))


def _check_root(root: Element | None, name: str, document: _Document) -> Iterator[ParseProblem]:
    if root is None:
        return
    document.root = str(root.tag)
    if document.root not in _ROOT_TAGS:
        # E.g. an eFetchResult/ERROR body or an esearch result: no records is not "no news".
        error = root.find("ERROR")
        if error is not None:
            document.error = " ".join("".join(error.itertext()).split())
        yield ParseProblem(name, "root element", f"not PubMed article XML: <{document.root}>")


def _forget(el: Element) -> None:
    """Free a processed element and everything before it, keeping the tree small."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _deleted(el: Element, name: str) -> Iterator[PubmedItem]:
    pmids: list[int] = []
    for pmid_el in el.iterchildren("PMID"):
        try:
            pmids.append(read_int(pmid_el.text, "DeleteCitation PMID"))
        except ValueError as exc:
            yield ParseProblem(name, f"DeleteCitation, line {pmid_el.sourceline}", str(exc))
    yield DeletedCitations(tuple(pmids))


# --- input -------------------------------------------------------------------------------


def _default_name(source: Source) -> str:
    if isinstance(source, str | Path):
        return str(source)
    if isinstance(source, bytes | bytearray | memoryview):
        return "<bytes>"
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _open(source: Source, stack: ExitStack) -> BinaryIO:
    """A binary stream of the XML, gunzipped when the data starts with gzip's magic bytes."""
    stream: BinaryIO
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        stream = io.BytesIO(data)
        head = data[:2]
    elif isinstance(source, str | Path):
        if isinstance(source, str) and source.lstrip().startswith("<"):
            raise ValueError("iter_pubmed takes a str as a path; pass XML text as bytes")
        stream = stack.enter_context(open(source, "rb"))
        head = stream.read(2)
        stream.seek(0)
    else:
        head = source.read(2)
        stream = io.BufferedReader(_Prefixed(head, source))
    if head == _GZIP_MAGIC:
        return stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))  # type: ignore[return-value]
    return stream


class _Prefixed(io.RawIOBase):
    """A read-only stream that gives back bytes already read, then the rest of a stream."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
