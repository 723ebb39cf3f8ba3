"""Small horizontal bar charts drawn as inline SVG on the server: a pack prints, works offline and needs
no chart library for a handful of bars."""

from django.utils.html import format_html, format_html_join


def bar_chart(chart, *, width=420, bar_height=18, label_width=170):
    bars = [b for b in chart.get("bars", []) if isinstance(b.get("value"), int | float)]
    if not bars:
        return ""
    top = max(b["value"] for b in bars) or 1
    inner = width - label_width - 40
    height = len(bars) * (bar_height + 6) + 6
    rows = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="#2e6da4"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (
                6 + i * (bar_height + 6) + bar_height - 5,
                b["label"][:28],
                label_width,
                6 + i * (bar_height + 6),
                max(1, round(inner * b["value"] / top)),
                bar_height,
                label_width + max(1, round(inner * b["value"] / top)) + 4,
                6 + i * (bar_height + 6) + bar_height - 5,
                b["value"],
            )
            for i, b in enumerate(bars)
        ),
    )
    return format_html(
        '<svg class="review-chart" role="img" aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}">{}</svg>',
        chart.get("title", ""),
        width,
        height,
        width,
        height,
        rows,
    )
