"""Regexes tried only at word starts, grouped by first letter: what extraction reads with.

Every vocabulary of extraction is built with :meth:`WordStart.from_words`:
lower-case alternatives that each start with a letter (any case) or a class; a
leading "=" keeps the alternative's case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence


class WordStart:
    """A regex tried only at word starts.

    Compiled as ``[^\\w](?:body)`` and run over ``" " + text``: sre then only
    attempts a match at non-word characters instead of at every character (a
    leading ``\\b`` or look-behind defeats its first-character scan). Positions
    are given back in ``text`` coordinates; use ``m.group(name)`` for content.
    """

    __slots__ = ("_rx",)

    def __init__(self, body: str, flags: int = 0) -> None:
        self._rx = re.compile(r"[^\w](?:" + body + ")", flags)

    @classmethod
    def from_words(cls, groups: dict[str, Sequence[str]], tail: str = "") -> WordStart:
        """Word alternatives grouped by their first character, for speed.

        ``groups`` maps a name to alternatives; ``WordStart.group(m)`` of a hit is that
        name. An alternative is lower-case regex text matched in any case, or, after a
        leading "=", matched as written. It starts with a letter, a digit, a class
        (``[Pp]hase``) or a group of words (``(?:good|better)\\s+respon``, expanded
        here). Built as ``[kK](?:(?P<P__0>(?i:nockdown))|...)``: sre skips a branch
        whose first character or class does not match, which it cannot do for ``re.I``
        literals, so only the branches for the right letter are tried.
        """
        by_first: dict[str, list[tuple[str, str]]] = {}
        for name, alternatives in groups.items():
            for alt in alternatives:
                for exact, first, rest in _split_first(alt):
                    if exact or not first.isalpha():
                        key = first if len(first) > 1 else re.escape(first)
                    else:
                        key = f"[{first.lower()}{first.upper()}]"
                    body = rest if exact or not rest else f"(?i:{rest})"
                    by_first.setdefault(key, []).append((name, body))
        parts = []
        counter = 0
        for key, items in sorted(by_first.items()):
            inner = []
            for name, body in sorted(items, key=lambda it: -len(it[1])):
                inner.append(f"(?P<{name}__{counter}>{body})")
                counter += 1
            parts.append(f"{key}(?:{'|'.join(inner)})")
        return cls("(?:" + "|".join(parts) + ")" + tail)

    @staticmethod
    def group(m: re.Match[str]) -> str:
        """The name given to :meth:`from_words` for the alternative that matched."""
        return (m.lastgroup or "").split("__")[0]

    def finditer(self, text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
        for m in self._rx.finditer(" " + text):
            yield m.start(), m.end() - 1, m

    def search(self, text: str) -> re.Match[str] | None:
        return self._rx.search(" " + text)


def _split_first(alt: str) -> list[tuple[bool, str, str]]:
    """(exact case, first character or class, rest) for each spelling of ``alt``."""
    exact = alt.startswith("=")
    if exact:
        alt = alt[1:]
    if alt.startswith("(?:"):  # "(?:good|better)\\s+x" -> "good\\s+x", "better\\s+x"
        depth, close, cuts = 0, -1, [3]
        for k in range(3, len(alt)):
            c = alt[k]
            if c == "\\":
                continue
            if c == "(" and alt[k - 1] != "\\":
                depth += 1
            elif c == ")" and alt[k - 1] != "\\":
                if depth == 0:
                    close = k
                    break
                depth -= 1
            elif c == "|" and depth == 0:
                cuts.append(k + 1)
        options = [alt[a : b - 1] for a, b in zip(cuts, [*cuts[1:], close + 1], strict=True)]
        rest = alt[close + 1 :]
        if rest.startswith("?"):
            options.append("")
            rest = rest[1:]
        out = []
        for option in options:
            out.extend(_split_first(("=" if exact else "") + option + rest))
        return out
    if alt.startswith("["):
        close = alt.index("]") + 1
        first, rest = alt[:close], alt[close:]
    elif alt.startswith("\\"):
        first, rest = alt[:2], alt[2:]
    else:
        first, rest = alt[:1], alt[1:]
    if not first or first in "?*+{|)" or rest[:1] in ("?", "*", "+", "{"):
        raise ValueError(f"word alternative must start with a fixed character: {alt!r}")
    return [(exact, first, rest)]


def words(text: str) -> list[str]:
    """The words of a stretch of text, hyphenated and slashed names as one."""
    return re.findall(r"[\w\-/]+", text)
