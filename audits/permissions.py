"""Who may do what with audit records (ISO 9001 9.2.2 c: objectivity and impartiality).

Roles come from `qms.core.roles`; the per-object rules live here so that services, site views
and the Wagtail admin permission policy all ask the same questions.
"""

from qms.core import roles


def is_officer(user):
    return user.is_authenticated and (user.is_superuser or roles.is_quality_officer(user))


def is_on_audit(user, audit):
    if not user.is_authenticated:
        return False
    if audit.lead_auditor_id == user.pk:
        return True
    return audit.team.filter(pk=user.pk).exists()


def can_read_audits(user):
    """Officers, auditors and leadership read every audit record."""
    return user.is_authenticated and (is_officer(user) or roles.is_auditor(user) or roles.is_approver(user))


def can_plan_audits(user):
    return is_officer(user) or (user.is_authenticated and roles.is_auditor(user))


def can_edit_audit(user, audit):
    """Officers edit any open audit; an auditor only the audits they are on."""
    if audit.is_closed or not user.is_authenticated:
        return False
    if is_officer(user):
        return True
    return roles.is_auditor(user) and is_on_audit(user, audit)


def is_of_audited_unit(user, audit):
    from .selectors import audited_unit_ids

    return user.is_authenticated and user.unit_id is not None and user.unit_id in audited_unit_ids(audit)


def can_view_report(user, audit):
    """Audit people see reports at any time; staff of the audited unit once the audit is closed."""
    if can_read_audits(user):
        return True
    return audit.is_closed and is_of_audited_unit(user, audit)


def can_manage_programme(user):
    return is_officer(user)


def can_approve_programme(user):
    """Top management (approvers) approve the programme; quality officers may on their behalf."""
    return user.is_authenticated and (is_officer(user) or roles.is_approver(user))
