"""Reads of the management review (ISO 9001 9.3) that the site and the admin share.

`review_actions` is what a person may do next to a review, each allowed or with the service's own refusal:
both UIs render it, neither restates a rule (docs/roles.md, "Available actions").
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.core.records import NotPermitted
from qms.core.rules import available
from qms.nonconformities.models import CorrectiveAction

from . import services
from .models import ManagementReview, ReviewDecision
from .rules import may_approve_minutes, wrote_minutes


def reviews_for(user):
    """The reviews `user` may read: every one for officers, approvers and auditors; else those they chair or
    attended (the same rule as `management_review.read_review`, asked once for the list)."""
    reviews = ManagementReview.objects.select_related("chair")
    if user.has_perm("management_review.read_every_review"):
        return reviews
    if not user.is_authenticated:
        return reviews.none()
    return reviews.filter(Q(chair=user) | Q(attendees=user)).distinct()


def actions_by_decision(decisions):
    """{decision id: [its corrective actions, in due order]} for `decisions`, in one query (ISO 9001 9.3.3)."""
    ids = [d.pk for d in decisions]
    found = {pk: [] for pk in ids}
    actions = CorrectiveAction.objects.filter(
        origin_type=ContentType.objects.get_for_model(ReviewDecision), origin_id__in=ids
    ).select_related("owner")
    for action in actions.order_by("due_date", "pk"):
        found[action.origin_id].append(action)
    return found


def decisions_with_actions(review):
    """The review's decisions, each with `.actions` (its corrective actions) for the pages."""
    decisions = list(review.decisions.select_related("owner", "nonconformity", "document"))
    found = actions_by_decision(decisions)
    for decision in decisions:
        decision.actions = found[decision.pk]
    return decisions


def review_actions(*, user, review):
    """What `user` might do to `review` now: prepare the pack, record the minutes or a decision, approve."""

    def refusal(allowed):
        return None if allowed else NotPermitted.default_message

    manages = user.has_perm("management_review.manage_review", review)
    if wrote_minutes(user, review) and user.pk == review.chair_id:
        # Separation of duties (ISO 9001 5.3), for an administrator too.
        approve_refusal = _("Only the chair, who did not write the minutes, approves them.")
    else:
        approve_refusal = refusal(may_approve_minutes(user, review))
    return [
        available(
            "prepare",
            _("Prepare the pack"),
            refusal=refusal(manages),
            blocker=services.review_blocker(review, "prepare"),
        ),
        available(
            "decision",
            _("Record the decision"),
            refusal=refusal(manages),
            blocker=services.review_blocker(review, "decision"),
        ),
        available(
            "minutes",
            _("Record the minutes"),
            refusal=refusal(manages),
            blocker=services.review_blocker(review, "minutes"),
        ),
        available(
            "approve",
            _("Approve the minutes"),
            refusal=approve_refusal,
            blocker=services.review_blocker(review, "approve"),
        ),
    ]


def allowed_actions(*, user, review):
    """{action: AvailableAction} of the actions `user` may take now, for templates."""
    return {a.action: a for a in review_actions(user=user, review=review) if a.allowed}
