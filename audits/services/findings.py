"""Findings and their way into nonconformities (ISO 9001 9.2.2 d-f, 10.2)."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from ..events import Event
from ..models import Audit, Finding
from ._common import AuditError, _locked_audit, _require_edit, _require_independence, _save
from .checklist import RESULTS_OPEN


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
