from billpay_common.config import BaseConfig, database_url, env, env_int


def _delays(text):
    return tuple(float(part) for part in text.split(",") if part.strip())


class Config(BaseConfig):
    SERVICE_NAME = "notification_service"
    API_TITLE = "Bill Pay notification_service"
    SQLALCHEMY_DATABASE_URI = database_url("notification_service")
    SMTP_URL = env("SMTP_URL", "smtp://127.0.0.1:8025")
    SMTP_TIMEOUT_SECONDS = float(env("SMTP_TIMEOUT_SECONDS", "10"))
    MAIL_FROM = env("MAIL_FROM", "billing@example.com")
    # Temporary SMTP failures wait these many seconds (with jitter) before the next attempt; then dead letter.
    RETRY_DELAYS_SECONDS = _delays(env("RETRY_DELAYS_SECONDS", "10,60,300,1800"))
    # A job (and its "sending" claim) idle this long belongs to a dead worker and is taken over.
    # Keep it well above SMTP_TIMEOUT_SECONDS so a slow but living worker is never overtaken.
    CLAIM_IDLE_SECONDS = float(env("CLAIM_IDLE_SECONDS", "60"))
    WORKER_BLOCK_MS = env_int("WORKER_BLOCK_MS", 2000)
    WORKER_BATCH_SIZE = env_int("WORKER_BATCH_SIZE", 20)
    # Sent e-mails are kept in the delivery log this long (ops look them up, resend them), then a worker drops them.
    DELIVERY_LOG_RETENTION_DAYS = env_int("DELIVERY_LOG_RETENTION_DAYS", 90)
    # Test-only: wait this long after claiming a job and before sending it, so a test can kill the worker there.
    PAUSE_BEFORE_SEND_SECONDS = float(env("NOTIFICATION_TEST_PAUSE_BEFORE_SEND_SECONDS", "0"))
