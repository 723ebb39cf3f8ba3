"""The events a risk or opportunity goes through (ISO 9001 6.1).

Services record `Event.X.reason(reason)` (qms.core.records.HistoryEvent): the person's whole reason, or this.
"""

from django.utils.translation import gettext_lazy as _

from qms.core.records import HistoryEvent


class Event(HistoryEvent):
    IDENTIFIED = "identified", _("Identified")
    EDITED = "edited", _("Edited: %(fields)s")
    ASSESSED = "assessed", _("Assessed: likelihood %(likelihood)s × impact %(impact)s = %(score)s")
    TREATMENT_PLANNED = "treatment_planned", _("Treatment decided: %(treatment)s")
    REVIEWED = "reviewed", _("Reviewed: %(effectiveness)s")
    CLOSED = "closed", _("Risk closed")
    NONCONFORMITY_LINKED = "nonconformity_linked", _("Materialised as nonconformity %(nc)s")
    NONCONFORMITY_UNLINKED = "nonconformity_unlinked", _("No longer linked to nonconformity %(nc)s")
