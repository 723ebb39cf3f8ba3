"""Who may do what with audit records (ISO 9001 9.2.2 c: objectivity and impartiality).

The one home of these rules (names: docs/roles.md, `audits.<verb>_<object>`): services, site views,
templates, the Wagtail admin permission policies and the available-actions selectors
(`audits.actions`) all ask `user.has_perm(<name>, record)`. A rule says *who*; *when* (a closed
audit, a completed programme) is the record's state, which the services and the selectors check
beside it (Django grants an administrator every permission, whatever the state).
"""

import rules
from django.db.models import Q
from django.utils.translation import gettext as _

from qms.core.rules import is_approver, is_auditor, is_authenticated, is_quality_officer, reads_everything


def team_q(user, prefix=""):
    """The list form of "on the audit team": lead auditor or a member (`prefix`: a path to the audit)."""
    return Q(**{f"{prefix}lead_auditor": user}) | Q(**{f"{prefix}team": user})


@rules.predicate
def is_on_audit(user, audit):
    """On the audit team: its lead auditor or a member."""
    if audit is None or not user.is_authenticated:
        return False
    if audit.lead_auditor_id == user.pk:
        return True
    return audit.team.filter(pk=user.pk).exists()


@rules.predicate
def is_closed(user, audit):
    return audit is not None and audit.is_closed


@rules.predicate
def is_of_audited_unit(user, audit):
    from .selectors import audited_unit_ids

    return audit is not None and user.unit_id is not None and user.unit_id in audited_unit_ids(audit)


# Officers, auditors and leadership read every audit record.
rules.add_perm("audits.read_audits", is_authenticated & reads_everything)
rules.add_perm("audits.plan_audits", is_quality_officer | is_auditor)
# Officers edit any open audit; an auditor only the audits they are on (while open: `may_edit`).
rules.add_perm("audits.edit_any_audit", is_quality_officer)
rules.add_perm("audits.edit_audit", is_quality_officer | (is_auditor & is_on_audit))
# Once preparation has started, only a quality officer changes the lead auditor.
rules.add_perm("audits.replace_lead_auditor", is_quality_officer)
# Audit people see reports at any time; staff of the audited unit once the audit is closed.
rules.add_perm("audits.read_report", is_authenticated & (reads_everything | (is_closed & is_of_audited_unit)))
rules.add_perm("audits.manage_programme", is_quality_officer)
# Top management (approvers) approve the programme; quality officers may on their behalf.
rules.add_perm("audits.approve_programme", is_quality_officer | is_approver)


def may_edit(user, audit):
    """`audits.edit_audit` on an audit still open: a closed audit's records never change (7.5.3)."""
    return not audit.is_closed and user.has_perm("audits.edit_audit", audit)


def edit_refusal(user, audit):
    """Why `user` may not change `audit`, or None (the services' and the selectors' message)."""
    if audit.is_closed:
        return _("Audit %(ref)s is closed; its records can no longer change.") % {"ref": audit.reference}
    if not user.has_perm("audits.edit_audit", audit):
        return _("Only the audit team of %(ref)s or a quality officer can change it.") % {"ref": audit.reference}
    return None
