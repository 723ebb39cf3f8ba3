"""The events an objective, its indicators and measurements go through (ISO 9001 6.2, 9.1.1).

Services record `Event.X.reason(reason)` (qms.core.records.HistoryEvent): the person's whole reason, or this.
"""

from django.utils.translation import gettext_lazy as _

from qms.core.records import HistoryEvent


class Event(HistoryEvent):
    DRAFTED = "drafted", _("Objective drafted")
    EDITED = "edited", _("Edited: %(fields)s")
    APPROVED = "approved", _("Objective approved")
    CLOSED = "closed", _("Status: %(from)s → %(to)s")
    INDICATOR_ADDED = "indicator_added", _("Indicator added")
    MEASURED = "measured", _("Measurement recorded")
    MEASUREMENT_CORRECTED = "measurement_corrected", _("Measurement corrected")
    COMPUTED = "computed", _("Computed from the registers")
    NONCONFORMITY_RAISED = "nonconformity_raised", _("Raised nonconformity %(nc)s")
