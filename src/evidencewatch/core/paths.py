"""Where the shipped data lives: a source checkout's top-level folders, else the wheel's copy."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# src/evidencewatch/core/paths.py -> the checkout holding pyproject.toml
CHECKOUT = Path(__file__).resolve().parents[3]


def shipped_dir(name: str, *, marker: str) -> Path | None:
    """``name`` (``templates``, ``seed_evidence``) from the checkout, else from the package.

    A checkout's folder wins so that edits take effect at once; an installed wheel
    carries the folders inside the package (force-included by the build). ``marker``
    is a file the folder must hold to count.
    """
    candidate = CHECKOUT / name
    if (CHECKOUT / "pyproject.toml").is_file() and (candidate / marker).exists():
        return candidate
    packaged = resources.files("evidencewatch").joinpath(name)
    if isinstance(packaged, Path) and (packaged / marker).exists():
        return packaged
    return None
