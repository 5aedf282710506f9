"""Fail when code below the jobs layer opens a session or commits.

Service functions take ``session=`` and leave the transaction to their caller,
so that one unit of work (a CLI command, a web request, a scan batch) commits
or rolls back as a whole. Only the edges and the jobs layer may open sessions
and commit; ``storage/db.py`` defines ``session_scope`` for them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "evidencewatch"
ALLOWED = ("cli/", "web/", "scheduler", "jobs/", "demo/", "storage/db.py")
OPENS = re.compile(r"\bsession_scope\(|\.commit\(\)|(?<!requests\.)\bSession\(|\bsessionmaker\(")


def problems(root: Path = ROOT) -> list[str]:
    """Every line outside the edges and jobs that opens a session or commits."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(ALLOWED):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if OPENS.search(code):
                found.append(f"src/evidencewatch/{rel}:{number}: {line.strip()}")
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line)
    if found:
        print(
            f"{len(found)} places open a session or commit outside the edges and jobs",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
