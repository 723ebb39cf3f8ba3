"""Reads reused by the site, the admin, the reminders and the figures (ISO 9001 9.1.2, 9.1.3)."""

import datetime

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import rules
from .models import Feedback, SurveyResponse

S = Feedback.Status


def feedback_visible_to(user):
    qs = Feedback.objects.select_related("unit", "handler", "page", "nonconformity")
    if not user.is_authenticated:
        return qs.none()
    q = rules.visibility_filter(user)
    return qs if q is None else qs.filter(q).distinct()


def feedback_of_handler(user):
    return (
        Feedback.objects.filter(handler=user, status__in=Feedback.OPEN_STATUSES)
        .select_related("unit", "page")
        .order_by("due_date", "pk")
    )


def awaiting_approval():
    return Feedback.objects.filter(status=S.AWAITING_APPROVAL).select_related("unit", "handler").order_by("due_date")


def overdue(today=None):
    today = today or timezone.localdate()
    return Feedback.objects.filter(status__in=Feedback.UNANSWERED_STATUSES, due_date__lt=today)


def _normalise_phone(value):
    return "".join(ch for ch in value if ch.isdigit())


def public_status(reference, contact):
    """The feedback a citizen asks about by its reference and the contact they gave, or None.

    Both must match (an e-mail case-insensitively, a phone by its digits), so a reference alone, which
    is guessable, shows nothing. Feedback sent without a contact cannot be looked up.
    """
    reference, contact = (reference or "").strip().upper(), (contact or "").strip()
    if not reference or not contact:
        return None
    feedback = Feedback.objects.filter(reference=reference, contact_erased_at__isnull=True).first()
    if feedback is None:
        return None
    if feedback.email and feedback.email.lower() == contact.lower():
        return feedback
    digits = _normalise_phone(contact)
    if feedback.phone and digits and _normalise_phone(feedback.phone) == digits:
        return feedback
    return None


def public_status_label(feedback):
    """What the citizen is told: received, being handled, answered, closed or rejected (never the internal steps)."""
    from django.utils.translation import gettext as _

    if feedback.status in (S.RECEIVED, S.CLASSIFIED):
        return _("Received")
    if feedback.status in (S.ASSIGNED, S.AWAITING_APPROVAL):
        return _("Being handled")
    return feedback.get_status_display()


# --- satisfaction figures ----------------------------------------------------------------------------


def survey_responses(*, page=None, unit=None, start=None, end=None):
    """Responses about a procedure (page), a unit, in [start, end] (local dates, inclusive)."""
    qs = SurveyResponse.objects.all()
    if page is not None:
        qs = qs.filter(page=page)
    if unit is not None:
        qs = qs.filter(unit__in=unit.descendants_and_self())
    if start is not None:
        qs = qs.filter(responded_at__gte=_start_of(start))
    if end is not None:
        qs = qs.filter(responded_at__lt=_start_of(end + datetime.timedelta(days=1)))
    return qs


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def satisfaction_figures(responses):
    """{count, mean, satisfied, share_satisfied (0-100 or None)} of a queryset of responses, in one query."""
    figures = responses.aggregate(
        count=Count("pk"),
        mean=Avg("rating"),
        satisfied=Count("pk", filter=Q(rating__gte=SurveyResponse.SATISFIED_FROM)),
    )
    count = figures["count"]
    figures["mean"] = round(figures["mean"], 2) if figures["mean"] is not None else None
    figures["share_satisfied"] = round(100 * figures["satisfied"] / count, 1) if count else None
    return figures


def satisfaction_trend(responses):
    """[(first day of month, count, mean, share satisfied)] per month, in one query."""
    rows = (
        responses.annotate(month=TruncMonth("responded_at"))
        .values("month")
        .annotate(
            count=Count("pk"),
            mean=Avg("rating"),
            satisfied=Count("pk", filter=Q(rating__gte=SurveyResponse.SATISFIED_FROM)),
        )
        .order_by("month")
    )
    trend = []
    for row in rows:
        month = row["month"]
        month = timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month
        trend.append(
            {
                "month": month.replace(day=1),
                "count": row["count"],
                "mean": round(row["mean"], 2),
                "share_satisfied": round(100 * row["satisfied"] / row["count"], 1),
            }
        )
    return trend


def satisfaction_by(responses, field):
    """Figures grouped by "page" or "unit": [(label, figures)], most responses first."""
    label_field = {"page": "page__title", "unit": "unit__code"}[field]
    rows = (
        responses.values(field, label_field)
        .annotate(
            count=Count("pk"),
            mean=Avg("rating"),
            satisfied=Count("pk", filter=Q(rating__gte=SurveyResponse.SATISFIED_FROM)),
        )
        .order_by("-count", label_field)
    )
    return [
        {
            "id": row[field],
            "label": row[label_field] or "—",
            "count": row["count"],
            "mean": round(row["mean"], 2),
            "share_satisfied": round(100 * row["satisfied"] / row["count"], 1),
        }
        for row in rows
    ]


def citizen_satisfaction_share(*, start, end, page=None, unit=None):
    """The computed indicator objectives read ("citizen satisfaction ≥ 90 %", ISO 9001 6.2, 9.1.2): the
    share of responses rating 4 or 5 in [start, end], or None without responses."""
    return satisfaction_figures(survey_responses(page=page, unit=unit, start=start, end=end))["share_satisfied"]


def trend_chart(trend, *, width=640, height=220):
    """The monthly share satisfied as an SVG polyline's geometry: hand-drawn, as a few points need no chart library
    (and an SVG prints and works offline). Returns {points, bars, labels, width, height} for the template."""
    pad_left, pad_bottom, pad_top = 40, 30, 10
    inner_w, inner_h = width - pad_left - 10, height - pad_bottom - pad_top
    if not trend:
        return None
    step = inner_w / max(len(trend) - 1, 1)
    points, labels = [], []
    for index, row in enumerate(trend):
        x = pad_left + index * step
        y = pad_top + inner_h * (1 - row["share_satisfied"] / 100)
        points.append({"x": round(x, 1), "y": round(y, 1), **row})
        labels.append({"x": round(x, 1), "text": row["month"].strftime("%m/%Y")})
    gridlines = [
        {"y": round(pad_top + inner_h * (1 - value / 100), 1), "value": value} for value in (0, 25, 50, 75, 100)
    ]
    return {
        "width": width,
        "height": height,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "points": points,
        "labels": labels,
        "gridlines": gridlines,
        "left": pad_left,
        "right": width - 10,
        "baseline": pad_top + inner_h,
        "label_y": height - 8,
    }
