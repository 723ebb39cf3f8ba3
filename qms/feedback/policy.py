"""Who may see and do what with feedback (DESIGN.md section 2; ISO 9001 5.3, 8.2.1; personal data).

Seeing a record: quality officers, approvers and auditors see every unit's feedback; the handler sees
what is assigned to them; staff see the feedback handled by their unit and its sub-units.

Seeing the citizen's name and contact is narrower: quality officers (or anyone given the permission
`feedback.view_contact_feedback`) and the feedback's own handler, who has to reach the citizen. Nobody
else, in no view, export or public page: an approver decides on the answer, not on who asked.

The services ask these questions before changing anything; views ask them to show only the buttons a
person may use. The server always re-checks.
"""

from django.db.models import Q

from qms.core import roles


def is_officer(user):
    return user.is_authenticated and (user.is_superuser or roles.is_quality_officer(user))


def sees_all_units(user):
    return user.is_authenticated and (is_officer(user) or roles.is_approver(user) or roles.is_auditor(user))


def visibility_filter(user):
    """A Q selecting the feedback `user` may see (None: everything)."""
    if sees_all_units(user):
        return None
    q = Q(handler=user)
    if user.unit_id:
        q |= Q(unit__in=user.unit.descendants_and_self())
    return q


def can_view(user, feedback):
    if not user.is_authenticated:
        return False
    if sees_all_units(user) or feedback.handler_id == user.pk:
        return True
    return bool(
        user.unit_id
        and feedback.unit_id
        and feedback.unit_id in set(user.unit.descendants_and_self().values_list("pk", flat=True))
    )


def can_see_contact(user, feedback=None):
    """Name and contact of the citizen: officers, and the handler of this feedback (`feedback` given)."""
    if not user.is_authenticated:
        return False
    if is_officer(user) or user.has_perm("feedback.view_contact_feedback"):
        return True
    return feedback is not None and feedback.handler_id is not None and feedback.handler_id == user.pk


def can_record(user):
    """Record feedback received by phone, letter or at the desk: officers and staff (the one-stop desk)."""
    return user.is_authenticated and bool(is_officer(user) or roles.roles_of(user))


def can_classify(user, feedback):
    return is_officer(user)


def can_assign(user, feedback):
    return is_officer(user)


def can_answer(user, feedback):
    """Draft and submit the answer: the handler, or an officer on their behalf."""
    return user.is_authenticated and (is_officer(user) or feedback.handler_id == user.pk)


def can_approve_answer(user, feedback):
    """An approver (leadership), never the person who wrote the answer (ISO 9001 5.3: nobody approves their own)."""
    if not user.is_authenticated or feedback.answered_by_id == user.pk:
        return False
    return user.is_superuser or roles.is_approver(user)


def can_close(user, feedback):
    return is_officer(user)


def can_reject(user, feedback):
    return is_officer(user)


def can_raise_nonconformity(user, feedback):
    """Officers and the handler, who found the complaint substantiated."""
    return user.is_authenticated and (is_officer(user) or feedback.handler_id == user.pk)


def can_see_attachment(user, feedback):
    """The attachment may carry personal data (a photo of a receipt): those who see the contact."""
    return can_see_contact(user, feedback)
