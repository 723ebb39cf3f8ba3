"""The risk register as an Excel workbook: risks and opportunities, their reviews (ISO 9001 6.1, 9.3.2 e).

Through the shared spreadsheet layer (identified header block, typed cells, formula-safe text). The risks
sheet has the columns of the risk import first: a copy of it, without the reviews sheet and the columns after
"Next review date" (which are decided on the risk's page), imports back (docs/risks.md).
"""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from qms.spreadsheets.export import Column, RegisterWorkbook

from .models import Risk, RiskReview


def _person(user):
    return (user.get_full_name() or user.username) if user is not None else None


def _band(band):
    return str(band.label) if band else None


RISK_COLUMNS = [
    Column(_("Reference"), lambda r: r.reference),
    Column(_("Kind"), lambda r: r.get_kind_display()),
    Column(_("Title"), lambda r: r.title, width=50),
    Column(_("Unit code"), lambda r: r.unit.code),
    Column(_("Process document"), lambda r: r.document.identifier if r.document_id else None),
    Column(_("Procedure code"), lambda r: r.procedure.code if r.procedure_id else None),
    Column(_("Cause"), lambda r: r.cause, width=40),
    Column(_("Consequence"), lambda r: r.consequence, width=40),
    Column(_("Existing controls"), lambda r: r.existing_controls, width=40),
    Column(_("Likelihood"), lambda r: r.likelihood, kind="int"),
    Column(_("Impact"), lambda r: r.impact, kind="int"),
    Column(_("Owner"), lambda r: r.owner.username),
    Column(_("Next review date"), lambda r: r.review_date, kind="date"),
    Column(_("Score"), lambda r: r.score, kind="int"),
    Column(_("Band"), lambda r: _band(r.band)),
    Column(_("Treatment"), lambda r: r.get_treatment_display() if r.treatment else None),
    Column(_("Treatment plan"), lambda r: r.treatment_plan, width=40),
    Column(_("Justification for accepting"), lambda r: r.acceptance_justification, width=40),
    Column(_("Residual likelihood"), lambda r: r.residual_likelihood, kind="int"),
    Column(_("Residual impact"), lambda r: r.residual_impact, kind="int"),
    Column(_("Residual score"), lambda r: r.residual_score, kind="int"),
    Column(_("Residual band"), lambda r: _band(r.residual_band)),
    Column(_("Status"), lambda r: r.get_status_display()),
    Column(_("Materialised as nonconformities"), lambda r: ", ".join(nc.reference for nc in r.nonconformities.all())),
    Column(_("Identified by"), lambda r: _person(r.identified_by)),
    Column(_("Created at"), lambda r: r.created_at, kind="datetime"),
]

REVIEW_COLUMNS = [
    Column(_("Reference"), lambda v: v.risk.reference),
    Column(_("Title"), lambda v: v.risk.title, width=40),
    Column(_("Reviewed at"), lambda v: v.reviewed_at, kind="datetime"),
    Column(_("Reviewed by"), lambda v: _person(v.reviewed_by)),
    Column(_("Residual likelihood"), lambda v: v.residual_likelihood, kind="int"),
    Column(_("Residual impact"), lambda v: v.residual_impact, kind="int"),
    Column(_("Residual score"), lambda v: v.residual_score, kind="int"),
    Column(_("Effectiveness of the treatment"), lambda v: v.get_effectiveness_display()),
    Column(_("Comment"), lambda v: v.comment, width=40),
    Column(_("Next review date"), lambda v: v.next_review_date, kind="date"),
]


def register_filename():
    return f"risks-and-opportunities-{timezone.localdate():%Y-%m-%d}.xlsx"


def register_workbook(*, user, risks=None):
    """Two sheets; `risks` narrows them (default: every risk)."""
    risks = risks if risks is not None else Risk.objects.all()
    book = RegisterWorkbook(title=_("Register of risks and opportunities"), user=user)
    with translation.override(book.language):
        book.add_table(
            _("Risks and opportunities"),
            RISK_COLUMNS,
            risks.select_related("unit", "owner", "document", "procedure", "identified_by")
            .prefetch_related("nonconformities")
            .order_by("reference")
            .iterator(chunk_size=500),
        )
        book.add_table(
            _("Reviews"),
            REVIEW_COLUMNS,
            RiskReview.objects.filter(risk__in=risks.values("pk"))
            .select_related("risk", "reviewed_by")
            .order_by("risk__reference", "reviewed_at")
            .iterator(),
        )
    return book
