from billpay_common.config import BaseConfig, env, env_bool, env_int


class Config(BaseConfig):
    SERVICE_NAME = "gateway"
    API_TITLE = "Bill Pay gateway"
    SECRET_KEY = env("SESSION_SECRET_KEY", "")
    SESSION_COOKIE_NAME = "billpay_session"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 900)
    LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "60 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    OPENAPI_URL_PREFIX = None  # the gateway serves the composed public document itself (openapi.py)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which expires after 15 idle minutes
    WTF_CSRF_SSL_STRICT = True
    INTERNAL_PORT = env_int("INTERNAL_PORT", 0)  # the operators' listener (/metrics, /readyz with reasons); 0: none
