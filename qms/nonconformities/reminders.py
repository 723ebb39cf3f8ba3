"""Corrective actions coming due and overdue, actions awaiting verification, nonconformities stuck (ISO 9001 10.2).

Registered with the reminder engine through the hook qms_reminder_providers (wagtail_hooks.py).
One query per kind, streamed; a due date is derived where the record has none:
- an action awaiting verification is due VERIFY_WITHIN_DAYS after its completion;
- a nonconformity is "stuck" STUCK_AFTER_DAYS after its status last changed;
- a major nonconformity ready to close is due QMS_APPROVAL_DUE_DAYS after it became ready.
"""

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core import roles
from qms.core.records import start_of_local_day
from qms.reminders.kinds import approval_due_days
from qms.reminders.registry import DueItem, content_type_id, provider

from .models import CorrectiveAction, Nonconformity, Verification
from .selectors import major_ready_to_close

# The kinds this app registers, with their labels in its own catalogue (hook qms_reminder_providers).
CORRECTIVE_ACTION = "corrective_action"
ACTION_VERIFICATION = "action_verification"
NONCONFORMITY_STUCK = "nonconformity_stuck"
MAJOR_NC_CLOSURE = "major_nc_closure"

VERIFY_WITHIN_DAYS = 14
STUCK_AFTER_DAYS = 30


def _start_of_day_after(day):
    """The local midnight that ends `day` (for filtering datetimes by a local date)."""
    return start_of_local_day(day + datetime.timedelta(days=1))


@provider(
    CORRECTIVE_ACTION, label=_("Corrective actions (10.2)"), days_before=(14, 7, 1), escalation_grace_days=7, order=20
)
def corrective_actions(*, until, user=None):
    actions = CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES, due_date__lte=until)
    if user is not None:
        actions = actions.filter(owner=user)
    ct = content_type_id(CorrectiveAction)
    rows = (
        actions.filter(nonconformity__isnull=False)
        .order_by("due_date", "pk")
        .values_list("pk", "nonconformity__reference", "description", "due_date", "owner_id", "nonconformity__unit_id")
    )
    for pk, reference, description, due, owner_id, unit_id in rows.iterator(chunk_size=2000):
        yield _action_item(ct, pk, reference, description, due, (owner_id,), unit_id)
    for action in _of_origins(actions).order_by("due_date", "pk"):
        subject = action.origin
        yield _action_item(
            ct,
            action.pk,
            action.subject_reference,
            action.description,
            action.due_date,
            (action.owner_id,),
            getattr(subject, "unit_id", None),
        )


def _of_origins(actions):
    """The actions of other records (origins.py), what they answer loaded in one query per kind of record."""
    return actions.filter(nonconformity__isnull=True).select_related("origin_type").prefetch_related("origin")


def _action_item(ct, pk, reference, description, due, recipients, unit_id):
    return DueItem(
        content_type_id=ct,
        object_id=pk,
        recipient_ids=recipients,
        due_date=due,
        title=f"{reference}: {description[:120]}",
        url=reverse("nonconformities:action", args=[pk]),
        unit_id=unit_id,
    )


def _origin_verifiers(action):
    """Whoever answers for the action's record (its owner, else its unit's manager), never the action's owner."""
    subject = action.origin
    candidates = [getattr(subject, "owner_id", None)]
    if candidates[0] in (None, action.owner_id) and getattr(subject, "unit_id", None):
        candidates.append(subject.unit.manager_id)
    return tuple(dict.fromkeys(p for p in candidates if p and p != action.owner_id))


@provider(
    ACTION_VERIFICATION,
    label=_("Actions awaiting verification of effectiveness (10.2.1 d)"),
    days_before=(7, 1),
    order=21,
)
def actions_awaiting_verification(*, until, user=None):
    """Verified by someone other than the action's owner (10.2.1 d): the nonconformity's owner, else the manager."""
    completed_before = _start_of_day_after(until - datetime.timedelta(days=VERIFY_WITHIN_DAYS))
    actions = CorrectiveAction.objects.filter(
        status=CorrectiveAction.Status.COMPLETED, completed_at__isnull=False, completed_at__lt=completed_before
    )
    ct = content_type_id(CorrectiveAction)
    for action in _of_origins(actions).order_by("completed_at", "pk"):
        verifiers = _origin_verifiers(action)
        if user is None or user.pk in verifiers:
            due = timezone.localtime(action.completed_at).date() + datetime.timedelta(days=VERIFY_WITHIN_DAYS)
            unit_id = getattr(action.origin, "unit_id", None)
            yield _action_item(ct, action.pk, action.subject_reference, action.description, due, verifiers, unit_id)
    if user is not None:
        actions = actions.filter(
            (Q(nonconformity__owner=user) & ~Q(owner=user)) | (Q(nonconformity__unit__manager=user) & ~Q(owner=user))
        )
    rows = (
        actions.filter(nonconformity__isnull=False)
        .order_by("completed_at", "pk")
        .values_list(
            "pk",
            "nonconformity__reference",
            "description",
            "completed_at",
            "owner_id",
            "nonconformity__owner_id",
            "nonconformity__unit__manager_id",
            "nonconformity__unit_id",
        )
    )
    for pk, reference, description, completed_at, owner_id, nc_owner_id, manager_id, unit_id in rows.iterator(
        chunk_size=2000
    ):
        verifiers = tuple(
            dict.fromkeys(person for person in (nc_owner_id, manager_id) if person and person != owner_id)
        )
        due = timezone.localtime(completed_at).date() + datetime.timedelta(days=VERIFY_WITHIN_DAYS)
        yield _action_item(ct, pk, reference, description, due, verifiers, unit_id)


@provider(NONCONFORMITY_STUCK, label=_("Nonconformities stuck in one status (10.2)"), days_before=(), order=22)
def nonconformities_stuck(*, until, user=None):
    changed_before = _start_of_day_after(until - datetime.timedelta(days=STUCK_AFTER_DAYS))
    ncs = Nonconformity.objects.filter(status__in=Nonconformity.OPEN_STATUSES, status_changed_at__lt=changed_before)
    if user is not None:
        ncs = ncs.filter(Q(owner=user) | Q(owner__isnull=True, unit__manager=user))
    ct = content_type_id(Nonconformity)
    rows = ncs.order_by("status_changed_at", "pk").values_list(
        "pk", "reference", "title", "status", "status_changed_at", "owner_id", "unit__manager_id", "unit_id"
    )
    labels = dict(Nonconformity.Status.choices)
    for pk, reference, title, status, changed_at, owner_id, manager_id, unit_id in rows.iterator(chunk_size=2000):
        recipient = owner_id or manager_id
        if recipient is None:
            continue
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=(recipient,),
            due_date=timezone.localtime(changed_at).date() + datetime.timedelta(days=STUCK_AFTER_DAYS),
            title=f"{reference} {title} [{labels.get(status, status)}]",
            url=reverse("nonconformities:detail", args=[pk]),
            unit_id=unit_id,
        )


@provider(
    MAJOR_NC_CLOSURE,
    label=_("Major nonconformities awaiting closure (10.2)"),
    days_before=(5, 1),
    escalation_grace_days=7,
    order=23,
)
def major_nonconformities_awaiting_closure(*, until, user=None):
    """Closing a major nonconformity is leadership's decision (10.2; `nonconformities.close_nonconformity`).

    To the approvers.

    Ready since the later of its last status change and its last verification: the status may reach
    "awaiting verification" before the last action is found effective, or the other way round.
    """
    approvers = roles.active_member_ids(roles.APPROVERS)
    if user is not None and user.pk not in approvers:
        return
    days = approval_due_days()
    last_verified = Verification.objects.filter(action__nonconformity=OuterRef("pk")).order_by("-verified_at")
    ncs = (
        major_ready_to_close()
        .filter(status_changed_at__lt=_start_of_day_after(until - datetime.timedelta(days=days)))
        .annotate(last_verified=Subquery(last_verified.values("verified_at")[:1]))
    )
    ct = content_type_id(Nonconformity)
    rows = ncs.values_list("pk", "reference", "title", "status_changed_at", "last_verified", "unit_id")
    for pk, reference, title, changed_at, verified_at, unit_id in rows.iterator(chunk_size=2000):
        ready = max(changed_at, verified_at or changed_at)
        due = timezone.localtime(ready).date() + datetime.timedelta(days=days)
        if due > until:  # its last verification came later than its status change
            continue
        yield DueItem(
            content_type_id=ct,
            object_id=pk,
            recipient_ids=approvers,
            due_date=due,
            title=f"{reference} {title}",
            url=reverse("nonconformities:detail", args=[pk]),
            unit_id=unit_id,
        )
