"""Starts the health app: prepares the database for the mode, then serves on 127.0.0.1.

Prints one JSON line {"port": N} once listening (port 0 in HEALTH_APP_PORT picks a free one).
Run with /usr/bin/python3 (Debian's python3-django and python3-django-health-check).
"""
import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthapp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

mode = os.environ.get("HEALTH_APP_MODE", "healthy")
if mode in ("healthy", "cache-broken", "degraded"):
    call_command("migrate", verbosity=0, interactive=False)
elif mode == "migrations-pending":
    # Only the health check's own table: the DB check works, contenttypes' migrations stay pending.
    call_command("migrate", "db", verbosity=0, interactive=False)
elif mode != "db-broken":
    sys.exit("unknown HEALTH_APP_MODE %r" % mode)


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


httpd = make_server(
    "127.0.0.1",
    int(os.environ.get("HEALTH_APP_PORT", "0")),
    get_wsgi_application(),
    server_class=ThreadingServer,
    handler_class=QuietHandler,
)
print(json.dumps({"port": httpd.server_port}), flush=True)
try:
    httpd.serve_forever()
except KeyboardInterrupt:
    pass
