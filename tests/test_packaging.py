"""The wheel carries what an installed copy needs: templates, seed files, migrations, demo data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("evidencewatch-*.whl"))


def test_wheel_contains_templates_seed_files_migrations_and_demo_records(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "evidencewatch/templates/web/candidate.html",
        "evidencewatch/templates/digest/digest.html",
        "evidencewatch/seed_evidence/findings.toml",
        "evidencewatch/seed_evidence/watchlist.toml",
        "evidencewatch/storage/migrations/versions/0001_core.py",
        "evidencewatch/demo/records.xml",
        "evidencewatch/web/static/keys.js",
    ):
        assert required in names


def test_installed_copy_runs_the_demo_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("EVIDENCEWATCH_SEED_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "evidencewatch", "demo", "--dir", str(tmp_path / "demo")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert str(site) in result.stdout  # seed files came from the installed package
    assert (tmp_path / "demo" / "digests").is_dir()
