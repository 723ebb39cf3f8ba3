"""Quality objectives as an input of the management review (ISO 9001 9.3.2 c) 2): the extent to which quality
objectives have been met).

Registered through the `qms_review_inputs` hook (wagtail_hooks.py) under the key "objectives", which the
yearly report reads too; the review freezes what `gather` returns. The objectives of the years the period
touches, once set (a draft is not yet an objective, 6.2.2): how many were achieved, not achieved, are still in
force or were withdrawn; of their measurements of periods within the review's period, how many met their
target; the nonconformities those misses raised; and per indicator its latest value in the period, its target
and its health. Three queries, whatever the number of objectives.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.review_inputs import ReviewInput

from .chart import plain_number
from .models import Indicator, Measurement, QualityObjective

S = QualityObjective.Status


def set_in(start, end):
    """The objectives of the years [start, end] touches that were set (approved at some point), not drafts."""
    return QualityObjective.objects.filter(year__gte=start.year, year__lte=end.year).exclude(status=S.DRAFT)


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else "–"


def gather(start, end):
    measured_in_period = Measurement.objects.filter(period_start__gte=start, period_start__lte=end).order_by(
        "period_start"
    )
    objectives = list(
        set_in(start, end)
        .select_related("unit")
        .order_by("year", "level", "title", "pk")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("pk").prefetch_related(
                    Prefetch("measurements", queryset=measured_in_period, to_attr="in_period")
                ),
                to_attr="rows",
            )
        )
    )
    by_status = {status: sum(1 for o in objectives if o.status == status) for status in S.values}
    measured = met = raised = 0
    rows, bars = [], []
    for objective in objectives:
        objective_measured = objective_met = 0
        for indicator in objective.rows:
            series = indicator.in_period
            hits = sum(1 for m in series if indicator.meets_target(m.value))
            objective_measured += len(series)
            objective_met += hits
            raised += sum(1 for m in series if m.nonconformity_id)
            latest = series[-1].value if series else None
            rows.append(
                [
                    objective.year,
                    objective.title,
                    objective.unit.code if objective.unit_id else str(objective.get_level_display()),
                    str(objective.get_status_display()),
                    indicator.name,
                    f"{plain_number(indicator.target)} {indicator.unit_of_measure}".strip(),
                    f"{plain_number(latest)} {indicator.unit_of_measure}".strip() if latest is not None else "–",
                    f"{hits} / {len(series)}",
                    str(indicator.health_of(latest).label),
                ]
            )
        measured += objective_measured
        met += objective_met
        if objective_measured:
            bars.append({"label": objective.title, "value": _share(objective_met, objective_measured)})
    withdrawn = by_status[S.WITHDRAWN]
    return {
        "figures": [
            {"key": "objectives_set", "label": _("Objectives set"), "value": len(objectives) - withdrawn},
            {"key": "objectives_achieved", "label": _("Achieved"), "value": by_status[S.ACHIEVED]},
            {"key": "objectives_not_achieved", "label": _("Not achieved"), "value": by_status[S.NOT_ACHIEVED]},
            {"key": "objectives_in_force", "label": _("Still in force"), "value": by_status[S.APPROVED]},
            {"key": "objectives_withdrawn", "label": _("Withdrawn"), "value": withdrawn},
            {"key": "measurements", "label": _("Measurements in the period"), "value": measured},
            {"key": "measurements_meeting_target", "label": _("Measurements meeting their target"), "value": met},
            {
                "key": "share_meeting_target",
                "label": _("Share of measurements meeting their target (%)"),
                "value": _share(met, measured),
            },
            {
                "key": "nonconformities_from_missed_targets",
                "label": _("Nonconformities raised from missed targets"),
                "value": raised,
            },
        ],
        "tables": [
            {
                "title": _("Objectives and their indicators"),
                "columns": [
                    _("Year"),
                    _("Objective"),
                    _("Unit"),
                    _("Status"),
                    _("Indicator"),
                    _("Target"),
                    _("Latest value"),
                    _("Periods meeting the target"),
                    _("Health"),
                ],
                "rows": rows,
            }
        ],
        "charts": [{"title": _("Share of measurements meeting their target (%)"), "bars": bars}],
        "links": [{"label": _("Quality objectives"), "url": reverse("objectives:list")}],
    }


INPUTS = [
    ReviewInput("c", "objectives", gettext_lazy("Extent to which quality objectives have been met"), gather, order=20)
]
