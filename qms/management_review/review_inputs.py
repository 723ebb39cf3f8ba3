"""Status of actions from previous management reviews (ISO 9001 9.3.2 a)), registered like every other input."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.review_inputs import ReviewInput

from .models import ManagementReview, ReviewDecision


def previous_decisions(start, end):
    """Decisions of reviews approved before this period ended (the earlier reviews' outputs)."""
    return ReviewDecision.objects.filter(
        review__status=ManagementReview.Status.APPROVED, review__meeting_date__lt=end
    ).select_related("review", "owner", "nonconformity")


def gather(start, end):
    decisions = list(previous_decisions(start, end).order_by("review__meeting_date", "pk"))
    rows = []
    for d in decisions:
        follow_up = f"{d.nonconformity.reference} ({d.nonconformity.get_status_display()})" if d.nonconformity else "–"
        due = d.due_date.strftime("%d/%m/%Y") if d.due_date else "–"
        owner = d.owner.get_full_name() or d.owner.username if d.owner else "–"
        rows.append([d.review.title, d.get_kind_display(), d.text[:200], owner, due, follow_up])
    return {
        "figures": [
            {"key": "decisions_of_previous_reviews", "label": _("Decisions of previous reviews"), "value": len(rows)}
        ],
        "tables": [
            {
                "title": _("Decisions of previous reviews"),
                "columns": [_("Review"), _("Kind"), _("Decision"), _("Owner"), _("Due date"), _("Follow-up")],
                "rows": rows,
            }
        ],
        "links": [{"label": d.review.title, "url": d.review.get_absolute_url()} for d in decisions],
    }


INPUTS = [
    ReviewInput("a", "previous_reviews", gettext_lazy("Actions from previous management reviews"), gather, order=10)
]
