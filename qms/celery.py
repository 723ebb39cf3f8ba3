"""The Celery app. Tasks are thin wrappers around services (DESIGN.md section 4).

Embedded default: the server-free filesystem transport in var/broker/; scaled
out: Redis or RabbitMQ through CELERY_BROKER_URL, with exactly one beat.
"""

import os
import sys
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings.dev")

app = Celery("qms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fix-up puts the working directory first on sys.path. From the project root that is
# harmless; from an app's folder (`make messages` runs makemessages there) the app's own modules would
# shadow installed packages of the same name (an app's rules.py over django-rules), so only the root stays.
if os.getcwd() != str(Path(__file__).resolve().parent.parent) and sys.path[:1] == [os.getcwd()]:
    sys.path.pop(0)


def ensure_broker_folders():
    """The filesystem transport needs its folders to exist before it starts."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


@after_setup_logger.connect
def _prepare_broker(**kwargs):
    ensure_broker_folders()
