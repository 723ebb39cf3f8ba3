"""The feedback app's beat schedules, created once on migrate and then owned by the admin (as the reminders' are)."""

from django.db import DEFAULT_DB_ALIAS

from .tasks import DELIVERY_TASK, ERASURE_TASK

DELIVERY_TASK_NAME = "Feedback: e-mails to citizens"
ERASURE_TASK_NAME = "Feedback: erase contact details past retention"


def ensure_schedules(using=DEFAULT_DB_ALIAS):
    from django_celery_beat.models import IntervalSchedule

    from qms.reminders.schedule import ensure_interval_task

    ensure_interval_task(
        name=DELIVERY_TASK_NAME,
        task=DELIVERY_TASK,
        every=5,
        period=IntervalSchedule.MINUTES,
        description="Sends the acknowledgements and answers an SMTP outage left unsent (issue 17).",
        using=using,
    )
    ensure_interval_task(
        name=ERASURE_TASK_NAME,
        task=ERASURE_TASK,
        every=1,
        period=IntervalSchedule.DAYS,
        description=(
            "Erases citizens' names and contacts from feedback closed longer than "
            "QMS_FEEDBACK_CONTACT_RETENTION_DAYS ago; the records are kept (issue 17)."
        ),
        using=using,
    )


def on_post_migrate(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    if sender is None or sender.label != "django_celery_beat":
        return
    ensure_schedules(using=using)
