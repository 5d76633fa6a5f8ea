"""Checks of the `degraded` mode: the app answers 200 although two checks are not working.

- DiskUsageWarning raises ServiceWarning; with HEALTH_CHECK["WARNINGS_AS_ERRORS"] = False
  django-health-check does not count it as an error (health_check/mixins.py).
- SearchIndexCheck fails with ServiceUnavailable but is not critical (critical_service = False),
  so it never turns the answer into a 500 (health_check/backends.py).
"""
from django.apps import AppConfig

from health_check.backends import BaseHealthCheckBackend
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.plugins import plugin_dir


class DiskUsageWarning(BaseHealthCheckBackend):
    def check_status(self):
        raise ServiceWarning("91 % of /tmp used")


class SearchIndexCheck(BaseHealthCheckBackend):
    critical_service = False

    def check_status(self):
        raise ServiceUnavailable("search index unreachable")


class DegradedChecksConfig(AppConfig):
    name = "healthapp.degraded"
    label = "degraded_checks"

    def ready(self):
        plugin_dir.register(DiskUsageWarning)
        plugin_dir.register(SearchIndexCheck)
