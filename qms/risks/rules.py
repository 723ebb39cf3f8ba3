"""Who may see and do what with risks and opportunities (DESIGN.md section 2; ISO 9001 5.3, 6.1).

The one home of these rules: services, site views, admin views and the available-actions selector ask
`user.has_perm(<name>, record)`. A rule says *who*; *when* (the risk's status) is the services'.

- quality officers and the risk's owner maintain it: assess, decide its treatment, plan its actions,
  review it, link the nonconformities it caused, close it;
- officers identify new risks (the register is theirs to keep);
- approvers and auditors read every risk (leadership weighs them, auditors audit 6.1);
- staff read the risks of their unit and the units below it, on the site.
"""

import rules
from django.db.models import Q

from qms.core.rules import (
    has_a_role,
    in_unit_subtree,
    is_authenticated,
    is_quality_officer,
    reads_everything,
    unit_subtree_ids,
)


def _risk(obj):
    """The risk of a risk or of one of its reviews."""
    if obj is None:
        return None
    return getattr(obj, "risk", obj)


@rules.predicate
def is_owner(user, obj):
    risk = _risk(obj)
    return risk is not None and risk.owner_id == user.pk


of_their_unit = in_unit_subtree(lambda obj: _risk(obj).unit_id)

maintains = is_authenticated & (is_quality_officer | is_owner)

rules.add_perm("risks.read_risk", is_authenticated & (reads_everything | is_owner | (has_a_role & of_their_unit)))
rules.add_perm("risks.identify_risk", is_authenticated & is_quality_officer)
rules.add_perm("risks.maintain_risk", maintains)
rules.add_perm("risks.plan_treatment", maintains)
rules.add_perm("risks.review_risk", maintains)
rules.add_perm("risks.close_risk", maintains)
# The register of every unit, the heat map of the whole organisation and its Excel export.
rules.add_perm("risks.read_register", is_authenticated & reads_everything)


def visibility_filter(user):
    """A Q selecting the risks `user` may read (None: every one): `risks.read_risk` as a query."""
    if reads_everything(user):
        return None
    q = Q(owner=user) if user.is_authenticated else Q(pk__in=[])
    if has_a_role(user) and user.unit_id:
        q |= Q(unit__in=unit_subtree_ids(user))
    return q
