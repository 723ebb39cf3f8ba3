"""The audit registers of the admin as Excel workbooks, through the shared layer `qms.spreadsheets.export`.

ISO 9001 7.5.3 and 9.2.2 f: an exported register is retained documented information, so it must
identify itself (the header block: organisation, title, filter, who exported it and when) and read
as the product shows it: labels instead of stored codes ('in_progress'), dates and times in the
exporting person's zone, names instead of keys. Wagtail's own `list_export` writes none of that,
so the admin lists export through `RegisterIndexView` below instead.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton

from qms.spreadsheets.export import Column, RegisterWorkbook

from .models import Audit, AuditProgramme, Finding

CHUNK_SIZE = 500


def _heading(model, name):
    """The field's verbose name as a heading: lazy, so rendered in the exporting person's language."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _person(user):
    return str(user) if user is not None else None


def _names(objects, label=str):
    return ", ".join(label(obj) for obj in objects)


def _reference(obj):
    return obj.reference if obj is not None else None


AUDIT_COLUMNS = [
    Column(_heading(Audit, "reference"), lambda a: a.reference, width=18),
    Column(_heading(Audit, "title"), lambda a: a.title, width=40),
    Column(_heading(Audit, "programme"), lambda a: a.programme.year, kind="int"),
    Column(_heading(Audit, "kind"), lambda a: a.get_kind_display()),
    Column(_heading(Audit, "follow_up_of"), lambda a: _reference(a.follow_up_of)),
    Column(_heading(Audit, "status"), lambda a: a.get_status_display()),
    Column(_heading(Audit, "scope_units"), lambda a: _names(a.scope_units.all()), width=40),
    Column(_heading(Audit, "scope_documents"), lambda a: _names(a.scope_documents.all(), lambda d: d.identifier)),
    Column(_heading(Audit, "scope_clauses"), lambda a: _names(a.scope_clauses.all(), lambda c: c.number)),
    Column(_heading(Audit, "criteria"), lambda a: a.criteria, width=40),
    Column(_heading(Audit, "planned_start"), lambda a: a.planned_start, kind="date"),
    Column(_heading(Audit, "planned_end"), lambda a: a.planned_end, kind="date"),
    Column(_heading(Audit, "actual_start"), lambda a: a.actual_start, kind="date"),
    Column(_heading(Audit, "actual_end"), lambda a: a.actual_end, kind="date"),
    Column(_heading(Audit, "lead_auditor"), lambda a: _person(a.lead_auditor)),
    Column(_heading(Audit, "team"), lambda a: _names(a.team.all())),
    Column(_heading(Audit, "opening_meeting_at"), lambda a: a.opening_meeting_at, kind="datetime"),
    Column(_heading(Audit, "closing_meeting_at"), lambda a: a.closing_meeting_at, kind="datetime"),
    Column(_heading(Audit, "conclusion"), lambda a: a.conclusion, width=40),
    Column(_heading(Audit, "closed_at"), lambda a: a.closed_at, kind="datetime"),
]

PROGRAMME_COLUMNS = [
    Column(_heading(AuditProgramme, "year"), lambda p: p.year, kind="int"),
    Column(_heading(AuditProgramme, "objectives"), lambda p: p.objectives, width=60),
    Column(_heading(AuditProgramme, "status"), lambda p: p.get_status_display()),
    Column(_heading(AuditProgramme, "approved_by"), lambda p: _person(p.approved_by)),
    Column(_heading(AuditProgramme, "approved_at"), lambda p: p.approved_at, kind="datetime"),
    Column(capfirst(Audit._meta.verbose_name_plural), lambda p: _names(p.audits.all(), _reference), width=40),
]

FINDING_COLUMNS = [
    Column(_heading(Finding, "audit"), lambda f: f.audit.reference, width=18),
    Column(_heading(Finding, "number"), lambda f: f.number, kind="int"),
    Column(_heading(Finding, "classification"), lambda f: f.get_classification_display()),
    Column(_heading(Finding, "statement"), lambda f: f.statement, width=50),
    Column(_heading(Finding, "evidence"), lambda f: f.evidence, width=50),
    Column(_heading(Finding, "clause"), lambda f: f.clause.number if f.clause else None),
    Column(_heading(Finding, "document"), lambda f: f.document.identifier if f.document else None),
    Column(_heading(Finding, "unit"), lambda f: str(f.unit) if f.unit else None),
    Column(_heading(Finding, "nonconformity"), lambda f: _reference(f.nonconformity)),
    Column(_heading(Finding, "verification"), lambda f: f.get_verification_display() if f.verification else None),
    Column(_heading(Finding, "verified_in"), lambda f: _reference(f.verified_in)),
    Column(_heading(Finding, "recorded_by"), lambda f: _person(f.recorded_by)),
    Column(_heading(Finding, "recorded_at"), lambda f: f.recorded_at, kind="datetime"),
]


def _question_heading(name):
    # The importer's own headings, so that the exported question bank imports back as it is
    # (docs/registers-and-imports.md).
    from .imports import ChecklistQuestionImporter

    return next(column.label for column in ChecklistQuestionImporter.columns if column.name == name)


QUESTION_COLUMNS = [
    Column(_question_heading("clause"), lambda q: q.clause.number if q.clause else None),
    Column(_question_heading("document"), lambda q: q.document.identifier if q.document else None),
    Column(_question_heading("text"), lambda q: q.text, width=60),
    Column(_question_heading("sort_order"), lambda q: q.sort_order, kind="int"),
    Column(_question_heading("is_active"), lambda q: q.is_active, kind="bool"),
]


class RegisterIndexView(generic.IndexView):
    """An admin list whose Excel download is the register through the shared layer.

    The download keeps the list's own query (`?export=xlsx` with its filters, search, order and the
    permission policy), so what is exported is what the person was looking at. CSV is not offered:
    it has no header block and would carry the raw codes again.
    """

    FORMATS = (generic.IndexView.FORMAT_XLSX,)
    register_columns = ()
    register_title = ""
    register_related = ()  # select_related
    register_prefetch = ()  # prefetch_related

    @property
    def show_export_buttons(self):
        return False  # Wagtail's "Download XLSX/CSV" would bypass the register layer

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(gettext("Excel register"), url=self.xlsx_export_url, icon_name="download"))
        return buttons

    def filters_description(self):
        parts = [f"{capfirst(str(active.field_label))}: {active.value}" for active in self.active_filters]
        if self.search_query:
            parts.append(f"{gettext('Search')}: {self.search_query}")
        return "; ".join(parts)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        queryset = queryset.select_related(*self.register_related).prefetch_related(*self.register_prefetch)
        book = RegisterWorkbook(
            title=self.register_title, user=self.request.user, filters_description=self.filters_description()
        )
        book.add_table(self.register_title, self.register_columns, queryset.iterator(chunk_size=CHUNK_SIZE))
        return book.response(self.get_filename())


class AuditIndexView(RegisterIndexView):
    register_columns = AUDIT_COLUMNS
    register_title = _("Audit register")
    register_related = ("programme", "follow_up_of", "lead_auditor")
    register_prefetch = ("scope_units", "scope_documents", "scope_clauses", "team")


class ProgrammeIndexView(RegisterIndexView):
    register_columns = PROGRAMME_COLUMNS
    register_title = _("Audit programmes")
    register_related = ("approved_by",)
    register_prefetch = ("audits",)


class FindingIndexView(RegisterIndexView):
    register_columns = FINDING_COLUMNS
    register_title = _("Audit findings")
    register_related = ("audit", "clause", "document", "unit", "nonconformity", "verified_in", "recorded_by")


class QuestionIndexView(RegisterIndexView):
    register_columns = QUESTION_COLUMNS
    register_title = _("Question bank")
    register_related = ("clause", "document")
