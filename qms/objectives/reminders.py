"""Measurements that are late (ISO 9001 9.1.1 c: when monitoring and measuring are performed).

Registered with the reminder engine through the `qms_reminder_providers` hook (wagtail_hooks.py). A period's
measurement is due `QMS_OBJECTIVE_MEASUREMENT_DAYS` days after the period ends (default 10: the month's
figures are in by then). The item is the indicator, due on its earliest unmeasured period; its reporter is
reminded, and overdue items escalate to the manager of the objective's unit, as every kind does. One query
for the indicators in force and one for their measured periods, whatever their number.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.reminders.registry import DueItem, content_type_id, provider

from .models import Indicator, Measurement, QualityObjective

MEASUREMENT_DUE = "measurement_due"


def measurement_days():
    return getattr(settings, "QMS_OBJECTIVE_MEASUREMENT_DAYS", 10)


def due_date_of(period_end):
    return period_end + datetime.timedelta(days=measurement_days())


def first_late_period(indicator, measured, until):
    """The first period of the indicator due by `until` with no measurement, as (start, end, due), or None."""
    for start, end in indicator.periods():
        due = due_date_of(end)
        if due > until:
            return None
        if start not in measured:
            return start, end, due
    return None


@provider(
    MEASUREMENT_DUE,
    label=_("Measurements of quality objectives' indicators (9.1.1)"),
    days_before=(3,),
    overdue_every_days=7,
    escalation_grace_days=14,
    order=35,
)
def measurements_due(*, until, user=None):
    indicators = Indicator.objects.filter(objective__status__in=QualityObjective.IN_FORCE).select_related(
        "objective", "objective__owner"
    )
    if user is not None:
        indicators = indicators.filter(reporter=user)
    indicators = list(indicators.order_by("pk"))
    measured = {}
    for indicator_id, start in Measurement.objects.filter(indicator__in=indicators).values_list(
        "indicator_id", "period_start"
    ):
        measured.setdefault(indicator_id, set()).add(start)
    ct = content_type_id(Indicator)
    for indicator in indicators:
        late = first_late_period(indicator, measured.get(indicator.pk, set()), until)
        if late is None:
            continue
        start, end, due = late
        objective = indicator.objective
        yield DueItem(
            content_type_id=ct,
            object_id=indicator.pk,
            recipient_ids=(indicator.reporter_id,),
            due_date=due,
            title=f"{indicator.name} ({start:%d/%m/%Y} – {end:%d/%m/%Y})",
            url=reverse("objectives:detail", args=[objective.pk]),
            unit_id=objective.unit_id or objective.owner.unit_id,
        )
