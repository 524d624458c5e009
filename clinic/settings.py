"""Settings, read from the environment (see README "Configuration").

Every value is parsed strictly by clinic.env: a bad value stops start-up with a message that
names the variable.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from clinic.env import (
    EnvError,
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode-never-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off (a comma-separated list of host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "clinic",
    "exercises",
    "programs",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.languages.LanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.middleware.SessionLimitsMiddleware",
    "clinic.two_step.middleware.TwoStepMiddleware",
    "clinic.audit.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clinic.middleware.NoStoreForSignedInMiddleware",
]
# The benchmark's query counts (manage.py bench, clinic/querycount.py): left out unless asked
# for, and then first, so the session's own queries count too.
if env_bool("QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "clinic.querycount.QueryCountMiddleware")

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "clinic.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clinic.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Health data: short idle sessions, by role, and an absolute limit for everyone
# (clinic.middleware.SessionLimitsMiddleware). The cookie itself lives no longer than the limit.
SESSION_IDLE_MINUTES_STAFF = env_int("SESSION_IDLE_MINUTES_STAFF", 15, minimum=5, maximum=24 * 60)
SESSION_IDLE_MINUTES_PATIENT = env_int(
    "SESSION_IDLE_MINUTES_PATIENT", 30, minimum=5, maximum=24 * 60
)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1, maximum=72)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7, minimum=1, maximum=30)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Limits that keep one person from tying up the app or filling someone's inbox (clinic/forms.py
# Quota). Their counts are kept in the cache, and the cache is a table in the database: every
# app server and worker process then sees the same count, which a process's own memory would
# not, and no other service has to run. The table is made by migration clinic 0008.
PDF_RENDERS_AT_ONCE = env_int("PDF_RENDERS_AT_ONCE", 2, minimum=1, maximum=20)
PDF_RENDERS_PER_MINUTE = env_int("PDF_RENDERS_PER_MINUTE", 6, minimum=1, maximum=120)
# PDFs rendering at once on one machine, whoever asked (programs/render_limits.py): a render
# keeps a core busy, so by default one core is always left for the other pages.
PDF_RENDERS_OVERALL = env_int(
    "PDF_RENDERS_OVERALL", max(1, (os.cpu_count() or 1) - 1), minimum=1, maximum=64
)
PDF_RENDER_WAIT_SECONDS = env_int("PDF_RENDER_WAIT_SECONDS", 5, minimum=0, maximum=60)
PDF_RENDER_PLACES_DIR = env_str("PDF_RENDER_PLACES_DIR", "")  # empty: one in the temp folder
# Render in a process of each worker's own, not in the request's thread (programs/pdf_pool.py).
PDF_RENDER_PROCESS = env_bool("PDF_RENDER_PROCESS", True)
PASSWORD_RESETS_PER_EMAIL_HOUR = env_int("PASSWORD_RESETS_PER_EMAIL_HOUR", 3, minimum=1, maximum=50)
PASSWORD_RESETS_PER_ADDRESS_HOUR = env_int(
    "PASSWORD_RESETS_PER_ADDRESS_HOUR", 10, minimum=1, maximum=500
)
INVITATIONS_PER_RECIPIENT_HOUR = env_int("INVITATIONS_PER_RECIPIENT_HOUR", 3, minimum=1, maximum=50)
INVITATIONS_PER_SENDER_HOUR = env_int("INVITATIONS_PER_SENDER_HOUR", 60, minimum=1, maximum=500)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "clinic_cache",
        # Culling deletes live entries too once the table is full: keep it well above the
        # tokens an hour can hold, so a limit is never forgotten early.
        "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
    }
}

# Two-step sign-in (clinic/two_step/): operators must use it in production; a clinic admin can
# require it of their clinic's staff (Clinic.two_step_required); patients may turn it on.
TWO_STEP_REQUIRED_FOR_OPERATORS = env_bool("TWO_STEP_REQUIRED_FOR_OPERATORS", not DEBUG)
OTP_TOTP_ISSUER = "Physio HEP"  # the name the authenticator app shows beside the code
# The physio admin never shows a person's secret key, QR code or recovery codes: an operator
# can remove a lost device, not copy it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
# The languages a patient can read the portal, emails and handouts in. Interface text is in
# message files under locale/ (make messages writes them, the build compiles them); the library's
# text is in exercises/library/<language>/. Adding a language: add it here, then both.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["clinic.formats"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Files. Public media (exercise pictures, clinic logos: random names, no health data) is served
# by the app at MEDIA_URL (clinic/media.py). Private documents (discharge summaries) have a
# storage of their own, outside every served folder, and leave it only through the download
# views, which check access (clinic/storage.py). Both are local folders unless a bucket is named
# (S3 or compatible, through django-storages); the bucket's credentials are read by boto3 from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(BASE_DIR / "documents")))
for _served in [MEDIA_ROOT, STATIC_ROOT, *STATICFILES_DIRS]:
    if DOCUMENTS_ROOT.resolve().is_relative_to(Path(_served).resolve()) or Path(
        _served
    ).resolve().is_relative_to(DOCUMENTS_ROOT.resolve()):
        raise EnvError(
            "DOCUMENTS_ROOT", str(DOCUMENTS_ROOT), f"a folder apart from {_served}, which is served"
        )
MEDIA_BUCKET = env_str("MEDIA_BUCKET", "")
DOCUMENTS_BUCKET = env_str("DOCUMENTS_BUCKET", "")
if DOCUMENTS_BUCKET and DOCUMENTS_BUCKET == MEDIA_BUCKET:
    raise EnvError("DOCUMENTS_BUCKET", DOCUMENTS_BUCKET, "a bucket apart from MEDIA_BUCKET")
_S3_OPTIONS = {
    option: value
    for option, value in [
        ("endpoint_url", env_str("AWS_S3_ENDPOINT_URL", "")),
        ("region_name", env_str("AWS_S3_REGION_NAME", "")),
    ]
    if value
}
STORAGES = {
    # Pictures in a bucket are still linked at /media/ and streamed by the app, so pages load
    # them from their own origin (see the Content-Security-Policy) and the bucket stays private.
    "default": {
        "BACKEND": "clinic.storage.BucketMedia",
        "OPTIONS": {**_S3_OPTIONS, "bucket_name": MEDIA_BUCKET, "file_overwrite": False},
    }
    if MEDIA_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents are streamed by the app and never linked: private objects, no signed URLs.
    "documents": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": DOCUMENTS_BUCKET,
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    if DOCUMENTS_BUCKET
    else {"BACKEND": "clinic.storage.DocumentStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

globals().update(env_email("EMAIL_URL", "console:"))
DEFAULT_FROM_EMAIL = globals().get("DEFAULT_FROM_EMAIL", "Physio HEP <no-reply@localhost>")
# Emails are sent inside the transaction they belong to (an invitation is only made if its email
# went out), so a hanging mail server must not hold those locks for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)

# Secure headers. In production (DEBUG off) HTTPS is assumed; a proxy that terminates TLS must
# send X-Forwarded-Proto and set SECURE_PROXY_SSL_HEADER=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): the pages load scripts, styles, images and fonts from the
# app's own origin only, and no inline script, style element or style attribute runs, so injected
# markup cannot execute. Templates keep their behaviour in static/js and their looks in
# static/css; tests/test_security_headers.py and the browser journeys hold them to it.
# img-src allows data: because Bootstrap's CSS draws its small icons (menu, select arrow, check
# marks) as data: SVG. The handout PDFs are rendered server-side and are not subject to this.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The app's own loggers speak at LOG_LEVEL; Django and other libraries only from WARNING (from
# DEBUG when LOG_LEVEL=DEBUG). No log line holds a name, an address or health data: objects are
# named by id.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise EnvError("LOG_LEVEL", LOG_LEVEL, "one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
_LIBRARY_LOG_LEVEL = "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _LIBRARY_LOG_LEVEL},
    "loggers": {
        "clinic": {"level": LOG_LEVEL},
        "exercises": {"level": LOG_LEVEL},
        "programs": {"level": LOG_LEVEL},
        "django": {"level": _LIBRARY_LOG_LEVEL},
        # Its DEBUG lines are SQL with parameters: patients' names and notes.
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every layout step at INFO; its warnings still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
