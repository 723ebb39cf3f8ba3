"""The role predicates of the product, defined once (DESIGN.md section 2; ISO 9001 5.3).

django-rules (`rules`) predicates. Each app declares its own permissions in its `rules.py` from
these, and everything (views, templates, Wagtail permission policies, services) asks
`user.has_perm(name, obj)`; `rules.permissions.ObjectPermissionBackend` answers. Group
memberships are read once per user object (`User.in_group` caches them), so asking on every row
of a list adds no query.

Naming (docs/roles.md): a rule is `<app label>.<verb>_<object>` with a verb Django's model
permissions never use (not add/change/delete/view), so a rule never shadows a model permission
that the Wagtail admin grants to groups, nor the other way round.

Django answers `has_perm` with True for an active superuser before any backend runs. A rule that
must hold even for an administrator, separation of duties ("nobody approves their own work",
ISO 9001 5.3, 10.2.1 d), is therefore also a predicate of its own that the services and the
available-actions selectors test by itself.
"""

from dataclasses import dataclass

import rules

from . import roles


@rules.predicate
def is_authenticated(user):
    return bool(user and user.is_authenticated)


@rules.predicate
def is_superuser(user):
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_quality_officer(user):
    """A quality officer, or an administrator (`in_group` counts a superuser in every role)."""
    return bool(user and roles.is_quality_officer(user))


@rules.predicate
def is_approver(user):
    return bool(user and roles.is_approver(user))


@rules.predicate
def is_auditor(user):
    return bool(user and roles.is_auditor(user))


@rules.predicate
def is_staff_member(user):
    return bool(user and user.is_authenticated and user.in_group(roles.STAFF))


@rules.predicate
def has_a_role(user):
    """Holds any of the four roles (an account with none is not yet set up)."""
    return bool(user and user.is_authenticated and (user.is_superuser or roles.roles_of(user)))


def in_unit_subtree(unit_of):
    """A predicate: the record's unit (`unit_of(obj)`, a unit id) is the person's unit or below it."""

    @rules.predicate(name=f"in_unit_subtree({getattr(unit_of, '__name__', 'unit')})")
    def predicate(user, obj):
        if obj is None or not user.is_authenticated or not user.unit_id:
            return False
        return unit_of(obj) in unit_subtree_ids(user)

    return predicate


def unit_subtree_ids(user):
    """Ids of the person's unit and the units below it, read once per user object and unit."""
    cached = getattr(user, "_unit_subtree_ids", None)
    if cached is None or cached[0] != user.unit_id:
        ids = frozenset(user.unit.descendants_and_self().values_list("pk", flat=True)) if user.unit_id else frozenset()
        cached = user._unit_subtree_ids = (user.unit_id, ids)
    return cached[1]


# The readers of every record: officers, leadership and auditors (auditors read everything, 9.2).
reads_everything = is_quality_officer | is_approver | is_auditor


@dataclass(frozen=True)
class AvailableAction:
    """One thing a person might do to a record, as both UIs show it (each lifecycle's selector builds these).

    `allowed`: the service would accept it now; `why_not`: the service's own refusal message otherwise.
    `permitted`: the person's rights allow it (only the record's state may still stand in the way).
    `target`: the status a transition leads to (None for other actions).
    """

    action: str
    label: str
    allowed: bool
    why_not: str = ""
    target: str | None = None
    permitted: bool = True


def available(action, label, *, refusal=None, blocker=None, target=None):
    """An AvailableAction refused by the person's rights (`refusal`) first, else by the record's state."""
    why_not = refusal or blocker or ""
    return AvailableAction(
        action=action,
        label=str(label),
        allowed=not why_not,
        why_not=str(why_not),
        target=target,
        permitted=not refusal,
    )
