"""Load and check the human-edited seed files: ``watchlist.toml`` and ``findings.toml``.

Pure: files in, dataclasses out; nothing touches a database. Every problem raises
:class:`~evidencewatch.core.errors.SeedFileError` naming the file, the line and the
field, and nothing is returned until the whole file has passed.

This module knows the seed directory; the loaders live in
:mod:`~evidencewatch.watch.seed_watchlist` and :mod:`~evidencewatch.watch.seed_findings`
(re-exported here, where callers import them), their checks and error reporting in
:mod:`~evidencewatch.watch.seed_toml`.
"""

from __future__ import annotations

from pathlib import Path

from evidencewatch.core.errors import ConfigError
from evidencewatch.core.paths import shipped_dir
from evidencewatch.watch.findings import SeedFinding
from evidencewatch.watch.seed_findings import load_findings
from evidencewatch.watch.seed_watchlist import load_watchlist
from evidencewatch.watch.watchlist import Watchlist

__all__ = [
    "FINDINGS_FILE",
    "WATCHLIST_FILE",
    "default_seed_dir",
    "load_findings",
    "load_seed_dir",
    "load_watchlist",
    "validate_seed_dir",
]

WATCHLIST_FILE = "watchlist.toml"
FINDINGS_FILE = "findings.toml"


def default_seed_dir() -> Path:
    """The ``seed_evidence/`` directory: the checkout's, else the installed package's copy.

    In a source checkout (``pyproject.toml`` two levels above this package) the repo's
    ``seed_evidence/`` is used so edits take effect at once; an installed wheel carries
    the files as ``evidencewatch/seed_evidence`` (force-included by the build).
    """
    found = shipped_dir("seed_evidence", marker=WATCHLIST_FILE)
    if found is not None:
        return found
    raise ConfigError(
        "cannot find the seed_evidence directory (neither in a source checkout nor in the "
        "installed evidencewatch package)"
    )


def load_seed_dir(path: Path | None = None) -> tuple[Watchlist, list[SeedFinding]]:
    """Load the watchlist and the findings (checked against it) from a seed directory."""
    seed_dir = default_seed_dir() if path is None else Path(path)
    watchlist = load_watchlist(seed_dir / WATCHLIST_FILE)
    findings = load_findings(seed_dir / FINDINGS_FILE, watchlist=watchlist)
    return watchlist, findings


def validate_seed_dir(path: Path) -> None:
    """Check both seed files in ``path``; raise :class:`SeedFileError` on the first problem."""
    load_seed_dir(path)
