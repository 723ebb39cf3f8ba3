"""The every-minute run of scheduled publishing on django-celery-beat, created once and then owned by the admin.

Created on post_migrate only when missing, so that a change made in the admin
(interval, enabled) is never overwritten; the same pattern as the reminders' daily sweep.
"""

import json

from django.db import DEFAULT_DB_ALIAS

from .tasks import PUBLISH_SCHEDULED_TASK

PUBLISH_SCHEDULED_NAME = "Documents: scheduled publishing"


def ensure_publish_scheduled(using=DEFAULT_DB_ALIAS):
    """Create the PeriodicTask that runs `publish_scheduled` every minute, if it does not exist yet."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if PeriodicTask.objects.using(using).filter(name=PUBLISH_SCHEDULED_NAME).exists():
        return None
    interval, _created = IntervalSchedule.objects.using(using).get_or_create(every=1, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.using(using).create(
        name=PUBLISH_SCHEDULED_NAME,
        task=PUBLISH_SCHEDULED_TASK,
        interval=interval,
        kwargs=json.dumps({}),
        description="Approved revisions with a go-live date become effective then (Wagtail publish_scheduled).",
    )


def on_post_migrate(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    # Beat's tables exist only once django_celery_beat has migrated.
    if sender is None or sender.label != "django_celery_beat":
        return
    ensure_publish_scheduled(using=using)
