"""The house rules catch what they promise to catch.

`make lint` runs the import contracts and the two scripts below over the real
tree; these tests plant a violation in a copy and check each rule fails on it,
so a rule that silently stopped looking would be noticed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """A copy of src/ and pyproject.toml to plant violations in."""
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_real_tree_keeps_both_import_contracts(tree_copy):
    result = _lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "planted",
    [
        "\n\ndef _late() -> None:\n    from evidencewatch.jobs import scans  # noqa: F401\n",
        "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from evidencewatch.review import queue  # noqa: F401\n",
    ],
    ids=["inside-a-function", "under-type-checking"],
)
def test_an_upward_import_breaks_the_layer_contract(tree_copy, planted):
    _append(tree_copy / "src/evidencewatch/matching/forms.py", planted)
    result = _lint_imports(tree_copy)
    assert result.returncode != 0
    assert "evidencewatch.matching is not allowed to import" in result.stdout


def test_a_cycle_between_sibling_modules_breaks_the_acyclic_contract(tree_copy):
    # terms.py is imported by forms-based modules; make it import one of them back.
    _append(
        tree_copy / "src/evidencewatch/matching/terms.py",
        "\n\ndef _late() -> None:\n    from evidencewatch.matching import match  # noqa: F401\n",
    )
    result = _lint_imports(tree_copy)
    assert result.returncode != 0
    assert "No cycles are allowed in evidencewatch.matching" in result.stdout


def test_size_check_passes_on_the_tree_and_names_a_long_function(tree_copy):
    sizes = _script("check_sizes")
    assert sizes.problems() == []
    body = "".join(f"    x{i} = {i}\n" for i in range(61))
    _append(tree_copy / "src/evidencewatch/core/paths.py", f"\n\ndef long_one() -> None:\n{body}")
    found = sizes.problems(tree_copy / "src" / "evidencewatch")
    assert len(found) == 1 and "function long_one has 62 lines" in found[0]


def test_size_check_names_a_long_module_but_not_a_migration(tree_copy):
    sizes = _script("check_sizes")
    filler = "".join(f"X{i} = {i}\n" for i in range(401))
    (tree_copy / "src/evidencewatch/core/filler.py").write_text(filler)
    versions = tree_copy / "src/evidencewatch/storage/migrations/versions"
    (versions / "9999_filler.py").write_text(filler)
    found = sizes.problems(tree_copy / "src" / "evidencewatch")
    assert found == ["src/evidencewatch/core/filler.py:1: module has 401 lines (limit 400)"]


def test_transaction_check_passes_on_the_tree_and_names_a_commit_in_a_service(tree_copy):
    tx = _script("check_transactions")
    assert tx.problems() == []
    _append(
        tree_copy / "src/evidencewatch/review/queue.py",
        "\n\ndef _sneaky(session) -> None:  # type: ignore[no-untyped-def]\n    session.commit()\n",
    )
    found = tx.problems(tree_copy / "src" / "evidencewatch")
    assert len(found) == 1 and found[0].startswith("src/evidencewatch/review/queue.py:")
