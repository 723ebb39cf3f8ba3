"""Nonconformities and corrective actions (ISO 9001 8.7, 10.2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NonconformitiesConfig(AppConfig):
    name = "qms.nonconformities"
    label = "nonconformities"
    verbose_name = _("Nonconformities and corrective actions")
    # Role permissions, site links, the home panel, demo data, importer and reminder providers are
    # registered through Wagtail's hooks in wagtail_hooks.py (docs/architecture.md).
