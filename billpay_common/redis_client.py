"""One Redis connection pool per process, from REDIS_URL (tcp or unix socket)."""

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def connect(url):
    """One quick retry (a dropped pooled connection), no long back-off: a Redis outage must answer fast."""
    return redis.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=1, health_check_interval=30, retry=Retry(NoBackoff(), 1)
    )


class RedisExtension:
    """`redis_ext.client` is the app's Redis; keys go through `key()` so a prefix keeps tenants apart."""

    def __init__(self):
        self.client = None
        self.prefix = "billpay:"

    def init_app(self, app):
        self.client = connect(app.config["REDIS_URL"])
        self.prefix = app.config["REDIS_KEY_PREFIX"]
        app.extensions["billpay_redis"] = self

    def key(self, *parts):
        return self.prefix + ":".join(str(part) for part in parts)
