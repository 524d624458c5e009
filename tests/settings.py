"""Settings for the test suite: the real settings with fast password hashing and plain static
files (no collectstatic manifest needed). The database still comes from DATABASE_URL, so the
same suite runs on SQLite and PostgreSQL."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from clinic.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # served from the apps' static folders by the test servers
# Operators are not made to set up two-step sign-in unless a test turns this on
# (tests/test_two_step.py does); the rest of the suite signs people in with force_login.
TWO_STEP_REQUIRED_FOR_OPERATORS = False

# Each run has its own PDF render places: parallel suites on one machine never wait on each other.
PDF_RENDER_PLACES_DIR = tempfile.mkdtemp(prefix="pdf-render-places-")
PDF_RENDER_PROCESS = False  # renders in the test's own process; test_pdf_pool.py turns it on
