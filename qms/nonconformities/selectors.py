"""Reads reused by the site, the admin, the dashboard and the reminders (ISO 9001 9.1.3, 10.2.2)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.models import OrganisationUnit
from qms.core.rules import available, unit_subtree_ids
from qms.core.timeline import timeline

from . import origins, rules
from .models import CorrectiveAction, Nonconformity

S = Nonconformity.Status
A = CorrectiveAction.Status


def nonconformities_visible_to(user):
    qs = Nonconformity.objects.select_related("unit", "owner", "reported_by")
    if not user.is_authenticated:
        return qs.none()
    q = visibility_filter(user)
    return qs if q is None else qs.filter(q).distinct()


def visibility_filter(user):
    """A Q object selecting the nonconformities `user` may see (None: everything).

    The list form of `nonconformities.read_nonconformity` (rules.py): the same four grounds.
    """
    if user.has_perm("nonconformities.see_all_units"):
        return None
    q = Q(reported_by=user) | Q(owner=user) | Q(actions__owner=user)
    if user.unit_id:
        q |= Q(unit__in=unit_subtree_ids(user))
    return q


def nonconformity_actions(*, user, nonconformity):
    """What `user` might do to `nonconformity` now, each allowed or with why not (both UIs render it).

    From the same rules and TRANSITIONS the services enforce: the next statuses, editing, planning an action.
    """
    from . import services

    nc = nonconformity
    result = [
        available(
            "transition",
            services.transition_label(nc.status, target),
            refusal=rules.transition_refusal(user, nc, target),
            blocker=services.transition_blocker(nc, target),
            target=target,
        )
        for target in services.allowed_transitions(nc)
    ]
    manages = user.has_perm("nonconformities.manage_nonconformity", nc)
    result.append(
        available(
            "edit",
            _("Edit details, containment and root cause"),
            refusal=None if manages else rules.NOT_PERMITTED,
            blocker=services.edit_blocker(nc),
        )
    )
    result.append(
        available(
            "plan_action",
            _("Plan an action"),
            refusal=None if user.has_perm("nonconformities.plan_actions", nc) else rules.NOT_PERMITTED,
            blocker=services.planning_blocker(nc),
        )
    )
    return result


def action_actions(*, user, action):
    """What `user` might do to a corrective action now (start, complete, verify, edit), allowed or why not."""
    from . import services

    def refusal(allowed):
        return None if allowed else rules.NOT_PERMITTED

    works = user.has_perm("nonconformities.work_on_action", action)
    if rules.is_action_owner(user, action):
        # Separation of duties (ISO 9001 10.2.1 d), for an administrator too.
        verify_refusal = _("The owner of an action cannot verify its effectiveness; someone else must.")
    else:
        verify_refusal = refusal(rules.may_verify(user, action))
    return [
        available("start", _("Start"), refusal=refusal(works), blocker=services.action_blocker(action, "start")),
        available(
            "complete",
            _("Record completion"),
            refusal=refusal(works),
            blocker=services.action_blocker(action, "complete"),
        ),
        available(
            "verify",
            _("Record verification"),
            refusal=verify_refusal,
            blocker=services.action_blocker(action, "verify"),
        ),
        available(
            "edit",
            _("Change the action or its due date"),
            refusal=refusal(user.has_perm("nonconformities.plan_actions", action.subject)),
            blocker=services.action_blocker(action, "edit"),
        ),
    ]


def actions_of(user, *, open_only=True):
    qs = (
        CorrectiveAction.objects.filter(owner=user)
        .select_related("nonconformity", "nonconformity__unit")
        .prefetch_related("origin")
    )
    if open_only:
        qs = qs.filter(status__in=CorrectiveAction.OPEN_STATUSES)
    return qs.order_by("due_date", "pk")


def origin_actions_context(user, origin):
    """What a record's page needs to show its actions and offer to plan one (`_origin_actions.html`)."""
    from .forms import ActionForm

    registration = origins.for_record(origin)
    can_plan = registration is not None and user.has_perm("nonconformities.plan_actions", origin)
    blocker = origins.planning_blocker(origin) if can_plan else None
    return {
        "origin_actions": actions_for(origin),
        "can_plan_actions": can_plan and blocker is None,
        "action_planning_blocker": blocker,
        "action_form": ActionForm(initial={"kind": registration.default_kind}) if can_plan else None,
        "action_plan_url": reverse("nonconformities:action_new_for", args=[origin._meta.label_lower, origin.pk]),
    }


def actions_for(origin):
    """The actions that answer `origin` (a record registered in origins.py), in due order."""
    origin_type = ContentType.objects.get_for_model(origin)
    return (
        CorrectiveAction.objects.filter(origin_type=origin_type, origin_id=origin.pk)
        .select_related("owner")
        .order_by("due_date", "pk")
    )


def actions_overdue(today=None):
    today = today or timezone.localdate()
    return CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES, due_date__lt=today)


def actions_due_by(day):
    return CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES, due_date__lte=day)


def actions_awaiting_verification():
    return CorrectiveAction.objects.filter(status=A.COMPLETED)


def nonconformities_stuck(days, now=None):
    """Open nonconformities whose status has not moved for `days` days."""
    now = now or timezone.now()
    return Nonconformity.objects.filter(
        status__in=Nonconformity.OPEN_STATUSES, status_changed_at__lt=now - datetime.timedelta(days=days)
    )


AGE_BUCKETS = ((0, 30), (30, 60), (60, 90), (90, None))


def open_by_age_and_unit(now=None):
    """Rows of (unit, [count per age bucket], total) for the quality officers' dashboard (ISO 9001 9.1.3).

    Counted by the database, one row per unit: the dashboard is opened many times a day and the
    register holds every nonconformity ever raised.
    """
    now = now or timezone.now()

    def bucket(low, high):
        # Age in whole days, as timedelta.days counts it: age >= low and age < high. The youngest bucket
        # has no lower edge, so that a report dated ahead of the server's clock is still counted.
        within = Q(reported_at__lte=now - datetime.timedelta(days=low)) if low else Q()
        if high is not None:
            within &= Q(reported_at__gt=now - datetime.timedelta(days=high))
        return Count("pk", filter=within)

    counted = (
        Nonconformity.objects.filter(status__in=Nonconformity.OPEN_STATUSES)
        .order_by()
        .values("unit_id")
        .annotate(**{f"bucket{index}": bucket(low, high) for index, (low, high) in enumerate(AGE_BUCKETS)})
    )
    per_unit = {row.pop("unit_id"): [row[f"bucket{index}"] for index in range(len(AGE_BUCKETS))] for row in counted}
    units = OrganisationUnit.objects.in_bulk(per_unit)
    rows = [(units[unit_id], counts, sum(counts)) for unit_id, counts in per_unit.items()]
    return sorted(rows, key=lambda row: row[0].code)


def average_days_to_close():
    """(average days from report to closure, number of closed nonconformities), counted by the database."""
    found = Nonconformity.objects.filter(status=S.CLOSED, closed_at__isnull=False).aggregate(
        span=Avg(ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())),
        closed=Count("pk"),
    )
    if not found["closed"]:
        return None, 0
    return round(found["span"].total_seconds() / 86400, 1), found["closed"]


def major_ready_to_close():
    """Major nonconformities whose actions are all verified effective: only their closure is left (10.2.1 d)."""
    return (
        Nonconformity.objects.filter(severity=Nonconformity.Severity.MAJOR, status=S.AWAITING_VERIFICATION)
        .filter(actions__isnull=False)
        .exclude(actions__status__in=[status for status in A.values if status != A.VERIFIED])
        .select_related("unit", "owner")
        .distinct()
        .order_by("status_changed_at", "pk")
    )


def major_awaiting_closure(user):
    """Those of `major_ready_to_close` that `user` may close: empty for anyone but leadership.

    ISO 9001 10.2: closing a major nonconformity needs an approver (`nonconformities.close_nonconformity`).
    """
    if not user.is_authenticated:
        return Nonconformity.objects.none()
    probe = Nonconformity(severity=Nonconformity.Severity.MAJOR, status=S.AWAITING_VERIFICATION)
    if not user.has_perm("nonconformities.close_nonconformity", probe):
        return Nonconformity.objects.none()
    return major_ready_to_close()


def action_timeline(action, limit=200):
    """An action's history with its evidence files' and verifications' histories on the same line of time."""
    return timeline(action, limit, related=[*action.files.all(), *action.verifications.all()])
