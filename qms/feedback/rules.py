"""Who may see and do what with feedback (DESIGN.md section 2; ISO 9001 5.3, 8.2.1; personal data).

The one home of these rules: services, site views, admin views and the available-actions selector ask
`user.has_perm(<name>, feedback)`. Names follow docs/roles.md (`feedback.<verb>_<object>`, never a
model permission's add/change/delete/view). A rule says *who*; *when* (the record's state) is the
services' and the selector's.

Seeing a record: quality officers, approvers and auditors see every unit's feedback; the handler sees
what is assigned to them; staff see the feedback handled by their unit and its sub-units.

Seeing the citizen's name and contact is narrower: quality officers (or anyone given the model
permission `feedback.view_contact_feedback`) and the feedback's own handler, who has to reach the
citizen. Nobody else, in no view, export or public page: an approver decides on the answer, not on
who asked.
"""

import rules
from django.db.models import Q

from qms.core.rules import has_a_role, in_unit_subtree, is_approver, is_authenticated, is_quality_officer
from qms.core.rules import reads_everything as sees_all_units


@rules.predicate
def is_handler(user, feedback):
    return feedback is not None and feedback.handler_id is not None and feedback.handler_id == user.pk


@rules.predicate
def wrote_answer(user, feedback):
    """Separation of duties (ISO 9001 5.3): nobody approves the answer they wrote.

    Tested by itself too, since Django grants a superuser every permission before asking the rules.
    """
    return feedback is not None and feedback.answered_by_id is not None and feedback.answered_by_id == user.pk


@rules.predicate
def has_contact_permission(user):
    return user.is_authenticated and user.has_perm("feedback.view_contact_feedback")


unit_of_feedback = in_unit_subtree(lambda feedback: feedback.unit_id)
sees_contact = is_authenticated & (is_quality_officer | has_contact_permission | is_handler)

rules.add_perm("feedback.read_feedback", is_authenticated & (sees_all_units | is_handler | unit_of_feedback))
# The citizen's name and contact; the attachment may carry them too (a photo of a receipt).
rules.add_perm("feedback.see_contact", sees_contact)
rules.add_perm("feedback.see_attachment", sees_contact)
# Feedback received by phone, letter or at the one-stop desk: officers and staff record it.
rules.add_perm("feedback.record_feedback", has_a_role)
rules.add_perm("feedback.manage_feedback", is_quality_officer)
rules.add_perm("feedback.classify_feedback", is_quality_officer)
rules.add_perm("feedback.assign_feedback", is_quality_officer)
rules.add_perm("feedback.close_feedback", is_quality_officer)
rules.add_perm("feedback.reject_feedback", is_quality_officer)
# The handler drafts the answer, or an officer on their behalf.
rules.add_perm("feedback.answer_feedback", is_authenticated & (is_quality_officer | is_handler))
rules.add_perm("feedback.approve_answer", is_authenticated & is_approver & ~wrote_answer)
# The officers and the handler, who found the complaint substantiated (ISO 9001 10.2).
rules.add_perm("feedback.raise_nonconformity", is_authenticated & (is_quality_officer | is_handler))


def may_approve_answer(user, feedback):
    """The approval rule with separation of duties even for an administrator (whom has_perm always lets by)."""
    return user.has_perm("feedback.approve_answer", feedback) and not wrote_answer(user, feedback)


def visibility_filter(user):
    """A Q selecting the feedback `user` may see (None: everything): `feedback.read_feedback` as a query."""
    if sees_all_units(user):
        return None
    q = Q(handler=user)
    if user.unit_id:
        q |= Q(unit__in=user.unit.descendants_and_self())
    return q
