"""A small chart of an indicator against its target over the periods (ISO 9001 9.1.3: results analysed).

Drawn on the server as inline SVG: no script, nothing to load, and it prints as it shows. One point per
measured period (filled when the target is met, hollow and red when missed), the target as a dashed line,
the warning threshold as a dotted one. Every point carries its value and whether it met the target in
`data-` attributes and a `<title>` a screen reader reads.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def _label(start, end):
    if start.month == end.month:
        return f"{start:%m/%Y}"
    return f"{start:%m}–{end:%m/%Y}"


def _coord(value):
    """A coordinate as text: format_html escapes its arguments into strings, so a format spec cannot round them."""
    return f"{value:.1f}"


def plain_number(value):
    value = Decimal(value).normalize()
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_chart(indicator, measurements):
    """The SVG chart of `indicator` with `measurements` (those of its objective's year, any order)."""
    periods = list(indicator.periods())
    by_start = {m.period_start: m for m in measurements}
    values = [Decimal(m.value) for m in by_start.values()]
    marks = [indicator.target] + ([indicator.warning_threshold] if indicator.warning_threshold is not None else [])
    low = min([Decimal(0), *values, *marks])
    high = max([*values, *marks, Decimal(1)])
    if indicator.unit_of_measure.strip() == "%" and low == 0 and high <= 100:
        high = Decimal(100)  # a share reads on its whole scale, ticks 0, 50, 100
    else:
        high = high + (high - low) * Decimal("0.1")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(periods), 1)

    def x(index):
        return LEFT + step * index + step / 2

    def y(value):
        return TOP + float((high - Decimal(value)) / (high - low)) * plot_h

    parts = [
        format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>', LEFT, TOP, LEFT, TOP + plot_h),
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>', LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h
        ),
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(
            format_html(
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT - 6,
                _coord(y(tick) + 4),
                plain_number(round(tick)),
            )
        )
    ty = y(indicator.target)
    parts.append(
        format_html(
            '<line class="target" data-target="{}" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>',
            plain_number(indicator.target),
            LEFT,
            _coord(ty),
            LEFT + plot_w,
            _coord(ty),
            _("Target: %(value)s %(unit)s")
            % {"value": plain_number(indicator.target), "unit": indicator.unit_of_measure},
        )
    )
    parts.append(
        format_html(
            '<text class="target-label" x="{}" y="{}" text-anchor="end">{} {}</text>',
            LEFT + plot_w,
            _coord(ty - 4),
            _("target"),
            plain_number(indicator.target),
        )
    )
    if indicator.warning_threshold is not None:
        wy = y(indicator.warning_threshold)
        parts.append(
            format_html(
                '<line class="warning" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>',
                LEFT,
                _coord(wy),
                LEFT + plot_w,
                _coord(wy),
                _("Warning threshold: %(value)s") % {"value": plain_number(indicator.warning_threshold)},
            )
        )
    points = []
    for index, (start, end) in enumerate(periods):
        label = _label(start, end)
        if len(periods) <= 6 or index % 2 == 0:
            parts.append(
                format_html(
                    '<text class="period" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _coord(x(index)),
                    HEIGHT - 12,
                    label,
                )
            )
        measurement = by_start.get(start)
        if measurement is None:
            continue
        points.append((x(index), y(measurement.value)))
        met = indicator.meets_target(measurement.value)
        parts.append(
            format_html(
                '<circle class="point {}" data-period="{}" data-value="{}" data-met="{}" cx="{}" cy="{}" r="5">'
                "<title>{}</title></circle>",
                "met" if met else "missed",
                start.isoformat(),
                plain_number(measurement.value),
                "yes" if met else "no",
                _coord(x(index)),
                _coord(y(measurement.value)),
                _("%(period)s: %(value)s %(unit)s (%(verdict)s)")
                % {
                    "period": label,
                    "value": plain_number(measurement.value),
                    "unit": indicator.unit_of_measure,
                    "verdict": _("target met") if met else _("target missed"),
                },
            )
        )
    line = ""
    if len(points) > 1:
        line = format_html(
            '<polyline class="values" points="{}"/>', " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        )
    title = _("%(indicator)s against its target") % {"indicator": indicator.name}
    return format_html(
        '<svg class="indicator-chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        title,
        mark_safe(CHART_STYLE),
        line,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


# Inline so that the chart prints and reads the same wherever it is shown (site, admin, a saved page).
CHART_STYLE = (
    "<style>"
    ".indicator-chart .axis{stroke:#555;stroke-width:1}"
    ".indicator-chart .target{stroke:#1f6f3f;stroke-width:2;stroke-dasharray:6 4}"
    ".indicator-chart .warning{stroke:#b8860b;stroke-width:1.5;stroke-dasharray:2 3}"
    ".indicator-chart .values{fill:none;stroke:#1d4f91;stroke-width:2}"
    ".indicator-chart .point.met{fill:#1d4f91;stroke:#1d4f91}"
    ".indicator-chart .point.missed{fill:#fff;stroke:#b00020;stroke-width:2.5}"
    ".indicator-chart text{font:11px sans-serif;fill:#333}"
    "</style>"
)
