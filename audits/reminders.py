"""Internal audits coming up (to the audit team) and findings still without their nonconformity (ISO 9001 9.2, 10.2).

Registered with the reminder engine (qms.reminders.registry); found by autodiscovery.
An audit not started by its planned start date is overdue; a nonconformity finding
should raise its nonconformity within RAISE_WITHIN_DAYS of being recorded.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qms.reminders import kinds
from qms.reminders.registry import DueItem, content_type_id, register

from .models import Audit, Finding

RAISE_WITHIN_DAYS = 7
NOT_STARTED = (Audit.Status.PLANNED, Audit.Status.PREPARING)


@register(kinds.AUDIT_UPCOMING, days_before=(30, 7, 1), order=30)
def audits_coming_up(*, until, user=None):
    """One query: one row per (audit, team member), grouped back into one item per audit."""
    audits = Audit.objects.filter(status__in=NOT_STARTED, planned_start__lte=until)
    if user is not None:
        audits = audits.filter(Q(lead_auditor=user) | Q(team=user)).distinct()
    ct = content_type_id(Audit)
    rows = audits.order_by("planned_start", "pk").values_list(
        "pk", "reference", "title", "planned_start", "lead_auditor_id", "team__id"
    )
    current, team = None, []
    for pk, reference, title, start, lead_id, member_id in rows.iterator(chunk_size=2000):
        if current is not None and current[0] != pk:
            yield _audit_item(ct, current, team)
            team = []
        current = (pk, reference, title, start, lead_id)
        if member_id:
            team.append(member_id)
    if current is not None:
        yield _audit_item(ct, current, team)


def _audit_item(ct, audit, team):
    pk, reference, title, start, lead_id = audit
    return DueItem(
        content_type_id=ct,
        object_id=pk,
        recipient_ids=tuple(dict.fromkeys([lead_id, *team])),
        due_date=start,
        title=f"{reference} {title}",
        url=reverse("audits:detail", args=[pk]),
        unit_id=None,  # escalation goes to the quality officers, who run the programme
    )


@register(kinds.FINDING_WITHOUT_NC, days_before=(), order=31)
def findings_without_nonconformity(*, until, user=None):
    recorded_before = timezone.make_aware(
        datetime.datetime.combine(until - datetime.timedelta(days=RAISE_WITHIN_DAYS - 1), datetime.time())
    )
    findings = Finding.objects.filter(
        classification__in=Finding.NONCONFORMITIES, nonconformity__isnull=True, recorded_at__lt=recorded_before
    ).exclude(audit__status=Audit.Status.CLOSED)
    if user is not None:
        findings = findings.filter(audit__lead_auditor=user)
    ct = content_type_id(Finding)
    rows = findings.order_by("recorded_at", "pk").values_list(
        "pk", "audit__reference", "number", "statement", "recorded_at", "audit__lead_auditor_id", "unit_id"
    )
    for pk, reference, number, statement, recorded_at, lead_id, unit_id in rows.iterator(chunk_size=2000):
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=(lead_id,),
            due_date=timezone.localtime(recorded_at).date() + datetime.timedelta(days=RAISE_WITHIN_DAYS),
            title=f"{reference}/{number:02d}: {statement[:120]}",
            url=reverse("audits:finding_edit", args=[pk]),
            unit_id=unit_id,
        )
