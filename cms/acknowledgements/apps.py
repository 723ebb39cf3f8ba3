"""Read-and-understood records: distribution of a revision and its acknowledgements (ISO 9001 7.2, 7.3, 7.5.3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    name = "cms.acknowledgements"
    label = "acknowledgements"
    verbose_name = _("Read and understood")
    # Role permissions, the home panel, demo data, reminders and the distribution after publication are
    # registered through Wagtail's hooks in wagtail_hooks.py (docs/architecture.md).
