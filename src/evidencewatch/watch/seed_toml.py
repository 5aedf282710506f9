"""Reading a seed TOML file, and reporting each problem at its file, line and field.

Every problem raises :class:`~evidencewatch.core.errors.SeedFileError`. Line
numbers come from two places: TOML syntax errors carry them in ``tomllib``'s
message (:func:`read_toml`); validation errors take them from
:class:`~evidencewatch.watch.toml_positions.Positions` (:class:`Checker`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn, cast

from evidencewatch.core.errors import SeedFileError
from evidencewatch.watch.toml_positions import PathKey, Positions

__all__ = ["Checker", "PathKey", "ordinal", "read_toml", "type_name"]

_TOML_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_KEY_LINE_RE = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|=)""")


def ordinal(index: int) -> str:
    n = index + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Checker:
    """Validation helpers that raise :class:`SeedFileError` at the right line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = str(path)
        self.positions = Positions(text)

    def line(self, where: PathKey) -> int | None:
        return self.positions.line_for(where)

    def fail(self, where: PathKey, field: str | None, message: str) -> NoReturn:
        raise SeedFileError(self.path, self.line(where), field, message)

    def keys(
        self,
        table: Mapping[str, Any],
        where: PathKey,
        what: str,
        *,
        prefix: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> None:
        allowed = (*required, *optional)
        for key in table:
            if key not in allowed:
                self.fail(
                    (*where, key),
                    f"{prefix}{key}",
                    f"{what}: unknown key {key!r}; allowed keys are {', '.join(allowed)}",
                )
        for key in required:
            if key not in table:
                self.fail(where, f"{prefix}{key}", f"{what}: required key {key!r} is missing")

    def table(self, value: object, where: PathKey, field: str, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, field, f"{what} must be a table, got {type_name(value)}")
        return cast(dict[str, Any], value)

    def table_array(
        self, value: object, where: PathKey, field: str, header: str
    ) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(where, field, f"must be an array of tables: write each one as {header}")
        if not value:
            self.fail(where, field, f"needs at least one {header}")
        return cast(list[dict[str, Any]], value)

    def text(
        self,
        value: object,
        where: PathKey,
        field: str,
        what: str,
        *,
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
        choices: tuple[str, ...] = (),
        allow_empty: bool = False,
        prose: bool = False,
    ) -> str:
        """A string field; ``prose`` text may span lines and is returned on one line."""
        if not isinstance(value, str):
            self.fail(where, field, f"{what}: must be a string, got {type_name(value)}")
        if prose:
            value = " ".join(value.split())
        if not allow_empty and not value.strip():
            self.fail(where, field, f"{what}: must not be empty")
        if value != value.strip():
            self.fail(where, field, f"{what}: remove the leading/trailing whitespace")
        if choices and value not in choices:
            self.fail(where, field, f"{what}: must be one of {', '.join(choices)}; got {value!r}")
        if pattern is not None and not pattern.match(value):
            self.fail(where, field, f"{what}: {value!r} is not {hint or pattern.pattern}")
        return value

    def text_list(
        self,
        value: object,
        where: PathKey,
        field: str,
        what: str,
        *,
        allow_empty_list: bool = True,
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
        case_sensitive: bool = False,
    ) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, field, f"{what}: must be an array of strings, got {type_name(value)}")
        if not value and not allow_empty_list:
            self.fail(where, field, f"{what}: must list at least one entry")
        seen: dict[str, int] = {}
        items: list[str] = []
        for index, item in enumerate(value):
            item_where = (*where, index)
            text = self.text(item, item_where, field, what, pattern=pattern, hint=hint)
            if "\n" in text or "\r" in text:
                self.fail(item_where, field, f"{what}: {text!r} must be on one line")
            norm = text if case_sensitive else text.casefold()
            if norm in seen:
                self.fail(
                    item_where,
                    field,
                    f"{what}: {text!r} is listed twice (also the {ordinal(seen[norm])} entry)",
                )
            seen[norm] = index
            items.append(text)
        return tuple(items)

    def boolean(self, value: object, where: PathKey, field: str, what: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, field, f"{what}: must be true or false, got {type_name(value)}")
        return value


def type_name(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- reading


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its parsed TOML, or SeedFileError for I/O, encoding or syntax."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedFileError(str(path), None, None, f"cannot read file: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise SeedFileError(str(path), bad_line, None, "file is not valid UTF-8") from exc
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        field: str | None = None
        match = _TOML_POSITION_RE.search(message)
        if match:
            message = message[: match.start()]
            if match.group(1):
                line = int(match.group(1))
                message = f"{message} (column {match.group(2)})"
            else:
                line = max(1, len(text.splitlines()))
                message = f"{message} (at end of file)"
        if line is not None:
            lines = text.splitlines()
            if line <= len(lines):
                key = _KEY_LINE_RE.match(lines[line - 1])
                if key:
                    field = next(g for g in key.groups() if g is not None)
        raise SeedFileError(str(path), line, field, f"TOML syntax error: {message}") from exc
    return text, data
