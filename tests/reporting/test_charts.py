"""The weekly chart: counts per gene and week, as escaped inline SVG and as text."""

from __future__ import annotations

from datetime import date

from evidencewatch.reporting import charts


def test_weekly_counts_bucket_days_into_weeks_ending_on_the_last_day():
    series = charts.weekly_counts(
        [
            ("A", date(2026, 11, 24)),
            ("A", date(2026, 11, 18)),
            ("A", date(2026, 11, 17)),
            ("B", date(2026, 9, 3)),
            ("B", date(2026, 9, 2)),
        ],
        end=date(2026, 11, 24),
        weeks=12,
    )
    assert series.weeks[0] == date(2026, 9, 2) and series.end == date(2026, 11, 24)
    assert dict(series.counts) == {"A": (0,) * 10 + (1, 2), "B": (2,) + (0,) * 11}
    svg = charts.small_multiples_svg(series, title="t")
    assert svg.count('<rect class="bar"') == 3
    assert charts.sparkline((0, 1, 2, 4), 4) == "▁▃▅█"


def test_a_gene_name_is_escaped_in_the_chart():
    series = charts.weekly_counts([("<b>X</b>", date(2026, 1, 7))], end=date(2026, 1, 7))
    svg = str(charts.small_multiples_svg(series, title="a & b"))
    assert "<b>" not in svg and "&lt;b&gt;X&lt;/b&gt;" in svg and "a &amp; b" in svg
