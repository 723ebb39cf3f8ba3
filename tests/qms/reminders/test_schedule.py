"""The daily sweep on django-celery-beat, and the demo's sweep at start."""

import pytest
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from qms.reminders import schedule
from qms.reminders.tasks import SWEEP_TASK

pytestmark = pytest.mark.django_db


def test_migrate_created_the_daily_sweep_at_the_configured_local_time():
    task = PeriodicTask.objects.get(name=schedule.DAILY_TASK_NAME)
    assert task.task == SWEEP_TASK and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"


@override_settings(QMS_REMINDERS_SWEEP_TIME="06:30")
def test_an_admin_edit_is_never_overwritten():
    task = PeriodicTask.objects.get(name=schedule.DAILY_TASK_NAME)
    task.enabled = False
    task.save()
    assert schedule.ensure_daily_sweep() is None
    task.refresh_from_db()
    assert not task.enabled and task.crontab.hour == "7"
    task.delete()
    created = schedule.ensure_daily_sweep()
    assert (created.crontab.hour, created.crontab.minute) == ("6", "30")
    assert PeriodicTask.objects.filter(task=SWEEP_TASK, crontab__isnull=False).count() == 1


def test_the_demo_sweep_is_a_one_off_that_beat_fires_at_once_and_can_be_reset():
    first = schedule.schedule_demo_sweep()
    first.enabled = False  # what beat does after running a one-off task
    first.save()
    again = schedule.schedule_demo_sweep()
    assert again.pk == first.pk and again.enabled and again.one_off
    assert again.clocked is not None and again.schedule.is_due(None).is_due
    assert PeriodicTask.objects.filter(name=schedule.DEMO_TASK_NAME).count() == 1


def test_migrate_created_the_delivery_run_every_few_minutes():
    from qms.reminders.tasks import DELIVERY_TASK

    task = PeriodicTask.objects.get(name=schedule.DELIVERY_TASK_NAME)
    assert task.task == DELIVERY_TASK and task.enabled and task.crontab is None
    assert (task.interval.every, task.interval.period) == (300, "seconds")


@override_settings(QMS_REMINDERS_DELIVERY_EVERY_SECONDS=120)
def test_the_delivery_run_interval_is_a_setting_and_an_admin_edit_is_kept():
    task = PeriodicTask.objects.get(name=schedule.DELIVERY_TASK_NAME)
    task.enabled = False
    task.save()
    assert schedule.ensure_delivery_run() is None
    task.refresh_from_db()
    assert not task.enabled and task.interval.every == 300
    task.delete()
    assert schedule.ensure_delivery_run().interval.every == 120


def test_a_duplicated_interval_in_the_admin_does_not_stop_the_schedule_being_created():
    """django-celery-beat lets an admin save the same interval twice; migrate must still create what is missing."""
    from django_celery_beat.models import IntervalSchedule

    PeriodicTask.objects.filter(name=schedule.DELIVERY_TASK_NAME).delete()
    IntervalSchedule.objects.create(every=300, period=IntervalSchedule.SECONDS)
    IntervalSchedule.objects.create(every=300, period=IntervalSchedule.SECONDS)
    task = schedule.ensure_delivery_run()
    assert (task.interval.every, task.interval.period) == (300, "seconds")
