from billpay_common.config import BaseConfig, database_url, env_int


class Config(BaseConfig):
    SERVICE_NAME = "invoice_service"
    API_TITLE = "Bill Pay invoice_service"
    SQLALCHEMY_DATABASE_URI = database_url("invoice_service")
    RESERVATION_TTL_SECONDS = env_int("RESERVATION_TTL_SECONDS", 1800)
    INVOICE_HISTORY_MONTHS = 24
    IMPORT_BATCH_SIZE = env_int("INVOICE_IMPORT_BATCH_SIZE", 2000)
