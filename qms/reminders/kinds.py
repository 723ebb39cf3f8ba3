"""The kinds of items that fall due, with their labels (kept here so they are in this app's catalogue)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DOCUMENT_REVIEW = "document_review"
ACKNOWLEDGEMENT = "acknowledgement"
CORRECTIVE_ACTION = "corrective_action"
ACTION_VERIFICATION = "action_verification"
NONCONFORMITY_STUCK = "nonconformity_stuck"
AUDIT_UPCOMING = "audit_upcoming"
FINDING_WITHOUT_NC = "finding_without_nc"
# What awaits leadership's (or a workflow step's) decision: issue 14 item 7.
REVISION_DECISION = "revision_decision"
MAJOR_NC_CLOSURE = "major_nc_closure"
PROGRAMME_APPROVAL = "programme_approval"
FEEDBACK_ANSWER = "feedback_answer"

LABELS = {
    DOCUMENT_REVIEW: _("Document reviews (ISO 9001 7.5.2)"),
    ACKNOWLEDGEMENT: _("Revisions to read and acknowledge (7.3)"),
    CORRECTIVE_ACTION: _("Corrective actions (10.2)"),
    ACTION_VERIFICATION: _("Actions awaiting verification of effectiveness (10.2.1 d)"),
    NONCONFORMITY_STUCK: _("Nonconformities stuck in one status (10.2)"),
    AUDIT_UPCOMING: _("Internal audits coming up (9.2)"),
    FINDING_WITHOUT_NC: _("Audit findings without their nonconformity (9.2.2, 10.2)"),
    REVISION_DECISION: _("Revisions awaiting your decision (7.5.2 c)"),
    MAJOR_NC_CLOSURE: _("Major nonconformities awaiting closure (10.2)"),
    PROGRAMME_APPROVAL: _("Audit programmes awaiting approval (9.2.2 a)"),
    FEEDBACK_ANSWER: _("Citizens' feedback awaiting its answer (8.2.1)"),
}

# Days a person has to decide on what awaits their approval, counted from when it reached them:
# five days is one working week, the turnaround Vietnamese agencies usually give a leader's
# signature on an internal paper. Short enough that a revision blocked at a step, or a major
# nonconformity left open after its actions proved effective, is overdue (and escalated) within
# weeks, not at the next audit; long enough to leave an approver who is away a few days.
DEFAULT_APPROVAL_DUE_DAYS = 5


def approval_due_days():
    """The QMS_APPROVAL_DUE_DAYS setting (default 5), shared by the three approval kinds."""
    return getattr(settings, "QMS_APPROVAL_DUE_DAYS", DEFAULT_APPROVAL_DUE_DAYS)
