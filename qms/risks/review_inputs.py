"""Risks and opportunities as an input of the management review (ISO 9001 9.3.2 e: the effectiveness of
actions taken to address risks and opportunities).

Registered through the `qms_review_inputs` hook (wagtail_hooks.py); the review freezes what `gather` returns.
Figures of the period: the open register by band and kind; the reviews held in the period and how effective
they judged the treatment; risks whose review is overdue at the end of the period; risks that materialised
as nonconformities.
"""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import start_of_local_day
from qms.core.review_inputs import ReviewInput, count_rows

from . import scoring
from .models import Risk, RiskReview


def gather(start, end):
    since, until = start_of_local_day(start), start_of_local_day(end + datetime.timedelta(days=1))
    open_risks = Risk.objects.filter(created_at__lt=until).exclude(closed_at__lt=until)
    bands = {band: 0 for band in scoring.Band.values}
    unrated = 0
    for likelihood, impact in open_risks.values_list("likelihood", "impact"):
        band = scoring.band_of(scoring.score_of(likelihood, impact))
        if band is None:
            unrated += 1
        else:
            bands[band] += 1
    kinds = dict(open_risks.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    reviews = RiskReview.objects.filter(reviewed_at__gte=since, reviewed_at__lt=until)
    effectiveness = dict(reviews.values_list("effectiveness").annotate(n=Count("pk")).values_list("effectiveness", "n"))
    overdue = open_risks.filter(status__in=Risk.OPEN_STATUSES, review_date__lt=end).count()
    materialised = open_risks.filter(nonconformities__reported_at__gte=since, nonconformities__reported_at__lt=until)
    band_labels = dict(scoring.Band.choices)
    return {
        "figures": [
            {"key": "risks_open", "label": _("Risks and opportunities open"), "value": open_risks.count()},
            {"key": "risks_high", "label": _("High risks open"), "value": bands[scoring.Band.HIGH]},
            {"key": "risk_reviews", "label": _("Reviews held in the period"), "value": reviews.count()},
            {
                "key": "treatments_effective",
                "label": _("Treatments judged effective"),
                "value": effectiveness.get(RiskReview.Effectiveness.EFFECTIVE, 0),
            },
            {"key": "risk_reviews_overdue", "label": _("Reviews overdue"), "value": overdue},
            {
                "key": "risks_materialised",
                "label": _("Risks that materialised as nonconformities"),
                "value": materialised.distinct().count(),
            },
        ],
        "tables": [
            {
                "title": _("Open by band"),
                "columns": [_("Band"), _("Number")],
                "rows": [*count_rows(bands, band_labels), *([[_("Not rated yet"), unrated]] if unrated else [])],
            },
            {
                "title": _("Open by kind"),
                "columns": [_("Kind"), _("Number")],
                "rows": count_rows(kinds, dict(Risk.Kind.choices)),
            },
            {
                "title": _("Effectiveness of the treatments reviewed"),
                "columns": [_("Effectiveness of the treatment"), _("Number")],
                "rows": count_rows(effectiveness, dict(RiskReview.Effectiveness.choices)),
            },
        ],
        "charts": [
            {
                "title": _("Open by band"),
                "bars": [{"label": str(band_labels[band]), "value": n} for band, n in bands.items()],
            }
        ],
        "links": [
            {"label": _("Register of risks and opportunities"), "url": reverse("risks:list")},
            {"label": _("Heat map"), "url": reverse("risks:heat_map")},
        ],
    }


INPUTS = [ReviewInput("e", "risks", gettext_lazy("Risks and opportunities"), gather, order=50)]
