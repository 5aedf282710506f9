"""Line numbers of a TOML text's tables, keys and array elements, for error messages.

``tomllib`` reports line numbers only for syntax errors. For validation errors,
:class:`Positions` walks the raw text once and records the line of every table
header, key, array element and inline-table key under its path, e.g.
``("finding", 2, "citations", 0, "pmcid")`` for the ``pmcid`` of the first
citation of the third ``[[finding]]``; a missing key falls back to the line of
its enclosing table.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["PathKey", "Positions"]

PathKey = tuple[str | int, ...]


class Positions:
    """Line numbers of the tables, keys and array elements of a TOML text, by path.

    A small position-only walk over text that ``tomllib`` has already accepted, so it
    assumes valid syntax. Array-of-tables elements are numbered from 0 in file order.
    """

    _BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
    _SCALAR = re.compile(r"[^,\]}\n#]*")

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._lines: dict[PathKey, int] = {}
        self._aot_counts: dict[PathKey, int] = {}
        try:
            self._document()
        except (IndexError, ValueError):  # pragma: no cover - only on text tomllib rejects
            pass

    def line_for(self, path: PathKey) -> int | None:
        """The line of ``path``, else of its nearest recorded enclosing element."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    def _line_at(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)

    def _record(self, path: PathKey, offset: int) -> None:
        self._lines.setdefault(path, self._line_at(offset))

    def _skip(self, pos: int, *, newlines: bool) -> int:
        text = self._text
        while pos < len(text):
            ch = text[pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                pos += 1
            elif ch == "#":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                break
        return pos

    def _key(self, pos: int) -> tuple[list[str], int]:
        text = self._text
        parts: list[str] = []
        while True:
            pos = self._skip(pos, newlines=False)
            if text[pos] in "\"'":
                quote = text[pos]
                end = pos + 1
                while text[end] != quote:
                    end += 2 if quote == '"' and text[end] == "\\" else 1
                parts.append(text[pos + 1 : end])
                pos = end + 1
            else:
                match = self._BARE_KEY.match(text, pos)
                if match is None or not match.group():
                    raise ValueError(f"no key at offset {pos}")
                parts.append(match.group())
                pos = match.end()
            pos = self._skip(pos, newlines=False)
            if text[pos] != ".":
                return parts, pos
            pos += 1

    def _resolve(self, parts: list[str]) -> PathKey:
        """Path of a header's table; arrays of tables resolve to their latest element."""
        path: PathKey = ()
        for part in parts:
            path = (*path, part)
            count = self._aot_counts.get(path)
            if count:
                path = (*path, count - 1)
        return path

    def _document(self) -> None:
        text = self._text
        table: PathKey = ()
        pos = self._skip(0, newlines=True)
        while pos < len(text):
            if text.startswith("[[", pos):
                parts, end = self._key(pos + 2)
                parent = self._resolve(parts[:-1])
                array = (*parent, parts[-1])
                index = self._aot_counts.get(array, 0)
                self._aot_counts[array] = index + 1
                table = (*array, index)
                self._record(array, pos)
                self._record(table, pos)
                pos = end + 2
            elif text[pos] == "[":
                parts, end = self._key(pos + 1)
                table = self._resolve(parts)
                self._record(table, pos)
                pos = end + 1
            else:
                parts, end = self._key(pos)
                path = (*table, *parts)
                self._record(path, pos)
                if text[end] != "=":
                    raise ValueError(f"expected '=' at offset {end}")
                pos = self._value(self._skip(end + 1, newlines=False), path)
            pos = self._skip(pos, newlines=True)

    def _value(self, pos: int, path: PathKey) -> int:
        text = self._text
        for delim in ('"""', "'''"):
            if text.startswith(delim, pos):
                end = pos + 3
                while not text.startswith(delim, end):
                    end += 2 if delim == '"""' and text[end] == "\\" else 1
                end += 3
                while end < len(text) and text[end] == delim[0] and end - pos < 8:
                    end += 1  # up to two quotes may close the content
                return end
        ch = text[pos]
        if ch in "\"'":
            end = pos + 1
            while text[end] != ch:
                end += 2 if ch == '"' and text[end] == "\\" else 1
            return end + 1
        if ch == "[":
            return self._array(pos + 1, path)
        if ch == "{":
            return self._inline_table(pos + 1, path)
        match = self._SCALAR.match(text, pos)
        assert match is not None  # the pattern can match empty
        if match.end() == pos:
            raise ValueError(f"no value at offset {pos}")
        return match.end()

    def _array(self, pos: int, path: PathKey) -> int:
        text = self._text
        index = 0
        while True:
            pos = self._skip(pos, newlines=True)
            if text[pos] == "]":
                return pos + 1
            element = (*path, index)
            self._record(element, pos)
            pos = self._skip(self._value(pos, element), newlines=True)
            if text[pos] == ",":
                pos += 1
            index += 1

    def _inline_table(self, pos: int, path: PathKey) -> int:
        text = self._text
        while True:
            pos = self._skip(pos, newlines=True)
            if text[pos] == "}":
                return pos + 1
            parts, end = self._key(pos)
            key_path = (*path, *parts)
            self._record(key_path, pos)
            if text[end] != "=":
                raise ValueError(f"expected '=' at offset {end}")
            pos = self._value(self._skip(end + 1, newlines=False), key_path)
            pos = self._skip(pos, newlines=True)
            if text[pos] == ",":
                pos += 1
