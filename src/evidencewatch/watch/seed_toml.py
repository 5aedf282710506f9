"""Load and check the human-edited seed files: ``watchlist.toml`` and ``findings.toml``.

Pure: files in, dataclasses out; nothing touches a database. Every problem raises
:class:`~evidencewatch.errors.SeedFileError` naming the file, the line and the field, and
nothing is returned until the whole file has passed.

Line numbers come from two places. TOML syntax errors carry them in ``tomllib``'s message.
For validation errors, :class:`_Positions` walks the raw text once and records the line of
every table header, key, array element and inline-table key under its path, e.g.
``("finding", 2, "citations", 0, "pmcid")`` for the ``pmcid`` of the first citation of the
third ``[[finding]]``; a missing key falls back to the line of its enclosing table.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn, cast

from evidencewatch.core.errors import ConfigError, SeedFileError
from evidencewatch.core.paths import shipped_dir
from evidencewatch.core.vocabulary import (
    ALIAS_KINDS,
    ALTERATIONS,
    DIRECTIONS,
    EFFECTS,
    RESISTANCE_KINDS,
    THERAPY_CLASSES,
)
from evidencewatch.watch.findings import Citation, Direction, Effect, SeedFinding
from evidencewatch.watch.watchlist import Alias, TherapyTerms, TrackedGene, Watchlist

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

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SYMBOL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_HGNC_RE = re.compile(r"^HGNC:[1-9]\d*$")
_LABEL_RE = re.compile(r"^\[\^\d+\]$")
_URL_RE = re.compile(r"^https?://\S+$")
_PMCID_RE = re.compile(r"^PMC\d+$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_BOOKSHELF_RE = re.compile(r"^NBK\d+$")
_PUBMED_URL_RE = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")
_PMC_URL_RE = re.compile(r"\b(PMC\d+)")
_NBK_URL_RE = re.compile(r"\b(NBK\d+)")
_TOML_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_KEY_LINE_RE = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|=)""")
_CITATION_IDS = ("pmid", "pmcid", "doi", "bookshelf_id", "url")

PathKey = tuple[str | int, ...]


# --------------------------------------------------------------------------- positions


class _Positions:
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


# --------------------------------------------------------------------------- checking


def _ordinal(index: int) -> str:
    n = index + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class _Checker:
    """Validation helpers that raise :class:`SeedFileError` at the right line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = str(path)
        self.positions = _Positions(text)

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
            self.fail(where, field, f"{what} must be a table, got {_type_name(value)}")
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
            self.fail(where, field, f"{what}: must be a string, got {_type_name(value)}")
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
            self.fail(where, field, f"{what}: must be an array of strings, got {_type_name(value)}")
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
                    f"{what}: {text!r} is listed twice (also the {_ordinal(seen[norm])} entry)",
                )
            seen[norm] = index
            items.append(text)
        return tuple(items)

    def boolean(self, value: object, where: PathKey, field: str, what: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, field, f"{what}: must be true or false, got {_type_name(value)}")
        return value


def _type_name(value: object) -> str:
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


def _read(path: Path) -> tuple[str, dict[str, Any]]:
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


# --------------------------------------------------------------------------- watchlist


def load_watchlist(path: Path) -> Watchlist:
    """Load ``watchlist.toml``: tracked genes with aliases, and the term lists.

    Raises :class:`SeedFileError` (file, line, field) on the first problem found.
    """
    path = Path(path)
    text, data = _read(path)
    chk = _Checker(path, text)
    chk.keys(
        data,
        (),
        "the watchlist",
        prefix="",
        required=("gene", "terms", "therapy", "disease"),
    )
    genes = _genes(chk, chk.table_array(data["gene"], ("gene",), "gene", "[[gene]]"))

    terms = chk.table(data["terms"], ("terms",), "terms", "[terms]")
    chk.keys(
        terms,
        ("terms",),
        "[terms]",
        prefix="terms.",
        required=("resistance",),
        optional=("sensitivity",),
    )
    resistance = chk.text_list(
        terms["resistance"],
        ("terms", "resistance"),
        "terms.resistance",
        "[terms] resistance",
        allow_empty_list=False,
    )
    sensitivity = chk.text_list(
        terms.get("sensitivity", []),
        ("terms", "sensitivity"),
        "terms.sensitivity",
        "[terms] sensitivity",
    )

    therapies = _therapies(
        chk, chk.table_array(data["therapy"], ("therapy",), "therapy", "[[therapy]]")
    )

    disease = chk.table(data["disease"], ("disease",), "disease", "[disease]")
    chk.keys(disease, ("disease",), "[disease]", prefix="disease.", required=("terms", "mesh"))
    disease_terms = chk.text_list(
        disease["terms"],
        ("disease", "terms"),
        "disease.terms",
        "[disease] terms",
        allow_empty_list=False,
    )
    mesh = chk.text(disease["mesh"], ("disease", "mesh"), "disease.mesh", "[disease] mesh")

    return Watchlist(
        genes=genes,
        resistance_terms=resistance,
        therapies=therapies,
        disease_terms=disease_terms,
        disease_mesh=mesh,
        sensitivity_terms=sensitivity,
    )


def _genes(chk: _Checker, raw_genes: list[dict[str, Any]]) -> tuple[TrackedGene, ...]:
    genes: list[TrackedGene] = []
    symbols: dict[str, int] = {}
    hgnc_ids: dict[str, int] = {}
    # every name (symbol or alias text), case-folded -> (symbol, ambiguous, where)
    names: dict[str, tuple[str, bool, PathKey]] = {}

    for index, raw in enumerate(raw_genes):
        where: PathKey = ("gene", index)
        what = f"the {_ordinal(index)} [[gene]]"
        chk.keys(
            raw,
            where,
            what,
            prefix="",
            required=("symbol", "name", "hgnc_id", "why"),
            optional=("aliases", "context"),
        )
        symbol = chk.text(
            raw["symbol"],
            (*where, "symbol"),
            "symbol",
            what,
            pattern=_SYMBOL_RE,
            hint="an HGNC symbol such as ERBB2",
        )
        what = f"[[gene]] {symbol}"
        if symbol in symbols:
            chk.fail(
                (*where, "symbol"),
                "symbol",
                f"{what}: duplicate symbol; first defined at line "
                f"{chk.line(('gene', symbols[symbol]))}",
            )
        symbols[symbol] = index
        name = chk.text(raw["name"], (*where, "name"), "name", what)
        hgnc_id = chk.text(
            raw["hgnc_id"],
            (*where, "hgnc_id"),
            "hgnc_id",
            what,
            pattern=_HGNC_RE,
            hint='an HGNC ID such as "HGNC:3430"',
        )
        if hgnc_id in hgnc_ids:
            other = raw_genes[hgnc_ids[hgnc_id]]["symbol"]
            chk.fail((*where, "hgnc_id"), "hgnc_id", f"{what}: {hgnc_id} is also given for {other}")
        hgnc_ids[hgnc_id] = index
        why = chk.text(raw["why"], (*where, "why"), "why", what)
        context = chk.text_list(
            raw.get("context", []), (*where, "context"), "context", f"{what} context"
        )
        aliases = _aliases(chk, raw.get("aliases", []), where, what, symbol)

        if any(a.ambiguous for a in aliases) and not context:
            first = next(i for i, a in enumerate(aliases) if a.ambiguous)
            chk.fail(
                (*where, "aliases", first),
                "context",
                f"{what}: has ambiguous alias {aliases[first].text!r} but no context words; "
                "add `context = [...]` with words that confirm the gene sense",
            )

        own = [(symbol, False, (*where, "symbol"))]
        own += [
            (a.text, a.ambiguous, (*where, "aliases", i, "text")) for i, a in enumerate(aliases)
        ]
        for text, ambiguous, name_where in own:
            key = text.casefold()
            clash = names.get(key)
            if clash is not None and clash[0] != symbol and not (ambiguous and clash[1]):
                chk.fail(
                    name_where,
                    "aliases.text" if name_where[-1] == "text" else "symbol",
                    f"{what}: {text!r} is also a name of {clash[0]} (line {chk.line(clash[2])}); "
                    "a name shared by two genes must be an ambiguous alias in both",
                )
            names.setdefault(key, (symbol, ambiguous, name_where))

        genes.append(
            TrackedGene(
                symbol=symbol,
                name=name,
                hgnc_id=hgnc_id,
                aliases=aliases,
                context=context,
                why=why,
            )
        )
    return tuple(genes)


def _aliases(
    chk: _Checker, value: object, where: PathKey, what: str, symbol: str
) -> tuple[Alias, ...]:
    where = (*where, "aliases")
    if not isinstance(value, list):
        chk.fail(where, "aliases", f"{what}: aliases must be an array of inline tables")
    aliases: list[Alias] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(value):
        item_where = (*where, index)
        item_what = f"{what} alias {index + 1}"
        if not isinstance(raw, dict):
            chk.fail(
                item_where,
                "aliases",
                f"{item_what}: must be an inline table like "
                '{ text = "HER2", ambiguous = false, kind = "alias" }, '
                f"got {_type_name(raw)}",
            )
        chk.keys(
            raw,
            item_where,
            item_what,
            prefix="aliases.",
            required=("text",),
            optional=("ambiguous", "kind"),
        )
        text = chk.text(raw["text"], (*item_where, "text"), "aliases.text", item_what)
        ambiguous = chk.boolean(
            raw.get("ambiguous", False), (*item_where, "ambiguous"), "aliases.ambiguous", item_what
        )
        kind = chk.text(
            raw.get("kind", "alias"),
            (*item_where, "kind"),
            "aliases.kind",
            item_what,
            choices=ALIAS_KINDS,
        )
        norm = text.casefold()
        if norm in seen:
            chk.fail(
                (*item_where, "text"),
                "aliases.text",
                f"{item_what}: {text!r} is listed twice (also alias {seen[norm] + 1})",
            )
        if text == symbol:
            chk.fail((*item_where, "text"), "aliases.text", f"{item_what}: repeats the symbol")
        seen[norm] = index
        aliases.append(Alias(text=text, ambiguous=ambiguous, kind=cast(Any, kind)))
    return tuple(aliases)


def _therapies(chk: _Checker, raw_therapies: list[dict[str, Any]]) -> tuple[TherapyTerms, ...]:
    therapies: list[TherapyTerms] = []
    classes: dict[str, int] = {}
    for index, raw in enumerate(raw_therapies):
        where: PathKey = ("therapy", index)
        what = f"the {_ordinal(index)} [[therapy]]"
        chk.keys(raw, where, what, prefix="therapy.", required=("class", "class_terms", "agents"))
        therapy_class = chk.text(
            raw["class"], (*where, "class"), "therapy.class", what, choices=THERAPY_CLASSES
        )
        what = f"[[therapy]] {therapy_class}"
        if therapy_class in classes:
            first_line = chk.line(("therapy", classes[therapy_class]))
            chk.fail(
                (*where, "class"),
                "therapy.class",
                f"{what}: class given twice (first at line {first_line})",
            )
        classes[therapy_class] = index
        class_terms = chk.text_list(
            raw["class_terms"],
            (*where, "class_terms"),
            "therapy.class_terms",
            f"{what} class_terms",
            allow_empty_list=False,
        )
        agents = chk.text_list(
            raw["agents"], (*where, "agents"), "therapy.agents", f"{what} agents"
        )
        therapies.append(
            TherapyTerms(therapy_class=therapy_class, class_terms=class_terms, agents=agents)
        )
    missing = [c for c in THERAPY_CLASSES if c not in classes]
    if missing:
        chk.fail(
            ("therapy",),
            "therapy.class",
            f"every therapy class needs a [[therapy]]; missing: {', '.join(missing)}",
        )
    return tuple(therapies)


# --------------------------------------------------------------------------- findings


_FINDING_REQUIRED = (
    "id",
    "genes",
    "alteration",
    "pattern",
    "direction",
    "effect",
    "therapy_class",
    "agents",
    "resistance_kind",
    "subtype",
    "claim",
    "citations",
)
_FINDING_OPTIONAL = ("group", "model_system")


def load_findings(path: Path, *, watchlist: Watchlist | None = None) -> list[SeedFinding]:
    """Load ``findings.toml``. With a watchlist, genes and agents must be tracked there.

    Raises :class:`SeedFileError` (file, line, field) on the first problem found.
    """
    path = Path(path)
    text, data = _read(path)
    chk = _Checker(path, text)
    chk.keys(data, (), "the findings file", prefix="", required=("finding",))
    raw_findings = chk.table_array(data["finding"], ("finding",), "finding", "[[finding]]")

    findings: list[SeedFinding] = []
    ids: dict[str, int] = {}
    citations_by_label: dict[str, tuple[Citation, PathKey]] = {}
    for index, raw in enumerate(raw_findings):
        finding = _finding(chk, raw, index, ids, citations_by_label, watchlist)
        findings.append(finding)
    return findings


def _finding(
    chk: _Checker,
    raw: dict[str, Any],
    index: int,
    ids: dict[str, int],
    citations_by_label: dict[str, tuple[Citation, PathKey]],
    watchlist: Watchlist | None,
) -> SeedFinding:
    where: PathKey = ("finding", index)
    what = f"the {_ordinal(index)} [[finding]]"
    chk.keys(raw, where, what, prefix="", required=_FINDING_REQUIRED, optional=_FINDING_OPTIONAL)
    finding_id = chk.text(
        raw["id"],
        (*where, "id"),
        "id",
        what,
        pattern=_SLUG_RE,
        hint="a slug of lower-case words joined by '-'",
    )
    what = f"[[finding]] {finding_id!r}"
    if finding_id in ids:
        chk.fail(
            (*where, "id"),
            "id",
            f"{what}: duplicate id; first used at line {chk.line(('finding', ids[finding_id]))}",
        )
    ids[finding_id] = index

    def field(key: str, **kwargs: Any) -> str:
        return chk.text(raw[key], (*where, key), key, what, **kwargs)

    genes = chk.text_list(
        raw["genes"],
        (*where, "genes"),
        "genes",
        f"{what} genes",
        pattern=_SYMBOL_RE,
        hint="an HGNC symbol",
        case_sensitive=True,
    )
    if watchlist is not None:
        _check_genes_tracked(chk, genes, (*where, "genes"), what, watchlist)
    alteration = field("alteration", choices=ALTERATIONS)
    pattern = field("pattern", prose=True)
    direction = field("direction", choices=DIRECTIONS)
    effect = field("effect", choices=EFFECTS)
    therapy_class = field("therapy_class", choices=THERAPY_CLASSES)
    agents = chk.text_list(raw["agents"], (*where, "agents"), "agents", f"{what} agents")
    if watchlist is not None:
        _check_agents(chk, agents, therapy_class, (*where, "agents"), what, watchlist)
    resistance_kind = field("resistance_kind", choices=RESISTANCE_KINDS)
    subtype = field("subtype")
    claim = field("claim", prose=True)
    group = chk.text(raw.get("group", ""), (*where, "group"), "group", what, allow_empty=True)
    model_system = chk.text(
        raw.get("model_system", ""),
        (*where, "model_system"),
        "model_system",
        what,
        allow_empty=True,
    )
    citations = _citations(chk, raw["citations"], (*where, "citations"), what, citations_by_label)

    return SeedFinding(
        id=finding_id,
        genes=genes,
        alteration=alteration,
        pattern=pattern,
        direction=cast(Direction, direction),
        effect=cast(Effect, effect),
        therapy_class=therapy_class,
        agents=agents,
        resistance_kind=cast(Any, resistance_kind),
        subtype=subtype,
        claim=claim,
        citations=citations,
        model_system=model_system,
        group=group,
    )


def _check_genes_tracked(
    chk: _Checker, genes: tuple[str, ...], where: PathKey, what: str, watchlist: Watchlist
) -> None:
    tracked = set(watchlist.symbols)
    for index, symbol in enumerate(genes):
        if symbol in tracked:
            continue
        hint = "add a [[gene]] for it in watchlist.toml first"
        for gene in watchlist.genes:
            if symbol.casefold() in {a.text.casefold() for a in gene.aliases} or (
                symbol.casefold() == gene.symbol.casefold()
            ):
                hint = f"{symbol!r} is a name of {gene.symbol}: use the HGNC symbol"
                break
        chk.fail(
            (*where, index),
            "genes",
            f"{what}: gene {symbol!r} is not tracked in the watchlist ({hint})",
        )


def _check_agents(
    chk: _Checker,
    agents: tuple[str, ...],
    therapy_class: str,
    where: PathKey,
    what: str,
    watchlist: Watchlist,
) -> None:
    therapy = next((t for t in watchlist.therapies if t.therapy_class == therapy_class), None)
    known = (
        set()
        if therapy is None
        else {t.casefold() for t in (*therapy.agents, *therapy.class_terms)}
    )
    for index, agent in enumerate(agents):
        if agent.casefold() not in known:
            chk.fail(
                (*where, index),
                "agents",
                f"{what}: agent {agent!r} is not listed under the {therapy_class} [[therapy]] "
                "(agents or class_terms) in the watchlist",
            )


def _citations(
    chk: _Checker,
    value: object,
    where: PathKey,
    what: str,
    citations_by_label: dict[str, tuple[Citation, PathKey]],
) -> tuple[Citation, ...]:
    if not isinstance(value, list) or not value:
        chk.fail(
            where,
            "citations",
            f"{what}: citations must be a non-empty array of inline tables like "
            '{ label = "[^1]", url = "https://..." }',
        )
    citations: list[Citation] = []
    labels: set[str] = set()
    for index, raw in enumerate(value):
        item_where = (*where, index)
        item_what = f"{what} citation {index + 1}"
        if not isinstance(raw, dict):
            chk.fail(
                item_where,
                "citations",
                f"{item_what}: must be an inline table, got {_type_name(raw)}",
            )
        chk.keys(
            raw,
            item_where,
            item_what,
            prefix="citations.",
            required=("label",),
            optional=_CITATION_IDS,
        )
        label = chk.text(
            raw["label"],
            (*item_where, "label"),
            "citations.label",
            item_what,
            pattern=_LABEL_RE,
            hint='a footnote label such as "[^1]"',
        )
        if label in labels:
            chk.fail((*item_where, "label"), "citations.label", f"{item_what}: {label} cited twice")
        labels.add(label)
        if not any(k in raw for k in _CITATION_IDS):
            chk.fail(
                item_where,
                "citations",
                f"{item_what}: needs at least one of pmid, pmcid, doi, bookshelf_id, url",
            )
        citation = _citation(chk, raw, label, item_where, item_what)
        earlier = citations_by_label.get(label)
        if earlier is not None and earlier[0] != citation:
            chk.fail(
                item_where,
                "citations",
                f"{item_what}: {label} differs from the same footnote at line "
                f"{chk.line(earlier[1])}; a footnote must be cited identically everywhere",
            )
        citations_by_label.setdefault(label, (citation, item_where))
        citations.append(citation)
    return tuple(citations)


def _citation(
    chk: _Checker, raw: dict[str, Any], label: str, where: PathKey, what: str
) -> Citation:
    def optional_text(key: str, pattern: re.Pattern[str], hint: str) -> str | None:
        if key not in raw:
            return None
        return chk.text(
            raw[key], (*where, key), f"citations.{key}", what, pattern=pattern, hint=hint
        )

    url = optional_text("url", _URL_RE, "an http(s) URL") or ""
    pmid: int | None = None
    if "pmid" in raw:
        value = raw["pmid"]
        if isinstance(value, bool) or not isinstance(value, int):
            chk.fail(
                (*where, "pmid"),
                "citations.pmid",
                f"{what}: pmid must be an integer (no quotes), got {_type_name(value)}",
            )
        if value <= 0:
            chk.fail((*where, "pmid"), "citations.pmid", f"{what}: pmid must be positive")
        pmid = value
    pmcid = optional_text("pmcid", _PMCID_RE, 'a PMC ID such as "PMC4770917"')
    doi = optional_text("doi", _DOI_RE, 'a DOI such as "10.3389/fonc.2025.1439516"')
    bookshelf_id = optional_text(
        "bookshelf_id", _BOOKSHELF_RE, 'a Bookshelf ID such as "NBK583808"'
    )

    # An identifier the URL itself spells out must agree with it.
    for key, given, url_re in (
        ("pmid", None if pmid is None else str(pmid), _PUBMED_URL_RE),
        ("pmcid", pmcid, _PMC_URL_RE),
        ("bookshelf_id", bookshelf_id, _NBK_URL_RE),
    ):
        in_url = url_re.search(url)
        if given is not None and in_url is not None and in_url.group(1) != given:
            chk.fail(
                (*where, key),
                f"citations.{key}",
                f"{what}: {key} {given} does not match the URL, which gives {in_url.group(1)}",
            )
    return Citation(
        label=label, url=url, pmid=pmid, pmcid=pmcid, doi=doi, bookshelf_id=bookshelf_id
    )


# --------------------------------------------------------------------------- directories


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
