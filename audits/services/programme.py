"""The audit programme (ISO 9001 9.2.2 a): drafted by quality officers, approved by top management."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..events import Event
from ..models import Audit, AuditProgramme
from ._common import PROGRAMME_APPROVAL_REFUSAL, AuditError, _require, _save


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
