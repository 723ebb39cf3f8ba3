"""Periodic reviews of risks and opportunities that fall due (ISO 9001 6.1.2 b, 9.1.3 e).

Registered with the reminder engine through the `qms_reminder_providers` hook (wagtail_hooks.py). Each open
risk with a next review date falls due on it; its owner is reminded, and an overdue review escalates to the
manager of the risk's unit, as every kind does. One query, whatever the number of risks.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.reminders.registry import DueItem, content_type_id, provider

from .models import Risk

RISK_REVIEW = "risk_review"


@provider(
    RISK_REVIEW,
    label=_("Reviews of risks and opportunities (6.1.2)"),
    days_before=(14, 3),
    overdue_every_days=7,
    escalation_grace_days=14,
    order=36,
)
def risk_reviews_due(*, until, user=None):
    risks = Risk.objects.filter(status__in=Risk.OPEN_STATUSES, review_date__isnull=False, review_date__lte=until)
    if user is not None:
        risks = risks.filter(owner=user)
    ct = content_type_id(Risk)
    for risk in (
        risks.only("pk", "reference", "title", "owner_id", "review_date", "unit_id")
        .order_by("review_date", "pk")
        .iterator()
    ):
        yield DueItem(
            content_type_id=ct,
            object_id=risk.pk,
            recipient_ids=(risk.owner_id,),
            due_date=risk.review_date,
            title=str(risk),
            url=reverse("risks:detail", args=[risk.pk]),
            unit_id=risk.unit_id,
        )
