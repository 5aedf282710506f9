"""The periodic digest: what changed in the evidence base, beside the seed findings.

``build_digest`` reads the database and returns plain data (``DigestData``);
``render_html`` and ``render_markdown`` turn it into the two documents;
``save_digest`` stores a ``Digest`` row and writes the files. None of them
commits: ``evidencewatch.jobs.digests.digest_job`` wires them (and the mail)
in one transaction for the CLI and the scheduler.

A period is a range of calendar dates, both ends included, in the configured
time zone: evidence counts as accepted in the period when its ``decided_at``
falls on one of those days.
"""

from evidencewatch.reporting.digest.data import (
    CHART_WEEKS,
    CONTRADICTIONS_LISTED,
    EN_DASH,
    THERAPY_ORDER,
    UNSPECIFIED_THERAPY,
    Backlog,
    DigestData,
    EvidenceItem,
    GeneBacklog,
    GeneSection,
    PaperRow,
    SeedView,
    TherapySection,
)
from evidencewatch.reporting.digest.gather import build_digest
from evidencewatch.reporting.digest.html import render_html
from evidencewatch.reporting.digest.markdown import (
    MdSafe,
    markdown_env,
    md_escape,
    md_link,
    md_title,
    plain_text,
    render_markdown,
)
from evidencewatch.reporting.digest.period import day_bounds, default_period, digest_timezone
from evidencewatch.reporting.digest.store import save_digest

__all__ = [
    "CHART_WEEKS",
    "CONTRADICTIONS_LISTED",
    "EN_DASH",
    "THERAPY_ORDER",
    "UNSPECIFIED_THERAPY",
    "Backlog",
    "DigestData",
    "EvidenceItem",
    "GeneBacklog",
    "GeneSection",
    "MdSafe",
    "PaperRow",
    "SeedView",
    "TherapySection",
    "build_digest",
    "day_bounds",
    "default_period",
    "digest_timezone",
    "markdown_env",
    "md_escape",
    "md_link",
    "md_title",
    "plain_text",
    "render_html",
    "render_markdown",
    "save_digest",
]
