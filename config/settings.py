"""Downtime Diary settings: one file, configured from the environment.

See README.md, "Configuration", for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap's files, served as static files
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",  # Django's task framework, backported (Django 6 has it built in)
    "django_tasks_db",  # its database backend: the queue's table and `db_worker`
    "clinic",
    "review",
    "diary",
    "outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.middleware.LanguageMiddleware",  # overrides LocaleMiddleware's choice
    "clinic.middleware.OTPMiddleware",  # django-otp's, reading the device with the account
    "clinic.middleware.TwoFactorMiddleware",
    "clinic.middleware.SessionLifetimeMiddleware",
    "clinic.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.ClinicTimezoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.role",
                "review.context_processors.open_cases",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (production) through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# Each worker keeps its connection for a minute, checked before reuse: on PostgreSQL
# a new connection per request made pages 1.3 to 4.5x slower (issue 11); on SQLite,
# opening one (Django registers its functions, then the PRAGMAs below) cost 0.75 ms
# of every request (bench/pages.py).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; IMMEDIATE takes the write lock
    # at BEGIN, so concurrent writers wait (up to `timeout`) instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "clinic.backends.AccountBackend",  # ModelBackend, reading each request's user faster
    # Sessions signed in before AccountBackend name this one: kept until they log out.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# An invitation link (a password-reset token) stays valid for a week, and only until
# the patient has set a password.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600

# Failed logins (django-axes), counted over the last hour; README, "Login and lockout".
# An email from one address, any emails from one address (password spraying), one
# email from any address: each set locks at its own limit (clinic.lockout). Attempts
# refused during a lockout are not counted, so one address adds at most 5 failures to
# an email, and locking an email out everywhere takes 10 addresses (50 / 5).
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"], ["username"]]
LOGIN_FAILURE_LIMITS = [
    AXES_FAILURE_LIMIT,
    int(env("LOGIN_ADDRESS_FAILURE_LIMIT", "20")),
    int(env("LOGIN_ACCOUNT_FAILURE_LIMIT", "50")),
]
AXES_HANDLER = "clinic.lockout.LoginLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# README, "Languages": a signed-in user's saved choice, else the browser's, else their
# clinic's (Clinic.language), else LANGUAGE_CODE (clinic.middleware.LanguageMiddleware).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date and time formats per language (formats/<code>/formats.py): 24-hour
# clocks in English, "2026年11月25日 20:00" in Japanese.
FORMAT_MODULE_PATH = ["formats"]
# The language a new clinic starts with ("ja" for a clinic in Japan); each clinic's
# own is set in the admin.
CLINIC_DEFAULT_LANGUAGE = env("CLINIC_LANGUAGE", LANGUAGE_CODE)
USE_I18N = True
USE_TZ = True
# Stored times are UTC; pages show the clinic's zone (clinic.middleware).
TIME_ZONE = "UTC"
CLINIC_DEFAULT_TIME_ZONE = env("TIME_ZONE", "UTC")
# The emergency number a new clinic starts with (119 in Japan, the first clinic's).
CLINIC_DEFAULT_EMERGENCY_NUMBER = env("EMERGENCY_NUMBER", "119")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded photos are private files, reached only through a permission-checked view:
# on the local disk by default, or in a private S3-compatible bucket.
PHOTO_STORAGE = env("PHOTO_STORAGE", "local")
S3_PHOTO_OPTIONS = {
    "default_acl": None,  # the bucket's own (private) policy
    "querystring_auth": True,  # signed URLs...
    "querystring_expire": 300,  # ...valid for 5 minutes at most
    "signature_version": "s3v4",
    "file_overwrite": False,
}
if PHOTO_STORAGE == "s3":
    PHOTO_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": S3_PHOTO_OPTIONS
        | {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
        },
    }
elif PHOTO_STORAGE == "local":
    PHOTO_BACKEND = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
else:
    raise ImproperlyConfigured("PHOTO_STORAGE must be 'local' or 's3'.")
# How the photo view hands over the file once it has checked the viewer: "django"
# streams it, "x-accel" lets nginx send it (internal location PHOTO_X_ACCEL_PREFIX),
# "redirect" sends a short-lived signed URL of the object store.
PHOTO_SERVING = env("PHOTO_SERVING", "redirect" if PHOTO_STORAGE == "s3" else "django")
PHOTO_X_ACCEL_PREFIX = env("PHOTO_X_ACCEL_PREFIX", "/protected-photos/")
STORAGES = {
    "default": PHOTO_BACKEND,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
PHOTO_MAX_BYTES = 25 * 1024 * 1024
PHOTO_MAX_REQUEST_BYTES = int(env("PHOTO_MAX_REQUEST_BYTES", str(60 * 1024 * 1024)))
# A patient saves at most this many entries in this many seconds (see diary.views).
ENTRY_SAVES_PER_WINDOW = int(env("ENTRY_SAVES_PER_WINDOW", "20"))
ENTRY_SAVE_WINDOW = 600
# Files above this size are received into a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "diary.uploads.PhotoSizeLimitUploadHandler",  # drops a photo past PHOTO_MAX_BYTES early
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# One server: files in CACHE_DIR, shared by its workers (and its task worker), so a
# chart drawn by one worker is served by the others, a patient's saves are counted
# once, and sessions are read from the cache (see SESSION_ENGINE).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("CACHE_DIR", str(BASE_DIR / "cache")),
        # Each user's session is one entry: room for a clinic's patients and staff.
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
    # Parts of pages that are the same for everyone (or for one person), drawn once
    # per worker: the `{% cache %}` tag's own cache, in memory (templates/base.html);
    # in development none, so an edited template shows at once.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends."
        + ("dummy.DummyCache" if DEBUG else "locmem.LocMemCache")
    },
}
# Several app servers share Redis: the save budgets (clinic.throttle) must count a
# patient's saves on every server, and a chart cached by one is valid on all. (The
# login lockout and the second factor's waits live in the database.)
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "diary",
    }

# Form widgets drawn from the Jinja2 copies of Django's widget templates (see the
# class); pages and crispy's field templates stay Django templates.
FORM_RENDERER = "clinic.renderers.WidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws form controls with data: SVGs
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# Patients stay signed in on their phone; staff sessions end after 30 minutes idle
# (clinic.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 90 * 24 * 3600
# Sessions are kept in the database and read through the cache, which every worker
# (and with Redis every server) shares: a logout or an expired staff session ends
# everywhere at once. Reading the session from the database cost 0.25 ms of every
# signed-in request (bench/pages.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
STAFF_SESSION_IDLE_SECONDS = 30 * 60
if env_bool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the proxy, the client's address is the rightmost X-Forwarded-For entry that is
# not one of TRUSTED_PROXIES (clinic.audit.client_address); otherwise REMOTE_ADDR.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY")
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes each app server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    env("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Second factor (django-otp): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Downtime Diary"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Downtime Diary <diary@localhost>")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
# Links in emails point here (emails carry a link, never symptom values or photos).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Web Push (phone notifications; README, "Phone app, notifications and offline
# saves"): the VAPID key pair that signs our messages to the browsers' push services
# (`manage.py vapid` makes one) and a contact the push services can write to. Without
# both keys, phone notifications are not offered and every notice goes by email.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:diary@localhost")

# Background tasks (django-tasks; README, "Background tasks and reminders"): every
# email leaves the request through a task. "database" keeps the queue in the app's
# database (`manage.py db_worker` runs it; nothing else to install); "rq" keeps it
# in Redis at REDIS_URL for several app servers (`manage.py rqworker`); "immediate"
# runs each task at once in the process that queued it (tests only: a slow mail
# server would hold the request).
TASK_BACKEND = env("TASK_BACKEND", "database")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured("TASK_BACKEND must be 'database', 'rq' or 'immediate'.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
if TASK_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASK_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
# `manage.py scheduler` queues due reminders every this many seconds, and each
# clinic's daily digest of open cases at DIGEST_HOUR in the clinic's zone.
SCHEDULER_INTERVAL_SECONDS = int(env("SCHEDULER_INTERVAL_SECONDS", "300"))
DIGEST_HOUR = int(env("DIGEST_HOUR", "8"))

# Requests are logged by path and status only: never bodies, symptom values or files.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
