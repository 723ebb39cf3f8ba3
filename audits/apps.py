"""Internal audits: programme, audits, checklists, findings (ISO 9001 9.2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    label = "audits"
    verbose_name = _("Internal audits")

    # Role permissions, the site link, the home panel, demo data, importers and reminder providers are
    # registered through Wagtail's hooks in wagtail_hooks.py (docs/architecture.md).
