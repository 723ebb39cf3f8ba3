"""The nonconformity register as an Excel workbook (ISO 9001 10.2.2: retain documented information of the
nature of the nonconformities, the actions taken and their results; 9.3.2 c) 2): input to management review).

Two sheets: the nonconformities, then their actions, both through the shared
spreadsheet layer (identified header block, typed cells, formula-safe text).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.spreadsheets.export import Column, RegisterWorkbook

from .models import CorrectiveAction


def _days_open(nc):
    return nc.age_days


NONCONFORMITY_COLUMNS = [
    Column(_("Reference"), lambda nc: nc.reference, width=16),
    Column(_("Title"), lambda nc: nc.title, width=40),
    Column(_("Source"), lambda nc: nc.get_source_display()),
    Column(_("Severity"), lambda nc: nc.get_severity_display()),
    Column(_("Unit"), lambda nc: nc.unit.code),
    Column(_("Status"), lambda nc: nc.get_status_display()),
    Column(_("Reported at"), lambda nc: nc.reported_at, kind="datetime"),
    Column(_("Reported by"), lambda nc: str(nc.reported_by)),
    Column(_("Owner"), lambda nc: str(nc.owner) if nc.owner_id else None),
    Column(_("Process documents"), lambda nc: ", ".join(d.identifier for d in nc.documents.all())),
    Column(_("ISO 9001 clauses"), lambda nc: ", ".join(c.number for c in nc.clauses.all())),
    Column(_("Containment"), lambda nc: nc.containment or None, width=40),
    Column(_("Root cause"), lambda nc: nc.root_cause or None, width=40),
    Column(_("Actions"), lambda nc: len(nc.actions.all()), kind="int"),
    Column(
        _("Overdue actions"),
        lambda nc: sum(1 for a in nc.actions.all() if a.is_overdue),
        kind="int",
    ),
    Column(_("Closed at"), lambda nc: nc.closed_at, kind="datetime"),
    Column(_("Days open"), _days_open, kind="int"),
]

ACTION_COLUMNS = [
    Column(_("Nonconformity"), lambda a: a.nonconformity.reference, width=16),
    Column(_("Kind"), lambda a: a.get_kind_display()),
    Column(_("Description"), lambda a: a.description, width=50),
    Column(_("Owner"), lambda a: str(a.owner)),
    Column(_("Due date"), lambda a: a.due_date, kind="date"),
    Column(_("Status"), lambda a: a.get_status_display()),
    Column(_("Overdue"), lambda a: a.is_overdue, kind="bool"),
    Column(_("Completed at"), lambda a: a.completed_at, kind="datetime"),
    Column(_("Evidence"), lambda a: a.evidence or None, width=40),
    Column(
        _("Verified effective"),
        lambda a: a.status == CorrectiveAction.Status.VERIFIED,
        kind="bool",
    ),
]


def register_workbook(nonconformities, *, user, filters_description=""):
    """A workbook of `nonconformities` (a queryset, already filtered) and their actions."""
    nonconformities = nonconformities.select_related("unit", "owner", "reported_by").prefetch_related(
        "documents", "clauses", "actions"
    )
    book = RegisterWorkbook(title=_("Nonconformity register"), user=user, filters_description=filters_description)
    # Chunked iteration keeps a 100,000-row register in bounded memory; Django
    # runs the prefetches once per chunk.
    book.add_table(_("Nonconformities"), NONCONFORMITY_COLUMNS, nonconformities.iterator(chunk_size=2000))
    actions = (
        CorrectiveAction.objects.filter(nonconformity__in=nonconformities.values("pk"))
        .select_related("nonconformity", "owner")
        .order_by("nonconformity__reference", "due_date", "pk")
    )
    book.add_table(_("Actions"), ACTION_COLUMNS, actions.iterator())
    return book


def register_filename():
    return f"nonconformity-register-{timezone.localdate():%Y-%m-%d}.xlsx"
