"""Reminders of what falls due: sweep, digests, escalation, ledger (ISO 9001 7.5.2, 9.2, 10.2)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "qms.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from . import schedule

        # Each app's `reminders.py` registers what can fall due in it (DESIGN.md
        # section 4: a higher layer registers with a lower one).
        autodiscover_modules("reminders")

        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="qms.reminders.ensure_daily_sweep")
        # Role permissions, the home panel and demo data: wagtail_hooks.py (docs/architecture.md).
