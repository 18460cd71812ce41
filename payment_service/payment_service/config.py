from billpay_common.config import BaseConfig, database_url, env, env_int


def _engine_options(url):
    options = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        # Writers queue on SQLite's lock instead of failing after pysqlite's 5 s default.
        options["connect_args"] = {"timeout": 30}
    return options


class Config(BaseConfig):
    SERVICE_NAME = "payment_service"
    API_TITLE = "Bill Pay payment_service"
    SQLALCHEMY_DATABASE_URI = database_url("payment_service")
    SQLALCHEMY_ENGINE_OPTIONS = _engine_options(SQLALCHEMY_DATABASE_URI)
    # "module:Class" of the card processor adapter; the sandbox needs no network.
    PAYMENT_PROCESSOR = env("PAYMENT_PROCESSOR", "payment_service.processor.sandbox:SandboxProcessor")
    PROCESSOR_TIMEOUT_SECONDS = float(env("PROCESSOR_TIMEOUT_SECONDS", "20"))
    IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24)
    # How long a second request with a key in use waits for the first one's answer before a 409.
    IDEMPOTENCY_WAIT_SECONDS = float(env("IDEMPOTENCY_WAIT_SECONDS", "10"))
    # A pending payment is looked up at the processor only after this long (gateways settle late).
    RECONCILE_AFTER_SECONDS = env_int("RECONCILE_AFTER_SECONDS", 60)
    # A payment stuck in "processing" (its process died mid-call) is reconciled after this long.
    STALE_PROCESSING_SECONDS = env_int("STALE_PROCESSING_SECONDS", 600)
    WORKER_INTERVAL_SECONDS = float(env("WORKER_INTERVAL_SECONDS", "2"))
    EXPIRY_NOTICE_DAYS = env_int("EXPIRY_NOTICE_DAYS", 30)
