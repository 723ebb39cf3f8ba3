"""The events an audit programme, an audit, its checklist and findings go through (ISO 9001 9.2).

Services record `Event.X.reason(reason)` (qms.core.records.HistoryEvent): the person's whole reason, or this.
"""

from django.utils.translation import gettext_lazy as _

from qms.core.records import HistoryEvent


class Event(HistoryEvent):
    PROGRAMME_APPROVED = "programme_approved", _("Programme approved")
    PROGRAMME_COMPLETED = "programme_completed", _("Programme completed")
    AUDIT_PLANNED = "audit_planned", _("Audit planned")
    PLAN_CHANGED = "plan_changed", _("Audit plan changed")
    PREPARATION_STARTED = "preparation_started", _("Preparation started")
    OPENING_MEETING = "opening_meeting", _("Opening meeting held")
    CLOSING_MEETING = "closing_meeting", _("Closing meeting held")
    AUDIT_CLOSED = "audit_closed", _("Audit closed")
    CHECKLIST_GENERATED = "checklist_generated", _("Checklist generated from the scope")
    CHECKLIST_COPIED = "checklist_copied", _("Checklist copied from %(ref)s")
    QUESTION_ADDED = "question_added", _("Question added")
    LINE_RECORDED = "line_recorded", _("Checklist line recorded")
    QUESTION_REMOVED = "question_removed", _("Question removed")
    FINDING_RECORDED = "finding_recorded", _("Finding recorded")
    FINDING_CHANGED = "finding_changed", _("Finding changed")
    NONCONFORMITY_RAISED_FROM = "nonconformity_raised_from", _("Raised from audit finding %(ref)s")
    NONCONFORMITY_RAISED = "nonconformity_raised", _("Nonconformity raised")
    NONCONFORMITY_LINKED = "nonconformity_linked", _("Nonconformity linked")
    FINDING_VERIFIED = "finding_verified", _("Finding verified in %(ref)s")
