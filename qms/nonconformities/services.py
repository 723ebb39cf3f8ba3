"""Every change to a nonconformity or a corrective action (ISO 9001 10.2.1, 10.2.2, 8.7).

The rules live here once; the site, the admin, the audit app, imports and the
demo seeder all call these functions. Each one is atomic, locks the row it
changes (`select_for_update`), checks the version the caller's form was loaded
with (a stale copy gets `ConflictError`), checks who may do it and whether the
record's state allows it (`TransitionNotAllowed`, leaving the record exactly as
it was), and writes a django-simple-history entry with the acting user and the
reason for the change.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core import records
from qms.core.records import QmsError, save_with_history

from . import origins, rules
from .events import Event
from .models import CorrectiveAction, EvidenceFile, Nonconformity, ReferenceCounter, Verification

S = Nonconformity.Status
A = CorrectiveAction.Status


class NonconformityError(QmsError):
    """A change that the rules of the register refuse; `message` is for the person who tried it."""


class TransitionNotAllowed(NonconformityError):
    default_message = gettext_lazy("This status change is not allowed.")


class NotPermitted(NonconformityError, records.NotPermitted):
    pass


class ConflictError(NonconformityError, records.ConflictError):
    pass


class InvalidInput(NonconformityError):
    default_message = gettext_lazy("Some information is missing or wrong.")


# Allowed status changes (ISO 9001 10.2.1): the map of the workflow.
TRANSITIONS = {
    S.REPORTED: {S.INVESTIGATING, S.REJECTED},
    S.INVESTIGATING: {S.ACTION_PLANNED, S.REJECTED},
    S.ACTION_PLANNED: {S.IN_PROGRESS, S.INVESTIGATING},
    S.IN_PROGRESS: {S.AWAITING_VERIFICATION, S.ACTION_PLANNED},
    S.AWAITING_VERIFICATION: {S.CLOSED, S.IN_PROGRESS},  # back: another action is needed
    S.CLOSED: {S.INVESTIGATING},  # reopening, with a reason
    S.REJECTED: set(),
}

# Transitions whose reason the person must write (the others get a default reason).
REASON_REQUIRED = {(S.INVESTIGATING, S.REJECTED), (S.REPORTED, S.REJECTED), (S.CLOSED, S.INVESTIGATING)}

# Changes to these fields must say why (the trail an auditor reads).
FIELDS_NEEDING_REASON = {"severity", "root_cause", "root_cause_method", "root_cause_answers"}
EDITABLE_FIELDS = {
    "title",
    "description",
    "source",
    "severity",
    "unit",
    "owner",
    "containment",
    "containment_done_on",
    "root_cause_method",
    "root_cause_answers",
    "root_cause",
}
ACTIONS_OPEN_FOR_PLANNING = {S.INVESTIGATING, S.ACTION_PLANNED, S.IN_PROGRESS}


def transition_label(source, target):
    if source == S.CLOSED and target == S.INVESTIGATING:
        return _("Reopen")
    return {
        S.INVESTIGATING: _("Start investigation"),
        S.ACTION_PLANNED: _("Confirm action plan"),
        S.IN_PROGRESS: _("Start actions") if source == S.ACTION_PLANNED else _("Back to actions in progress"),
        S.AWAITING_VERIFICATION: _("Submit for verification"),
        S.CLOSED: _("Close"),
        S.REJECTED: _("Reject (not a nonconformity)"),
    }.get(target, str(Nonconformity.Status(target).label))


def _save(obj, user, reason, m2m=None):
    obj.version += 1
    save_with_history(obj, user=user, reason=reason, m2m=m2m)


def _check_version(locked, version):
    if version is None:
        return
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise InvalidInput() from None
    if expected != locked.version:
        raise ConflictError()


def _lock_nc(nc, version=None):
    locked = Nonconformity.objects.select_for_update().get(pk=nc.pk)
    _check_version(locked, version)
    return locked


def _lock_action(action, version=None):
    locked = CorrectiveAction.objects.select_for_update(of=("self",)).select_related("nonconformity").get(pk=action.pk)
    _check_version(locked, version)
    return locked


def _lock_origin(origin):
    """Lock the record an action answers, so its state cannot change under a planning or a step."""
    return type(origin)._default_manager.select_for_update().get(pk=origin.pk)


def _lock_subject(action):
    """Lock what `action` answers, and keep it on the action (the nonconformity moves along with it)."""
    if action.nonconformity_id:
        action.nonconformity = _lock_nc(action.nonconformity)
        return action.nonconformity
    action.origin = _lock_origin(action.origin)
    return action.origin


def _clean(text):
    return (text or "").strip()


def reference_next(year):
    """The next reference of `year` (NC-2026-0001...)."""
    return records.next_reference(ReferenceCounter, year=year, prefix="NC")


@transaction.atomic
def nonconformity_report(
    *,
    title,
    description,
    source,
    severity,
    unit,
    reported_by,
    documents=(),
    clauses=(),
    owner=None,
    reason="",
    reported_at=None,
    recorded_by=None,
) -> Nonconformity:
    """Raise a nonconformity (ISO 9001 10.2.1): from the site, a complaint, an audit finding, an import.

    `recorded_by`: who entered it, when not the reporter (an import, an officer typing in a paper report);
    the history names them, while `reported_by` stays the person who found the problem.
    """
    if not _clean(title) or not _clean(description):
        raise InvalidInput(_("A nonconformity needs a title and a description."))
    if source not in Nonconformity.Source.values:
        raise InvalidInput(_("Unknown source of the nonconformity."))
    if severity not in Nonconformity.Severity.values:
        raise InvalidInput(_("Unknown severity."))
    if unit is None:
        raise InvalidInput(_("Choose the unit where the nonconformity happened."))
    reported_at = reported_at or timezone.now()
    nc = Nonconformity(
        reference=reference_next(timezone.localtime(reported_at).year),
        title=_clean(title),
        description=_clean(description),
        source=source,
        severity=severity,
        unit=unit,
        reported_by=reported_by,
        reported_at=reported_at,
        owner=owner,
        status=S.REPORTED,
        status_changed_at=reported_at,
    )
    save_with_history(nc, user=recorded_by or reported_by, reason=Event.REPORTED.reason(reason))
    # The M2M history rows carry the same user and reason.
    if documents:
        nc.documents.set(documents)
    if clauses:
        nc.clauses.set(clauses)
    return nc


def edit_blocker(nc):
    if not nc.is_open:
        return _("A closed or rejected nonconformity cannot be edited; reopen it first.")
    return None


def planning_blocker(nc):
    if nc.status not in ACTIONS_OPEN_FOR_PLANNING:
        return _("Actions can be planned only while the nonconformity is investigated or its actions are under way.")
    return None


@transaction.atomic
def nonconformity_update(*, nonconformity, user, version=None, reason="", **changes) -> Nonconformity:
    """Edit the details, containment or root cause analysis; severity and root cause changes need a reason."""
    unknown = set(changes) - EDITABLE_FIELDS - {"documents", "clauses"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    nc = _lock_nc(nonconformity, version)
    if not user.has_perm("nonconformities.manage_nonconformity", nc):
        raise NotPermitted()
    blocker = edit_blocker(nc)
    if blocker:
        raise TransitionNotAllowed(blocker)
    changed = [field for field, value in changes.items() if field in EDITABLE_FIELDS and getattr(nc, field) != value]
    if "source" in changed and changes["source"] not in rules.sources_for(user, current=nc.source):
        raise NotPermitted(_("Only quality officers and auditors record this source."))
    if set(changed) & FIELDS_NEEDING_REASON and not _clean(reason):
        raise InvalidInput(_("Say why the severity or the root cause changes."))
    if "title" in changes and not _clean(changes["title"]):
        raise InvalidInput(_("A nonconformity needs a title and a description."))
    for field in changed:
        setattr(nc, field, changes[field])
    m2m = {name: list(changes[name]) for name in ("documents", "clauses") if name in changes}
    if changed or m2m:
        _save(nc, user, Event.EDITED.reason(reason, fields=", ".join(changed + list(m2m))), m2m=m2m)
    return nc


def allowed_transitions(nc):
    return sorted(TRANSITIONS.get(nc.status, set()), key=list(S.values).index)


def _transition_blocker(nc, target):
    """Why `nc` cannot move to `target` now (a user-readable message), or None."""
    if target not in TRANSITIONS.get(nc.status, set()):
        return _("A nonconformity cannot go from “%(from)s” to “%(to)s”.") % {
            "from": nc.get_status_display(),
            "to": S(target).label,
        }
    actions = list(nc.actions.all())
    if target == S.ACTION_PLANNED:
        if not actions:
            return _("Plan at least one action first.")
        # ISO 9001 10.2.1 b): the causes are determined before acting on them.
        if not _clean(nc.root_cause):
            return _("Record the root cause first.")
    if target == S.IN_PROGRESS and not actions:
        return _("Plan at least one action first.")
    if target == S.AWAITING_VERIFICATION and (not actions or any(a.is_open for a in actions)):
        return _("Every action must be completed before verification.")
    if target == S.CLOSED:
        # ISO 9001 10.2.1 d), e): only when every action is done and found effective.
        if not actions or any(a.status != A.VERIFIED for a in actions):
            return _("It cannot close while any action is open or not verified as effective.")
    return None


def transition_blocker(nc, target):
    """Why the record's state does not allow moving `nc` to `target` now, or None (for the actions selector)."""
    return _transition_blocker(nc, target)


@transaction.atomic
def nonconformity_transition(*, nonconformity, target, user, reason="", version=None) -> Nonconformity:
    """Move a nonconformity along its workflow; refused moves leave it exactly as it was."""
    if target not in S.values:
        raise InvalidInput(_("Unknown status."))
    nc = _lock_nc(nonconformity, version)
    refusal = rules.transition_refusal(user, nc, target)
    if refusal:
        raise NotPermitted(refusal)
    blocker = _transition_blocker(nc, target)
    if blocker:
        raise TransitionNotAllowed(blocker)
    if (nc.status, target) in REASON_REQUIRED and not _clean(reason):
        raise InvalidInput(_("Give a reason for this change."))
    return _apply_transition(nc, target, user, reason)


def _apply_transition(nc, target, user, reason):
    now = timezone.now()
    source = nc.status
    nc.status = target
    nc.status_changed_at = now
    if target == S.CLOSED:
        nc.closed_at, nc.closed_by = now, user
    elif source == S.CLOSED:
        nc.closed_at, nc.closed_by = None, None
    if target == S.REJECTED:
        nc.rejection_reason = _clean(reason)
    _save(nc, user, Event.TRANSITION.reason(_clean(reason), **{"from": S(source).label, "to": S(target).label}))
    return nc


def _follow_actions(nc, user, reason):
    """Move the nonconformity along when its actions move (the owner never has to click twice).

    Another record's actions move nothing else: its app reads their states (origins.py)."""
    if not isinstance(nc, Nonconformity):
        return
    actions = list(nc.actions.all())
    if nc.status == S.ACTION_PLANNED and any(a.status != A.PLANNED for a in actions):
        _apply_transition(nc, S.IN_PROGRESS, user, reason)
    if nc.status == S.IN_PROGRESS and actions and not any(a.is_open for a in actions):
        _apply_transition(nc, S.AWAITING_VERIFICATION, user, reason)
    if nc.status == S.AWAITING_VERIFICATION and any(a.is_open for a in actions):
        _apply_transition(nc, S.IN_PROGRESS, user, reason)


@transaction.atomic
def action_create(
    *, kind, description, owner, due_date, user, nonconformity=None, origin=None, reason=""
) -> CorrectiveAction:
    """Plan an action: of a nonconformity while it is investigated or acted on (ISO 9001 10.2.1 c)), or of
    another record registered in `origins.py` (a risk's treatment 6.1.2, a review decision 9.3.3...)."""
    if isinstance(origin, Nonconformity):
        nonconformity, origin = origin, None
    if (nonconformity is None) == (origin is None):
        raise InvalidInput(_("An action answers one nonconformity or one other record."))
    if nonconformity is not None:
        subject = _lock_nc(nonconformity)
        blocker = planning_blocker(subject)
    else:
        if origins.for_record(origin) is None:
            raise InvalidInput(_("This kind of record cannot have actions."))
        subject = _lock_origin(origin)
        blocker = origins.planning_blocker(subject)
    if not user.has_perm("nonconformities.plan_actions", subject):
        raise NotPermitted()
    if blocker:
        raise TransitionNotAllowed(blocker)
    if kind not in CorrectiveAction.Kind.values:
        raise InvalidInput(_("Unknown kind of action."))
    if not _clean(description) or owner is None or not isinstance(due_date, datetime.date):
        raise InvalidInput(_("An action needs a description, an owner and a due date."))
    action = CorrectiveAction(kind=kind, description=_clean(description), owner=owner, due_date=due_date)
    if nonconformity is not None:
        action.nonconformity = subject
    else:
        action.origin = subject
    save_with_history(action, user=user, reason=Event.ACTION_PLANNED.reason(reason))
    return action


@transaction.atomic
def action_update(*, action, user, version=None, reason="", **changes) -> CorrectiveAction:
    """Change an open action; moving its due date needs a reason."""
    allowed = {"kind", "description", "owner", "due_date"}
    if set(changes) - allowed:
        raise InvalidInput(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(changes)})
    action = _lock_action(action, version)
    if not user.has_perm("nonconformities.plan_actions", action.subject):
        raise NotPermitted()
    blocker = action_blocker(action, "edit")
    if blocker:
        raise TransitionNotAllowed(blocker)
    changed = [field for field, value in changes.items() if getattr(action, field) != value]
    if "due_date" in changed and not _clean(reason):
        raise InvalidInput(_("Say why the due date moves."))
    if "description" in changed and not _clean(changes["description"]):
        raise InvalidInput(_("An action needs a description, an owner and a due date."))
    for field in changed:
        setattr(action, field, changes[field])
    if changed:
        _save(action, user, Event.EDITED.reason(reason, fields=", ".join(changed)))
    return action


def action_blocker(action, step):
    """Why the state of `action` (and of its nonconformity) does not allow `step` now, or None.

    Steps: "start", "complete", "verify", "edit". The services refuse with this message; the
    available-actions selector shows it.
    """
    nc = action.nonconformity if action.nonconformity_id else None
    if step == "start" and action.status != A.PLANNED:
        return _("Only a planned action can be started.")
    if step == "complete" and not action.is_open:
        return _("This action is already completed.")
    if step in ("start", "complete") and nc is not None and nc.status not in (S.ACTION_PLANNED, S.IN_PROGRESS):
        return _("The action plan of this nonconformity is not confirmed yet.")
    if step == "verify" and action.status != A.COMPLETED:
        return _("Only a completed action can be verified.")
    if step == "edit" and not action.is_open:
        return _("A completed action cannot be changed.")
    return None


@transaction.atomic
def action_start(*, action, user, version=None, reason="") -> CorrectiveAction:
    action = _lock_action(action, version)
    if not user.has_perm("nonconformities.work_on_action", action):
        raise NotPermitted()
    subject = _lock_subject(action)
    blocker = action_blocker(action, "start")
    if blocker:
        raise TransitionNotAllowed(blocker)
    action.status, action.status_changed_at = A.IN_PROGRESS, timezone.now()
    _save(action, user, Event.ACTION_STARTED.reason(reason))
    _follow_actions(subject, user, Event.ACTION_STARTED.reason())
    return action


@transaction.atomic
def action_complete(*, action, user, evidence, files=(), version=None, reason="") -> CorrectiveAction:
    """Record that an action is done, with evidence (text and files); it then awaits verification."""
    action = _lock_action(action, version)
    if not user.has_perm("nonconformities.work_on_action", action):
        raise NotPermitted()
    subject = _lock_subject(action)
    blocker = action_blocker(action, "complete")
    if blocker:
        raise TransitionNotAllowed(blocker)
    if not _clean(evidence):
        raise InvalidInput(_("Describe the evidence that the action was done."))
    now = timezone.now()
    action.status, action.status_changed_at = A.COMPLETED, now
    action.evidence = _clean(evidence)
    action.completed_at, action.completed_by = now, user
    _save(action, user, Event.ACTION_COMPLETED.reason(reason))
    for upload in files:
        evidence_attach(action=action, upload=upload, user=user)
    _follow_actions(subject, user, Event.EVERY_ACTION_COMPLETED.reason())
    return action


def evidence_attach(*, action, upload, user) -> EvidenceFile:
    """Attach a file (called inside `action_complete`'s transaction)."""
    record = EvidenceFile(
        action=action,
        file=upload,
        name=getattr(upload, "name", "file")[:255],
        size=getattr(upload, "size", 0) or 0,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=user,
    )
    save_with_history(record, user=user, reason=Event.EVIDENCE_ATTACHED.reason())
    return record


@transaction.atomic
def action_verify(*, action, user, effective, comment="", version=None) -> Verification:
    """Review the effectiveness of a completed action (ISO 9001 10.2.1 d)), never by its own owner."""
    action = _lock_action(action, version)
    if rules.is_action_owner(user, action):
        raise NotPermitted(_("The owner of an action cannot verify its effectiveness; someone else must."))
    if not rules.may_verify(user, action):
        raise NotPermitted()
    blocker = action_blocker(action, "verify")
    if blocker:
        raise TransitionNotAllowed(blocker)
    if not effective and not _clean(comment):
        raise InvalidInput(_("Say why the action was not effective."))
    subject = _lock_subject(action)
    verification = Verification(action=action, verified_by=user, effective=bool(effective), comment=_clean(comment))
    reason = (Event.VERIFIED_EFFECTIVE if effective else Event.VERIFIED_NOT_EFFECTIVE).reason()
    save_with_history(verification, user=user, reason=reason)
    action.status = A.VERIFIED if effective else A.IN_PROGRESS
    action.status_changed_at = timezone.now()
    _save(action, user, reason)
    if not effective:
        _follow_actions(subject, user, Event.ACTION_NOT_EFFECTIVE.reason())
    return verification
