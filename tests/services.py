"""Which real services this run can reach, and what to do when one is missing."""

import os
import shutil
import socket

import pytest

REQUIRED = os.environ.get("QMS_REQUIRE_SERVICES") == "1"


def missing(name, how):
    message = f"{name} is not available: {how}"
    if REQUIRED:
        pytest.fail(f"{message} (QMS_REQUIRE_SERVICES=1: CI must not skip service-backed tests)", pytrace=False)
    pytest.skip(message)


def _port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres():
    from django.db import connection

    if connection.vendor == "postgresql":
        return True, ""
    return False, "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (PostgreSQL must be running)"


def redis_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else "redis://127.0.0.1:6379/0"


def redis():
    from urllib.parse import urlparse

    parsed = urlparse(redis_url())
    if _port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        return True, ""
    return False, "start Redis on 127.0.0.1:6379 or set CELERY_BROKER_URL=redis://host:port/0"


def browser():
    if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
        return True, ""
    return False, "install Debian's chromium (apt-get install chromium)"


def libreoffice():
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return True, ""
    return False, "install LibreOffice (apt-get install libreoffice-calc-nogui)"


CHECKS = {"postgres": postgres, "redis": redis, "browser": browser, "libreoffice": libreoffice}
