"""WSGI entry point (gunicorn qms.wsgi)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings.dev")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from qms.env import ConfigError  # noqa: E402

try:
    application = get_wsgi_application()
except ConfigError as error:
    sys.stderr.write(f"Configuration error: {error}\n")
    raise SystemExit(2) from None
