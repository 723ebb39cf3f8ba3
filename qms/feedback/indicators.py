"""Citizen satisfaction as a computed indicator of quality objectives (ISO 9001 9.1.2, 9.1.1).

Registered through the `qms_indicator_computations` hook (wagtail_hooks.py): the share of survey responses
in the period rated satisfied or very satisfied (4 or 5 of 5), in one query.
"""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from qms.core.indicators import IndicatorComputation, percentage
from qms.core.records import start_of_local_day

from .models import SurveyResponse


def satisfaction(period_start, period_end):
    responses = SurveyResponse.objects.filter(
        responded_at__gte=start_of_local_day(period_start),
        responded_at__lt=start_of_local_day(period_end + datetime.timedelta(days=1)),
    )
    counts = responses.aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(rating__gte=SurveyResponse.SATISFIED_FROM))
    )
    return percentage(counts["part"], counts["whole"])


COMPUTATIONS = [
    IndicatorComputation(
        "feedback.satisfaction", _("Citizen satisfaction (satisfied or very satisfied)"), "%", satisfaction
    )
]
