"""Fail when a module or a function in src/evidencewatch outgrows the house limits.

Small pieces are easier to read, test and review: no module over 400 lines
(migration version files excepted: they are generated once and never edited),
no function over 60 lines, counted from its ``def`` (decorators excluded) to its
last line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
ROOT = Path(__file__).resolve().parents[1] / "src" / "evidencewatch"


def problems(root: Path = ROOT) -> list[str]:
    """Every module and function over its limit, as ``path:line: what``."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parents[1])
        source = path.read_text(encoding="utf-8")
        lines = source.count("\n") + (not source.endswith("\n") and bool(source))
        if "migrations/versions" in path.as_posix():
            continue
        if lines > MAX_MODULE_LINES:
            found.append(f"{rel}:1: module has {lines} lines (limit {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(
                        f"{rel}:{node.lineno}: function {node.name} has {length} lines "
                        f"(limit {MAX_FUNCTION_LINES})"
                    )
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} size problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
