"""invoice_service's settings (the environment, typed) and Flask config."""

from pydantic import field_validator

from billpay_common.config import BaseConfig
from billpay_common.service_auth import parse_callers
from billpay_common.settings import BackendSettings, database_url_setting, setting


class InvoiceSettings(BackendSettings):
    label = "invoice_service"

    INVOICE_SERVICE_DATABASE_URL: str = database_url_setting("invoice_service")
    RESERVATION_TTL_SECONDS: int = setting(
        1800, "how long a payment's reserved amounts hold before they stop counting", gt=0
    )
    INVOICE_IMPORT_BATCH_SIZE: int = setting(2000, "rows per transaction in the bulk import", gt=0)
    INVOICE_SERVICE_CALLERS: str = setting(
        "",
        "the services whose keys the internal endpoints accept, as `payment_service=<SHA-256 hex of its key>` "
        "(comma-separated; one caller twice while its key is rotated); empty: every internal call is refused",
        secret=True,
        local_default=True,
        shown="derived in `make run` from `PAYMENT_SERVICE_KEY`",
    )

    @field_validator("INVOICE_SERVICE_CALLERS")
    @classmethod
    def _callers(cls, value):
        parse_callers(value)
        return value

    def flask_config(self):
        return {**super().flask_config(), "SQLALCHEMY_DATABASE_URI": self.INVOICE_SERVICE_DATABASE_URL}


class Config(BaseConfig):
    settings_class = InvoiceSettings
    SERVICE_NAME = "invoice_service"
    API_TITLE = "Bill Pay invoice_service"
    INVOICE_HISTORY_MONTHS = 24
    SERVICE_CALLERS_SETTING = "INVOICE_SERVICE_CALLERS"
