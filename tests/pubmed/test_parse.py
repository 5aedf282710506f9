"""The streaming PubMed XML parser: inputs, problems and the result's shape.

Over hand-written fixtures in tests/fixtures/pubmed/ (what each record kind and field
reads as is in test_articles.py and test_elements.py).

The fixtures are fictional records (PMIDs 991xxxxx) written for these tests; the real
NCBI files are exercised by test_parse_shared_corpus.py.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from evidencewatch.pubmed.parse import ParsedFile, iter_pubmed, parse_pubmed
from evidencewatch.pubmed.records import ParseProblem, PubmedRecord

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pubmed"


class TestInput:
    def test_gzip_is_recognised_by_its_magic_bytes_not_its_name(self, tmp_path):
        raw = (FIXTURES / "update.xml").read_bytes()
        expected = parse_pubmed(raw)
        named = tmp_path / "update.xml.gz"
        named.write_bytes(gzip.compress(raw))
        misnamed = tmp_path / "update-really-gzipped.xml"
        misnamed.write_bytes(gzip.compress(raw))
        assert parse_pubmed(named).records == expected.records
        assert parse_pubmed(misnamed).records == expected.records
        assert parse_pubmed(gzip.compress(raw)).deleted == expected.deleted
        assert parse_pubmed(io.BytesIO(gzip.compress(raw))).records == expected.records

    def test_every_source_kind_gives_the_same_records(self):
        path = FIXTURES / "articles.xml"
        raw = path.read_bytes()

        class Unseekable(io.RawIOBase):
            def __init__(self, data: bytes) -> None:
                self._inner = io.BytesIO(data)

            def readable(self) -> bool:
                return True

            def readinto(self, buffer) -> int:
                chunk = self._inner.read(min(len(buffer), 777))
                buffer[: len(chunk)] = chunk
                return len(chunk)

        expected = parse_pubmed(path).records
        assert len(expected) == 4
        for source in (str(path), raw, io.BytesIO(raw), Unseekable(raw)):
            assert parse_pubmed(source).records == expected

    def test_xml_text_passed_as_str_is_refused_with_a_hint(self):
        with pytest.raises(ValueError, match="pass XML text as bytes"):
            list(iter_pubmed("<PubmedArticleSet></PubmedArticleSet>"))

    def test_missing_file_raises_os_error(self, tmp_path):
        with pytest.raises(FileNotFoundError):
            parse_pubmed(tmp_path / "absent.xml")

    def test_empty_article_set_yields_nothing(self):
        assert list(iter_pubmed(FIXTURES / "empty.xml")) == []
        assert list(iter_pubmed(b"<PubmedArticleSet/>")) == []

    def test_dtd_is_not_fetched_and_external_entities_are_not_read(self, tmp_path):
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET")
        body = textwrap.dedent(f"""\
            <?xml version="1.0"?>
            <!DOCTYPE PubmedArticleSet SYSTEM "http://127.0.0.1:9/never-fetched.dtd" [
              <!ENTITY leak SYSTEM "{secret.as_uri()}">
            ]>
            <PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99100601</PMID>
            <Article><ArticleTitle>Before &leak; after</ArticleTitle></Article>
            </MedlineCitation></PubmedArticle></PubmedArticleSet>
            """).encode()
        parsed = parse_pubmed(body)
        assert parsed.problems == []
        assert "TOP-SECRET" not in parsed.records[0].title
        assert "TOP-SECRET" not in parsed.records[0].title_markup


class TestProblems:
    def test_malformed_records_are_reported_with_position_and_the_rest_load(self):
        items = list(iter_pubmed(FIXTURES / "malformed_records.xml", source_name="bad.xml"))
        records = [i for i in items if isinstance(i, PubmedRecord)]
        problems = [i for i in items if isinstance(i, ParseProblem)]
        assert [r.pmid for r in records] == [99100401, 99100403, 99100406]
        assert [(p.source, p.position) for p in problems] == [
            ("bad.xml", "record 2, line 8"),
            ("bad.xml", "record 4, line 12"),
            ("bad.xml", "record 5, line 14"),
        ]
        assert "'99I00402'" in problems[0].message
        assert "no PMID" in problems[1].message
        assert "'Foo'" in problems[2].message
        # Problems arrive in document order, between the records around them.
        assert [type(i).__name__ for i in items] == [
            "PubmedRecord",
            "ParseProblem",
            "PubmedRecord",
            "ParseProblem",
            "ParseProblem",
            "PubmedRecord",
        ]

    def test_truncated_file_yields_the_records_before_the_break_then_one_problem(self):
        items = list(iter_pubmed(FIXTURES / "truncated.xml"))
        assert [i.pmid for i in items[:-1]] == [99100501, 99100502]
        problem = items[-1]
        assert isinstance(problem, ParseProblem)
        assert problem.source == str(FIXTURES / "truncated.xml")
        assert problem.position == "line 11, column 1"
        assert "not well-formed XML after record 2" in problem.message

    def test_truncated_gzip_stream_is_a_problem_not_an_exception(self):
        packed = gzip.compress((FIXTURES / "articles.xml").read_bytes())
        parsed = parse_pubmed(packed[: len(packed) // 2])
        assert len(parsed.problems) == 1
        assert len(parsed.records) < 4

    @pytest.mark.parametrize(
        "body",
        [
            b"<eSearchResult><Count>0</Count></eSearchResult>",
            b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>",
        ],
    )
    def test_a_body_that_is_not_pubmed_xml_is_a_problem_not_silence(self, body):
        parsed = parse_pubmed(body, source_name="efetch batch 3")
        assert parsed.records == []
        assert [p.source for p in parsed.problems] == ["efetch batch 3"]
        assert "not PubMed article XML" in parsed.problems[0].message

    @pytest.mark.parametrize("body", [b"", b"not xml at all", b"\x1f\x8b\x08\x00broken"])
    def test_garbage_input_is_one_problem(self, body):
        parsed = parse_pubmed(body)
        assert parsed.records == [] and len(parsed.problems) == 1
        assert parsed.problems[0].source == "<bytes>"

    def test_a_complete_document_says_so_and_names_its_root(self):
        parsed = parse_pubmed(FIXTURES / "update.xml")
        assert parsed.complete and parsed.root == "PubmedArticleSet" and parsed.error is None
        assert parse_pubmed(b"<PubmedArticleSet/>").complete

    @pytest.mark.parametrize(
        "body", [b"", b"<?xml version='1.0'?>", b"<PubmedArticleSet><PubmedArticle><oops>"]
    )
    def test_a_document_that_breaks_off_is_not_complete(self, body):
        parsed = parse_pubmed(body)
        assert not parsed.complete
        assert "not well-formed XML" in parsed.problems[-1].message

    def test_the_error_text_of_an_ncbi_error_document_is_kept(self):
        body = b"<eFetchResult><ERROR>  Cannot retrieve\n history data </ERROR></eFetchResult>"
        parsed = parse_pubmed(body)
        assert parsed.complete and parsed.root == "eFetchResult"
        assert parsed.error == "Cannot retrieve history data"
        assert "not PubMed article XML" in parsed.problems[0].message


class TestShape:
    def test_parse_pubmed_collects_records_deletions_and_problems(self):
        parsed = parse_pubmed(FIXTURES / "update.xml")
        assert isinstance(parsed, ParsedFile)
        assert [r.pmid for r in parsed.records] == [99100201, 99100202]
        assert parsed.deleted == [99100291, 99100292, 99100293]
        assert parsed.problems == []

    @pytest.mark.parametrize(
        "name", ["articles.xml", "books.xml", "medline_citation_set.xml", "update.xml"]
    )
    def test_json_round_trip_gives_an_equal_record(self, name):
        for record in parse_pubmed(FIXTURES / name).records:
            stored = json.loads(json.dumps(record.to_json()))
            assert PubmedRecord.from_json(stored) == record

    @pytest.mark.slow
    def test_memory_stays_flat_on_a_file_of_many_records(self, tmp_path):
        # Peak RSS after 60,000 records must stay close to the peak after 2,000: records
        # are cleared and dropped as they are read. Run in a fresh interpreter.
        record = (
            "<PubmedArticle><MedlineCitation Status='MEDLINE'><PMID Version='1'>{}</PMID>"
            "<Article><Journal><Title>Flat J</Title></Journal><ArticleTitle>Record {} "
            + "padding " * 40
            + "</ArticleTitle><AuthorList>"
            + "<Author><LastName>Name</LastName><Initials>N</Initials></Author>" * 5
            + "</AuthorList></Article></MedlineCitation></PubmedArticle>\n"
        )

        def peak_rss_mb(count: int) -> float:
            path = tmp_path / f"many-{count}.xml"
            with path.open("w") as fh:
                fh.write("<PubmedArticleSet>\n")
                for i in range(count):
                    fh.write(record.format(99200000 + i, i))
                fh.write("</PubmedArticleSet>\n")
            code = (
                "import resource, sys\n"
                "from evidencewatch.pubmed.parse import iter_pubmed\n"
                "n = sum(1 for _ in iter_pubmed(sys.argv[1]))\n"
                f"assert n == {count}, n\n"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
            )
            out = subprocess.run(
                [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
            )
            return float(out.stdout)

        small, large = peak_rss_mb(2_000), peak_rss_mb(60_000)
        assert large - small < 25, (small, large)
