"""Liveness of the parts the product needs: the database and the Celery broker."""

from django.conf import settings
from django.db import connection


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"
        return False, str(error).splitlines()[0] if str(error) else type(error).__name__
    return True, connection.vendor


def broker_status():
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    try:
        with Connection(url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # kombu surfaces many transport-specific errors
        return False, str(error).splitlines()[0] if str(error) else type(error).__name__
    return True, url.split("://", 1)[0]
