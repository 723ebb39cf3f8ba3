"""Settings shared by every environment; each value can come from the environment.

The defaults are the embedded case (`make run`): SQLite, a server-free Celery
broker and e-mail written to files, all under var/. dev.py, production.py and
test.py adjust them.
"""

import datetime
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from qms import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.get("QMS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps, lowest layer first (DESIGN.md section 4).
    "qms.core",
    "qms.reminders",
    "qms.spreadsheets",
    "cms",
    "cms.acknowledgements",
    "qms.nonconformities",
    "qms.feedback",
    "qms.procedures",
    "qms.objectives",
    "qms.risks",
    "audits",
    "qms.management_review",
    # Wagtail.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "qms.core.users_app.QmsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Third party.
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",  # imports each app's rules.py (docs/roles.md)
    "django_celery_beat",
    "axes",
    # Django.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qms.core.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware, but a logged-in person's stored language wins over the browser's.
    "qms.core.middleware.PersonLanguageMiddleware",
    # The approval workflow's and role groups' names in the admin, in the reader's language (after the
    # language middleware, whose language it translates into).
    "qms.core.workflow_names.AdminNamesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qms.core.middleware.UserTimezoneMiddleware",
    # Records the acting user on every django-simple-history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Serves a cached current document before its URL is resolved (cms.reader_cache), once everything
    # a page needs of the request (session, person, language, time zone, messages) is in place.
    "cms.reader_cache.ReaderCacheMiddleware",
    # Last, as django-axes asks: turns a lock-out into the log-in page with status 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "qms.core.context_processors.site_navigation",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", VAR_DIR / "qms.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# What a nonconformity concerns (ISO 9001 10.2.1): the controlled process document model, named as
# AUTH_USER_MODEL names the person, so that qms.nonconformities stands below cms (qms.core.documents).
QMS_DOCUMENT_MODEL = "cms.ProcessDocumentPage"
# A reason in the trail is kept whole: a rejection or reopening reason may exist only
# there (ISO 9001 7.5.3, 10.2.2). The default is a CharField(100).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# django-axes first: it refuses a locked-out username and address before any password is checked.
# django-rules answers the object-level rules of each app's rules.py (qms.core.rules, docs/roles.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "qms.core.auth_backends.QmsModelBackend",
    "rules.permissions.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Password guessing (qms.core.lockout): after LOGIN_FAILURE_LIMIT failures for one username from one
# address, that pair is refused for LOGIN_LOCKOUT_MINUTES (0: until an administrator unlocks it).
AXES_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.get_int("LOGIN_LOCKOUT_MINUTES", 30)) or None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A guess during the lock-out neither counts nor extends it: the person waits the time they were told.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qms.core.lockout.lockout_response"
AXES_VERBOSE = False  # its start-up banner would precede every management command's output
AXES_COOLOFF_MESSAGE = _(
    "Too many failed log-in attempts: this account is locked for a while from your address. "
    "Try again later, or ask an administrator to unlock it."
)
AXES_PERMALOCK_MESSAGE = _(
    "Too many failed log-in attempts: this account is locked from your address until an administrator unlocks it."
)
# The client's address (qms.core.lockout.client_address): REMOTE_ADDR, or behind TRUSTED_PROXIES proxies
# the address the outermost one saw. Behind a proxy REMOTE_ADDR is the proxy's for everyone, and anyone
# could lock any account; yet X-Forwarded-For beyond what our own proxies wrote is the client's to forge.
QMS_TRUSTED_PROXIES = env.get_int("TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "qms.core.lockout.client_address"
WAGTAILADMIN_USER_LOGIN_FORM = "qms.core.lockout.AdminLoginForm"
# Sessions end after SESSION_COOKIE_AGE seconds without a request (default 8 hours: a working day),
# and at browser close when SESSION_EXPIRE_AT_BROWSER_CLOSE is on.
SESSION_COOKIE_AGE = env.get_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Renewed at most once a minute (qms.core.middleware.SessionIdleMiddleware), not on every request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.get_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Vietnamese first, English available; dates in the
# reader's zone (Asia/Ho_Chi_Minh unless the person chose another).
LANGUAGE_CODE = env.get("LANGUAGE_CODE", "vi")
FORMAT_MODULE_PATH = ["qms.formats"]
# How names read: Vietnamese puts the family name first ("Hoàng Thị Mai").
QMS_FAMILY_NAME_FIRST = env.get_bool("QMS_FAMILY_NAME_FIRST", LANGUAGE_CODE.startswith("vi"))
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Our own wording first; then the project's Vietnamese for the Wagtail admin, which a LOCALE_PATHS
# catalogue lets win over Wagtail's partial one (qms/core/wagtail_catalogue.py, issue 20).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]
TIME_ZONE = env.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("STATIC_ROOT", str(BASE_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files of quality records (evidence) live outside MEDIA_ROOT and are only
# served by permission-checked views (qms.core.storage).
PRIVATE_MEDIA_ROOT = Path(env.get("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {
    "default": {
        "BACKEND": "qms.core.cache.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        # Django's default of 300 would evict readers' cached documents (cms.reader_cache) constantly.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if env.get("CACHE_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.get("CACHE_URL")}

# E-mail: files in var/mail/ unless an SMTP host is configured.
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "qms@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.get("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.get_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Celery: a server-free filesystem transport by default (one machine only);
# Redis or RabbitMQ by setting CELERY_BROKER_URL.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sentinel://")):
    # Redis hands an unacknowledged (acks_late) task to another worker after this many seconds.
    # Kombu's default, one hour, is shorter than a slow SMTP server can make a sweep, which would
    # then run twice at once; four hours is above the longest sweep and above the longest retry
    # countdown (REMINDERS_RETRY_MAX_SECONDS). A killed worker's sweep is not waited for: the
    # reminders' delivery run sends its pending rows within minutes (docs/reminders.md).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged only after it ran, and redelivered if the worker dies,
# so every task must be idempotent (the reminder ledger makes them so).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Wagtail.
WAGTAILADMIN_BASE_URL = env.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = ["Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo", "Europe/London", "UTC"]
# Controlled documents: an edit during review must be reviewed again (ISO 9001 7.5.2 c).
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# No background saves: a controlled document's revision is written when its writer saves it. An
# autosave during review would restart the step and bar the person who typed from approving (5.3),
# and its post racing *Submit* was refused (400) in the log. The unsaved-changes warning stays.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# No Gravatar: it would send a hash of each person's e-mail to a third party on every admin page,
# and an agency's closed network shows a broken image. Wagtail's own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAILDOCS_EXTENSIONS = ["csv", "doc", "docx", "odt", "ods", "pdf", "rtf", "txt", "xls", "xlsx", "zip", "png", "jpg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Forms of internal procedures need a log-in (cms.wagtail_hooks.protect_internal_forms, ISO 9001
# 7.5.3.1 b): every download goes through Wagtail's serve view, which runs the check. "direct" links
# to the storage and "redirect" sends to it, both past the check.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

QMS_ORGANISATION_NAME = env.get("QMS_ORGANISATION_NAME", _("Quality management system"))
# The admin dashboard's title, given to the Wagtail Site when it has none (qms.core.organisation).
WAGTAIL_SITE_NAME = env.get("QMS_SITE_NAME") or QMS_ORGANISATION_NAME
# The demo password works only while DEBUG is on (see qms.core.auth_backends).
QMS_DEMO_PASSWORD = "demo-qms-2026"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail logs every page edit at INFO; the audit trail is in the database.
        "wagtail": {"level": env.get("WAGTAIL_LOG_LEVEL", "WARNING")},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- cms ---
# The approval of the "Document approval" workflow publishes; nobody holds page
# publish permission (ISO 9001 7.5.2 c). See cms/workflow.py.
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow.publish_approved_document"

# --- reminders ---
# The daily sweep's local time (TIME_ZONE), used when its django-celery-beat
# schedule is first created; afterwards edit it in the admin (Settings -> Periodic tasks).
QMS_REMINDERS_SWEEP_TIME = env.get("REMINDERS_SWEEP_TIME", "07:00")
# Weekly digests (for items not yet overdue) go out on this weekday: 0 = Monday.
QMS_REMINDERS_WEEKLY_DAY = env.get_int("REMINDERS_WEEKLY_DAY", 0)
# Back-off of a failed digest: doubling from the base, capped under Redis's one-hour visibility timeout.
QMS_REMINDERS_RETRY_BASE_SECONDS = env.get_int("REMINDERS_RETRY_BASE_SECONDS", 60)
QMS_REMINDERS_RETRY_MAX_SECONDS = env.get_int("REMINDERS_RETRY_MAX_SECONDS", 3000)
# A reminder refused for good (5xx for the address, no address) is undeliverable after this many
# attempts; temporary failures (4xx, connection errors, timeouts) after the second number.
QMS_REMINDERS_MAX_ATTEMPTS = env.get_int("REMINDERS_MAX_ATTEMPTS", 3)
QMS_REMINDERS_MAX_TEMPORARY_ATTEMPTS = env.get_int("REMINDERS_MAX_TEMPORARY_ATTEMPTS", 20)
# The delivery run sends whatever is pending this often (its beat schedule is created once, then edited in the admin).
QMS_REMINDERS_DELIVERY_EVERY_SECONDS = env.get_int("REMINDERS_DELIVERY_EVERY_SECONDS", 300)
# Days to decide on a revision at one's workflow step, a major nonconformity ready to close or a
# draft audit programme, from when it reached the person (qms/reminders/kinds.py says why 5).
QMS_APPROVAL_DUE_DAYS = env.get_int("APPROVAL_DUE_DAYS", 5)

# Citizens' feedback (docs/feedback.md): the time to answer, how long contacts are kept, the spam guard.
QMS_FEEDBACK_ANSWER_WORKING_DAYS = env.get_int("FEEDBACK_ANSWER_WORKING_DAYS", 10)
QMS_FEEDBACK_CONTACT_RETENTION_DAYS = env.get_int("FEEDBACK_CONTACT_RETENTION_DAYS", 730)
QMS_FEEDBACK_RATE_LIMIT = env.get_int("FEEDBACK_RATE_LIMIT", 5)
QMS_FEEDBACK_RATE_WINDOW_MINUTES = env.get_int("FEEDBACK_RATE_WINDOW_MINUTES", 60)
QMS_FEEDBACK_ATTACHMENT_MAX_BYTES = env.get_int("FEEDBACK_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)

# Risks and opportunities (docs/risks.md): likelihood and impact are rated 1..QMS_RISK_SCALE; a score
# (likelihood × impact) from "medium" is medium, from "high" is high; a risk is reviewed every
# QMS_RISK_REVIEW_MONTHS unless its reviewer sets another date.
QMS_RISK_SCALE = env.get_int("RISK_SCALE", 5)
QMS_RISK_BANDS = {"medium": env.get_int("RISK_BAND_MEDIUM", 5), "high": env.get_int("RISK_BAND_HIGH", 10)}
QMS_RISK_REVIEW_MONTHS = env.get_int("RISK_REVIEW_MONTHS", 12)
