"""Reads reused by views, services and reports (ISO 9001 9.2.2 a: programme coverage)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from qms.core.models import IsoClause, OrganisationUnit
from qms.core.timeline import Timeline

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

    if not roles.is_approver(user):
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


def audit_history(audit, limit=100):
    """Who changed what on the audit and its findings, and why (ISO 9001 7.5.3, 9.2.2 f): newest first.

    A fixed number of queries however long the history: the records, their many-to-many snapshots and
    the related records they name are each read once.
    """
    order = ("-history_date", "-history_id")
    line = Timeline(limit)
    line.add(audit.history.select_related("history_user").order_by(*order)[: limit + 1], subject=audit.reference)
    # Every finding's rows in one query, newest first within each finding (the timeline tells them apart).
    findings = Finding.history.filter(audit_id=audit.pk).select_related("history_user").order_by("id", *order)
    line.add(findings, subject=lambda record: f"{audit.reference}/{record.number:02d}")
    return line.entries()
