"""What the reminder kinds share; each kind, its name and label, belong to the app that registers it.

A provider carries its own kind and label (qms.reminders.registry.provider), so this app's catalogue
holds no other app's words: document reviews are named in cms, corrective actions in
qms.nonconformities, audits in audits (docs/architecture.md).
"""

from django.conf import settings

# Days a person has to decide on what awaits their approval, counted from when it reached them:
# five days is one working week, the turnaround Vietnamese agencies usually give a leader's
# signature on an internal paper. Short enough that a revision blocked at a step, or a major
# nonconformity left open after its actions proved effective, is overdue (and escalated) within
# weeks, not at the next audit; long enough to leave an approver who is away a few days.
DEFAULT_APPROVAL_DUE_DAYS = 5


def approval_due_days():
    """The QMS_APPROVAL_DUE_DAYS setting (default 5), shared by the three approval kinds."""
    return getattr(settings, "QMS_APPROVAL_DUE_DAYS", DEFAULT_APPROVAL_DUE_DAYS)
