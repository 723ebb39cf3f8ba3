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
        from qms.core import demo, roles, site

        from . import demo as reminders_demo
        from . import panels, schedule

        # Each app's `reminders.py` registers what can fall due in it (DESIGN.md
        # section 4: a higher layer registers with a lower one).
        autodiscover_modules("reminders")

        post_migrate.connect(schedule.on_post_migrate, dispatch_uid="qms.reminders.ensure_daily_sweep")
        roles.register_permissions(
            roles.QUALITY_OFFICERS,
            "reminders.view_leadtime",
            "reminders.change_leadtime",
            "reminders.view_delivery",
            "django_celery_beat.view_periodictask",
            "django_celery_beat.change_periodictask",
            "django_celery_beat.view_crontabschedule",
            "django_celery_beat.change_crontabschedule",
            "django_celery_beat.add_crontabschedule",
        )
        site.register_home_panel("reminders.pending_for_you", panels.render_site_panel, order=10)
        demo.register(40, "reminders", reminders_demo.seed_demo)
