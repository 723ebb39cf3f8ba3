"""WSGI entry point of the benchmark server (``gunicorn bench.wsgi``), on the bench settings."""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
