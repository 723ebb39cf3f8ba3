"""The reminders' django-celery-beat schedules, created once and then owned by the admin.

The daily sweep (QMS_REMINDERS_SWEEP_TIME, "HH:MM" local time in TIME_ZONE) and the
delivery run (every QMS_REMINDERS_DELIVERY_EVERY_SECONDS, default five minutes), which
sends whatever is pending so that recovery from a killed worker or a broker outage never
waits for the next day's sweep. Both are created on post_migrate only when missing, so a
quality officer's change in the admin (time, interval, enabled) is never overwritten.
"""

import json

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from .tasks import DELIVERY_TASK, SWEEP_TASK

DAILY_TASK_NAME = "Reminders: daily sweep"
DELIVERY_TASK_NAME = "Reminders: delivery run"
DEMO_TASK_NAME = "Reminders: demo sweep at start"


def sweep_time():
    value = getattr(settings, "QMS_REMINDERS_SWEEP_TIME", "07:00")
    hour, minute = (int(part) for part in value.split(":", 1))
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(value)
    return hour, minute


def ensure_daily_sweep(using=DEFAULT_DB_ALIAS):
    """Create the daily PeriodicTask if it does not exist yet (idempotent)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.using(using).filter(name=DAILY_TASK_NAME).exists():
        return None
    hour, minute = sweep_time()
    crontab, _created = CrontabSchedule.objects.using(using).get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    return PeriodicTask.objects.using(using).create(
        name=DAILY_TASK_NAME,
        task=SWEEP_TASK,
        crontab=crontab,
        kwargs=json.dumps({}),
        description="Daily reminder sweep (issue 6). Edit the time here; the ledger prevents duplicates.",
    )


def delivery_every_seconds():
    value = int(getattr(settings, "QMS_REMINDERS_DELIVERY_EVERY_SECONDS", 300))
    if value < 1:
        raise ValueError(value)
    return value


def ensure_interval_task(*, name, task, every, period, description, using=DEFAULT_DB_ALIAS):
    """Create the PeriodicTask `name` running `task` every `every` `period`s, if it does not exist yet.

    Created once and then owned by the admin: a changed interval or a disabled task is never overwritten.
    The apps that run work on beat (this one, cms's scheduled publishing) create theirs through here.
    """
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if PeriodicTask.objects.using(using).filter(name=name).exists():
        return None
    # Not get_or_create: the admin may hold the same interval twice, and that is no reason to fail a migrate.
    intervals = IntervalSchedule.objects.using(using)
    interval = intervals.filter(every=every, period=period).order_by("pk").first()
    interval = interval or intervals.create(every=every, period=period)
    return PeriodicTask.objects.using(using).create(
        name=name, task=task, interval=interval, kwargs=json.dumps({}), description=description
    )


def ensure_delivery_run(using=DEFAULT_DB_ALIAS):
    """Create the delivery run's PeriodicTask if it does not exist yet (idempotent)."""
    from django_celery_beat.models import IntervalSchedule

    return ensure_interval_task(
        name=DELIVERY_TASK_NAME,
        task=DELIVERY_TASK,
        every=delivery_every_seconds(),
        period=IntervalSchedule.SECONDS,
        description=(
            "Sends pending reminders (issue 13): recovery after a killed worker, a broker outage or a "
            "failed send never waits for the next daily sweep. The ledger prevents duplicates."
        ),
        using=using,
    )


def on_post_migrate(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    # Beat's tables exist only once django_celery_beat has migrated.
    if sender is None or sender.label != "django_celery_beat":
        return
    ensure_daily_sweep(using=using)
    ensure_delivery_run(using=using)


def schedule_demo_sweep():
    """`make run`: a one-off sweep that beat fires as soon as it starts (the demo has overdue items)."""
    from django.utils import timezone
    from django_celery_beat.models import ClockedSchedule, PeriodicTask

    clocked = ClockedSchedule.objects.create(clocked_time=timezone.now())
    task, _created = PeriodicTask.objects.update_or_create(
        name=DEMO_TASK_NAME,
        defaults={
            "task": SWEEP_TASK,
            "clocked": clocked,
            "one_off": True,
            "enabled": True,
            "kwargs": json.dumps({}),
            "description": "Created by seed_demo so that `make run` shows reminders in var/mail/ within a minute.",
        },
    )
    ClockedSchedule.objects.filter(periodictask__isnull=True).delete()
    return task
