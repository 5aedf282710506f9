"""The HTML digest: one stand-alone document, the same the web app serves and the mail carries."""

from __future__ import annotations

from jinja2 import Environment

from evidencewatch.reporting import charts
from evidencewatch.reporting.digest.data import DigestData


def render_html(data: DigestData, env: Environment) -> str:
    """The stand-alone HTML digest (inline CSS and SVG, no external assets), from the shared env."""
    chart_svg = charts.small_multiples_svg(data.chart, title="Accepted evidence per gene per week")
    return env.get_template("digest/digest.html").render(d=data, chart_svg=chart_svg) + "\n"
