"""Staff acknowledgements within the due date, as a computed indicator of quality objectives (ISO 9001 7.3, 9.1.1).

Registered through the `qms_indicator_computations` hook (wagtail_hooks.py). For each distribution of a
revision to a unit whose acknowledge-by date falls in the period, every active member of the unit owes an
acknowledgement; the indicator is the share given on or before that date. One query.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from qms.core.indicators import IndicatorComputation, percentage

from .models import Acknowledgement, Distribution


def _count(queryset, group):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        0,
    )


def acknowledged_on_time(period_start, period_end):
    members = get_user_model().objects.filter(unit_id=OuterRef("unit_id"), is_active=True)
    on_time = Acknowledgement.objects.filter(
        version_id=OuterRef("version_id"), unit_id=OuterRef("unit_id"), acknowledged_at__date__lte=OuterRef("due_date")
    )
    totals = (
        Distribution.objects.filter(due_date__gte=period_start, due_date__lte=period_end)
        .annotate(owed=_count(members, "unit_id"), given=_count(on_time, "version_id"))
        .aggregate(whole=Sum("owed"), part=Sum("given"))
    )
    return percentage(totals["part"] or 0, totals["whole"] or 0)


COMPUTATIONS = [
    IndicatorComputation(
        "acknowledgements.on_time", _("Staff acknowledgements within the due date"), "%", acknowledged_on_time
    )
]
