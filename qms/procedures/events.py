"""The events of a procedure's record, each with its default reason (qms.core.records.HistoryEvent)."""

from django.utils.translation import gettext_lazy as _

from qms.core.records import HistoryEvent


class ProcedureEvent(HistoryEvent):
    CREATED = "created", _("Procedure registered")
    EDITED = "edited", _("Procedure edited")
    STATUS = "status", _("Status changed")
    LINKED = "linked", _("Internal processes linked")


class PerformanceEvent(HistoryEvent):
    RECORDED = "recorded", _("One-stop figures recorded")
    NONCONFORMITY = "nonconformity", _("Nonconformity raised for late dossiers")
