"""Nonconformities and corrective actions as an input of the management review (ISO 9001 9.3.2 c) 4)).

Registered through the `qms_review_inputs` hook (wagtail_hooks.py); the review freezes what `gather` returns.
Figures of the period: raised by source, unit and severity; still open by age; average days to close
(of those closed in the period); actions overdue at the end of the period.
"""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import start_of_local_day
from qms.core.review_inputs import ReviewInput, count_rows

from .models import CorrectiveAction, Nonconformity

AGE_BANDS = ((30, "≤ 30"), (90, "31–90"), (180, "91–180"), (None, "> 180"))


def _moments(start, end):
    return start_of_local_day(start), start_of_local_day(end + datetime.timedelta(days=1))


def raised_in(start, end):
    since, until = _moments(start, end)
    return Nonconformity.objects.filter(reported_at__gte=since, reported_at__lt=until).exclude(
        status=Nonconformity.Status.REJECTED
    )


def gather(start, end):
    since, until = _moments(start, end)
    raised = raised_in(start, end)
    by = {
        field: dict(raised.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        for field in ("source", "severity")
    }
    by_unit = list(raised.values_list("unit__code").annotate(n=Count("pk")).order_by("-n", "unit__code"))
    closed = Nonconformity.objects.filter(closed_at__gte=since, closed_at__lt=until)
    days = [(c.closed_at - c.reported_at).days for c in closed.only("closed_at", "reported_at")]
    open_at_end = Nonconformity.objects.filter(reported_at__lt=until).exclude(status=Nonconformity.Status.REJECTED)
    open_at_end = open_at_end.exclude(closed_at__lt=until)
    bands = {label: 0 for _limit, label in AGE_BANDS}
    for reported_at in open_at_end.values_list("reported_at", flat=True):
        age = (until - reported_at).days
        for limit, label in AGE_BANDS:
            if limit is None or age <= limit:
                bands[label] += 1
                break
    overdue = CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES, due_date__lt=end)
    overdue = overdue.filter(created_at__lt=until)
    sources, severities = dict(Nonconformity.Source.choices), dict(Nonconformity.Severity.choices)
    return {
        "figures": [
            {"key": "nonconformities_raised", "label": _("Nonconformities raised"), "value": raised.count()},
            {"key": "closed_in_the_period", "label": _("Closed in the period"), "value": len(days)},
            {
                "key": "average_days_to_close",
                "label": _("Average days to close"),
                "value": round(sum(days) / len(days), 1) if days else "–",
            },
            {
                "key": "open_at_the_end_of_the_period",
                "label": _("Open at the end of the period"),
                "value": open_at_end.count(),
            },
            {"key": "overdue_actions", "label": _("Overdue actions"), "value": overdue.count()},
        ],
        "tables": [
            {"title": _("By source"), "columns": [_("Source"), _("Number")], "rows": count_rows(by["source"], sources)},
            {"title": _("By unit"), "columns": [_("Unit"), _("Number")], "rows": [[u, n] for u, n in by_unit]},
            {
                "title": _("By severity"),
                "columns": [_("Severity"), _("Number")],
                "rows": count_rows(by["severity"], severities),
            },
            {
                "title": _("Open by age (days)"),
                "columns": [_("Age (days)"), _("Number")],
                "rows": [[label, n] for label, n in bands.items()],
            },
        ],
        "charts": [
            {
                "title": _("By source"),
                "bars": [{"label": label, "value": n} for label, n in count_rows(by["source"], sources)],
            }
        ],
        "links": [{"label": _("Nonconformity register"), "url": reverse("nonconformities:list")}],
    }


INPUTS = [ReviewInput("c", "nonconformities", gettext_lazy("Nonconformities and corrective actions"), gather, order=40)]
