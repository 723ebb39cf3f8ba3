"""Celery tasks: thin wrappers around the services, safe to run twice (acks_late + the ledger)."""

from celery import shared_task
from django.utils import timezone

from .services import reminders_deliver_pending, reminders_sweep

SWEEP_TASK = "qms.reminders.tasks.sweep"
DELIVERY_TASK = "qms.reminders.tasks.deliver_pending"


def _summary(result):
    return {
        "sent": result.sent,
        "retried": result.retried,
        "undeliverable": result.undeliverable,
        "withdrawn": result.withdrawn,
    }


@shared_task(name=SWEEP_TASK, acks_late=True, reject_on_worker_lost=True)
def sweep(as_of=None):
    """The daily sweep (django-celery-beat). Redelivered after a crash; the ledger makes that harmless."""
    import datetime

    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    result = reminders_sweep(as_of=day)
    return {
        "claimed": result.reminders,
        "sent": result.digests_sent,
        "retried": result.digests_retried,
        "undeliverable": result.undeliverable,
        "withdrawn": result.withdrawn,
    }


@shared_task(name=DELIVERY_TASK, acks_late=True, reject_on_worker_lost=True)
def deliver_pending():
    """The delivery run (every few minutes on beat) and the retry after a back-off: send what is pending and ready."""
    return _summary(reminders_deliver_pending())
