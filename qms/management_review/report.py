"""The yearly report on applying, maintaining and improving the QMS (the report a Vietnamese agency sends
each year to the provincial Department of Science and Technology; ISO 9001 9.3, 10.3).

Its figures are the registers' own, read through the same registered review inputs as the pack, over the
calendar year; the officer edits the text of each section. Objectives appear once that register registers
its input under the key "objectives".
"""

import datetime

from django.utils.translation import gettext_lazy as _

from .models import ManagementReview, YearlyReport
from .services import gather_pack

# (section key, heading, review-input keys whose figures it shows)
SECTIONS = (
    ("scope", _("QMS scope and conformity announcement"), ()),
    ("documents", _("Documents issued and revised"), ("documents",)),
    ("audits", _("Internal audits"), ("audits",)),
    ("nonconformities", _("Nonconformities and corrective actions"), ("nonconformities",)),
    ("reviews", _("Management reviews held"), ()),
    ("objectives", _("Quality objectives achieved"), ("objectives",)),
    ("feedback", _("Citizens' feedback"), ("feedback",)),
    ("improvements", _("Improvements"), ("feedback_suggestions", "audit_opportunities")),
)


def reviews_held(year):
    return ManagementReview.objects.filter(
        meeting_date__year=year, status__in=(ManagementReview.Status.HELD, ManagementReview.Status.APPROVED)
    ).order_by("meeting_date")


def report_sections(year):
    """[{key, label, text, inputs: [pack section]}] for `year`, figures gathered now."""
    report = YearlyReport.objects.filter(year=year).first() or YearlyReport(year=year)
    gathered = {s["key"]: s for s in gather_pack(datetime.date(year, 1, 1), datetime.date(year, 12, 31))}
    sections = []
    for key, label, input_keys in SECTIONS:
        inputs = [gathered[k] for k in input_keys if k in gathered]
        if key == "reviews":
            held = list(reviews_held(year))
            inputs = [
                {
                    "label": str(label),
                    "figures": [
                        {
                            "key": "management_reviews_held",
                            "label": str(_("Management reviews held")),
                            "value": len(held),
                        }
                    ],
                    "tables": [
                        {
                            "title": str(label),
                            "columns": [str(_("Review")), str(_("Meeting date")), str(_("Status"))],
                            "rows": [
                                [r.title, r.meeting_date.strftime("%d/%m/%Y"), str(r.get_status_display())]
                                for r in held
                            ],
                        }
                    ],
                }
            ]
        sections.append({"key": key, "label": str(label), "text": report.texts.get(key, ""), "inputs": inputs})
    return report, sections
