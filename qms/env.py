"""Read settings from the environment, failing with one clear line.

Every setting has a safe default for the embedded case (`make run`); production
settings mark some as required. A wrong value raises ConfigError, which
manage.py, the WSGI entry point and the Celery app turn into a one-line message.
"""

import os
import secrets
from pathlib import Path


class ConfigError(Exception):
    """A required setting is missing or malformed; the message says how to fix it."""


def get(name, default=None, *, required=False):
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ConfigError(
            f"{name} is not set; set the environment variable {name} (see docs/operations.md, 'Scaling out')."
        )
    return default


def get_bool(name, default=False):
    value = get(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def get_int(name, default):
    value = get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number.") from None


def get_list(name, default=()):
    value = get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def get_database(name, default_sqlite_path):
    """Parse DATABASE_URL (dj-database-url) or fall back to SQLite in var/."""
    import dj_database_url

    url = get(name)
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            # SQLite serialises writers; wait for the lock instead of failing
            # while the worker and the web process write at the same time.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=get_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    except Exception as error:  # dj-database-url raises several types
        raise ConfigError(
            f"{name} could not be parsed ({error}); expected e.g. postgres://user:pass@host:5432/dbname."
        ) from None
    if not config.get("ENGINE"):
        raise ConfigError(f"{name} has an unsupported scheme; use postgres:// or sqlite:///path.")
    return config


def development_secret_key(var_dir: Path):
    """Generate a secret key once into var/, so sessions survive restarts."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
