"""Settings of the real Celery worker that test_worker.py starts: the test settings, plus SMTP and Redis."""

import os

from qms.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["QMS_TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 20
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
# A task of a killed worker comes back quickly instead of after Redis's default hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 8}
QMS_REMINDERS_RETRY_BASE_SECONDS = 1
# The test's own queue, so the retry task the worker enqueues comes back to it.
CELERY_TASK_DEFAULT_QUEUE = os.environ["QMS_TEST_QUEUE"]
