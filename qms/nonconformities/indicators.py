"""Indicators computed from the nonconformity register (ISO 9001 9.1.1, 10.2), for quality objectives.

Registered through the `qms_indicator_computations` hook (wagtail_hooks.py); each counts the period in one
query. Days are the organisation's calendar days (`qms.core.records.start_of_local_day`).
"""

import datetime
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from qms.core.indicators import IndicatorComputation, percentage
from qms.core.records import start_of_local_day

from .models import CorrectiveAction, Nonconformity

CLOSED_WITHIN_DAYS = 60


def _bounds(period_start, period_end):
    return start_of_local_day(period_start), start_of_local_day(period_end + datetime.timedelta(days=1))


def actions_closed_on_time(period_start, period_end):
    """Of the corrective actions due in the period, the share completed by their due date (10.2.1 c)."""
    due = CorrectiveAction.objects.filter(due_date__gte=period_start, due_date__lte=period_end)
    counts = due.aggregate(
        whole=Count("pk"),
        part=Count(
            "pk",
            filter=Q(completed_at__isnull=False) & Q(completed_at__date__lte=F("due_date")),
        ),
    )
    return percentage(counts["part"], counts["whole"])


def closed_within_60_days(period_start, period_end):
    """Of the nonconformities closed in the period, the share closed within 60 days of being reported."""
    start, end = _bounds(period_start, period_end)
    closed = Nonconformity.objects.filter(
        status=Nonconformity.Status.CLOSED, closed_at__gte=start, closed_at__lt=end
    ).annotate(took=ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField()))
    counts = closed.aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(took__lte=datetime.timedelta(days=CLOSED_WITHIN_DAYS)))
    )
    return percentage(counts["part"], counts["whole"])


def complaint_ncs_open_over_30_days(period_start, period_end):
    """How many complaint-driven nonconformities stood open more than 30 days at the end of the period."""
    _start, end = _bounds(period_start, period_end)
    limit = end - datetime.timedelta(days=30)
    count = (
        Nonconformity.objects.filter(source=Nonconformity.Source.COMPLAINT, reported_at__lt=limit)
        .filter(Q(closed_at__isnull=True, status__in=Nonconformity.OPEN_STATUSES) | Q(closed_at__gte=end))
        .count()
    )
    return Decimal(count)


COMPUTATIONS = [
    IndicatorComputation(
        "nonconformities.actions_closed_on_time",
        _("Share of corrective actions closed on time"),
        "%",
        actions_closed_on_time,
    ),
    IndicatorComputation(
        "nonconformities.closed_within_60_days",
        _("Nonconformities closed within 60 days"),
        "%",
        closed_within_60_days,
    ),
    IndicatorComputation(
        "nonconformities.complaint_ncs_open_over_30_days",
        _("Complaint-driven nonconformities open over 30 days"),
        "",
        complaint_ncs_open_over_30_days,
    ),
]
