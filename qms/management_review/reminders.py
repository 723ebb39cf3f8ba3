"""Planned management reviews as reminders to the officer and the chair (ISO 9001 9.3.1: at planned intervals).

Registered with the reminder engine through the `qms_reminder_providers` hook (wagtail_hooks.py). A review is
due on its meeting date until its minutes are recorded (held).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.reminders.registry import DueItem, content_type_id, provider

from .models import ManagementReview

MANAGEMENT_REVIEW = "management_review"


@provider(
    MANAGEMENT_REVIEW,
    label=_("Management reviews coming up (9.3)"),
    days_before=(30, 7, 1),
    overdue_every_days=7,
    escalation_grace_days=14,
    order=60,
)
def reviews_coming_up(*, until, user=None):
    S = ManagementReview.Status
    items = ManagementReview.objects.filter(status__in=(S.PLANNED, S.PACK_PREPARED), meeting_date__lte=until)
    if user is not None:
        items = items.filter(officer=user) | items.filter(chair=user)
    ct = content_type_id(ManagementReview)
    for pk, title, meeting_date, officer_id, chair_id in items.order_by("meeting_date", "pk").values_list(
        "pk", "title", "meeting_date", "officer_id", "chair_id"
    ):
        recipients = tuple(dict.fromkeys((officer_id, chair_id)))
        if user is not None:
            recipients = tuple(r for r in recipients if r == user.pk)
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=recipients,
            due_date=meeting_date,
            title=title,
            url=reverse("management_review:detail", args=[pk]),
        )
