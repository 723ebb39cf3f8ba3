"""Settings of the real Celery worker and beat that test_worker.py starts: the test settings, plus SMTP and Redis."""

import os

from qms.settings import base
from qms.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["QMS_TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 20
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
# Production's transport options (base computed them for this Redis URL): a killed worker's task
# is *not* redelivered within the test, so the delivery run is what must recover.
CELERY_BROKER_TRANSPORT_OPTIONS = base.CELERY_BROKER_TRANSPORT_OPTIONS
assert CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 3600, CELERY_BROKER_TRANSPORT_OPTIONS
QMS_REMINDERS_RETRY_BASE_SECONDS = 1
# The test's own queue, so that the retry task and beat's delivery runs come back to its worker.
CELERY_TASK_DEFAULT_QUEUE = os.environ["QMS_TEST_QUEUE"]
