"""Raw records cut from a file's bytes: line numbers counted only when a problem needs one,
and gzip read (in a thread) like the plain file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from evidencewatch.pubmed.raw import RawRecord, iter_raw, parse_raw
from evidencewatch.pubmed.records import ParseProblem

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pubmed" / "malformed_records.xml"


def _start_lines(data: bytes) -> list[int]:
    """The line of each record's start tag, counted from the bytes here."""
    lines, pos = [], data.find(b"<PubmedArticle>")
    while pos >= 0:
        lines.append(data.count(b"\n", 0, pos) + 1)
        pos = data.find(b"<PubmedArticle>", pos + 1)
    return lines


@pytest.fixture(params=["plain", "gzip"])
def copy(request, tmp_path) -> Path:
    data = FIXTURE.read_bytes()
    if request.param == "plain":
        path = tmp_path / "records.xml"
        path.write_bytes(data)
    else:
        path = tmp_path / "records.xml.gz"
        path.write_bytes(gzip.compress(data))
    return path


def test_each_record_knows_its_start_line_when_asked(copy):
    records = [r for r in iter_raw(copy, str(copy)) or [] if isinstance(r, RawRecord)]
    expected = _start_lines(FIXTURE.read_bytes())
    assert len(records) == len(expected)
    # Asked out of order, and twice: each answer is the same.
    for record in reversed(records):
        assert record.line_number() == expected[record.index - 1]
    assert [r.line_number() for r in records] == expected


def test_a_problem_names_the_line_of_its_record(copy):
    expected = _start_lines(FIXTURE.read_bytes())
    problems = [
        item
        for raw in iter_raw(copy, "f") or []
        if isinstance(raw, RawRecord)
        for item in parse_raw(raw, "f")
        if isinstance(item, ParseProblem)
    ]
    assert problems
    for problem in problems:
        index = int(problem.position.split(",")[0].removeprefix("record "))
        assert problem.position == f"record {index}, line {expected[index - 1]}"


def test_a_record_made_by_hand_keeps_the_line_it_was_given():
    assert RawRecord("PubmedArticle", b"<PubmedArticle/>", 1, 7).line_number() == 7


def test_a_truncated_gzip_ends_with_a_problem_after_the_records_before_the_break(tmp_path):
    fixture = FIXTURE.read_bytes()
    first, last = fixture.find(b"<PubmedArticle>"), fixture.rfind(b"</PubmedArticleSet>")
    whole = fixture[:first] + fixture[first:last] * 2000 + fixture[last:]  # megabytes
    data = gzip.compress(whole)
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    items = list(iter_raw(path, "cut") or [])
    assert any(isinstance(i, RawRecord) for i in items)
    assert isinstance(items[-1], ParseProblem)
    assert not any(isinstance(i, ParseProblem) for i in items[:-1])
