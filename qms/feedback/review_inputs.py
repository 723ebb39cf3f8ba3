"""Citizens' feedback and satisfaction as inputs of the management review (ISO 9001 9.3.2 c) 1), f)).

Registered through the `qms_review_inputs` hook (wagtail_hooks.py): satisfaction from the surveys, feedback
received and answered in the period, and the citizens' suggestions as opportunities for improvement.
"""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import start_of_local_day
from qms.core.review_inputs import ReviewInput, count_rows

from . import selectors
from .models import Feedback


def _between(field, start, end):
    return {
        f"{field}__gte": start_of_local_day(start),
        f"{field}__lt": start_of_local_day(end + datetime.timedelta(days=1)),
    }


def received_in(start, end):
    return Feedback.objects.filter(**_between("received_at", start, end)).exclude(status=Feedback.Status.REJECTED)


def gather_feedback(start, end):
    received = received_in(start, end)
    answered = Feedback.objects.filter(**_between("answer_sent_at", start, end))
    by_kind = dict(received.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    satisfaction = selectors.satisfaction_figures(selectors.survey_responses(start=start, end=end))
    kinds = dict(Feedback.Kind.choices)
    return {
        "figures": [
            {"key": "feedback_received", "label": _("Feedback received"), "value": received.count()},
            {"key": "feedback_answered", "label": _("Feedback answered"), "value": answered.count()},
            {"key": "survey_responses", "label": _("Survey responses"), "value": satisfaction["count"]},
            {
                "key": "share_satisfied",
                "label": _("Share satisfied (%)"),
                "value": satisfaction["share_satisfied"] if satisfaction["share_satisfied"] is not None else "–",
            },
        ],
        "tables": [{"title": _("By kind"), "columns": [_("Kind"), _("Number")], "rows": count_rows(by_kind, kinds)}],
        "charts": [{"title": _("By kind"), "bars": [{"label": k, "value": n} for k, n in count_rows(by_kind, kinds)]}],
        "links": [{"label": _("Feedback register"), "url": reverse("wagtailadmin_home") + "feedback/"}],
    }


def gather_suggestions(start, end):
    suggestions = received_in(start, end).filter(kind=Feedback.Kind.SUGGESTION).order_by("received_at")
    rows = [[f.reference, f.text[:200]] for f in suggestions.only("reference", "text")]
    return {
        "figures": [{"key": "suggestions_from_citizens", "label": _("Suggestions from citizens"), "value": len(rows)}],
        "tables": [{"title": _("Suggestions from citizens"), "columns": [_("Reference"), _("Text")], "rows": rows}],
    }


INPUTS = [
    ReviewInput("c", "feedback", gettext_lazy("Citizen satisfaction and feedback"), gather_feedback, order=10),
    ReviewInput("f", "feedback_suggestions", gettext_lazy("Suggestions from citizens"), gather_suggestions, order=20),
]
