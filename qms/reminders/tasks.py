"""Celery tasks: thin wrappers around the services, safe to run twice (acks_late + the ledger)."""

from celery import shared_task
from django.utils import timezone

from .services import reminders_deliver_pending, reminders_sweep

SWEEP_TASK = "qms.reminders.tasks.sweep"


@shared_task(name=SWEEP_TASK, acks_late=True, reject_on_worker_lost=True)
def sweep(as_of=None):
    """The daily sweep (django-celery-beat). Redelivered after a crash; the ledger makes that harmless."""
    import datetime

    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    result = reminders_sweep(as_of=day)
    return {"reminders": result.reminders, "sent": result.digests_sent, "failed": result.digests_failed}


@shared_task(name="qms.reminders.tasks.deliver_pending", acks_late=True, reject_on_worker_lost=True)
def deliver_pending():
    """Retry digests whose send failed, once their back-off has passed."""
    result = reminders_deliver_pending()
    return {"sent": result.sent, "failed": result.failed}
