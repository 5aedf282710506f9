"""The living evidence summary: the seed document's findings, kept current.

``gather_input`` reads the database into plain data; ``build_document``
turns it into the summary's JSON form (``docs/summary-schema.json``), with
each finding's status computed by ``rules.finding_status`` and the changes
since the last published version; ``render_all`` gives HTML, Markdown and
JSON. ``store`` inserts published versions and status overrides on the
caller's session. Nothing here commits: ``jobs.summary`` does.
"""

from evidencewatch.reporting.summary.changes import changes_between, compare
from evidencewatch.reporting.summary.document import SummaryInput, build_document
from evidencewatch.reporting.summary.gather import gather_input, latest_document, latest_number
from evidencewatch.reporting.summary.lines import SCHEMA_VERSION
from evidencewatch.reporting.summary.render import (
    page_context,
    render_all,
    render_html,
    render_json,
    render_markdown,
    title,
)
from evidencewatch.reporting.summary.rules import RULES, Tally, finding_status

__all__ = [
    "RULES",
    "SCHEMA_VERSION",
    "SummaryInput",
    "Tally",
    "build_document",
    "changes_between",
    "compare",
    "finding_status",
    "gather_input",
    "latest_document",
    "latest_number",
    "page_context",
    "render_all",
    "render_html",
    "render_json",
    "render_markdown",
    "title",
]
