"""Who may see and do what with management reviews (DESIGN.md section 2; ISO 9001 5.3, 9.3).

Quality officers plan reviews, prepare the pack, write the minutes and record decisions; the chair (an
approver) approves the minutes, never the person who wrote them (separation of duties); officers, approvers
and auditors read every review; anyone else reads a review only when they chair or attend it (the minutes
are communicated to those who took part, ISO 9001 7.4, 9.3.3). Downloading the minutes is reading them.
Names follow docs/roles.md.
"""

import rules

from qms.core.rules import is_approver, is_auditor, is_authenticated, is_quality_officer


@rules.predicate
def is_attendee(user, review):
    return review is not None and user.is_authenticated and review.attendees.filter(pk=user.pk).exists()


@rules.predicate
def is_chair(user, review):
    return review is not None and user.is_authenticated and review.chair_id == user.pk


@rules.predicate
def wrote_minutes(user, review):
    """Separation of duties (ISO 9001 5.3): the secretary who wrote the minutes does not approve them.

    Tested by itself too, since Django grants a superuser every permission before asking the rules.
    """
    return review is not None and user.pk in (review.minutes_written_by_id, review.officer_id)


reads_every_review = is_authenticated & (is_quality_officer | is_approver | is_auditor)

rules.add_perm("management_review.read_every_review", reads_every_review)
rules.add_perm("management_review.read_review", reads_every_review | (is_authenticated & (is_chair | is_attendee)))
rules.add_perm("management_review.manage_review", is_authenticated & is_quality_officer)


@rules.predicate
def reads_the_decisions_review(user, decision):
    return decision is not None and user.has_perm("management_review.read_review", decision.review)


# A decision's actions (ISO 9001 9.3.3) are seen by whoever may read its review, and planned by the officers
# who keep the review; their owners work on them and someone else verifies them (qms.nonconformities.rules).
rules.add_perm("management_review.read_decision", is_authenticated & reads_the_decisions_review)
rules.add_perm("management_review.plan_decision_actions", is_authenticated & is_quality_officer)
rules.add_perm("management_review.approve_minutes", is_authenticated & is_approver & is_chair & ~wrote_minutes)
rules.add_perm("management_review.read_report", is_authenticated & (is_quality_officer | is_approver | is_auditor))
rules.add_perm("management_review.manage_report", is_authenticated & is_quality_officer)


def may_approve_minutes(user, review):
    """The approval rule with separation of duties even for an administrator (whom has_perm always lets by)."""
    return (
        user.has_perm("management_review.approve_minutes", review)
        and is_chair(user, review)
        and not wrote_minutes(user, review)
    )
