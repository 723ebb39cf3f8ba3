"""The events a nonconformity and its actions go through (ISO 9001 10.2), each with its default reason.

Services record `Event.X.reason(reason)` (qms.core.records.HistoryEvent): the person's whole reason, or this.
"""

from django.utils.translation import gettext_lazy as _

from qms.core.records import HistoryEvent


class Event(HistoryEvent):
    REPORTED = "reported", _("Reported")
    EDITED = "edited", _("Edited: %(fields)s")
    TRANSITION = "transition", _("Status: %(from)s → %(to)s")
    ACTION_PLANNED = "action_planned", _("Action planned")
    ACTION_STARTED = "action_started", _("Action started")
    ACTION_COMPLETED = "action_completed", _("Completed with evidence")
    EVERY_ACTION_COMPLETED = "every_action_completed", _("Every action completed")
    EVIDENCE_ATTACHED = "evidence_attached", _("Evidence attached")
    VERIFIED_EFFECTIVE = "verified_effective", _("Verified effective")
    VERIFIED_NOT_EFFECTIVE = "verified_not_effective", _("Verified not effective")
    ACTION_NOT_EFFECTIVE = "action_not_effective", _("An action was not effective")
