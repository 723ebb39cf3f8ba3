"""Internal audits coming up (to the audit team) and findings still without their nonconformity (ISO 9001 9.2, 10.2).

Registered with the reminder engine through the hook qms_reminder_providers (wagtail_hooks.py).
An audit not started by its planned start date is overdue; a nonconformity finding
should raise its nonconformity within RAISE_WITHIN_DAYS of being recorded. A draft programme
with audits awaits the approvers (9.2.2 a) until its approval.
"""

import datetime

from django.db.models import Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core import roles
from qms.reminders.kinds import approval_due_days
from qms.reminders.registry import DueItem, content_type_id, provider

from .models import Audit, AuditProgramme, Finding
from .rules import team_q

# The kinds this app registers, with their labels in its own catalogue (hook qms_reminder_providers).
AUDIT_UPCOMING = "audit_upcoming"
FINDING_WITHOUT_NC = "finding_without_nc"
PROGRAMME_APPROVAL = "programme_approval"

RAISE_WITHIN_DAYS = 7
NOT_STARTED = (Audit.Status.PLANNED, Audit.Status.PREPARING)


@provider(AUDIT_UPCOMING, label=_("Internal audits coming up (9.2)"), days_before=(30, 7, 1), order=30)
def audits_coming_up(*, until, user=None):
    """One query: one row per (audit, team member), grouped back into one item per audit."""
    audits = Audit.objects.filter(status__in=NOT_STARTED, planned_start__lte=until)
    if user is not None:
        audits = audits.filter(team_q(user)).distinct()
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


@provider(
    FINDING_WITHOUT_NC, label=_("Audit findings without their nonconformity (9.2.2, 10.2)"), days_before=(), order=31
)
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


@provider(
    PROGRAMME_APPROVAL,
    label=_("Audit programmes awaiting approval (9.2.2 a)"),
    days_before=(5, 1),
    escalation_grace_days=7,
    order=32,
)
def programmes_awaiting_approval(*, until, user=None):
    """A draft programme with audits, to the approvers (as `selectors.programmes_awaiting_approval`).

    Due QMS_APPROVAL_DUE_DAYS after it started awaiting approval (its first audit was planned: an
    empty programme cannot be approved), and at the latest the day before its first audit starts:
    9.2.2 a plans the programme before the audits, so no audit should open under a programme
    leadership has not approved. Programmes have no creation date; the audits' own history
    (django-simple-history) says when the first one still in it was planned, in the same query.
    Escalated to the quality officers, who draft the programme (no unit).
    """
    approvers = roles.active_member_ids(roles.APPROVERS)
    if user is not None and user.pk not in approvers:
        return
    days = approval_due_days()
    first_planned = Audit.history.model.objects.filter(
        programme_id=OuterRef("pk"),
        history_type="+",
        id__in=Audit.objects.filter(programme_id=OuterRef(OuterRef("pk"))).values("pk"),
    ).order_by("history_date")
    programmes = (
        AuditProgramme.objects.filter(status=AuditProgramme.Status.DRAFT)
        .annotate(first_start=Min("audits__planned_start"))
        .filter(first_start__isnull=False)
        .annotate(first_planned=Subquery(first_planned.values("history_date")[:1]))
    )
    ct = content_type_id(AuditProgramme)
    rows = programmes.order_by("first_start", "pk").values_list(
        "pk", "year", "objectives", "first_start", "first_planned"
    )
    for pk, year, objectives, first_start, planned_at in rows.iterator(chunk_size=2000):
        due = first_start - datetime.timedelta(days=1)
        if planned_at is not None:
            due = min(due, timezone.localtime(planned_at).date() + datetime.timedelta(days=days))
        if due > until:
            continue
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=approvers,
            due_date=due,
            title=f"{year}: {objectives[:120]}",
            url=reverse("audits:coverage", args=[pk]),
            unit_id=None,
        )
