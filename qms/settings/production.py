"""Production: everything secret or site-specific must come from the environment.

`python manage.py check --deploy` passes with these settings and no warnings.
"""

from qms import env

from .base import *  # noqa: F403
from .base import PRIVATE_STORAGE

DEBUG = False
SECRET_KEY = env.get("SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise env.ConfigError(
        "SECRET_KEY is too short or too simple; generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise env.ConfigError("ALLOWED_HOSTS is not set; set it to the comma-separated host names the site is served on.")
WAGTAILADMIN_BASE_URL = env.get("WAGTAILADMIN_BASE_URL", required=True)

# Served behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
