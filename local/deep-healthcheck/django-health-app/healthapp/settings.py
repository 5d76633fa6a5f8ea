"""Settings of the tiny django-health-check app the deepHealthcheck tests (and the sandbox) probe.

Driven by environment variables set by start.ts:
  HEALTH_APP_DATA_DIR  temp dir for the SQLite database and the media files
  HEALTH_APP_MODE      healthy | db-broken | migrations-pending | cache-broken | degraded
  HEALTH_CHECK_TOKEN   when set, /ht/ answers 401 without "Authorization: Bearer <token>"
"""
import os
import secrets

DATA_DIR = os.environ["HEALTH_APP_DATA_DIR"]
MODE = os.environ.get("HEALTH_APP_MODE", "healthy")

SECRET_KEY = secrets.token_hex(32)
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "healthapp.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "health_check",
    "health_check.db",
    "health_check.cache",
    "health_check.storage",
    "health_check.contrib.migrations",
]

# degraded: a warning that is not an error, and a failing check that is not critical (HTTP 200).
if MODE == "degraded":
    INSTALLED_APPS.append("healthapp.degraded.apps.DegradedChecksConfig")
    HEALTH_CHECK = {"WARNINGS_AS_ERRORS": False}

MIDDLEWARE = ["healthapp.token.HealthCheckTokenMiddleware"]

# db-broken: the database file sits in a directory that does not exist, so every query fails.
_db_dir = os.path.join(DATA_DIR, "missing-dir") if MODE == "db-broken" else DATA_DIR
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(_db_dir, "app.sqlite3")}}

CACHES = {
    "default": {
        "BACKEND": "healthapp.broken_cache.BrokenCache"
        if MODE == "cache-broken"
        else "django.core.cache.backends.locmem.LocMemCache",
    }
}

MEDIA_ROOT = os.path.join(DATA_DIR, "media")
DEFAULT_FILE_STORAGE = "django.core.files.storage.FileSystemStorage"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
LOGGING = {"version": 1, "disable_existing_loggers": True}
