"""One Jinja environment for the web app and the digests, autoescaping always on.

Templates live in the top-level ``templates/`` folder; a wheel carries them
inside the package as ``evidencewatch/templates`` (pyproject force-include),
so both a source checkout and an installed copy find them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from evidencewatch.core.paths import shipped_dir
from evidencewatch.core.vocabulary import INTEGRITY_KIND_LABELS, REJECT_REASON_LABELS
from evidencewatch.pubmed.links import doi_url, pubmed_url
from evidencewatch.reporting.markup import (
    BIDI_CONTROLS,
    highlight,
    highlight_terms,
    neutralise_bidi,
    safe_markup,
)


def templates_dir() -> Path:
    found = shipped_dir("templates", marker="web")
    if found is not None:
        return found
    raise FileNotFoundError("evidencewatch templates not found (neither packaged nor in checkout)")


@lru_cache(maxsize=4096)
def fmt_date(value: date | datetime | None, fmt: str = "%Y-%m-%d") -> str:
    # Cached: a large digest shows the same few days thousands of times.
    return value.strftime(fmt) if value else ""


def display_text(value: Any) -> Any:
    """What every ``{{ … }}`` shows: strings (and Markup) without bidi controls.

    The environment's ``finalize``, so no template can forget it; autoescaping
    happens after it, and Markup from the filters stays Markup. Other objects
    (a list shown whole, say) are turned into their text only when it holds one.
    """
    if isinstance(value, str):
        return neutralise_bidi(value)
    if value is None or isinstance(value, int | float) or hasattr(value, "__html__"):
        return value
    text = str(value)
    return neutralise_bidi(text) if not BIDI_CONTROLS.isdisjoint(text) else value


def make_env(extra_dirs: list[Path] | None = None) -> Environment:
    """The Jinja environment: autoescape on for every template, strict undefined.

    Every expression's output passes :func:`display_text` (no bidi controls).
    """
    search = [str(p) for p in (extra_dirs or [])] + [str(templates_dir())]
    env = Environment(
        loader=FileSystemLoader(search),
        autoescape=True,  # all templates, whatever their extension: .md output is escaped too
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=display_text,
    )
    env.filters["pubmed_markup"] = safe_markup
    env.filters["highlight"] = highlight
    env.filters["highlight_terms"] = highlight_terms
    env.filters["date"] = fmt_date
    env.globals["pubmed_url"] = pubmed_url
    env.globals["integrity_labels"] = INTEGRITY_KIND_LABELS
    env.globals["doi_url"] = doi_url
    env.globals["reject_reasons"] = REJECT_REASON_LABELS
    return env
