"""Reads reused by views, services and reports (ISO 9001 9.2.2 a: programme coverage)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qms.core.history import RelatedRecords, m2m_snapshots
from qms.core.models import IsoClause, OrganisationUnit

from .models import Audit, Finding


def audited_unit_ids(audit):
    """Units in scope, plus the owning units of the process documents in scope."""
    ids = set(audit.scope_units.values_list("pk", flat=True))
    ids.update(audit.scope_documents.values_list("unit_id", flat=True))
    return ids


def independence_conflicts(*, auditors, units=(), documents=()):
    """(auditor, unit) pairs where an auditor would audit their own unit (ISO 9001 9.2.2 c).

    An auditor's own unit is the unit on their account; a document's process belongs to the
    document's owning unit, so auditing that document is auditing that unit.
    """
    audited = {unit.pk: unit for unit in units}
    for document in documents:
        audited.setdefault(document.unit_id, document.unit)
    conflicts = []
    for auditor in auditors:
        if auditor is not None and auditor.unit_id in audited:
            conflicts.append((auditor, audited[auditor.unit_id]))
    return conflicts


def audit_independence_conflicts(audit):
    """Independence conflicts of the audit's team as it is now, against its scope (9.2.2 c)."""
    return independence_conflicts(
        auditors=audit.auditors(),
        units=list(audit.scope_units.all()),
        documents=list(audit.scope_documents.select_related("unit")),
    )


def audits_for_user(user):
    """Audits the person is on, as lead auditor or team member ("my audits")."""
    if not user.is_authenticated:
        return Audit.objects.none()
    from .rules import team_q

    return Audit.objects.filter(team_q(user)).distinct()


def programmes_awaiting_approval(user):
    """Draft programmes with audits planned, waiting for top management to approve them (9.2.2 a).

    Shown to approvers (and superusers); quality officers may approve on their behalf from the
    programme's page, but the programme they draft is not "awaiting" them.
    """
    from qms.core import roles

    from .models import AuditProgramme

    if not user.is_authenticated or not (user.is_superuser or roles.is_approver(user)):
        return AuditProgramme.objects.none()
    return AuditProgramme.objects.filter(status=AuditProgramme.Status.DRAFT, audits__isnull=False).distinct()


def closed_audits_of_unit(unit_id):
    return (
        Audit.objects.filter(status=Audit.Status.CLOSED)
        .filter(Q(scope_units=unit_id) | Q(scope_documents__unit=unit_id))
        .distinct()
    )


def auditable_clauses():
    """Clauses 4 to 10 at requirement level (4.1, 7.5, 9.2...): what a programme must cover."""
    return [clause for clause in IsoClause.objects.all() if clause.depth == 2]


def _process_documents():
    from cms.models import ProcessDocumentPage

    return ProcessDocumentPage.objects.live().select_related("unit").order_by("identifier")


@dataclass
class CoverageRow:
    obj: object
    audits: list = field(default_factory=list)

    @property
    def covered(self):
        return bool(self.audits)


@dataclass
class Coverage:
    documents: list
    units: list
    clauses: list

    @property
    def missing_documents(self):
        return [row.obj for row in self.documents if not row.covered]

    @property
    def missing_units(self):
        return [row.obj for row in self.units if not row.covered]

    @property
    def missing_clauses(self):
        return [row.obj for row in self.clauses if not row.covered]

    @property
    def complete(self):
        return not (self.missing_documents or self.missing_units or self.missing_clauses)

    def missing_documents_by_unit(self):
        """[(owning unit, [documents])] of the processes left out, units in name order."""
        groups = {}
        for document in self.missing_documents:
            groups.setdefault(document.unit, []).append(document)
        return sorted(groups.items(), key=lambda group: str(group[0] or ""))

    def missing_clauses_by_section(self):
        """[(top clause 4 to 10, [clauses])] of the clauses left out, in clause order."""
        tops = {clause.number: clause for clause in IsoClause.objects.filter(parent__isnull=True)}
        groups = {}
        for clause in self.missing_clauses:
            top = clause.number.split(".")[0]
            groups.setdefault(top, []).append(clause)
        ordered = sorted(groups.items(), key=lambda group: IsoClause.make_sort_key(group[0]))
        return [(tops.get(number, number), clauses) for number, clauses in ordered]


def programme_coverage(programme):
    """Which process documents, units and clauses the programme's audits cover, and when.

    A clause counts as covered when it, a clause above it or a clause below it is in an audit's
    scope; a unit when it is in scope or owns a document in scope. Follow-up audits cover nothing
    new, so they are left out.
    """
    audits = list(
        programme.audits.exclude(kind=Audit.Kind.FOLLOW_UP)
        .prefetch_related("scope_units", "scope_documents", "scope_clauses")
        .order_by("planned_start", "reference")
    )
    by_document, by_unit, clause_numbers = {}, {}, {}
    for audit in audits:
        for document in audit.scope_documents.all():
            by_document.setdefault(document.pk, []).append(audit)
            by_unit.setdefault(document.unit_id, []).append(audit)
        for unit in audit.scope_units.all():
            if audit not in by_unit.get(unit.pk, []):
                by_unit.setdefault(unit.pk, []).append(audit)
        for clause in audit.scope_clauses.all():
            clause_numbers.setdefault(clause.number, []).append(audit)

    def clause_audits(number):
        found = []
        for scoped, scoped_audits in clause_numbers.items():
            related = number == scoped or number.startswith(scoped + ".") or scoped.startswith(number + ".")
            if related:
                found.extend(audit for audit in scoped_audits if audit not in found)
        return sorted(found, key=lambda audit: (audit.planned_start, audit.reference))

    documents = [CoverageRow(document, by_document.get(document.pk, [])) for document in _process_documents()]
    units = [
        CoverageRow(unit, by_unit.get(unit.pk, []))
        # The whole organisation (the root) is audited through its divisions.
        for unit in OrganisationUnit.objects.filter(is_active=True, parent__isnull=False)
    ]
    clauses = [CoverageRow(clause, clause_audits(clause.number)) for clause in auditable_clauses()]
    return Coverage(documents=documents, units=units, clauses=clauses)


def finding_counts(audit):
    """Findings of an audit counted by classification and by clause (for the report)."""
    findings = list(audit.findings.select_related("clause"))
    by_class = Counter(finding.classification for finding in findings)
    by_clause = Counter(finding.clause.number if finding.clause else "" for finding in findings)
    classes = [(label, by_class.get(value, 0)) for value, label in Finding.Classification.choices]
    clauses = sorted(by_clause.items(), key=lambda item: IsoClause.make_sort_key(item[0]) if item[0] else "~")
    return classes, clauses


def checklist_counts(audit):
    from .models import ChecklistItem

    counts = Counter(audit.checklist.values_list("result", flat=True))
    return [(label, counts.get(value, 0)) for value, label in ChecklistItem.Result.choices]


#: The checklist filters of the workspace: what each shows (ISO 9001 9.2.2: the auditor works through
#: the lines still to assess and comes back to the nonconforming ones for the findings).
CHECKLIST_FILTERS = ("all", "open", "nonconforming")


@dataclass
class ChecklistView:
    which: str
    lines: list
    counts: dict


def checklist_lines(audit, which="all"):
    """The checklist lines one filter shows, in order, with the count of every filter."""
    from .models import ChecklistItem

    items = list(audit.checklist.select_related("clause", "document").order_by("sort_order", "pk"))
    groups = {
        "all": items,
        "open": [item for item in items if item.result == ChecklistItem.Result.NOT_ASSESSED],
        "nonconforming": [item for item in items if item.result == ChecklistItem.Result.NONCONFORMITY],
    }
    which = which if which in groups else "all"
    return ChecklistView(which=which, lines=groups[which], counts={key: len(value) for key, value in groups.items()})


def same_scope(audit, other):
    """Two audits have the same scope when their units, documents and clauses are the same sets."""

    def scope(a):
        return (
            set(a.scope_units.values_list("pk", flat=True)),
            set(a.scope_documents.values_list("pk", flat=True)),
            set(a.scope_clauses.values_list("pk", flat=True)),
        )

    return scope(audit) == scope(other)


def earlier_audits_with_same_scope(audit):
    candidates = Audit.objects.exclude(pk=audit.pk).filter(checklist__isnull=False).distinct()
    candidates = candidates.filter(planned_start__lte=audit.planned_start).order_by("-planned_start")
    return [candidate for candidate in candidates if same_scope(audit, candidate)]


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str
    reason: str
    changes: list


EMPTY = "–"
# Fields that only carry the row's identity or an optimistic-lock counter: never a change a reader needs.
_NOT_SHOWN = {"id", "version"}


def _object_label(obj):
    """How a related record is named in the history: clause 8.5.1, document QT-07, audit ĐGNB-2026-01."""
    if isinstance(obj, IsoClause):
        return obj.number
    for attribute in ("identifier", "reference"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(obj)


def _want(related, model, field_name, value):
    """Note the related records a raw value names, to read them all at once (`RelatedRecords.load`)."""
    if value in (None, "", [], {}):
        return
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return
    if model_field.many_to_many:
        related.want(model_field.related_model, *_m2m_ids(model_field, value))
    elif model_field.is_relation:
        related.want(model_field.related_model, getattr(value, "pk", value))


def _m2m_ids(model_field, rows):
    key = model_field.m2m_reverse_field_name()
    ids = []
    for row in rows:
        if isinstance(row, dict):
            pk = row.get(key, row.get(f"{key}_id"))
            if pk is not None:
                ids.append(pk)
    return ids


def _history_value(model, field_name, value, related):
    """A value of a history row as a reader reads it (ISO 9001 7.5.3: the record must be legible).

    simple_history gives raw values: primary keys for foreign keys, the through-table rows
    ({"audit": 4, "isoclause": 44}) for many-to-many fields, codes for choices, aware UTC datetimes.
    The related records come from `related`, read once for the whole timeline.
    """
    if value in (None, "", [], {}):
        return EMPTY
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.many_to_many:
        objects = related.ordered(model_field.related_model, _m2m_ids(model_field, value))
        return ", ".join(_object_label(obj) for obj in objects) or EMPTY
    if model_field.is_relation:
        pk = getattr(value, "pk", value)
        obj = related.get(model_field.related_model, pk)
        # A related record that no longer exists is still named by its key, never "Deleted … (pk=None)".
        return _object_label(obj) if obj is not None else f"#{pk}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value)) or EMPTY
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _changes(record, previous, snapshots):
    """(field name, old, new) raw values of what differs between two history rows, state fields included.

    simple_history's `diff_against` leaves out fields that are not editable in a form; on an audit
    those are the state (status, meetings, conclusion, closure), which is the history a reader needs most.
    The many-to-many fields are compared as `diff_against` compares them (their snapshot rows, in order, by
    field name), from `snapshots` read once for every record shown (`qms.core.history.m2m_snapshots`).
    """
    changed = []
    for tracked in record.tracked_fields:
        if tracked.name in _NOT_SHOWN:
            continue
        old, new = getattr(previous, tracked.attname), getattr(record, tracked.attname)
        if old != new:
            changed.append((tracked.name, old, new))
    for name in sorted(snapshots):
        old, new = snapshots[name].get(previous.pk, []), snapshots[name].get(record.pk, [])
        if old != new:
            changed.append((name, old, new))
    return changed


def _shown(model, changes, related):
    """(field label, old, new) as a reader reads them."""
    shown = []
    for name, old, new in changes:
        try:
            label = capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field the model no longer has: keep its name
            label = name
        shown.append((label, _history_value(model, name, old, related), _history_value(model, name, new, related)))
    return shown


def _entries(records, label, limit, related):
    """History entries of `records` (newest first; one more than `limit` so the oldest shown has its previous).

    Their changes stay raw, their related records noted in `related`, until `_shown` once they are read.
    """
    records = list(records)
    snapshots = m2m_snapshots(records)
    entries = []
    for index, record in enumerate(records[:limit]):
        changes = []
        # The previous record is the next one in this list: no query per row, and two records saved
        # in the same instant still compare with each other.
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None:
            changes = _changes(record, previous, snapshots)
            for name, old, new in changes:
                _want(related, record.instance_type, name, old)
                _want(related, record.instance_type, name, new)
        entry = HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            what=label(record),
            reason=record.history_change_reason or "",
            changes=changes,
        )
        entries.append((record.instance_type, entry))
    return entries


def audit_history(audit, limit=100):
    """Who changed what on the audit and its findings, and why (ISO 9001 7.5.3, 9.2.2 f): newest first.

    A fixed number of queries however long the history: the records, their many-to-many snapshots and
    the related records they name are each read once.
    """
    order = ("-history_date", "-history_id")
    related = RelatedRecords()
    audit_records = audit.history.select_related("history_user").order_by(*order)[: limit + 1]
    finding_records = Finding.history.filter(audit_id=audit.pk).select_related("history_user").order_by("id", *order)
    entries = _entries(audit_records, lambda record: audit.reference, limit, related)
    by_finding = {}
    for record in finding_records:
        by_finding.setdefault(record.id, []).append(record)
    for records in by_finding.values():
        entries += _entries(records, lambda record: f"{audit.reference}/{record.number:02d}", limit, related)
    related.load()
    for model, entry in entries:
        entry.changes = _shown(model, entry.changes, related)
    return sorted((entry for _model, entry in entries), key=lambda entry: entry.when, reverse=True)[:limit]
