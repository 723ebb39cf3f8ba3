"""Documents issued and revised in the period, and why, as an input of the management review
(ISO 9001 9.3.2 b): changes in internal issues show in the documents changed; 7.5.2 records why).

Registered through the `qms_review_inputs` hook (wagtail_hooks.py). A first version (number 1) is an issue,
a later one a revision; the change summary is the reason the author gave.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.review_inputs import ReviewInput

from .models import DocumentVersion


def versions_in(start, end):
    return DocumentVersion.objects.filter(effective_date__gte=start, effective_date__lte=end)


def gather(start, end):
    versions = versions_in(start, end).select_related("page").order_by("effective_date", "page__identifier")
    rows = [
        [v.page.identifier, v.page.title, v.number, v.effective_date.strftime("%d/%m/%Y"), v.change_summary]
        for v in versions
    ]
    issued = sum(1 for row in rows if row[2] == 1)
    return {
        "figures": [
            {"key": "documents_issued", "label": _("Documents issued"), "value": issued},
            {"key": "documents_revised", "label": _("Documents revised"), "value": len(rows) - issued},
        ],
        "tables": [
            {
                "title": _("Documents issued and revised"),
                "columns": [_("Identifier"), _("Title"), _("Revision"), _("Effective date"), _("Change summary")],
                "rows": rows,
            }
        ],
        "links": [{"label": f"{v.page.identifier} v{v.number}", "url": v.get_url()} for v in versions if v.page.url],
    }


INPUTS = [ReviewInput("b", "documents", gettext_lazy("Documents issued and revised, and why"), gather, order=10)]
