"""docs/SECURITY.md: every test it names as showing a protection exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# `tests/x/test_y.py::test_name` (or `::Class::test_name`), then `::test_other` for more in it.
CITATION = re.compile(r"`(tests/[\w/]+\.py)::((?:\w+::)?test_\w+)`|`::(test_\w+)`")


def cited_tests() -> list[tuple[str, str]]:
    text = (REPO / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    cited: list[tuple[str, str]] = []
    current = ""
    for match in CITATION.finditer(text):
        path, name, more = match.groups()
        if path:
            current = path
        cited.append((current, name or more))
    return cited


def test_security_md_names_only_tests_that_exist():
    cited = cited_tests()
    assert len(cited) > 60
    missing = []
    for path, name in cited:
        source = (REPO / path).read_text(encoding="utf-8") if (REPO / path).is_file() else ""
        if not re.search(rf"def {re.escape(name.split('::')[-1])}\(", source):
            missing.append(f"{path}::{name}")
    assert not missing, f"docs/SECURITY.md names tests that do not exist: {missing}"


def test_security_md_covers_every_protection_the_issue_lists():
    text = (REPO / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    for topic in (
        "CSRF", "open redirects", "409", "413", "entity", "Bidirectional", "CSV export",
        "Security headers", "autoescape", "sanitised", "throttled per account",
        "per client address", "hashing", "Signing out ends", "Idle timeout", "`--as`",
    ):  # fmt: skip
        assert topic in text, topic
