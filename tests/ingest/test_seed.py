"""`evidencewatch seed`: loading the findings idempotently, and resolving citations to PMIDs."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.storage.models import SeedFindingRow
from evidencewatch.testing.fake_eutils import FakeEutils, make_record


def dump(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM seed_finding ORDER BY id"))]


def test_seeding_twice_gives_the_same_database(settings, engine):
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", settings.database_url, "seed"])
    assert first.exit_code == 0, first.output
    once = dump(engine)
    second = runner.invoke(cli, ["--db", settings.database_url, "seed"])
    assert second.exit_code == 0, second.output
    assert "0 added, 0 updated" in second.output
    assert dump(engine) == once and len(once) >= 10


def test_only_the_pmid_the_document_gives_is_stored(settings, engine):
    CliRunner().invoke(cli, ["--db", settings.database_url, "seed"])
    with Session(engine) as s:
        pmids = {c["pmid"] for row in s.exec(select(SeedFindingRow)) for c in row.citations}
    assert pmids - {None} == {38256136}


def test_seed_resolve_turns_pmc_ids_and_dois_into_pmids_through_the_fake_server(settings, engine):
    # Demo PMIDs stand in for the real ones: the fake answers [pmcid] and [aid] look-ups.
    records = [
        make_record(99300001, crdt=date(2026, 1, 1), title="Demo stand-in A", pmcid="PMC4770917"),
        make_record(
            99300002,
            crdt=date(2026, 1, 1),
            title="Demo stand-in B",
            doi="10.3389/fonc.2025.1439516",
        ),
    ]
    with FakeEutils(records) as fake:
        result = CliRunner().invoke(
            cli,
            ["--db", settings.database_url, "seed", "--resolve"],
            env={"EVIDENCEWATCH_EUTILS_URL": fake.base_url, "NCBI_EMAIL": "t@x.invalid"},
        )
    assert result.exit_code == 0, result.output
    assert "PMC4770917 -> PMID 99300001" in result.output
    assert "10.3389/fonc.2025.1439516 -> PMID 99300002" in result.output
    assert "not found" in result.output  # the other PMC IDs are not in the fake: left empty
    with Session(engine) as s:
        resolved = {
            (c.get("pmcid") or c.get("doi")): c["pmid"]
            for row in s.exec(select(SeedFindingRow))
            for c in row.citations
            if c.get("pmid_source") == "resolved"
        }
    assert resolved == {"PMC4770917": 99300001, "10.3389/fonc.2025.1439516": 99300002}
    # Re-seeding from the files keeps what was resolved.
    again = CliRunner().invoke(cli, ["--db", settings.database_url, "seed"])
    assert again.exit_code == 0 and "0 updated" in again.output


def test_an_invalid_seed_file_loads_nothing_and_names_file_line_and_field(
    settings, engine, tmp_path
):
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    from evidencewatch.watch.seedfiles import default_seed_dir

    (seed_dir / "watchlist.toml").write_text((default_seed_dir() / "watchlist.toml").read_text())
    bad = (
        (default_seed_dir() / "findings.toml")
        .read_text()
        .replace('direction = "up"', 'direction = "sideways"', 1)
    )
    (seed_dir / "findings.toml").write_text(bad)
    result = CliRunner().invoke(
        cli, ["--db", settings.database_url, "seed"], env={"EVIDENCEWATCH_SEED_DIR": str(seed_dir)}
    )
    assert result.exit_code == 2
    assert "findings.toml, line" in result.output and "direction" in result.output
    assert dump(engine) == []
