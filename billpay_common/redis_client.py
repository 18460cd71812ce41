"""One Redis connection pool per process, from REDIS_URL (tcp or unix socket)."""

import dataclasses

import redis
from flask import current_app, has_app_context
from redis.backoff import NoBackoff
from redis.retry import Retry


def connect(url):
    """One quick retry (a dropped pooled connection), no long back-off: a Redis outage must answer fast."""
    return redis.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=1, health_check_interval=30, retry=Retry(NoBackoff(), 1)
    )


@dataclasses.dataclass
class _AppRedis:
    client: redis.Redis | None
    prefix: str


class RedisExtension:
    """`redis_ext.client` is the current app's Redis; keys go through `key()` so a prefix keeps tenants apart.
    Each app keeps its own (in `app.extensions`), so two apps in one process never share a prefix; outside an
    app context the last app set up answers."""

    def __init__(self):
        self._last = _AppRedis(client=None, prefix="billpay:")

    def init_app(self, app):
        self._last = _AppRedis(client=connect(app.config["REDIS_URL"]), prefix=app.config["REDIS_KEY_PREFIX"])
        app.extensions["billpay_redis"] = self._last

    def _state(self):
        if has_app_context():
            return current_app.extensions.get("billpay_redis", self._last)
        return self._last

    @property
    def client(self):
        return self._state().client

    @property
    def prefix(self):
        return self._state().prefix

    def key(self, *parts):
        return self.prefix + ":".join(str(part) for part in parts)
