"""The kinds of items that fall due, with their labels (kept here so they are in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

DOCUMENT_REVIEW = "document_review"
ACKNOWLEDGEMENT = "acknowledgement"
CORRECTIVE_ACTION = "corrective_action"
ACTION_VERIFICATION = "action_verification"
NONCONFORMITY_STUCK = "nonconformity_stuck"
AUDIT_UPCOMING = "audit_upcoming"
FINDING_WITHOUT_NC = "finding_without_nc"

LABELS = {
    DOCUMENT_REVIEW: _("Document reviews (ISO 9001 7.5.2)"),
    ACKNOWLEDGEMENT: _("Revisions to read and acknowledge (7.3)"),
    CORRECTIVE_ACTION: _("Corrective actions (10.2)"),
    ACTION_VERIFICATION: _("Actions awaiting verification of effectiveness (10.2.1 d)"),
    NONCONFORMITY_STUCK: _("Nonconformities stuck in one status (10.2)"),
    AUDIT_UPCOMING: _("Internal audits coming up (9.2)"),
    FINDING_WITHOUT_NC: _("Audit findings without their nonconformity (9.2.2, 10.2)"),
}
