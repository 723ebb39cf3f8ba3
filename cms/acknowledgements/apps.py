"""Read-and-understood records: distribution of a revision and its acknowledgements (ISO 9001 7.2, 7.3, 7.5.3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    name = "cms.acknowledgements"
    label = "acknowledgements"
    verbose_name = _("Read and understood")

    def ready(self):
        from django.db.models.signals import post_save

        from . import receivers

        # Role permissions, the home panel, demo data and reminders: wagtail_hooks.py (docs/architecture.md).
        post_save.connect(
            receivers.version_saved, sender="cms.DocumentVersion", dispatch_uid="acknowledgements.version_saved"
        )
