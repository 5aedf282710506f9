"""Response bodies of vcrpy cassettes, for tests and the evaluation's real background.

vcrpy cassettes are YAML. PyYAML is not a dependency of evidencewatch, so the
response bodies (always a quoted scalar after "  response:\n    body:\n      string: ")
are decoded here with the YAML 1.1 rules for quoted flow scalars: line folding,
'' in single quotes, backslash escapes in double quotes.
"""

from __future__ import annotations

import re
from pathlib import Path

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


def cassette_bodies(path: Path, *, strict: bool = True) -> list[str]:
    """Response bodies of a vcrpy cassette, in recorded order.

    ``strict=False`` skips a body that cannot be decoded instead of raising.
    """
    text = path.read_text(encoding="utf-8")
    bodies = []
    for match in _RESPONSE_BODY.finditer(text):
        try:
            bodies.append(_quoted_scalar(text, match.end()))
        except ValueError:
            if strict:
                raise
    return bodies


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
    raise ValueError("not a quoted scalar")


def _fold(raw: str, *, double: bool) -> str:
    lines = raw.split("\n")
    out = ""
    empties = 0
    joined = False
    for number, line in enumerate(lines):
        if number > 0:
            line = line.lstrip(" \t")
        if number < len(lines) - 1:
            stripped = line.rstrip(" \t")
            if double and _odd_backslashes(stripped) and stripped != line:
                stripped += " "
            line = stripped
        if number > 0 and line == "" and number < len(lines) - 1:
            empties += 1
            continue
        if number > 0:
            out += "\n" * empties if empties else ("" if joined else " ")
        empties = 0
        joined = double and _odd_backslashes(line) and number < len(lines) - 1
        out += line[:-1] if joined else line
    return out


def _odd_backslashes(line: str) -> bool:
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE_ESCAPES.get(code, "\\" + code)
