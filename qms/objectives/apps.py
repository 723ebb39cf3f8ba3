"""Quality objectives and their indicators (ISO 9001 6.2, 9.1.1)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "qms.objectives"
    label = "objectives"
    verbose_name = _("Quality objectives")
