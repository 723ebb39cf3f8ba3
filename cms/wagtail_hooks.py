"""Admin registration for controlled documents (ISO 9001 7.5): log actions, viewsets, reports, menus."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_document_log_actions(actions):
    actions.register_action("cms.withdraw", _("Withdraw"), _("Withdrawn (obsolete)"))
    actions.register_action("cms.review", _("Periodic review"), _("Periodic review recorded"))
