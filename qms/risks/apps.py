"""The register of risks and opportunities (ISO 9001 6.1)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "qms.risks"
    label = "risks"
    verbose_name = _("Risks and opportunities")
