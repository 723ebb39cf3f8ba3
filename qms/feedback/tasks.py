"""Celery tasks: thin wrappers around the services, safe to run twice."""

from celery import shared_task

from . import services

DELIVERY_TASK = "qms.feedback.tasks.send_messages"
ERASURE_TASK = "qms.feedback.tasks.erase_expired_contacts"


@shared_task(name=DELIVERY_TASK, acks_late=True, reject_on_worker_lost=True)
def send_messages():
    """Send the citizens' e-mails an outage left unsent (each row locked while sent: never twice)."""
    return services.messages_send()


@shared_task(name=ERASURE_TASK, acks_late=True, reject_on_worker_lost=True)
def erase_expired_contacts():
    """Erase contact details past the retention period (idempotent)."""
    return services.feedback_erase_expired()
