"""Document reviews done on time, as a computed indicator of quality objectives (ISO 9001 7.5.2 c, 9.1.1).

Registered through the `qms_indicator_computations` hook (wagtail_hooks.py). Of the periodic reviews held in
the period whose due date is known (the next review date the document's previous review set), the share held
on or before that date. One query.
"""

import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from qms.core.indicators import IndicatorComputation, percentage
from qms.core.records import start_of_local_day

from .models import DocumentReview


def reviews_on_time(period_start, period_end):
    previous_due = Subquery(
        DocumentReview.objects.filter(page_id=OuterRef("page_id"), reviewed_at__lt=OuterRef("reviewed_at"))
        .order_by("-reviewed_at")
        .values("next_review_date")[:1]
    )
    reviews = DocumentReview.objects.filter(
        reviewed_at__gte=start_of_local_day(period_start),
        reviewed_at__lt=start_of_local_day(period_end + datetime.timedelta(days=1)),
    ).annotate(due=previous_due, day=TruncDate("reviewed_at"))
    counts = reviews.filter(due__isnull=False).aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(day__lte=F("due")))
    )
    return percentage(counts["part"], counts["whole"])


COMPUTATIONS = [IndicatorComputation("cms.reviews_on_time", _("Document reviews done on time"), "%", reviews_on_time)]
