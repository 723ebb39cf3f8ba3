"""The available-actions selectors of audits and audit programmes (ISO 9001 9.2.2): one table of steps.

For a person and a record: each step's label, whether the service would accept it now, and why
not, from the same permissions (`audits.rules`) and state checks the services enforce. The site
views render these and dispatch a posted step through the same table, so no view keeps its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qms.core.rules import available

from . import rules, services
from .models import Audit, AuditProgramme


@dataclass(frozen=True)
class Step:
    source: str  # the status the step starts from
    label: str
    service: Callable
    permission: str = ""
    refusal: str = services.NOT_PERMITTED


# The audit's workflow (ISO 9001 9.2.2 b-d): planned → preparing → in progress → reporting → closed.
AUDIT_STEPS = {
    "prepare": Step(Audit.Status.PLANNED, _("Start preparation"), services.audit_start_preparation),
    "open": Step(Audit.Status.PREPARING, _("Hold the opening meeting"), services.audit_open),
    "finish": Step(Audit.Status.IN_PROGRESS, _("Hold the closing meeting"), services.audit_finish_fieldwork),
    "close": Step(Audit.Status.REPORTING, _("Close the audit"), services.audit_close),
}

PROGRAMME_STEPS = {
    "approve": Step(
        AuditProgramme.Status.DRAFT,
        _("Approve the programme"),
        services.programme_approve,
        "audits.approve_programme",
        services.PROGRAMME_APPROVAL_REFUSAL,
    ),
    "complete": Step(
        AuditProgramme.Status.APPROVED,
        _("Mark the programme completed"),
        services.programme_complete,
        "audits.manage_programme",
    ),
}


def audit_actions(*, user, audit):
    """The step of the audit's current status, if any: allowed, or why not (rights first, then independence
    and, for closing, what is still missing)."""
    result = []
    for name, step in AUDIT_STEPS.items():
        if step.source != audit.status:
            continue
        blockers = [services.independence_blocker(audit)]
        if name == "close":
            blockers += services.closure_blockers(audit)
        blocker = " ".join(text for text in blockers if text)
        result.append(available(name, step.label, refusal=rules.edit_refusal(user, audit), blocker=blocker))
    return result


def programme_actions(*, user, programme):
    """Approving a draft programme (leadership, 9.2.2 a) and completing an approved one (quality officers)."""
    result = []
    for name, step in PROGRAMME_STEPS.items():
        if step.source != programme.status:
            continue
        refusal = None if user.has_perm(step.permission) else step.refusal
        result.append(available(name, step.label, refusal=refusal, blocker=_programme_blocker(name, programme)))
    return result


def _programme_blocker(name, programme):
    if name == "approve":
        return services.programme_approval_blocker(programme)
    return services.programme_completion_blocker(programme)
