"""Liveness of the parts the product needs: the database and the Celery broker.

/healthz is public (load balancers call it without logging in), so it says only
whether each part answers; the error text, which can name hosts, users and paths,
goes to the log for the operator.
"""

import logging

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


def database_status():
    """True when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down"
        log.exception("healthz: the database does not answer")
        return False
    return True


def broker_status():
    """True when the Celery broker answers."""
    from kombu import Connection

    try:
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # kombu surfaces many transport-specific errors
        # The URL may hold a password: log the error, which kombu words without it.
        log.error("healthz: the broker does not answer: %s", type(error).__name__ + ": " + str(error))
        return False
    return True
