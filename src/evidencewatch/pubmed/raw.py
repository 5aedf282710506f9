"""A PubmedArticleSet file cut into its records' raw bytes, without parsing XML.

A bulk import reads every record of a baseline file but parses only the few that
could matter (see :mod:`evidencewatch.matching.prefilter`). :func:`iter_raw` finds
each record's start and end tag with ``bytes.find`` over the decompressed stream,
which costs a fraction of what building lxml elements does, and hands out each
record's bytes; :func:`raw_pmid` and :func:`title_and_abstract_bytes` read the two
things the decision needs from them; :func:`parse_raw` parses a record that is kept,
with the full parser of :mod:`evidencewatch.pubmed.parse`, so a kept record is read
exactly as before.

Only the documents NLM distributes and efetch answers with are cut this way: a root
``<PubmedArticleSet>`` whose children are ``PubmedArticle``, ``PubmedBookArticle``
and ``DeleteCitation``. :func:`iter_raw` returns None for anything else, and callers
parse such a file in full. A file that breaks off inside a record (a truncated
download) ends with one :class:`ParseProblem`, after every record before the break.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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


@dataclass(frozen=True, slots=True)
class RawRecord:
    tag: str  # "PubmedArticle" | "PubmedBookArticle" | "DeleteCitation"
    data: bytes  # from its start tag to its end tag, inclusive
    index: int  # 1-based among citations (DeleteCitation: the citations before it)
    line: int  # line of its start tag in the file


def _open(path: Path) -> BinaryIO:
    stream: BinaryIO = open(path, "rb")
    head = stream.read(2)
    stream.seek(0)
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    return stream


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file, gunzipped if it is gzip (to tell XML from MEDLINE text)."""
    with _open(path) as stream:
        try:
            return stream.read(size)
        except (EOFError, OSError, zlib.error):
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
        except (EOFError, OSError, zlib.error):
            return None
        if _root_end(head) is None:
            return None
    return _records(path, name)


class _Buffer:
    """The decompressed stream, read a chunk at a time; counts the lines it drops."""

    def __init__(self, stream: BinaryIO, head: bytes) -> None:
        self.stream = stream
        self.data = head
        self.lines = 0  # newlines in the bytes already dropped
        self.eof = False
        self._counted = 0  # newlines in data[:_counted_to] are in _counted
        self._counted_to = 0

    def refill(self, keep_from: int) -> None:
        """Drop the bytes before ``keep_from`` and append the next chunk (OSError etc. pass)."""
        self.lines += self.data.count(b"\n", 0, keep_from)
        more = self.stream.read(_CHUNK)
        self.eof = not more
        self.data = self.data[keep_from:] + more
        self._counted = self._counted_to = 0

    def line(self, pos: int) -> int:
        """The file's line number at ``pos``; positions are asked for in increasing order."""
        if pos < self._counted_to:
            self._counted = self._counted_to = 0
        self._counted += self.data.count(b"\n", self._counted_to, pos)
        self._counted_to = pos
        return self.lines + self._counted + 1


def _records(path: Path, name: str) -> Iterator[RawRecord | ParseProblem]:
    with _open(path) as stream:
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
                yield RawRecord(tag.decode(), data[lt:stop], index, buf.line(lt))
                pos = stop
                continue
            if lt >= 0 and data.startswith(b"</" + _ROOT, lt):
                return
            if lt >= 0 and m is not None and end_tag is None:
                yield ParseProblem(
                    name,
                    f"line {buf.line(lt)}",
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
            except (EOFError, OSError, zlib.error) as exc:  # a truncated or corrupt gzip
                yield ParseProblem(name, f"after record {index}", f"cannot read the input: {exc}")
                return
            pos = 0


def raw_pmid(data: bytes) -> int | None:
    """The record's own PMID: the first ``<PMID>`` (MedlineCitation's, or BookDocument's)."""
    m = _PMID.search(data)
    return int(m.group(1)) if m else None


def title_and_abstract_bytes(data: bytes) -> bytes | None:
    """The raw title and abstract of a PubmedArticle (markup and entities as written).

    None when the record has no ``ArticleTitle`` element to cut out: the caller then
    parses it, never guesses.
    """
    start = data.find(b"<ArticleTitle")
    if start < 0:
        return None
    gt = data.find(b">", start)
    if gt < 0 or data[gt - 1 : gt] == b"/":
        return None
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
            item = ParseProblem(name, f"record {raw.index}, line {raw.line}", item.message)
        items.append(item)  # type: ignore[arg-type]
    return items
