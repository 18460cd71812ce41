"""Typed settings from the environment: the only code in the services that reads it.

Each service's config.py subclasses BillPaySettings (what every service reads); deploy/gunicorn.conf.py and
deploy/probe.py read ServerSettings. pydantic-settings rather than os.environ look-ups because each field is
typed and validated, so a wrong value stops the process at start with one line naming the variable
(read_settings), and because the fields can be listed with their defaults and descriptions: the README's
Configuration table is printed from them (billpay_common.settings_table) and tests check Compose and the
Kubernetes ConfigMaps and Secrets against them. Field names are the variable names and the Flask config keys.
"""

import importlib
import sys
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = REPO_ROOT / "var"
# gunicorn's "App failed to load" code: a worker exiting with it halts the master instead of being respawned.
SETTINGS_ERROR_EXIT = 4

LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
    BeforeValidator(lambda value: value.strip().upper() if isinstance(value, str) else value),
]


def setting(
    default=None, description="", *, secret=False, local_default=False, shown=None, factory=None, **constraints
):
    """A field with the facts the docs and deploy checks need: secret (only from a Secret, never printed),
    local_default (the default suits one developer machine only, so every deployment sets it) and the default
    as the README shows it."""
    extra = {"secret": secret, "local_default": local_default}
    if shown is not None:
        extra["shown_default"] = shown
    if factory is not None:
        return Field(default_factory=factory, description=description, json_schema_extra=extra, **constraints)
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def under_var_dir(template):
    """A default made from BILLPAY_VAR_DIR, e.g. under_var_dir("unix://{}/redis.sock")."""
    return lambda data: template.format(data.get("BILLPAY_VAR_DIR", DEFAULT_VAR_DIR))


def database_url_setting(service_name):
    return setting(
        description="the service's database (PostgreSQL in production: `postgresql+psycopg://...`)",
        secret=True,
        local_default=True,
        factory=under_var_dir("sqlite:///{}/" + f"{service_name}.db"),
    )


class EnvironmentSettings(BaseSettings):
    """Variable names are field names, as written; an empty variable counts as unset."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True, env_ignore_empty=True)

    LOG_LEVEL: LogLevel = setting("INFO", "JSON logs on stderr, one line per request")
    PROMETHEUS_MULTIPROC_DIR: Path | None = setting(
        None, "a writable folder: `/metrics` then sums every gunicorn process", shown="unset"
    )


class BillPaySettings(EnvironmentSettings):
    """What every service reads."""

    label: ClassVar[str] = "every service"

    BILLPAY_VAR_DIR: Path = setting(DEFAULT_VAR_DIR, "where the embedded defaults keep their files", shown="`var/`")
    REDIS_URL: str = setting(
        description="Redis for queues, sessions, rate limits, token revocation",
        secret=True,
        local_default=True,
        factory=under_var_dir("unix://{}/redis.sock"),
        shown="`unix://var/redis.sock` (started by `make run`)",
    )
    REDIS_KEY_PREFIX: str = setting("billpay:", "prefix of every Redis key (lets several stacks share one Redis)")
    AUTH_SERVICE_URL: str = setting("http://127.0.0.1:8001", "where auth_service is reached", local_default=True)
    INVOICE_SERVICE_URL: str = setting("http://127.0.0.1:8002", "where invoice_service is reached", local_default=True)
    PAYMENT_SERVICE_URL: str = setting("http://127.0.0.1:8003", "where payment_service is reached", local_default=True)
    NOTIFICATION_SERVICE_URL: str = setting(
        "http://127.0.0.1:8004", "where notification_service is reached", local_default=True
    )
    HTTP_TIMEOUT_SECONDS: float = setting(5.0, "timeout of every call between services", gt=0)
    TRUSTED_PROXY_COUNT: int = setting(0, "how many proxies in front may set `X-Forwarded-*`", ge=0)
    COMPANY_NAME: str = setting("Dean Smith Security", "shown on pages, PDFs and e-mails")
    COMPANY_ADDRESS: str = setting("100 Clinton Square, Syracuse, NY 13202", "shown on pages, PDFs and e-mails")
    COMPANY_PHONE: str = setting("1-844-837-5321", "shown on pages, PDFs and e-mails")

    def flask_config(self):
        """The Flask config keys: every field under its own name, plus the keys Flask's extensions expect. A
        service's settings class adds its own (its database URL, its engine options over these)."""
        return {**self.model_dump(), "SQLALCHEMY_ENGINE_OPTIONS": {}}  # idle connections: billpay_common.database


class BackendSettings(BillPaySettings):
    """What every service behind the gateway reads (and the internet-facing gateway does not)."""

    label: ClassVar[str] = "every service but the gateway"

    EMAIL_DAILY_LIMIT_PER_ACCOUNT: int = setting(
        10,
        'invoices e-mailed ("E-mail this invoice") plus receipts sent to an address other than the account\'s '
        "own, per account per UTC day; over it: 429 saying when it resets",
        ge=1,
    )
    EMAIL_DAILY_LIMIT_PER_RECIPIENT: int = setting(
        5,
        "the same e-mails to one address per UTC day, whichever accounts send them",
        ge=1,
    )


class ServerSettings(EnvironmentSettings):
    """What deploy/gunicorn.conf.py and deploy/probe.py read."""

    label: ClassVar[str] = "gunicorn (`deploy/gunicorn.conf.py`)"

    PORT: int = setting(
        8000,
        "the port the service listens on",
        shown="per service (`8000` … `8004`)",
        ge=1,
        le=65535,
        local_default=True,
    )
    HOST: str = setting("0.0.0.0", "the address the service listens on")
    WEB_CONCURRENCY: int = setting(2, "gunicorn processes", ge=1)
    GUNICORN_THREADS: int = setting(4, "threads per gunicorn process", ge=1)
    GUNICORN_TIMEOUT: int = setting(30, "seconds a request may take before its process is restarted", ge=0)
    GUNICORN_MAX_REQUESTS: int = setting(0, "requests after which a process is replaced (0: never)", ge=0)
    FORWARDED_ALLOW_IPS: str = setting("127.0.0.1", "addresses gunicorn takes `X-Forwarded-For` from")
    INTERNAL_PORT: int = setting(
        0,
        "a second listener for operators, never published: the gateway serves "
        "`/metrics` and `/readyz` with reasons only there (0: none)",
        ge=0,
        le=65535,
    )
    CONSOLE_PORT: int = setting(
        0,
        "the gateway's listener for the office console (staff pages), never published to the internet: the "
        "console is served there only, and nothing else is (0: no console)",
        ge=0,
        le=65535,
    )


def read_settings(settings_class):
    """The settings from the environment; a wrong value prints one line naming the variable and exits."""
    try:
        return settings_class()
    except ValidationError as error:
        problem = "; ".join(_describe(settings_class, item) for item in error.errors())
    except SettingsError as error:
        problem = str(error)
    print(f"invalid setting: {problem}".replace("\n", " "), file=sys.stderr, flush=True)
    raise SystemExit(SETTINGS_ERROR_EXIT)


def _describe(settings_class, item):
    name, *position = item["loc"] or ("?",)
    field = settings_class.model_fields.get(name)
    secret = field is not None and (field.json_schema_extra or {}).get("secret")
    where = "".join(f"[{part}]" for part in position)
    value = "" if secret else f"={item['input']!r}"
    return f"{name}{where}{value}: {item['msg']}"


def check_app_settings(app_uri):
    """Read the settings of the service an app URI names ("auth_service:create_app()"); gunicorn's master
    calls it, so that a wrong value stops the server before it forks, in one line rather than one per worker."""
    package = app_uri.split(":")[0].split(".")[0]
    read_settings(importlib.import_module(f"{package}.config").Config.settings_class)
