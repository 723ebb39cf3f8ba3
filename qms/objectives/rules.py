"""Who may see and do what with quality objectives (DESIGN.md section 2; ISO 9001 5.3, 6.2).

The one home of these rules: services, site views, admin views and the available-actions selector ask
`user.has_perm(<name>, record)`. A rule says *who*; *when* (the objective's status) is the services'.

- officers and the objective's owner maintain it (its indicators too);
- approvers (top management, 6.2: objectives are set by it) approve, never an objective they drafted;
- an indicator's reporter, its objective's owner and the officers record measurements;
- auditors and approvers read everything; staff read the organisation's objectives and their unit's.
"""

import rules
from django.db.models import Q

from qms.core.rules import (
    has_a_role,
    in_unit_subtree,
    is_approver,
    is_authenticated,
    is_quality_officer,
    reads_everything,
    unit_subtree_ids,
)


def _objective(obj):
    """The objective of an objective, an indicator or a measurement."""
    if obj is None:
        return None
    if hasattr(obj, "indicator"):
        return obj.indicator.objective
    return getattr(obj, "objective", obj)


@rules.predicate
def is_owner(user, obj):
    objective = _objective(obj)
    return objective is not None and objective.owner_id == user.pk


@rules.predicate
def drafted_it(user, obj):
    """Separation of duties (ISO 9001 5.3): nobody approves the objective they drafted.

    Tested by itself too, since Django grants a superuser every permission before asking the rules.
    """
    objective = _objective(obj)
    return objective is not None and objective.drafted_by_id == user.pk


@rules.predicate
def is_reporter(user, obj):
    if obj is None:
        return False
    indicator = obj.indicator if hasattr(obj, "indicator") else obj
    return getattr(indicator, "reporter_id", None) == user.pk


@rules.predicate
def reports_for_objective(user, obj):
    """The reporter of one of the objective's indicators (reads the objective they measure)."""
    objective = _objective(obj)
    if objective is None:
        return False
    return any(indicator.reporter_id == user.pk for indicator in objective.indicators.all())


@rules.predicate
def concerns_everyone(user, obj):
    objective = _objective(obj)
    return objective is not None and objective.unit_id is None


of_their_unit = in_unit_subtree(lambda obj: _objective(obj).unit_id)

maintains = is_authenticated & (is_quality_officer | is_owner)

rules.add_perm(
    "objectives.read_objective",
    is_authenticated
    & (reads_everything | is_owner | (has_a_role & (concerns_everyone | of_their_unit)) | reports_for_objective),
)
rules.add_perm("objectives.draft_objective", is_authenticated & is_quality_officer)
rules.add_perm("objectives.maintain_objective", maintains)
rules.add_perm("objectives.approve_objective", is_authenticated & is_approver & ~drafted_it)
rules.add_perm("objectives.close_objective", maintains)
rules.add_perm("objectives.record_measurement", is_authenticated & (is_quality_officer | is_owner | is_reporter))
rules.add_perm("objectives.raise_nonconformity", is_authenticated & (is_quality_officer | is_owner | is_reporter))
# The organisation-wide table and the Excel register: the readers of every record.
rules.add_perm("objectives.read_register", is_authenticated & reads_everything)


def may_approve(user, objective):
    """The approval rule with separation of duties even for an administrator (whom has_perm always lets by)."""
    return user.has_perm("objectives.approve_objective", objective) and not drafted_it(user, objective)


def visibility_filter(user):
    """A Q selecting the objectives `user` may read (None: every one): `objectives.read_objective` as a query."""
    if reads_everything(user):
        return None
    q = Q(owner=user) | Q(indicators__reporter=user)
    if has_a_role(user):
        q |= Q(unit__isnull=True)
        if user.unit_id:
            q |= Q(unit__in=unit_subtree_ids(user))
    return q
