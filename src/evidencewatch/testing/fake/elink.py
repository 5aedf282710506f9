"""ELink: ``dbfrom=pubmed&db=pubmed`` links in NCBI's ``eLinkResult`` format.

One ``LinkSet`` per ``id`` parameter, as NCBI answers when each source PMID is
given as its own ``id`` (a comma-separated ``id`` gets one LinkSet for all of
them, as NCBI does too). A source without links gets a LinkSet with its IdList
and no LinkSetDb. Links come from the corpus (:meth:`FakeEutils.add_links`),
newest PMID first, and only to records the fake knows. A short-answer fault
leaves LinkSets out of a well-formed answer.
"""

from __future__ import annotations

import re

from evidencewatch.testing.fake.corpus import Corpus
from evidencewatch.testing.fake.faults import Fault, efetch_records
from evidencewatch.testing.fake.responses import Response, error_xml

__all__ = ["LINKNAMES", "elink"]

#: The links the fake keeps: the papers citing a PMID, and its similar articles.
LINKNAMES = ("pubmed_pubmed_citedin", "pubmed_pubmed")

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink 20101123//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
)


def elink(corpus: Corpus, multi: dict[str, list[str]], fault: Fault | None) -> Response:
    """Answer one ELink request; ``multi`` holds every value of every parameter."""
    p = {k: v[-1] for k, v in multi.items()}
    if p.get("dbfrom", "pubmed") != "pubmed" or p.get("db", "pubmed") != "pubmed":
        return error_xml("eLinkResult", "the fake only links db=pubmed to dbfrom=pubmed")
    linkname = p.get("linkname", "")
    if linkname not in LINKNAMES:
        return error_xml("eLinkResult", f"Invalid linkname {linkname!r} (fake server)")
    groups = [[int(t) for t in re.split(r"[,\s]+", v) if t.isdigit()] for v in multi.get("id", [])]
    groups = [g for g in groups if g]
    if not groups:
        return error_xml("eLinkResult", "Empty id list - nothing todo")
    sets = [_linkset(corpus, group, linkname) for group in efetch_records(fault, groups)]
    body = _HEAD + "<eLinkResult>\n" + "".join(sets) + "</eLinkResult>\n"
    return Response(200, body.encode("utf-8"))


def _linkset(corpus: Corpus, sources: list[int], linkname: str) -> str:
    targets = sorted({t for s in sources for t in corpus.links_of(linkname, s)}, reverse=True)
    ids = "".join(f"<Id>{s}</Id>" for s in sources)
    parts = [f"  <LinkSet>\n    <DbFrom>pubmed</DbFrom>\n    <IdList>{ids}</IdList>\n"]
    if targets:
        links = "".join(f"<Link><Id>{t}</Id></Link>" for t in targets)
        parts.append(
            f"    <LinkSetDb><DbTo>pubmed</DbTo><LinkName>{linkname}</LinkName>"
            f"{links}</LinkSetDb>\n"
        )
    parts.append("  </LinkSet>\n")
    return "".join(parts)
