"""Reminders of what falls due: sweep, digests, escalation, ledger (ISO 9001 7.5.2, 9.2, 10.2)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "qms.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from . import schedule

        # What can fall due is registered through the hook qms_reminder_providers (registry.py).
        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="qms.reminders.ensure_daily_sweep")
        # Role permissions, the home panel and demo data: wagtail_hooks.py (docs/architecture.md).
