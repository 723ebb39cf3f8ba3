"""Who may see and do what with nonconformities and actions (DESIGN.md section 2; ISO 9001 5.3, 10.2).

The one home of these rules: services, site views, admin views, templates and the
available-actions selectors all ask `user.has_perm(<name>, record)`. Names follow
docs/roles.md (`nonconformities.<verb>_<object>`, never a model permission's add/change/delete/view).

A rule says *who* (roles, and the person's part in the record); *when* (the record's state) is
the services' blockers, which the available-actions selectors show beside the rule: Django grants
an administrator every permission, whatever the state.

Seeing: quality officers, approvers and auditors see every unit's nonconformities, and so does
anyone given the model permission `nonconformities.view_all_units_nonconformity` (in the admin,
on a person or a group). Everyone else sees those of their own unit and its sub-units, those
they reported or own, and those where they own an action.
"""

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.rules import (
    has_a_role,
    in_unit_subtree,
    is_approver,
    is_auditor,
    is_authenticated,
    is_quality_officer,
    reads_everything,
)

from . import origins
from .models import Nonconformity

S = Nonconformity.Status
NOT_PERMITTED = gettext_lazy("You are not allowed to do this.")

# The sources anyone may report from; the others (audit, review, supplier...) are the officers'
# and auditors' to record (`nonconformities.report_from_any_source`).
STAFF_SOURCES = (Nonconformity.Source.STAFF_REPORT, Nonconformity.Source.COMPLAINT)


@rules.predicate
def has_view_all_units(user):
    return user.is_authenticated and user.has_perm("nonconformities.view_all_units_nonconformity")


sees_all_units = reads_everything | has_view_all_units


@rules.predicate
def is_reporter_or_owner(user, nc):
    return nc is not None and user.pk in (nc.reported_by_id, nc.owner_id)


@rules.predicate
def is_nc_owner(user, nc):
    return nc is not None and user.is_authenticated and nc.owner_id == user.pk


@rules.predicate
def owns_an_action(user, nc):
    return nc is not None and nc.actions.filter(owner=user).exists()


@rules.predicate
def is_major(user, nc):
    return nc is not None and nc.severity == Nonconformity.Severity.MAJOR


@rules.predicate
def is_action_owner(user, action):
    """Separation of duties (ISO 9001 10.2.1 d): the owner of an action never reviews its effectiveness.

    Tested by itself too, since Django grants a superuser every permission before asking the rules.
    """
    return action is not None and user.is_authenticated and action.owner_id == user.pk


@rules.predicate
def owns_the_actions_subject(user, action):
    """The owner of what the action answers (a nonconformity, a risk...) reviews its effectiveness."""
    return action is not None and getattr(action.subject, "owner_id", None) == user.pk


unit_of_nc = in_unit_subtree(lambda nc: nc.unit_id)

# Quality officers, and the owner of the nonconformity, run its investigation and actions.
manages = is_authenticated & (is_quality_officer | is_nc_owner)

rules.add_perm("nonconformities.see_all_units", is_authenticated & sees_all_units)
rules.add_perm(
    "nonconformities.read_nonconformity",
    is_authenticated & (sees_all_units | is_reporter_or_owner | unit_of_nc | owns_an_action),
)
rules.add_perm("nonconformities.report_nonconformity", has_a_role)
# The quality dashboard of the admin's home page (ISO 9001 9.1.3): the officers'.
rules.add_perm("nonconformities.see_dashboard", is_quality_officer)
rules.add_perm("nonconformities.report_from_any_source", is_quality_officer | is_auditor)
rules.add_perm("nonconformities.manage_nonconformity", manages)


@rules.predicate
def plans_for_subject(user, subject):
    """A nonconformity's actions are its managers'; another record's, whom its app's rule names (origins.py)."""
    if subject is None or isinstance(subject, Nonconformity):
        return manages.test(user, subject)
    origin = origins.for_record(subject)
    return origin is not None and user.has_perm(origin.plan_permission, subject)


@rules.predicate
def reads_the_actions_subject(user, action):
    if action is None:
        return False
    if action.nonconformity_id:
        return user.has_perm("nonconformities.read_nonconformity", action.nonconformity)
    origin = origins.for_record(action.subject)
    return origin is not None and user.has_perm(origin.read_permission, action.subject)


rules.add_perm("nonconformities.plan_actions", is_authenticated & plans_for_subject)
# An action is seen by its owner and by whoever may see what it answers (its evidence likewise).
rules.add_perm("nonconformities.read_action", is_authenticated & (is_action_owner | reads_the_actions_subject))
# Status changes: one permission per kind of move (transition_permission picks it).
# ISO 9001 10.2: closing a major nonconformity needs leadership (an approver).
rules.add_perm(
    "nonconformities.close_nonconformity",
    is_authenticated & ((is_major & is_approver) | (~is_major & (is_quality_officer | is_approver))),
)
rules.add_perm("nonconformities.reject_nonconformity", is_quality_officer)
rules.add_perm("nonconformities.reopen_nonconformity", is_quality_officer)
rules.add_perm("nonconformities.move_nonconformity", manages)
# Start an action and record its completion: its owner, or a quality officer on the owner's behalf.
rules.add_perm("nonconformities.work_on_action", is_authenticated & (is_action_owner | is_quality_officer))
rules.add_perm(
    "nonconformities.verify_action",
    is_authenticated & ~is_action_owner & (reads_everything | owns_the_actions_subject),
)


def transition_permission(nc, target):
    """The permission that moving `nc` to `target` needs (ignoring the record's state, which the service checks)."""
    if target == S.CLOSED:
        return "nonconformities.close_nonconformity"
    if target == S.REJECTED:
        return "nonconformities.reject_nonconformity"
    if nc.status == S.CLOSED and target == S.INVESTIGATING:
        return "nonconformities.reopen_nonconformity"
    return "nonconformities.move_nonconformity"


def may_transition(user, nc, target):
    return user.has_perm(transition_permission(nc, target), nc)


def transition_refusal(user, nc, target):
    """Why `user` may not move `nc` to `target` (a message for the person), or None."""
    if may_transition(user, nc, target):
        return None
    if target == S.CLOSED and nc.severity == Nonconformity.Severity.MAJOR:
        return _("Closing a major nonconformity needs an approver.")
    return str(NOT_PERMITTED)


def sources_for(user, current=None):
    """The sources `user` may record (`current`, the one already recorded, stays choosable)."""
    if user.has_perm("nonconformities.report_from_any_source"):
        return tuple(Nonconformity.Source.values)
    return tuple(value for value in Nonconformity.Source.values if value in STAFF_SOURCES or value == current)


def may_verify(user, action):
    """`verify_action`, and separation of duties even for an administrator."""
    return not is_action_owner(user, action) and user.has_perm("nonconformities.verify_action", action)
