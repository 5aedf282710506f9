"""Where the shared corpus of real NCBI files lives, and how to read its vcr cassettes.

``../shared/pubmed`` (beside the repository checkout) holds PubMed and E-utilities
files saved from NCBI by other projects; ``CATALOGUE.md`` describes them. Tests that
read it are marked ``@requires_shared_corpus`` and skip when the folder is absent.
Nothing from it is copied into this repository: tests read it at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "pubmed"

requires_shared_corpus = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/pubmed (real NCBI files) is not beside this checkout"
)

# vcrpy cassettes are YAML. PyYAML is not a dependency of evidencewatch, so the response
# bodies (always a quoted scalar after "  response:\n    body:\n      string: ") are
# decoded here with the YAML 1.1 rules for quoted flow scalars: line folding, '' in
# single quotes, backslash escapes in double quotes.
_RESPONSE_BODY = re.compile(r"^  response:\n    body:\n      string: ", re.MULTILINE)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}


def cassette_bodies(path: Path) -> list[str]:
    """The response body of each interaction of a vcrpy cassette, in recorded order."""
    text = path.read_text(encoding="utf-8")
    return [_quoted_scalar(text, match.end()) for match in _RESPONSE_BODY.finditer(text)]


def _quoted_scalar(text: str, start: int) -> str:
    quote = text[start]
    if quote == "'":
        end = start + 1
        while True:
            end = text.index("'", end)
            if text.startswith("''", end):
                end += 2
                continue
            break
        return _fold(text[start + 1 : end], double=False).replace("''", "'")
    if quote == '"':
        end = start + 1
        while text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        return _ESCAPE.sub(_unescape, _fold(text[start + 1 : end], double=True))
    raise ValueError(f"unquoted or block scalar at offset {start}; extend cassette_bodies")


def _fold(raw: str, *, double: bool) -> str:
    """Join the lines of a quoted scalar: a break is a space, n empty lines are n newlines."""
    lines = raw.split("\n")
    out = ""
    empties = 0
    joined_by_escape = False
    for number, line in enumerate(lines):
        if number > 0:
            line = line.lstrip(" \t")
        if number < len(lines) - 1:
            stripped = line.rstrip(" \t")
            if double and _odd_backslashes(stripped) and stripped != line:
                stripped += " "  # the space was escaped ("\ "), keep it
            line = stripped
        if number > 0 and line == "" and number < len(lines) - 1:
            empties += 1
            continue
        if number > 0:
            out += "\n" * empties if empties else ("" if joined_by_escape else " ")
        empties = 0
        joined_by_escape = double and _odd_backslashes(line) and number < len(lines) - 1
        out += line[:-1] if joined_by_escape else line
    return out


def _odd_backslashes(line: str) -> bool:
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE_ESCAPES.get(code, "\\" + code)
