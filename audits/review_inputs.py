"""Internal audit results as inputs of the management review (ISO 9001 9.3.2 c) 6), f)).

Registered through the `qms_review_inputs` hook (wagtail_hooks.py): audits held in the period (their fieldwork
ended in it), findings of those audits by class, coverage of the programmes of the period's years (audits
held of audits planned), and the auditors' opportunities for improvement.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.review_inputs import ReviewInput, count_rows

from .models import Audit, Finding


def held_in(start, end):
    return Audit.objects.filter(actual_end__gte=start, actual_end__lte=end)


def gather_audits(start, end):
    held = held_in(start, end)
    findings = Finding.objects.filter(audit__in=held)
    by_class = dict(findings.values_list("classification").annotate(n=Count("pk")).values_list("classification", "n"))
    planned = Audit.objects.filter(programme__year__gte=start.year, programme__year__lte=end.year)
    planned_count = planned.count()
    done = planned.filter(actual_end__isnull=False).count()
    classes = dict(Finding.Classification.choices)
    return {
        "figures": [
            {"key": "audits_held", "label": _("Audits held"), "value": held.count()},
            {"key": "findings", "label": _("Findings"), "value": findings.count()},
            {
                "key": "programme_coverage",
                "label": _("Programme coverage (%)"),
                "value": round(100 * done / planned_count, 1) if planned_count else "–",
            },
        ],
        "tables": [
            {
                "title": _("Findings by class"),
                "columns": [_("Classification"), _("Number")],
                "rows": count_rows(by_class, classes),
            },
            {
                "title": _("Audits held"),
                "columns": [_("Reference"), _("Title"), _("Ended")],
                "rows": [
                    [a.reference, a.title, a.actual_end.strftime("%d/%m/%Y")] for a in held.order_by("actual_end")
                ],
            },
        ],
        "charts": [
            {
                "title": _("Findings by class"),
                "bars": [{"label": k, "value": n} for k, n in count_rows(by_class, classes)],
            }
        ],
        "links": [{"label": a.reference, "url": a.get_absolute_url()} for a in held],
    }


def gather_opportunities(start, end):
    ofis = Finding.objects.filter(audit__in=held_in(start, end), classification=Finding.Classification.OPPORTUNITY)
    rows = [[f.audit.reference, f.statement[:200]] for f in ofis.select_related("audit").order_by("pk")]
    return {
        "figures": [
            {
                "key": "opportunities_for_improvement_from_audits",
                "label": _("Opportunities for improvement from audits"),
                "value": len(rows),
            }
        ],
        "tables": [
            {
                "title": _("Opportunities for improvement from audits"),
                "columns": [_("Audit"), _("Finding")],
                "rows": rows,
            }
        ],
    }


INPUTS = [
    ReviewInput("c", "audits", gettext_lazy("Internal audit results"), gather_audits, order=50),
    ReviewInput(
        "f",
        "audit_opportunities",
        gettext_lazy("Opportunities for improvement from audits"),
        gather_opportunities,
        order=10,
    ),
]
