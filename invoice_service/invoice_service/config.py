"""invoice_service's settings (the environment, typed) and Flask config."""

from billpay_common.config import BaseConfig
from billpay_common.settings import BillPaySettings, database_url_setting, setting


class InvoiceSettings(BillPaySettings):
    label = "invoice_service"

    INVOICE_SERVICE_DATABASE_URL: str = database_url_setting("invoice_service")
    RESERVATION_TTL_SECONDS: int = setting(
        1800, "how long a payment's reserved amounts hold before they stop counting", gt=0
    )
    INVOICE_IMPORT_BATCH_SIZE: int = setting(2000, "rows per transaction in the bulk import", gt=0)

    def flask_config(self):
        return {**super().flask_config(), "SQLALCHEMY_DATABASE_URI": self.INVOICE_SERVICE_DATABASE_URL}


class Config(BaseConfig):
    settings_class = InvoiceSettings
    SERVICE_NAME = "invoice_service"
    API_TITLE = "Bill Pay invoice_service"
    INVOICE_HISTORY_MONTHS = 24
