"""What every audit service shares: the error, the permission and lock helpers, independence (9.2.2 c)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.records import QmsError, save_with_history

from .. import rules
from ..models import Audit
from ..selectors import audit_independence_conflicts


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
