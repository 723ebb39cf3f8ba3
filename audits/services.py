"""State changes of audit records (ISO 9001 9.2.2): every write goes through a function here.

Each service is atomic, checks who acts (per role and per audit), records who and why on the
django-simple-history entry, and raises `AuditError` with a message a person can read when a
rule forbids the change.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import QmsError, delete_with_history, save_with_history

from . import rules
from .events import Event
from .models import Audit, AuditProgramme, ChecklistItem, ChecklistQuestion, Finding
from .selectors import audit_independence_conflicts, earlier_audits_with_same_scope, independence_conflicts, same_scope


class AuditError(QmsError):
    """A rule of the audit process forbids this change; `message` says why, in the user's language."""


def _save(obj, *, user, reason):
    return save_with_history(obj, user=user, reason=reason)


PROGRAMME_APPROVAL_REFUSAL = gettext_lazy("Only top management or a quality officer can approve.")
NOT_PERMITTED = gettext_lazy("You are not allowed to do this.")


def _require(allowed, message=None):
    if not allowed:
        raise AuditError(str(message or NOT_PERMITTED))


def _require_edit(audit, user):
    refusal = rules.edit_refusal(user, audit)
    if refusal:
        raise AuditError(refusal)


def _locked_audit(audit):
    return Audit.objects.select_for_update().get(pk=audit.pk)


def independence_blocker(audit):
    """Why the audit cannot go on because an auditor is not independent of an audited unit, or "".

    People move between units after the plan is made, so independence (ISO 9001 9.2.2 c) is not
    only a rule of the plan: every step of the audit asks it again of the team as it is now.
    """
    conflicts = audit_independence_conflicts(audit)
    if not conflicts:
        return ""
    names = "; ".join(
        _("%(person)s belongs to %(unit)s") % {"person": person, "unit": unit} for person, unit in conflicts
    )
    return _(
        "Audit %(ref)s cannot go on: an auditor is not independent of a unit in its scope "
        "(ISO 9001 9.2.2 c): %(names)s. A quality officer can change the audit team, or take the unit "
        "out of the scope."
    ) % {"ref": audit.reference, "names": names}


def _require_independence(audit):
    blocker = independence_blocker(audit)
    if blocker:
        raise AuditError(blocker)


# --- programme -------------------------------------------------------------------------------


@transaction.atomic
def programme_create(*, year, objectives, user, reason=""):
    _require(user.has_perm("audits.manage_programme"))
    if AuditProgramme.objects.filter(year=year).exists():
        raise AuditError(_("There is already an audit programme for %(year)s.") % {"year": year})
    return _save(AuditProgramme(year=year, objectives=objectives), user=user, reason=reason)


@transaction.atomic
def programme_update(*, programme, objectives, user, reason=""):
    _require(user.has_perm("audits.manage_programme"))
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    if programme.status == AuditProgramme.Status.COMPLETED:
        raise AuditError(_("A completed programme can no longer change."))
    programme.objectives = objectives
    return _save(programme, user=user, reason=reason)


def programme_approval_blocker(programme):
    """Why the programme's state does not allow approving it now, or None (also shown by audits.actions)."""
    if programme.status != AuditProgramme.Status.DRAFT:
        return _("This programme has already been approved.")
    if not programme.audits.exists():
        return _("Plan at least one audit before approving the programme.")
    return None


def programme_completion_blocker(programme):
    if programme.status != AuditProgramme.Status.APPROVED:
        return _("Only an approved programme can be completed.")
    open_audits = programme.audits.exclude(status=Audit.Status.CLOSED)
    if open_audits.exists():
        refs = ", ".join(open_audits.values_list("reference", flat=True))
        return _("These audits are not closed yet: %(refs)s.") % {"refs": refs}
    return None


@transaction.atomic
def programme_approve(*, programme, user, reason=""):
    _require(user.has_perm("audits.approve_programme"), PROGRAMME_APPROVAL_REFUSAL)
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    blocker = programme_approval_blocker(programme)
    if blocker:
        raise AuditError(blocker)
    programme.status = AuditProgramme.Status.APPROVED
    programme.approved_by = user
    programme.approved_at = timezone.now()
    return _save(programme, user=user, reason=Event.PROGRAMME_APPROVED.reason(reason))


@transaction.atomic
def programme_complete(*, programme, user, reason=""):
    _require(user.has_perm("audits.manage_programme"))
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    blocker = programme_completion_blocker(programme)
    if blocker:
        raise AuditError(blocker)
    programme.status = AuditProgramme.Status.COMPLETED
    return _save(programme, user=user, reason=Event.PROGRAMME_COMPLETED.reason(reason))


# --- audit -----------------------------------------------------------------------------------


def check_independence(*, lead_auditor, team, units, documents):
    """Raise when an auditor would audit their own unit (ISO 9001 9.2.2 c)."""
    conflicts = independence_conflicts(auditors=[lead_auditor, *team], units=units, documents=documents)
    if conflicts:
        names = "; ".join(
            _("%(person)s belongs to %(unit)s") % {"person": person, "unit": unit} for person, unit in conflicts
        )
        raise AuditError(
            _(
                "An auditor cannot audit their own unit (ISO 9001 9.2.2 c): %(names)s. "
                "Choose another auditor or take the unit out of the scope."
            )
            % {"names": names}
        )


def _check_dates(planned_start, planned_end):
    if planned_start and planned_end and planned_end < planned_start:
        raise AuditError(_("The planned end cannot be before the planned start."))


def _check_follow_up(kind, follow_up_of):
    if kind == Audit.Kind.FOLLOW_UP and follow_up_of is None:
        raise AuditError(_("A follow-up audit must say which audit it follows up."))
    if kind != Audit.Kind.FOLLOW_UP and follow_up_of is not None:
        raise AuditError(_("Only a follow-up audit follows up another audit."))


@transaction.atomic
def audit_create(
    *,
    programme,
    reference,
    title,
    planned_start,
    planned_end,
    lead_auditor,
    user,
    kind=Audit.Kind.PROCESS,
    follow_up_of=None,
    team=(),
    units=(),
    documents=(),
    clauses=(),
    criteria="",
    reason="",
):
    _require(user.has_perm("audits.plan_audits"))
    if programme.status == AuditProgramme.Status.COMPLETED:
        raise AuditError(_("A completed programme can no longer change."))
    if Audit.objects.filter(reference=reference).exists():
        raise AuditError(_("The reference %(ref)s is already used.") % {"ref": reference})
    team = [member for member in team if member.pk != lead_auditor.pk]
    check_independence(lead_auditor=lead_auditor, team=team, units=units, documents=documents)
    _check_dates(planned_start, planned_end)
    _check_follow_up(kind, follow_up_of)
    audit = _save(
        Audit(
            programme=programme,
            reference=reference,
            title=title,
            kind=kind,
            follow_up_of=follow_up_of,
            criteria=criteria,
            planned_start=planned_start,
            planned_end=planned_end,
            lead_auditor=lead_auditor,
        ),
        user=user,
        reason=Event.AUDIT_PLANNED.reason(reason),
    )
    audit.team.set(team)
    audit.scope_units.set(units)
    audit.scope_documents.set(documents)
    audit.scope_clauses.set(clauses)
    return audit


AUDIT_FIELDS = ("reference", "title", "kind", "follow_up_of", "criteria", "planned_start", "planned_end")
AUDIT_M2M = {"team": "team", "units": "scope_units", "documents": "scope_documents", "clauses": "scope_clauses"}


@transaction.atomic
def audit_update(*, audit, user, reason="", lead_auditor=None, **changes):
    """Change the plan of an audit; scope and team are checked for independence again."""
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    unknown = set(changes) - set(AUDIT_FIELDS) - set(AUDIT_M2M)
    if unknown:
        raise TypeError(f"audit_update() got unexpected fields {sorted(unknown)}")
    lead = lead_auditor or audit.lead_auditor
    scope = {key: list(changes.get(key, getattr(audit, attr).all())) for key, attr in AUDIT_M2M.items()}
    scope["team"] = [member for member in scope["team"] if member.pk != lead.pk]
    check_independence(lead_auditor=lead, team=scope["team"], units=scope["units"], documents=scope["documents"])
    for name in AUDIT_FIELDS:
        if name in changes:
            setattr(audit, name, changes[name])
    if (
        audit.status != Audit.Status.PLANNED
        and lead.pk != audit.lead_auditor_id
        and not user.has_perm("audits.replace_lead_auditor")
    ):
        raise AuditError(_("Only a quality officer can change the lead auditor once preparation has started."))
    if Audit.objects.exclude(pk=audit.pk).filter(reference=audit.reference).exists():
        raise AuditError(_("The reference %(ref)s is already used.") % {"ref": audit.reference})
    _check_dates(audit.planned_start, audit.planned_end)
    _check_follow_up(audit.kind, audit.follow_up_of)
    if audit.follow_up_of_id == audit.pk:
        raise AuditError(_("An audit cannot follow itself up."))
    audit.lead_auditor = lead
    # One entry for the whole change, scope included (qms.core.records.save_with_history's m2m).
    m2m = {attr: scope[key] for key, attr in AUDIT_M2M.items()}
    save_with_history(audit, user=user, reason=Event.PLAN_CHANGED.reason(reason), m2m=m2m)
    return audit


def _transition(audit, *, user, source, target, reason, **fields):
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    if audit.status != source:
        raise AuditError(
            _("Audit %(ref)s is %(status)s; this step needs it to be %(needed)s.")
            % {
                "ref": audit.reference,
                "status": audit.get_status_display(),
                "needed": Audit.Status(source).label,
            }
        )
    # Every step, closure included: the report too must come from an independent team (9.2.2 c).
    _require_independence(audit)
    for name, value in fields.items():
        setattr(audit, name, value)
    audit.status = target
    return _save(audit, user=user, reason=reason)


@transaction.atomic
def audit_start_preparation(*, audit, user, reason=""):
    return _transition(
        audit,
        user=user,
        source=Audit.Status.PLANNED,
        target=Audit.Status.PREPARING,
        reason=Event.PREPARATION_STARTED.reason(reason),
    )


@transaction.atomic
def audit_open(*, audit, user, meeting_at=None, notes="", reason=""):
    """Hold the opening meeting: fieldwork starts."""
    meeting_at = meeting_at or timezone.now()
    return _transition(
        audit,
        user=user,
        source=Audit.Status.PREPARING,
        target=Audit.Status.IN_PROGRESS,
        reason=Event.OPENING_MEETING.reason(reason),
        opening_meeting_at=meeting_at,
        opening_meeting_notes=notes,
        actual_start=timezone.localdate(meeting_at),
    )


@transaction.atomic
def audit_finish_fieldwork(*, audit, user, meeting_at=None, notes="", reason=""):
    """Hold the closing meeting: the findings are presented and the report is written."""
    meeting_at = meeting_at or timezone.now()
    return _transition(
        audit,
        user=user,
        source=Audit.Status.IN_PROGRESS,
        target=Audit.Status.REPORTING,
        reason=Event.CLOSING_MEETING.reason(reason),
        closing_meeting_at=meeting_at,
        closing_meeting_notes=notes,
        actual_end=timezone.localdate(meeting_at),
    )


def closure_blockers(audit):
    """What still prevents closing the audit, as messages (empty when it can close)."""
    blockers = []
    missing = [f for f in audit.findings.all() if f.is_nonconformity and f.nonconformity_id is None]
    if missing:
        blockers.append(
            _("Raise the nonconformity of every nonconformity finding first: %(refs)s.")
            % {"refs": ", ".join(f.reference for f in missing)}
        )
    if audit.kind == Audit.Kind.FOLLOW_UP and audit.follow_up_of_id:
        unverified = [
            f
            for f in audit.follow_up_of.findings.all()
            if f.classification != Finding.Classification.GOOD_PRACTICE and not f.verification
        ]
        if unverified:
            blockers.append(
                _("Verify every finding of the audit followed up first: %(refs)s.")
                % {"refs": ", ".join(f.reference for f in unverified)}
            )
    return blockers


@transaction.atomic
def audit_close(*, audit, user, conclusion="", reason=""):
    """Close the audit (9.2.2 d): only when every nonconformity finding has its nonconformity."""
    locked = _locked_audit(audit)
    # Lock the findings too, so that no finding is added while we check them.
    list(locked.findings.select_for_update())
    blockers = closure_blockers(locked)
    if blockers:
        raise AuditError(" ".join(blockers))
    return _transition(
        locked,
        user=user,
        source=Audit.Status.REPORTING,
        target=Audit.Status.CLOSED,
        reason=Event.AUDIT_CLOSED.reason(reason),
        conclusion=conclusion or locked.conclusion,
        closed_at=timezone.now(),
    )


# --- checklist -------------------------------------------------------------------------------

EDITABLE_CHECKLIST = (Audit.Status.PLANNED, Audit.Status.PREPARING, Audit.Status.IN_PROGRESS, Audit.Status.REPORTING)
RESULTS_OPEN = (Audit.Status.IN_PROGRESS, Audit.Status.REPORTING)


def _block_text(value):
    """A readable line from a StreamField block value (a string, rich text or a struct)."""
    if value is None:
        return ""
    if hasattr(value, "get") and not isinstance(value, str):
        parts = []
        keys = ("title", "name", "heading", "step", "record", "what", "responsible", "keeper", "location", "where")
        for key in (*keys, "retention", "description", "text"):
            part = value.get(key)
            if part:
                parts.append(_block_text(part))
        return " – ".join(p for p in parts if p)
    if hasattr(value, "source"):  # RichText
        from django.utils.html import strip_tags

        return strip_tags(value.source).strip()
    return str(value).strip()


def document_steps(document):
    """Text of each step of a process document (empty when the document has no steps field)."""
    steps = getattr(document, "steps", None)
    if not steps:
        return []
    return [text for text in (_block_text(block.value) for block in steps) if text]


def document_records(document):
    """Text of each record a process document requires to keep."""
    for name in ("records", "records_to_keep", "record_items"):
        records = getattr(document, name, None)
        if records is None:
            continue
        if hasattr(records, "all"):
            return [text for text in (_record_text(record) for record in records.all()) if text]
        return [text for text in (_block_text(block.value) for block in records) if text]
    return []


def _record_text(record):
    parts = [str(getattr(record, key, "") or "") for key in ("name", "title", "what", "where", "retention")]
    return " – ".join(p for p in parts if p) or str(record)


def _clause_question(clause):
    return _("Is the requirement of clause %(number)s “%(title)s” met? What shows it?") % {
        "number": clause.number,
        "title": clause.title,
    }


def _planned_items(audit):
    """(source, clause, document, question) for every line the scope calls for, in order."""
    from qms.core.models import IsoClause

    planned = []
    if audit.kind == Audit.Kind.FOLLOW_UP and audit.follow_up_of_id:
        for finding in audit.follow_up_of.findings.exclude(classification=Finding.Classification.GOOD_PRACTICE):
            question = _("Was finding %(ref)s dealt with effectively? (%(statement)s)") % {
                "ref": finding.reference,
                "statement": finding.statement,
            }
            planned.append((ChecklistItem.Source.FOLLOW_UP, finding.clause, finding.document, question))
    scoped = list(audit.scope_clauses.all())
    prefixes = [c.number for c in scoped]
    clauses = [
        c for c in IsoClause.objects.all() if any(c.number == p or c.number.startswith(p + ".") for p in prefixes)
    ]
    numbers = {c.number for c in clauses}
    bank = {}
    for question in ChecklistQuestion.objects.filter(is_active=True, clause__in=clauses, document__isnull=True):
        bank.setdefault(question.clause_id, []).append(question)
    for clause in clauses:
        if clause.pk in bank:
            for question in bank[clause.pk]:
                planned.append((ChecklistItem.Source.QUESTION_BANK, clause, None, question.text))
        elif not any(n.startswith(clause.number + ".") for n in numbers):
            # A clause with sub-clauses in scope is asked through them.
            planned.append((ChecklistItem.Source.CLAUSE, clause, None, _clause_question(clause)))
    for document in audit.scope_documents.order_by("identifier"):
        for question in ChecklistQuestion.objects.filter(is_active=True, document=document):
            planned.append((ChecklistItem.Source.QUESTION_BANK, question.clause, document, question.text))
        for number, step in enumerate(document_steps(document), start=1):
            question = _("%(doc)s, step %(n)s: is it carried out as described? (%(step)s)") % {
                "doc": document.identifier,
                "n": number,
                "step": step,
            }
            planned.append((ChecklistItem.Source.DOCUMENT_STEP, None, document, question))
        for record in document_records(document):
            question = _("%(doc)s: is the record kept as required? (%(record)s)") % {
                "doc": document.identifier,
                "record": record,
            }
            planned.append((ChecklistItem.Source.DOCUMENT_RECORD, None, document, question))
    return planned


def _next_order(audit):
    return (audit.checklist.aggregate(m=Max("sort_order"))["m"] or 0) + 1


@transaction.atomic
def checklist_generate(*, audit, user, reason=""):
    """Add the lines the scope calls for; lines already there are kept as they are (idempotent)."""
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    _require_independence(audit)
    if audit.status not in EDITABLE_CHECKLIST:
        raise AuditError(_("The checklist can no longer change."))
    existing = set(audit.checklist.values_list("source", "clause_id", "document_id", "question"))
    order = _next_order(audit)
    created = []
    # The questions are part of the audit record, read by everyone and exported in the report: they are
    # written in the organisation's language, not in that of whoever pressed the button (ISO 9001 7.5.2).
    with translation.override(settings.LANGUAGE_CODE):
        planned = _planned_items(audit)
    for source, clause, document, question in planned:
        key = (source, clause.pk if clause else None, document.pk if document else None, question)
        if key in existing:
            continue
        existing.add(key)
        item = ChecklistItem(
            audit=audit, sort_order=order, source=source, clause=clause, document=document, question=question
        )
        created.append(_save(item, user=user, reason=Event.CHECKLIST_GENERATED.reason(reason)))
        order += 1
    return created


@transaction.atomic
def checklist_copy(*, audit, source_audit, user, reason=""):
    """Copy the questions (not the answers) of an earlier audit of the same scope."""
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    _require_independence(audit)
    if audit.status not in EDITABLE_CHECKLIST:
        raise AuditError(_("The checklist can no longer change."))
    if source_audit.pk == audit.pk or not same_scope(audit, source_audit):
        raise AuditError(_("A checklist can only be copied from another audit with the same scope."))
    existing = set(audit.checklist.values_list("clause_id", "document_id", "question"))
    order = _next_order(audit)
    created = []
    for line in source_audit.checklist.order_by("sort_order", "pk"):
        key = (line.clause_id, line.document_id, line.question)
        if key in existing:
            continue
        existing.add(key)
        item = ChecklistItem(
            audit=audit,
            sort_order=order,
            source=line.source,
            clause_id=line.clause_id,
            document_id=line.document_id,
            question=line.question,
        )
        reason_text = Event.CHECKLIST_COPIED.reason(reason, ref=source_audit.reference)
        created.append(_save(item, user=user, reason=reason_text))
        order += 1
    return created


def copy_sources(audit):
    return earlier_audits_with_same_scope(audit)


@transaction.atomic
def checklist_item_add(*, audit, question, user, clause=None, document=None, reason=""):
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    _require_independence(audit)
    if not question.strip():
        raise AuditError(_("Write the question."))
    item = ChecklistItem(
        audit=audit,
        sort_order=_next_order(audit),
        source=ChecklistItem.Source.MANUAL,
        clause=clause,
        document=document,
        question=question.strip(),
    )
    return _save(item, user=user, reason=Event.QUESTION_ADDED.reason(reason))


@transaction.atomic
def checklist_item_update(*, item, version, user, question=None, evidence=None, result=None, notes=None, reason=""):
    """Record evidence and result on a line; `version` is what the editor saw (lost update check)."""
    item = ChecklistItem.objects.select_for_update().select_related("audit").get(pk=item.pk)
    _require_edit(item.audit, user)
    _require_independence(item.audit)
    if int(version) != item.version:
        raise AuditError(
            _("Someone else changed this line while you were editing it. Reload the page and enter your change again.")
        )
    if result is not None and result != item.result and item.audit.status not in RESULTS_OPEN:
        raise AuditError(_("Results are recorded once the opening meeting has been held."))
    if result is not None and result not in ChecklistItem.Result.values:
        raise AuditError(_("Choose a valid result."))
    if question is not None:
        if not question.strip():
            raise AuditError(_("Write the question."))
        item.question = question.strip()
    for name, value in (("evidence", evidence), ("result", result), ("notes", notes)):
        if value is not None:
            setattr(item, name, value)
    item.version += 1
    return _save(item, user=user, reason=Event.LINE_RECORDED.reason(reason))


@transaction.atomic
def checklist_item_remove(*, item, user, reason=""):
    item = ChecklistItem.objects.select_for_update().select_related("audit").get(pk=item.pk)
    _require_edit(item.audit, user)
    if item.result != ChecklistItem.Result.NOT_ASSESSED or item.findings.exists():
        raise AuditError(_("A line that has a result or a finding cannot be removed."))
    delete_with_history(item, user=user, reason=Event.QUESTION_REMOVED.reason(reason))


# --- findings --------------------------------------------------------------------------------


def _check_finding_links(audit, checklist_item):
    if checklist_item is not None and checklist_item.audit_id != audit.pk:
        raise AuditError(_("The checklist line belongs to another audit."))


@transaction.atomic
def finding_record(
    *,
    audit,
    classification,
    statement,
    evidence,
    user,
    clause=None,
    document=None,
    unit=None,
    checklist_item=None,
    reason="",
):
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    if audit.status not in RESULTS_OPEN:
        raise AuditError(_("Findings are recorded between the opening meeting and closure."))
    _require_independence(audit)
    if classification not in Finding.Classification.values:
        raise AuditError(_("Choose a classification."))
    if not statement.strip() or not evidence.strip():
        raise AuditError(_("A finding needs a statement and the objective evidence behind it."))
    _check_finding_links(audit, checklist_item)
    if unit is None and document is not None:
        unit = document.unit
    if classification in Finding.NONCONFORMITIES and unit is None:
        raise AuditError(_("Say in which unit the nonconformity was found."))
    number = (audit.findings.aggregate(m=Max("number"))["m"] or 0) + 1
    finding = Finding(
        audit=audit,
        number=number,
        classification=classification,
        statement=statement.strip(),
        evidence=evidence.strip(),
        clause=clause,
        document=document,
        unit=unit,
        checklist_item=checklist_item,
        recorded_by=user,
    )
    return _save(finding, user=user, reason=Event.FINDING_RECORDED.reason(reason))


FINDING_FIELDS = ("classification", "statement", "evidence", "clause", "document", "unit", "checklist_item")


@transaction.atomic
def finding_update(*, finding, user, reason="", **changes):
    finding = Finding.objects.select_for_update().select_related("audit").get(pk=finding.pk)
    _require_edit(finding.audit, user)
    unknown = set(changes) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"finding_update() got unexpected fields {sorted(unknown)}")
    if finding.nonconformity_id and changes.get("classification", finding.classification) not in (
        Finding.NONCONFORMITIES
    ):
        raise AuditError(_("Its nonconformity has been raised: the finding stays a nonconformity."))
    _require_independence(finding.audit)
    _check_finding_links(finding.audit, changes.get("checklist_item"))
    for name, value in changes.items():
        setattr(finding, name, value)
    if finding.is_nonconformity and finding.unit is None:
        raise AuditError(_("Say in which unit the nonconformity was found."))
    if not finding.statement.strip() or not finding.evidence.strip():
        raise AuditError(_("A finding needs a statement and the objective evidence behind it."))
    return _save(finding, user=user, reason=Event.FINDING_CHANGED.reason(reason))


def _nonconformity_services():
    try:
        from qms.nonconformities import services
        from qms.nonconformities.models import Nonconformity
    except ImportError as error:  # pragma: no cover - the register is part of the product
        raise AuditError(_("The nonconformity register is not available.")) from error
    return services, Nonconformity


@transaction.atomic
def finding_raise_nonconformity(*, finding, user, reason=""):
    """Create the finding's nonconformity (source: internal audit) exactly once (ISO 9001 10.2).

    The finding row is locked first, so two presses, two tabs or two auditors at once end with one
    nonconformity: the second caller waits, then sees the link and gets the same nonconformity.
    """
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.nonconformity_id:
        return finding.nonconformity
    _require_edit(finding.audit, user)
    if not finding.is_nonconformity:
        raise AuditError(_("Only a major or minor nonconformity finding raises a nonconformity."))
    services, Nonconformity = _nonconformity_services()
    severity = (
        Nonconformity.Severity.MAJOR
        if finding.classification == Finding.Classification.MAJOR
        else (Nonconformity.Severity.MINOR)
    )
    owner = finding.document.process_owner if finding.document else None
    owner = owner or (finding.unit.manager if finding.unit else None)
    audit = finding.audit
    # The nonconformity's title and description are a record of the organisation, kept in its
    # language whoever raises it (ISO 9001 7.5.2, 10.2.2); only the history reason is the person's.
    with translation.override(settings.LANGUAGE_CODE):
        description = _("%(statement)s\n\nObjective evidence: %(evidence)s\n\nAudit %(audit)s, finding %(ref)s.") % {
            "statement": finding.statement,
            "evidence": finding.evidence,
            "audit": audit,
            "ref": finding.reference,
        }
        title = _("Audit finding %(ref)s: %(statement)s") % {"ref": finding.reference, "statement": finding.statement}
    if len(title) > 250:
        title = title[:249] + "…"
    try:
        nonconformity = services.nonconformity_report(
            title=title,
            description=description,
            source=Nonconformity.Source.INTERNAL_AUDIT,
            severity=severity,
            unit=finding.unit,
            reported_by=user,
            documents=[finding.document] if finding.document else (),
            clauses=[finding.clause] if finding.clause else (),
            owner=owner,
            reason=Event.NONCONFORMITY_RAISED_FROM.reason(reason, ref=finding.reference),
        )
    except services.NonconformityError as error:
        raise AuditError(error.message) from error
    finding.nonconformity = nonconformity
    _save(finding, user=user, reason=Event.NONCONFORMITY_RAISED.reason(reason))
    return nonconformity


@transaction.atomic
def finding_link_nonconformity(*, finding, nonconformity, user, reason=""):
    """Link a nonconformity already in the register (e.g. reported on paper during the audit) to its finding."""
    finding = Finding.objects.select_for_update().select_related("audit").get(pk=finding.pk)
    if finding.nonconformity_id == nonconformity.pk:
        return finding
    _require_edit(finding.audit, user)
    if finding.nonconformity_id:
        raise AuditError(_("This finding already has its nonconformity."))
    if not finding.is_nonconformity:
        raise AuditError(_("Only a major or minor nonconformity finding raises a nonconformity."))
    if Finding.objects.filter(nonconformity=nonconformity).exists():
        raise AuditError(_("This nonconformity belongs to another finding."))
    if nonconformity.source != nonconformity.Source.INTERNAL_AUDIT:
        raise AuditError(_("Only a nonconformity from an internal audit can be linked to a finding."))
    finding.nonconformity = nonconformity
    return _save(finding, user=user, reason=Event.NONCONFORMITY_LINKED.reason(reason))


@transaction.atomic
def finding_verify(*, finding, follow_up, closed, user, notes="", reason=""):
    """A follow-up audit records whether an earlier finding was dealt with (ISO 9001 9.2.2 e, 10.2.1 d)."""
    follow_up = _locked_audit(follow_up)
    _require_edit(follow_up, user)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if follow_up.kind != Audit.Kind.FOLLOW_UP or follow_up.follow_up_of_id != finding.audit_id:
        raise AuditError(_("Only a follow-up of audit %(ref)s can verify its findings.") % {"ref": finding.audit})
    if follow_up.status not in RESULTS_OPEN:
        raise AuditError(_("Findings are verified between the opening meeting and closure."))
    if closed and finding.nonconformity_id and not _nonconformity_is_closed(finding.nonconformity):
        raise AuditError(
            _("Nonconformity %(nc)s is not closed yet; the finding cannot be verified as closed.")
            % {"nc": finding.nonconformity}
        )
    finding.verified_in = follow_up
    finding.verification = Finding.Verification.CLOSED if closed else Finding.Verification.NOT_CLOSED
    finding.verification_notes = notes
    return _save(finding, user=user, reason=Event.FINDING_VERIFIED.reason(reason, ref=follow_up.reference))


def _nonconformity_is_closed(nonconformity):
    return nonconformity.status == nonconformity.Status.CLOSED
