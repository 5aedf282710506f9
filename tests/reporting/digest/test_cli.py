"""``evidencewatch digest`` end to end over the known database: files, output, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.storage.models import Digest
from reporting.digest.known_db import RANGE


def test_cli_digest_writes_files_and_prints_them_with_the_digest_id(
    known: Session, db_url_engine, tmp_path: Path
):
    url, engine = db_url_engine
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            url,
            "digest",
            "--since",
            "2026-11-18",
            "--until",
            "2026-11-24",
            "--out",
            str(tmp_path),
            "--no-mail",
        ],
    )
    assert result.exit_code == 0, result.output
    html_file, md_file = tmp_path / "digest-2026-11-24.html", tmp_path / "digest-2026-11-24.md"
    assert f"wrote {html_file.resolve()}" in result.output
    assert f"wrote {md_file.resolve()}" in result.output
    with Session(engine) as check:
        digest = check.exec(select(Digest)).one()
    assert f"digest {digest.id} stored: {RANGE}, 4 papers with new evidence" in result.output
    assert "SLC7A5 and RELA in HER2+ tumours" in html_file.read_text(encoding="utf-8")


def test_cli_digest_period_option_counts_back_from_until(
    known: Session, db_url_engine, tmp_path: Path
):
    url, _engine = db_url_engine
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            url,
            "digest",
            "--period",
            "1w",
            "--until",
            "2026-11-24",
            "--out",
            str(tmp_path),
            "--format",
            "html",
            "--no-mail",
        ],
    )
    assert result.exit_code == 0, result.output
    assert RANGE in result.output
    assert not (tmp_path / "digest-2026-11-24.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-11-01", "--period", "7d"], "give --since or --period, not both"),
        (["--period", "soon"], "is not a period like 7d or 2w"),
        (["--since", "2026-11-30", "--until", "2026-11-01"], "ends (2026-11-01) before it starts"),
        (["--mail"], "--mail needs smtp_host and mail_to to be set"),
    ],
)
def test_cli_digest_refuses_bad_options_with_one_clear_line(
    db_url_engine, tmp_path: Path, args, message
):
    url, _engine = db_url_engine
    result = CliRunner().invoke(cli, ["--db", url, "digest", "--out", str(tmp_path), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
