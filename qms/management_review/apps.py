"""Management review (ISO 9001 9.3) and the yearly report on the quality system."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManagementReviewConfig(AppConfig):
    name = "qms.management_review"
    label = "management_review"
    verbose_name = _("Management review")
