"""The every-minute run of scheduled publishing on django-celery-beat, created once and then owned by the admin.

Created on post_migrate only when missing, so that a change made in the admin
(interval, enabled) is never overwritten; the same pattern as the reminders' daily sweep.
"""

from django.db import DEFAULT_DB_ALIAS

from qms.reminders.schedule import ensure_interval_task

from .tasks import PUBLISH_SCHEDULED_TASK

PUBLISH_SCHEDULED_NAME = "Documents: scheduled publishing"


def ensure_publish_scheduled(using=DEFAULT_DB_ALIAS):
    """Create the PeriodicTask that runs `publish_scheduled` every minute, if it does not exist yet."""
    from django_celery_beat.models import IntervalSchedule

    return ensure_interval_task(
        name=PUBLISH_SCHEDULED_NAME,
        task=PUBLISH_SCHEDULED_TASK,
        every=1,
        period=IntervalSchedule.MINUTES,
        description="Approved revisions with a go-live date become effective then (Wagtail publish_scheduled).",
        using=using,
    )


def on_post_migrate(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    # Beat's tables exist only once django_celery_beat has migrated.
    if sender is None or sender.label != "django_celery_beat":
        return
    ensure_publish_scheduled(using=using)
