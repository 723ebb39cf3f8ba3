"""Feedback whose answer is coming due or overdue (ISO 9001 8.2.1 c); Nghị định 20/2008/NĐ-CP time limits).

Registered with the reminder engine through the `qms_reminder_providers` hook (wagtail_hooks.py). One provider,
one query, streamed; the reminder goes to whoever holds the next step:
- received or classified, not yet assigned: the quality officers (they assign it);
- assigned: its handler;
- answer awaiting approval: the approvers, except the person who wrote the answer.
Overdue items escalate after the grace period to the manager of the handling unit, as every kind does.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.core import roles
from qms.reminders.registry import DueItem, content_type_id, provider

from .models import Feedback

S = Feedback.Status

# The kind this app registers, with its label in its own catalogue.
FEEDBACK_ANSWER = "feedback_answer"


@provider(
    FEEDBACK_ANSWER,
    label=_("Citizens' feedback awaiting its answer (8.2.1)"),
    days_before=(3, 1),
    overdue_every_days=2,
    escalation_grace_days=2,
    order=30,
)
def feedback_awaiting_answer(*, until, user=None):
    items = Feedback.objects.filter(status__in=Feedback.UNANSWERED_STATUSES, due_date__lte=until)
    officers = roles.active_member_ids(roles.QUALITY_OFFICERS)
    approvers = roles.active_member_ids(roles.APPROVERS)
    if user is not None:
        step = items.none()
        if user.pk in officers:
            step = step | items.filter(status__in=(S.RECEIVED, S.CLASSIFIED))
        if user.pk in approvers:
            step = step | items.filter(status=S.AWAITING_APPROVAL).exclude(answered_by=user)
        items = step | items.filter(status=S.ASSIGNED, handler=user)
    ct = content_type_id(Feedback)
    rows = items.order_by("due_date", "pk").values_list(
        "pk", "reference", "kind", "status", "due_date", "handler_id", "answered_by_id", "unit_id"
    )
    kinds = dict(Feedback.Kind.choices)
    for pk, reference, kind, status, due, handler_id, answered_by_id, unit_id in rows.iterator(chunk_size=2000):
        if status == S.ASSIGNED:
            recipients = (handler_id,) if handler_id else officers
        elif status == S.AWAITING_APPROVAL:
            recipients = tuple(person for person in approvers if person != answered_by_id)
        else:
            recipients = officers
        if not recipients:
            continue
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=tuple(recipients),
            due_date=due,
            title=f"{reference} {kinds.get(kind, kind)}",
            url=reverse("feedback:detail", args=[pk]),
            unit_id=unit_id,
        )
