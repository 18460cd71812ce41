from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from billpay_common.redis_client import RedisExtension

redis_ext = RedisExtension()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])  # none: proxy._route_has_no_limits relies on it


def limiter_storage_uri(redis_url):
    """limits names a unix-socket Redis `redis+unix://`."""
    return "redis+unix://" + redis_url[len("unix://") :] if redis_url.startswith("unix://") else redis_url
