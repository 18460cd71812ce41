"""notification_service's settings (the environment, typed) and Flask config."""

from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_settings import NoDecode

from billpay_common.config import BaseConfig
from billpay_common.settings import BackendSettings, database_url_setting, setting


def _comma_separated(value):
    return tuple(part for part in value.split(",") if part.strip()) if isinstance(value, str) else value


Delays = Annotated[tuple[Annotated[float, Field(ge=0)], ...], NoDecode, BeforeValidator(_comma_separated)]


class NotificationSettings(BackendSettings):
    label = "notification_service"

    NOTIFICATION_SERVICE_DATABASE_URL: str = database_url_setting("notification_service")
    SMTP_URL: str = setting(
        "smtp://127.0.0.1:8025",
        "where the worker sends e-mail: `smtp://host:port`, "
        "`smtp+starttls://user:pass@host:587` or `smtps://user:pass@host:465`",
        secret=True,
        local_default=True,
        shown="`smtp://127.0.0.1:8025` (the local sink `make run` starts)",
    )
    SMTP_TIMEOUT_SECONDS: float = setting(10.0, "the worker's SMTP timeout", gt=0)
    MAIL_FROM: str = setting("billing@example.com", "the From address of every e-mail")
    RETRY_DELAYS_SECONDS: Delays = setting(
        (10.0, 60.0, 300.0, 1800.0),
        "back-off between SMTP attempts (±20 % jitter); then the job is a dead letter",
        min_length=1,
    )
    # Keep it well above SMTP_TIMEOUT_SECONDS so a slow but living worker is never overtaken.
    CLAIM_IDLE_SECONDS: float = setting(
        60.0, "a job unacknowledged this long (its worker died) is taken over by another", gt=0
    )
    WORKER_BLOCK_MS: int = setting(2000, "how long a worker's read of the queue waits", gt=0)
    WORKER_BATCH_SIZE: int = setting(20, "jobs a worker reads at once", gt=0)
    DELIVERY_LOG_RETENTION_DAYS: int = setting(
        90, "sent e-mails older than this leave the delivery log (once a day; dead letters stay)", gt=0
    )

    def flask_config(self):
        return {**super().flask_config(), "SQLALCHEMY_DATABASE_URI": self.NOTIFICATION_SERVICE_DATABASE_URL}


class Config(BaseConfig):
    settings_class = NotificationSettings
    SERVICE_NAME = "notification_service"
    API_TITLE = "Bill Pay notification_service"
