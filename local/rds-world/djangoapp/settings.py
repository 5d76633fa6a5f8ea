"""Settings of the Django project the RDS-shaped test world migrates (see ../index.ts).

Everything comes from the environment so that `manage.py migrate` runs exactly as a deployment
runs it: connected AS THE APP USER, which therefore owns the tables and sequences it creates.
  WORLD_DB_ENGINE  postgres | mysql
  WORLD_DB_HOST, WORLD_DB_PORT, WORLD_DB_NAME, WORLD_DB_USER, WORLD_DB_PASSWORD
"""
import os

SECRET_KEY = "rds-world-not-a-secret"
DEBUG = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shop",
]
DATABASES = {
    "default": {
        "ENGINE": {
            "postgres": "django.db.backends.postgresql",
            "mysql": "django.db.backends.mysql",
        }[os.environ["WORLD_DB_ENGINE"]],
        "HOST": os.environ["WORLD_DB_HOST"],
        "PORT": os.environ["WORLD_DB_PORT"],
        "NAME": os.environ["WORLD_DB_NAME"],
        "USER": os.environ["WORLD_DB_USER"],
        "PASSWORD": os.environ["WORLD_DB_PASSWORD"],
    }
}
LOGGING = {"version": 1, "disable_existing_loggers": True}
