"""Benchmark settings: the product as in production (DEBUG off, file cache, real middleware), minus TLS.

The harness (bench/runner.py) creates a throwaway database and passes it in BENCH_DATABASE_URL, with
the run's own folder (cache, media, logs) in QMS_BENCH_RUN_DIR; gunicorn's workers inherit both.
"""

import os
from pathlib import Path

import dj_database_url

from qms.settings.base import *  # noqa: F403
from qms.settings.base import BASE_DIR

RUN_DIR = Path(os.environ.get("QMS_BENCH_RUN_DIR", str(BASE_DIR / "var" / "bench" / "run")))

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "k" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"

_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{RUN_DIR / 'bench.sqlite3'}")
if _url.startswith("sqlite"):
    # The same options as the embedded default (qms/env.py).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _url.removeprefix("sqlite:///"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
else:
    DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True)}

# The production default is a file cache; each run gets its own folder so runs never share entries.
CACHES = {
    "default": {
        "BACKEND": "qms.core.cache.FileBasedCache",
        "LOCATION": str(RUN_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
MEDIA_ROOT = RUN_DIR / "media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks enqueued by services go to an in-memory broker: the figures measure the request or the
# service, not a worker.
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Bench people are created in bulk and log in through sessions made by the harness, so the
# password hasher is never on a measured path; a fast one keeps data building quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
