"""Each command loads only what it uses: light commands start without the heavy libraries.

The CLI runs in a subprocess with ``-X importtime``, whose report names every module
the process imported; a command that pulls scikit-learn, FastAPI, Alembic or lxml
into ``--help``, ``status``, ``review list`` or ``export`` fails here; so does an
``import`` that loads scikit-learn (or SciPy, joblib) when it has no trained model to
score with: of an empty file, or of records that make candidates before any training.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from evidencewatch.storage.db import init_db, make_engine

HEAVY = ("sklearn", "fastapi", "alembic", "lxml")
RANKING_LIBRARIES = ("sklearn", "scipy", "joblib")
FIXTURES = Path(__file__).parents[1] / "fixtures"
_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", re.M)


def imported_modules(args: list[str], cwd: Path, env: dict[str, str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "evidencewatch", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    modules = set(_IMPORTED.findall(result.stderr))
    assert "click" in modules, "no -X importtime report: the check would prove nothing"
    return modules


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("startup") / "ew.db"
    url = f"sqlite:///{path}"
    init_db(make_engine(url))
    return url


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCEWATCH_")}
    out["EVIDENCEWATCH_EUTILS_URL"] = "http://127.0.0.1:9/eutils/"
    return out


@pytest.mark.parametrize(
    "args",
    [["--help"], ["status"], ["review", "list"], ["export", "--format", "csv"]],
    ids=lambda a: " ".join(a),
)
def test_light_commands_load_no_heavy_library(args, database, env, tmp_path):
    modules = imported_modules(["--db", database, *args], tmp_path, env)
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not loaded, f"{' '.join(args)} loaded {loaded[:10]}"


@pytest.mark.parametrize(
    "fixture", ["pubmed/empty.xml", "import/baseline.xml"], ids=["empty file", "candidates"]
)
def test_import_without_a_trained_model_loads_no_scikit_learn(fixture, env, tmp_path):
    url = f"sqlite:///{tmp_path / 'import.db'}"
    engine = make_engine(url)
    init_db(engine)
    modules = imported_modules(["--db", url, "import", str(FIXTURES / fixture)], tmp_path, env)
    with engine.connect() as conn:
        candidates = conn.execute(text("SELECT count(*) FROM candidate")).scalar_one()
    # The import ran, and (for the baseline fixture) made candidates it had no model for.
    assert (candidates > 0) == fixture.endswith("baseline.xml")
    loaded = sorted(m for m in modules if m.split(".")[0] in RANKING_LIBRARIES)
    assert not loaded, f"import {fixture} loaded {loaded[:10]}"


def test_help_loads_no_command_module_and_no_database_layer(database, env, tmp_path):
    modules = imported_modules(["--help"], tmp_path, env)
    assert "sqlalchemy" not in modules
    assert not {m for m in modules if m.startswith("evidencewatch.storage")}
    commands = {m for m in modules if m.startswith("evidencewatch.cli.")}
    assert commands <= {
        "evidencewatch.cli.main",
        "evidencewatch.cli.context",
        "evidencewatch.cli.lazy",
    }


def test_the_check_sees_a_heavy_library_when_a_command_does_load_it(database, env, tmp_path):
    # `init` runs Alembic: the detector must see it, or the tests above prove nothing.
    modules = imported_modules(["--db", database, "init"], tmp_path, env)
    assert "alembic" in modules
