"""Who may see and do what with nonconformities and actions (DESIGN.md section 2; ISO 9001 5.3, 10.2).

Per role and per object. Seeing: quality officers, approvers and auditors see
every unit's nonconformities, and so does anyone given the permission
`nonconformities.view_all_units_nonconformity` (in the admin, on a person or a
group). Everyone else sees those of their own unit and its sub-units, those they
reported or own, and those where they own an action.

The services ask these questions before changing anything; views ask them to
show only the buttons a person may use. The server always re-checks.
"""

from django.db.models import Q

from qms.core import roles

from .models import CorrectiveAction, Nonconformity

S = Nonconformity.Status
A = CorrectiveAction.Status


def sees_all_units(user):
    return user.is_authenticated and (
        user.is_superuser
        or roles.is_quality_officer(user)
        or roles.is_approver(user)
        or roles.is_auditor(user)
        or user.has_perm("nonconformities.view_all_units_nonconformity")
    )


def visibility_filter(user):
    """A Q object selecting the nonconformities `user` may see (None: everything)."""
    if sees_all_units(user):
        return None
    q = Q(reported_by=user) | Q(owner=user) | Q(actions__owner=user)
    if user.unit_id:
        q |= Q(unit__in=user.unit.descendants_and_self())
    return q


def can_view(user, nc):
    if not user.is_authenticated:
        return False
    if sees_all_units(user):
        return True
    if user.pk in (nc.reported_by_id, nc.owner_id):
        return True
    if user.unit_id and nc.unit_id in set(user.unit.descendants_and_self().values_list("pk", flat=True)):
        return True
    return nc.actions.filter(owner=user).exists()


def can_report(user):
    return user.is_authenticated and (roles.roles_of(user) or user.is_superuser)


def manages(user, nc):
    """Quality officers, and the owner of the nonconformity, run its investigation and actions."""
    return user.is_authenticated and (user.is_superuser or roles.is_quality_officer(user) or nc.owner_id == user.pk)


def can_edit(user, nc):
    return manages(user, nc) and nc.is_open


def can_transition(user, nc, target):
    """May `user` move `nc` to `target` (ignoring the record's state, which the service checks)?"""
    if not user.is_authenticated:
        return False
    officer = user.is_superuser or roles.is_quality_officer(user)
    if target == S.CLOSED:
        # ISO 9001 10.2: closing a major nonconformity needs leadership (an approver).
        if nc.severity == Nonconformity.Severity.MAJOR:
            return user.is_superuser or roles.is_approver(user)
        return officer or roles.is_approver(user)
    if target == S.REJECTED or (nc.status == S.CLOSED and target == S.INVESTIGATING):
        return officer
    return manages(user, nc)


def can_manage_actions(user, nc):
    return manages(user, nc)


def can_work_on_action(user, action):
    """Start it and record its completion: its owner, or a quality officer on the owner's behalf."""
    return user.is_authenticated and (action.owner_id == user.pk or user.is_superuser or roles.is_quality_officer(user))


def can_verify(user, action):
    """ISO 9001 10.2.1 d): effectiveness is reviewed by someone other than the action's owner."""
    if not user.is_authenticated or action.owner_id == user.pk:
        return False
    return (
        user.is_superuser
        or roles.is_quality_officer(user)
        or roles.is_approver(user)
        or roles.is_auditor(user)
        or action.nonconformity.owner_id == user.pk
    )
