"""Token check in front of /ht/, as apps do with HEALTH_CHECK_TOKEN (header: Authorization: Bearer <token>)."""
import hmac
import os

from django.http import HttpResponse


class HealthCheckTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.token = os.environ.get("HEALTH_CHECK_TOKEN", "")

    def __call__(self, request):
        if self.token:
            given = request.META.get("HTTP_AUTHORIZATION", "")
            if not hmac.compare_digest(given, "Bearer " + self.token):
                return HttpResponse("invalid or missing health check token", status=401, content_type="text/plain")
        return self.get_response(request)
