"""Settings of the real Celery worker and beat that test_scheduled_publishing.py starts."""

import os

from qms.settings.test import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
# The test's own queue, so another helper's worker on the same Redis never takes its tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ["QMS_TEST_QUEUE"]
