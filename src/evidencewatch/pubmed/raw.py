"""A PubmedArticleSet file cut into its records' raw bytes, without parsing XML.

A bulk import reads every record of a baseline file but parses only the few that
could matter (see :mod:`evidencewatch.matching.prefilter`). :func:`iter_raw` finds
each record's start and end tag with ``bytes.find`` over the decompressed stream,
which costs a fraction of what building lxml elements does, and hands out each
record's bytes (a gzip file is decompressed by ISA-L in a thread of its own, while
the records before are tested); :func:`raw_pmid` and :func:`title_and_abstract_bytes` read the two
things the decision needs from them; :func:`parse_raw` parses a record that is kept,
with the full parser of :mod:`evidencewatch.pubmed.parse`, so a kept record is read
exactly as before.

Only the documents NLM distributes and efetch answers with are cut this way: a root
``<PubmedArticleSet>`` whose children are ``PubmedArticle``, ``PubmedBookArticle``
and ``DeleteCitation``. :func:`iter_raw` returns None for anything else, and callers
parse such a file in full. A file that breaks off inside a record (a truncated
download) ends with one :class:`ParseProblem`, after every record before the break.

Line numbers are counted only when a problem names one
(:meth:`RawRecord.line_number`): counting the newlines of every record cost as much
as the prefilter. The file is then read again up to the record (for a plain file,
from the nearest line already counted).
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from isal import igzip, igzip_threaded
from isal.isal_zlib import error as _isal_error

from evidencewatch.pubmed.parse import PubmedItem, iter_pubmed
from evidencewatch.pubmed.records import ParseProblem

__all__ = [
    "RawRecord",
    "iter_raw",
    "parse_raw",
    "raw_pmid",
    "read_head",
    "read_text",
    "title_and_abstract_bytes",
]

_CHUNK = 1 << 22
_ROOT = b"PubmedArticleSet"
_END_TAGS = {
    b"PubmedArticle": b"</PubmedArticle>",
    b"PubmedBookArticle": b"</PubmedBookArticle>",
    b"DeleteCitation": b"</DeleteCitation>",
}
_TAG_NAME = re.compile(rb"<([A-Za-z][\w.:-]*)")
_PMID = re.compile(rb"<PMID[^>]*>\s*(\d+)\s*</PMID>")
_WRAP_HEAD = b"<PubmedArticleSet>\n"
_WRAP_TAIL = b"\n</PubmedArticleSet>"
#: What reading a damaged file raises: a truncated or corrupt gzip stream.
_ISAL_ERROR: type[BaseException] = _isal_error  # type: ignore[assignment]  # stub: an instance
READ_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error, _ISAL_ERROR)


class _Lines:
    """Line numbers of a file's byte offsets (after gunzip), counted when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known = [(0, 1)]  # (offset, line there), sorted

    def line(self, offset: int) -> int:
        """The line at byte ``offset`` of the (decompressed) file."""
        k = bisect.bisect_right(self._known, (offset, 1 << 62)) - 1
        start, line = self._known[k]
        with _open(self.path) as stream:
            if start and not _is_gzip(self.path):
                stream.seek(start)
            else:
                start, line = 0, 1  # a gzip stream is read again from its start
            while start < offset:
                chunk = stream.read(min(_CHUNK, offset - start))
                if not chunk:
                    break
                line += chunk.count(b"\n")
                start += len(chunk)
        bisect.insort(self._known, (offset, line))
        return line


@dataclass(slots=True)  # not frozen: made for every record of a file, and frozen costs
class RawRecord:
    """One record's bytes and where it is."""

    tag: str  # "PubmedArticle" | "PubmedBookArticle" | "DeleteCitation"
    data: bytes  # from its start tag to its end tag, inclusive
    index: int  # 1-based among citations (DeleteCitation: the citations before it)
    line: int = 0  # line of its start tag in the file, when known (see line_number)
    offset: int = -1  # byte offset of its start tag in the (decompressed) file
    lines: _Lines | None = None  # counts the line from the offset

    def line_number(self) -> int:
        """The line of its start tag in the file (counted now, if not known)."""
        if self.line or self.lines is None or self.offset < 0:
            return self.line
        return self.lines.line(self.offset)


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def _open(path: Path, *, threaded: bool = False) -> BinaryIO:
    """The file's bytes, gunzipped if it is gzip (in a thread of its own if ``threaded``)."""
    if not _is_gzip(path):
        return open(path, "rb")
    if threaded:
        stream: BinaryIO = igzip_threaded.open(path, "rb", threads=1)  # type: ignore[no-untyped-call]
        return stream
    return igzip.GzipFile(path, mode="rb")  # type: ignore[no-untyped-call,return-value]


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file, gunzipped if it is gzip (to tell XML from MEDLINE text)."""
    with _open(path) as stream:
        try:
            return stream.read(size)
        except READ_ERRORS:
            return b""


def read_text(path: Path) -> str:
    """A whole (possibly gzipped) text file as str; undecodable bytes are replaced."""
    with _open(path) as stream:
        return stream.read().decode("utf-8", "replace")


def _root_end(buf: bytes) -> int | None:
    """Where the content of a ``<PubmedArticleSet>`` root starts; None for another root."""
    pos = 0
    while True:
        m = _TAG_NAME.search(buf, pos)
        if m is None:
            return None
        # Skip the XML declaration, the DOCTYPE and comments (not matched by _TAG_NAME).
        if m.group(1) != _ROOT:
            return None
        end = buf.find(b">", m.end())
        return None if end < 0 else end + 1


def iter_raw(path: Path, name: str) -> Iterator[RawRecord | ParseProblem] | None:
    """The records of a PubmedArticleSet file as raw bytes; None if it is another document."""
    with _open(path) as stream:
        try:
            head = stream.read(1 << 16)
        except READ_ERRORS:
            return None
        if _root_end(head) is None:
            return None
    return _records(path, name)


class _Buffer:
    """The decompressed stream, read a chunk at a time; knows the offset of its data."""

    def __init__(self, stream: BinaryIO, head: bytes) -> None:
        self.stream = stream
        self.data = head
        self.dropped = 0  # bytes of the file before data[0]
        self.eof = False

    def refill(self, keep_from: int) -> None:
        """Drop the bytes before ``keep_from`` and append the next chunk (OSError etc. pass)."""
        more = self.stream.read(_CHUNK)
        self.eof = not more
        self.dropped += keep_from
        self.data = self.data[keep_from:] + more


def _records(path: Path, name: str) -> Iterator[RawRecord | ParseProblem]:
    lines = _Lines(path)
    with _open(path, threaded=True) as stream:
        head = stream.read(1 << 16)
        buf = _Buffer(stream, head)
        pos = _root_end(head) or 0
        index = 0
        while True:
            data = buf.data
            lt = data.find(b"<", pos)
            if lt >= 0 and data.startswith(b"<!--", lt) and data.find(b"-->", lt) >= 0:
                pos = data.find(b"-->", lt) + 3
                continue
            if lt >= 0 and len(data) - lt < 64 and not buf.eof:
                lt = -1  # a tag name may be cut by the chunk's end: read on first
            m = _TAG_NAME.match(data, lt) if lt >= 0 else None
            tag = m.group(1) if m else b""
            end_tag = _END_TAGS.get(tag)
            end = data.find(end_tag, lt) if end_tag is not None else -1
            if end_tag is not None and end >= 0:
                stop = end + len(end_tag)
                index += tag != b"DeleteCitation"
                yield RawRecord(tag.decode(), data[lt:stop], index, 0, buf.dropped + lt, lines)
                pos = stop
                continue
            if lt >= 0 and data.startswith(b"</" + _ROOT, lt):
                return
            if lt >= 0 and m is not None and end_tag is None:
                yield ParseProblem(
                    name,
                    f"line {lines.line(buf.dropped + lt)}",
                    f"not well-formed XML after record {index}: unexpected <{tag.decode()}>",
                )
                return
            if buf.eof:
                inside = f"inside a {tag.decode()}" if end_tag else "before </PubmedArticleSet>"
                yield ParseProblem(
                    name,
                    f"after record {index}",
                    f"not well-formed XML after record {index}: the input ends {inside} "
                    "(truncated?)",
                )
                return
            try:
                buf.refill(data.find(b"<", pos) if data.find(b"<", pos) >= 0 else len(data))
            except READ_ERRORS as exc:  # a truncated or corrupt gzip
                yield ParseProblem(name, f"after record {index}", f"cannot read the input: {exc}")
                return
            pos = 0


def raw_pmid(data: bytes) -> int | None:
    """The record's own PMID: the first ``<PMID>`` (MedlineCitation's, or BookDocument's)."""
    m = _PMID.search(data)
    return int(m.group(1)) if m else None


def title_and_abstract_bytes(data: bytes) -> bytes | None:
    """The raw title and abstract of a PubmedArticle (markup and entities as written).

    An empty ``<ArticleTitle/>`` is an empty title, as the parser reads it. None when
    the record has no ``ArticleTitle`` element to cut out: the caller then parses it,
    never guesses.
    """
    start = data.find(b"<ArticleTitle")
    if start < 0:
        return None
    gt = data.find(b">", start)
    if gt < 0:
        return None
    if data[gt - 1 : gt] == b"/":
        title, end = b"", gt
    else:
        end = data.find(b"</ArticleTitle>", gt)
        if end < 0:
            return None
        title = data[gt + 1 : end]
    a_start = data.find(b"<Abstract>", end)
    if a_start < 0:
        return title
    a_end = data.find(b"</Abstract>", a_start)
    if a_end < 0:
        return None
    # A newline between the parts, as PubmedRecord.text joins them.
    return title + b"\n" + data[a_start + 10 : a_end]


def parse_raw(raw: RawRecord, name: str) -> list[PubmedItem]:
    """Parse one raw record in full; problems name its place in the file."""
    items: list[PubmedItem] = []
    for item in iter_pubmed(_WRAP_HEAD + raw.data + _WRAP_TAIL, source_name=name):
        if isinstance(item, ParseProblem):
            item = ParseProblem(name, f"record {raw.index}, line {raw.line_number()}", item.message)
        items.append(item)  # type: ignore[arg-type]
    return items
