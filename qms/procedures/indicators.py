"""Indicators computed from the one-stop figures (ISO 9001 8.5.1, 9.1.1), for quality objectives.

Registered through the `qms_indicator_computations` hook (wagtail_hooks.py). The figures come per procedure and
month (`ProcedurePerformance`, imported from the one-stop system); a period of an indicator counts the months
that begin within it. The on-time rate is the share of the dossiers resolved in those months that were
resolved within their statutory time (on time out of on time plus late), as `performance.report` shows it per
month; dossiers still in progress or returned are not resolved and do not count. One query per period.
"""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from qms.core.indicators import IndicatorComputation, percentage

from .models import ProcedurePerformance
from .performance import first_of_month


def dossiers_on_time(period_start, period_end):
    """Of the dossiers resolved in the period's months, every procedure together, the share resolved on time."""
    sums = ProcedurePerformance.objects.filter(
        month__gte=first_of_month(period_start), month__lte=period_end
    ).aggregate(on_time=Sum("on_time"), late=Sum("late"))
    on_time, late = sums["on_time"] or 0, sums["late"] or 0
    # None when nothing was resolved: no rate rather than a 0 % or 100 % nobody earned.
    return percentage(on_time, on_time + late)


COMPUTATIONS = [
    IndicatorComputation(
        "procedures.dossiers_on_time",
        _("Dossiers of administrative procedures resolved on time"),
        "%",
        dossiers_on_time,
    ),
]
