"""The events a management review goes through (ISO 9001 9.3), each with its default reason."""

from django.utils.translation import gettext_lazy as _

from qms.core.records import HistoryEvent


class Event(HistoryEvent):
    PLANNED = "planned", _("Review planned")
    EDITED = "edited", _("Edited: %(fields)s")
    PACK_PREPARED = "pack_prepared", _("Review pack prepared")
    MINUTES_RECORDED = "minutes_recorded", _("Minutes recorded")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
    DECISION_RECORDED = "decision_recorded", _("Decision recorded")
    NONCONFORMITY_RAISED = "nonconformity_raised", _("Nonconformity raised from the decision")
    REVISION_STARTED = "revision_started", _("Document revision started from the decision")
    REPORT_EDITED = "report_edited", _("Report text edited")
