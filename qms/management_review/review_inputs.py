"""Status of actions from previous management reviews (ISO 9001 9.3.2 a)), registered like every other input.

Read from the corrective actions the earlier reviews' decisions became (9.3.3, the one action machinery):
each action's owner, due date and status as the pack is prepared, and whether it is overdue then. A decision
without an action (a conclusion on resources, say) is listed as such; one that raised a nonconformity names it.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.review_inputs import ReviewInput
from qms.nonconformities.models import CorrectiveAction

from .models import ManagementReview, ReviewDecision
from .selectors import actions_by_decision

A = CorrectiveAction.Status


def previous_decisions(start, end):
    """Decisions of reviews approved before this period ended (the earlier reviews' outputs)."""
    return ReviewDecision.objects.filter(
        review__status=ManagementReview.Status.APPROVED, review__meeting_date__lt=end
    ).select_related("review", "owner", "nonconformity")


def _name(user):
    return (user.get_full_name() or user.username) if user else "–"


def gather(start, end):
    decisions = list(previous_decisions(start, end).order_by("review__meeting_date", "number", "pk"))
    actions = actions_by_decision(decisions)
    today = timezone.localdate()
    rows, all_actions = [], []
    for d in decisions:
        follow_up = f"{d.nonconformity.reference} ({d.nonconformity.get_status_display()})" if d.nonconformity else ""
        head = [d.reference, d.review.title, d.get_kind_display(), d.text[:200]]
        if not actions[d.pk]:
            rows.append([*head, "–", "–", _("No action"), "", follow_up])
        for action in actions[d.pk]:
            all_actions.append(action)
            overdue = action.is_open and action.due_date < today
            rows.append(
                [
                    *head,
                    _name(action.owner),
                    action.due_date.strftime("%d/%m/%Y"),
                    action.get_status_display(),
                    _("Yes") if overdue else "",
                    follow_up,
                ]
            )
    counts = {status: sum(1 for a in all_actions if a.status == status) for status in A.values}
    overdue = sum(1 for a in all_actions if a.is_open and a.due_date < today)
    return {
        "figures": [
            {
                "key": "decisions_of_previous_reviews",
                "label": _("Decisions of previous reviews"),
                "value": len(decisions),
            },
            {"key": "actions_of_previous_reviews", "label": _("Their actions"), "value": len(all_actions)},
            {
                "key": "actions_open",
                "label": _("Actions still open"),
                "value": counts[A.PLANNED] + counts[A.IN_PROGRESS],
            },
            {"key": "actions_overdue", "label": _("Actions overdue"), "value": overdue},
            {
                "key": "actions_awaiting_verification",
                "label": _("Completed, awaiting verification"),
                "value": counts[A.COMPLETED],
            },
            {"key": "actions_verified", "label": _("Verified effective"), "value": counts[A.VERIFIED]},
        ],
        "tables": [
            {
                "title": _("Actions from previous reviews"),
                "columns": [
                    _("Reference"),
                    _("Review"),
                    _("Kind"),
                    _("Decision"),
                    _("Owner"),
                    _("Due date"),
                    _("Status"),
                    _("Overdue"),
                    _("Nonconformity"),
                ],
                "rows": rows,
            }
        ],
        "charts": [
            {
                "title": _("Actions from previous reviews by status"),
                "bars": [{"label": str(label), "value": counts[value]} for value, label in A.choices],
            }
        ]
        if all_actions
        else [],
        "links": [
            {"label": f"{a.subject_reference}: {a.description[:60]}", "url": a.get_absolute_url()} for a in all_actions
        ]
        + [
            {"label": d.review.title, "url": d.review.get_absolute_url()}
            for d in {d.review_id: d for d in decisions}.values()
        ],
    }


INPUTS = [
    ReviewInput("a", "previous_reviews", gettext_lazy("Actions from previous management reviews"), gather, order=10)
]
