"""Small charts as hand-written inline SVG: no JavaScript, no fonts or files to fetch.

The digest is mailed, so the chart must stand alone. Every bar carries a
``<title>`` (the tooltip), the SVG has a ``<title>`` and ``<desc>`` for screen
readers, and the digest prints the same numbers as a table beside it (some
mail clients drop SVG altogether).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from markupsafe import Markup

BAR_COLOUR = "#2f6f9f"
AXIS_COLOUR = "#9aa5b1"
TEXT_COLOUR = "#1f2933"
_SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class WeeklySeries:
    """Counts per gene per week; ``weeks[i]`` is the first day of week i (7 days each)."""

    weeks: tuple[date, ...]
    counts: tuple[tuple[str, tuple[int, ...]], ...]  # (gene, count per week), genes sorted

    @property
    def end(self) -> date:
        return self.weeks[-1] + timedelta(days=6) if self.weeks else date.min

    @property
    def total(self) -> int:
        return sum(sum(row) for _gene, row in self.counts)

    @property
    def max_count(self) -> int:
        return max((max(row) for _gene, row in self.counts), default=0)

    def week_label(self, index: int) -> str:
        start = self.weeks[index]
        return f"{start:%Y-%m-%d} \N{EN DASH} {start + timedelta(days=6):%Y-%m-%d}"


def weekly_counts(
    events: Iterable[tuple[str, date]], *, end: date, weeks: int = 12
) -> WeeklySeries:
    """Bucket (gene, day) events into ``weeks`` 7-day weeks, the last ending on ``end``.

    Genes without an event in the window are left out; events outside it are ignored.
    """
    first = end - timedelta(days=7 * weeks - 1)
    starts = tuple(first + timedelta(days=7 * i) for i in range(weeks))
    table: dict[str, list[int]] = {}
    for gene, day in events:
        if first <= day <= end:
            table.setdefault(gene, [0] * weeks)[(day - first).days // 7] += 1
    return WeeklySeries(starts, tuple((g, tuple(table[g])) for g in sorted(table)))


def small_multiples_svg(series: WeeklySeries, *, title: str) -> Markup:
    """One row of weekly bars per gene, on a shared scale; empty Markup when nothing to show."""
    if not series.counts or series.total == 0:
        return Markup("")
    label_w, total_w, row_h, bar_gap, top, bottom = 96, 44, 26, 3, 8, 22
    n_weeks = len(series.weeks)
    col_w = 24
    width = label_w + n_weeks * col_w + total_w
    height = top + row_h * len(series.counts) + bottom
    peak = max(series.max_count, 1)
    summary = "; ".join(f"{gene} {sum(row)}" for gene, row in series.counts)
    desc = (
        f"{title}, {n_weeks} weeks from {series.weeks[0]:%Y-%m-%d} to {series.end:%Y-%m-%d}. "
        f"Totals: {summary}."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="11">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for row_index, (gene, row) in enumerate(series.counts):
        base = top + row_h * (row_index + 1) - 4
        out.append(f'<g class="gene-row" data-gene="{escape(gene)}">')
        out.append(
            f'<text x="0" y="{base}" fill="{TEXT_COLOUR}" font-weight="bold">{escape(gene)}</text>'
        )
        out.append(
            f'<line x1="{label_w}" y1="{base}" x2="{label_w + n_weeks * col_w}" y2="{base}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
        )
        for week, count in enumerate(row):
            if count == 0:
                continue
            h = max(2, round((row_h - 8) * count / peak))
            x = label_w + week * col_w + bar_gap
            tip = f"{gene}, week {series.week_label(week)}: {count} accepted"
            out.append(
                f'<rect class="bar" x="{x}" y="{base - h}" width="{col_w - 2 * bar_gap}" '
                f'height="{h}" fill="{BAR_COLOUR}"><title>{escape(tip)}</title></rect>'
            )
        out.append(
            f'<text x="{width - 4}" y="{base}" text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{sum(row)}</text>"
        )
        out.append("</g>")
    axis_y = top + row_h * len(series.counts) + 14
    for week in (0, n_weeks // 2, n_weeks - 1):
        label_x = label_w + week * col_w + col_w / 2
        out.append(
            f'<text x="{label_x:g}" y="{axis_y}" text-anchor="middle" fill="{AXIS_COLOUR}">'
            f"{series.weeks[week]:%d %b}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def sparkline(row: Iterable[int], peak: int) -> str:
    """A row of counts as block characters (▁ for none), on the scale of ``peak``: for text."""
    top = max(peak, 1)
    return "".join(
        _SPARKS[0] if n == 0 else _SPARKS[max(1, round((len(_SPARKS) - 1) * n / top))] for n in row
    )
