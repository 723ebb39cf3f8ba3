"""One audit from plan to closure (ISO 9001 9.2.2 b, c, e): dates, team independence, meetings, closure."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.records import save_with_history

from ..events import Event
from ..models import Audit, AuditProgramme, Finding
from ..selectors import independence_conflicts
from ._common import AuditError, _locked_audit, _require, _require_edit, _require_independence, _save


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
