"""The audit report as an Excel workbook (ISO 9001 9.2.2 d, f: results reported and retained).

Sheets: a cover (scope, team, dates, conclusion, counts by class and by clause), the checklist
results and the findings. Built with the project's `RegisterWorkbook`, so every sheet carries the
organisation, the title, and who exported it when.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.spreadsheets.export import Column, RegisterWorkbook

from .selectors import checklist_counts, finding_counts


def _people(audit):
    team = [str(member) for member in audit.team.all()]
    return str(audit.lead_auditor), ", ".join(team)


def _date(value):
    # The reader's format (d/m/Y in Vietnamese, m/d/Y in English): an English page never mixes the two.
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _datetime(value):
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def cover_pairs(audit):
    lead, team = _people(audit)
    pairs = [
        (_("Audit"), audit.reference),
        (_("Title"), audit.title),
        (_("Kind"), audit.get_kind_display()),
        (_("Programme"), str(audit.programme)),
        (_("Status"), audit.get_status_display()),
        (_("Units in scope"), "; ".join(str(u) for u in audit.scope_units.all())),
        (_("Process documents in scope"), "; ".join(str(d) for d in audit.scope_documents.all())),
        (_("Clauses in scope"), ", ".join(c.number for c in audit.scope_clauses.all())),
        (_("Audit criteria"), audit.criteria),
        (_("Lead auditor"), lead),
        (_("Audit team"), team),
        (_("Planned dates"), f"{_date(audit.planned_start)} – {_date(audit.planned_end)}"),
        (_("Actual dates"), f"{_date(audit.actual_start)} – {_date(audit.actual_end)}"),
        (_("Opening meeting"), _datetime(audit.opening_meeting_at)),
        (_("Closing meeting"), _datetime(audit.closing_meeting_at)),
        (_("Conclusion"), audit.conclusion),
    ]
    if audit.follow_up_of_id:
        pairs.insert(3, (_("Follow-up of"), str(audit.follow_up_of)))
    classes, clauses = finding_counts(audit)
    pairs.append((_("Findings by classification"), ""))
    pairs.extend((f"  {label}", count) for label, count in classes)
    pairs.append((_("Findings by clause"), ""))
    pairs.extend((f"  {number or _('No clause')}", count) for number, count in clauses)
    pairs.append((_("Checklist results"), ""))
    pairs.extend((f"  {label}", count) for label, count in checklist_counts(audit))
    return pairs


CHECKLIST_COLUMNS = [
    Column(gettext_lazy("No."), lambda item: item.sort_order, kind="int", width=6),
    Column(gettext_lazy("Clause"), lambda item: item.clause.number if item.clause else ""),
    Column(gettext_lazy("Process document"), lambda item: item.document.identifier if item.document else ""),
    Column(gettext_lazy("Question"), lambda item: item.question, width=60),
    Column(gettext_lazy("Evidence seen"), lambda item: item.evidence, width=50),
    Column(gettext_lazy("Result"), lambda item: item.get_result_display()),
    Column(gettext_lazy("Notes"), lambda item: item.notes, width=40),
]

FINDING_COLUMNS = [
    Column(gettext_lazy("Finding"), lambda finding: finding.reference),
    Column(gettext_lazy("Classification"), lambda finding: finding.get_classification_display()),
    Column(gettext_lazy("Clause"), lambda finding: finding.clause.number if finding.clause else ""),
    Column(gettext_lazy("Process document"), lambda finding: finding.document.identifier if finding.document else ""),
    Column(gettext_lazy("Unit"), lambda finding: finding.unit.code if finding.unit else ""),
    Column(gettext_lazy("Statement"), lambda finding: finding.statement, width=60),
    Column(gettext_lazy("Objective evidence"), lambda finding: finding.evidence, width=50),
    Column(
        gettext_lazy("Nonconformity"),
        lambda finding: finding.nonconformity.reference if finding.nonconformity_id else "",
    ),
    Column(
        gettext_lazy("Verification"), lambda finding: finding.get_verification_display() if finding.verification else ""
    ),
]


def audit_workbook(audit, user):
    book = RegisterWorkbook(
        title=_("Audit report %(ref)s") % {"ref": audit.reference}, user=user, filters_description=str(audit)
    )
    book.add_summary(_("Cover"), cover_pairs(audit))
    items = audit.checklist.select_related("clause", "document").order_by("sort_order", "pk")
    book.add_table(_("Checklist"), CHECKLIST_COLUMNS, items)
    findings = audit.findings.select_related("clause", "document", "unit", "nonconformity", "audit")
    book.add_table(_("Findings"), FINDING_COLUMNS, findings)
    return book
