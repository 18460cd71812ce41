"""Configuration read from the environment: the one place besides each service's config.py."""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BILLPAY_VAR_DIR", REPO_ROOT / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(service_name):
    """`<SERVICE>_DATABASE_URL`, else a SQLite file of the service's own under var/."""
    return env(f"{service_name.upper()}_DATABASE_URL", f"sqlite:///{VAR_DIR / (service_name + '.db')}")


class BaseConfig:
    SERVICE_NAME = "billpay"
    VAR_DIR = VAR_DIR
    REDIS_URL = env("REDIS_URL", f"unix://{VAR_DIR / 'redis.sock'}")
    REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", "billpay:")
    AUTH_SERVICE_URL = env("AUTH_SERVICE_URL", "http://127.0.0.1:8001")
    INVOICE_SERVICE_URL = env("INVOICE_SERVICE_URL", "http://127.0.0.1:8002")
    PAYMENT_SERVICE_URL = env("PAYMENT_SERVICE_URL", "http://127.0.0.1:8003")
    NOTIFICATION_SERVICE_URL = env("NOTIFICATION_SERVICE_URL", "http://127.0.0.1:8004")
    OPS_API_KEY = env("OPS_API_KEY", "")
    SERVICE_API_KEY = env("SERVICE_API_KEY", "")
    TOKEN_ISSUER = "billpay-auth"
    TOKEN_AUDIENCE = "billpay"
    HTTP_TIMEOUT_SECONDS = float(env("HTTP_TIMEOUT_SECONDS", "5"))
    LOG_LEVEL = env("LOG_LEVEL", "INFO")
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
    MAX_CONTENT_LENGTH = 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # flask-smorest: one OpenAPI document per service at /openapi.json
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    COMPANY_NAME = env("COMPANY_NAME", "Dean Smith Security")
    COMPANY_ADDRESS = env("COMPANY_ADDRESS", "100 Clinton Square, Syracuse, NY 13202")
    COMPANY_PHONE = env("COMPANY_PHONE", "1-844-837-5321")
    TESTING = False
