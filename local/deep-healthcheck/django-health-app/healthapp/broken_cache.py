"""A cache whose server is unreachable, like a Redis/Memcached that went away."""
from django.core.cache.backends.base import BaseCache


class BrokenCache(BaseCache):
    def __init__(self, location=None, params=None):
        super().__init__(params or {})

    def _fail(self, *args, **kwargs):
        raise ConnectionError("Connection refused (cache server unreachable)")

    add = get = set = touch = delete = clear = _fail
