"""Citizens' and customers' feedback and satisfaction (ISO 9001 8.2.1 c), 9.1.2, 10.2)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "qms.feedback"
    label = "feedback"
    verbose_name = _("Citizens' feedback and satisfaction")

    def ready(self):
        # Role permissions, the site link, the home panel, demo data, importers and the reminder provider
        # are registered through Wagtail's hooks in wagtail_hooks.py (docs/architecture.md).
        from . import schedule

        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="qms.feedback.schedule")
