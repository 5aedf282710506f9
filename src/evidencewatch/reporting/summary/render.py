"""The summary's three forms, all rendered from its JSON document."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment

from evidencewatch.core.vocabulary import EVIDENCE_LEVEL_LABELS, MODEL_SYSTEM_LABELS
from evidencewatch.reporting.digest.markdown import markdown_env
from evidencewatch.reporting.summary.changes import findings

SIDE_LABELS = {
    "supporting": "Supporting",
    "opposing": "Opposing",
    "no_association": "No association",
    "evidence": "Evidence",
}
TEXT_SOURCE_LABELS = {"full_text": "full text", "abstract": "abstract only"}


def _helpers(document: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "s": document,
        "side_labels": SIDE_LABELS,
        "source_labels": TEXT_SOURCE_LABELS,
        "model_labels": MODEL_SYSTEM_LABELS,
        "level_labels": EVIDENCE_LEVEL_LABELS,
        "finding_ids": {f["id"] for f in findings(document)},
    }


def title(document: Mapping[str, Any]) -> str:
    if document.get("draft"):
        return "evidencewatch evidence summary (draft, as of now)"
    return f"evidencewatch evidence summary, version {document['version']}"


def render_html(document: Mapping[str, Any], env: Environment) -> str:
    """The stand-alone HTML document (inline CSS, no scripts, no external assets)."""
    template = env.get_template("summary/summary.html")
    return template.render(**_helpers(document), title=title(document)) + "\n"


def render_markdown(document: Mapping[str, Any], env: Environment) -> str:
    text = (
        markdown_env(env)
        .get_template("summary/summary.md")
        .render(**_helpers(document), title=title(document))
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_all(document: Mapping[str, Any], env: Environment) -> dict[str, str]:
    return {
        "html": render_html(document, env),
        "md": render_markdown(document, env),
        "json": render_json(document),
    }


def page_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """What the web page's partial (``summary/_body.html``) needs, as the files get it."""
    return {**_helpers(document), "title": title(document)}
